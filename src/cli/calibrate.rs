//! `deter calibrate CALIB.toml`: ABC-SMC calibration of model parameters to historical cases
//! (docs/CALIBRATION.md). Writes into `--out DIR`: posterior.csv, diagnostics.csv, state.json
//! (resumable) and report.html.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use clap::Args;

use super::{CANCEL, CliError, scenario_hash, scenario_hash_text};
use crate::calibrate::{self, State, abc, cases, output};
use crate::engine;

#[derive(Args, Debug)]
pub struct CalibrateArgs {
    /// Calibration file (TOML; docs/CALIBRATION.md).
    pub file: PathBuf,
    /// Output directory: posterior.csv, diagnostics.csv, state.json, report.html.
    #[arg(long, default_value = "calibration")]
    pub out: PathBuf,
    /// Continue from DIR/state.json left by an interrupted calibration (same file and seed).
    #[arg(long)]
    pub resume: bool,
    // Worker threads (help: the range from `THREADS`, as every command's --threads).
    #[arg(long, default_value_t = 0, allow_negative_numbers = true,
          help = super::THREADS.help("Worker threads", " (0 = all cores); results do not depend on it"),
          value_parser = super::parse_threads)]
    pub threads: usize,
    /// Leave this case (its record's `id`) out of the calibration and only predict it
    /// (leave-one-case-out); repeatable.
    #[arg(long, value_name = "CASE_ID")]
    pub hold_out: Vec<String>,
    /// Fix a parameter for the whole calibration, on top of the file's `set` table (e.g.
    /// model.fait_accompli=1); repeatable; the paths and checks of `deter run --set`.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
    /// No progress bar and no per-generation lines.
    #[arg(long, short)]
    pub quiet: bool,
    /// Replace the results of another calibration in --out (its state.json is of another
    /// calibration file, case, `set` value or seed), or start afresh over this calibration
    /// interrupted; without it they are refused.
    #[arg(long)]
    pub force: bool,
    /// Also attribute each case's probabilities to the defenders' military, political and
    /// economic levels ("which level deters") over the report's predictive draws: they
    /// simulate the seven level-removal variants too (8x their work, none of the
    /// calibration's own), and `attribution.json` and the report carry the attribution. Off
    /// by default (the calibration file's `attribution = true` does the same).
    #[arg(long)]
    pub attribution: bool,
}

/// The files a calibration writes into `--out`.
const OUTPUT_FILES: [&str; 5] = [
    "posterior.csv",
    "diagnostics.csv",
    "state.json",
    "report.html",
    "attribution.json",
];

/// Largest state.json read (`--resume`, and the check that `--out` holds this calibration's):
/// a state.json that is `/dev/zero` or a runaway file must not take all memory.
const MAX_STATE_BYTES: usize = 256 << 20;

/// Refuse, unless `--force`, an `--out` whose state.json is not of this calibration
/// (`sha256`): a fresh calibration into it replaced another's posterior, diagnostics, state
/// and report without a word, although `--resume` into it is refused ("the state belongs to
/// another calibration").
///
/// Refuse too, unless `--force`, a fresh start over this calibration interrupted (its state
/// has finished generations and no stop): the same command without `--resume` replaced the
/// finished generations without a word.
fn check_not_another(
    args: &CalibrateArgs,
    prov: &output::Provenance,
    settings: &abc::Settings,
) -> Result<(), CliError> {
    let sha256 = prov.calibration_sha256.as_str();
    let state = args.out.join("state.json");
    if args.resume || args.force || !state.exists() {
        return Ok(());
    }
    // Located at --out, as `deter sweep` refuses to start afresh over an unfinished sweep.
    let at_out = |message: String, help: String| -> CliError {
        super::dir_name_fault(
            "--out",
            &args.out,
            crate::output::DirNameFault { message, help },
        )
    };
    // Not a calibration state at all: said as `--resume` says it. The file read once.
    let text = read_state(&state);
    let damaged = match &text {
        Err(why) => Some(why.clone()),
        Ok(t) => not_a_state(t, prov, settings),
    };
    if let Some(why) = damaged {
        return Err(at_out(
            format!(
                "expected a directory this calibration may start afresh in, found `{}`, whose \
                 `state.json` is not a calibration state ({why})",
                args.out.display()
            ),
            "choose another --out, or add --force to replace it".into(),
        ));
    }
    if let Some(ours) = text.as_ref().ok().and_then(|t| our_state_in(t, sha256)) {
        return match interrupted_generations(&ours) {
            None => Ok(()),
            Some(generations) => Err(at_out(
                format!(
                    "expected a directory this calibration may start afresh in, found `{}`, \
                     which holds this calibration, interrupted after {generations} finished \
                     generation{}",
                    args.out.display(),
                    if generations == 1 { "" } else { "s" },
                ),
                format!(
                    "run `{}` to continue it, or add --force to start afresh over it (its \
                     finished generations are lost)",
                    resume_command(args)
                ),
            )),
        };
    }
    // What differs, where the state says: named parts and settings (`StateFault`'s words).
    let which = match text
        .as_deref()
        .map(|t| output::parse_state(t, prov, settings))
    {
        Ok(Err(fault @ output::StateFault::Another { .. })) => fault.differences().join(", "),
        _ => String::new(),
    };
    let which = if which.is_empty() {
        "another file, case, `set` value or seed".to_string()
    } else {
        format!("it differs in {which}")
    };
    Err(at_out(
        format!(
            "expected a directory of this calibration, found `{}`, which holds the results of \
             another calibration (its `state.json` is not this calibration's: {which})",
            args.out.display()
        ),
        "choose another --out, or add --force to replace them".into(),
    ))
}

/// The state.json `state` as JSON, read with a bound, if it is of the calibration whose
/// hash is `sha256`.
fn our_state(state: &std::path::Path, sha256: &str) -> Option<serde_json::Value> {
    read_state(state)
        .ok()
        .and_then(|t| our_state_in(&t, sha256))
}

/// [`our_state`] of a state's text.
fn our_state_in(text: &str, sha256: &str) -> Option<serde_json::Value> {
    serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .filter(|v| v["calibration_sha256"] == sha256)
}

/// The text of the state file `state`, read with a bound ([`MAX_STATE_BYTES`]), or why it
/// cannot be (too large, unreadable), in the words of [`output::StateFault::Damaged`].
fn read_state(state: &std::path::Path) -> Result<String, String> {
    match crate::scenario::read_bounded(state, MAX_STATE_BYTES) {
        Ok(b) if b.len() > MAX_STATE_BYTES => Err(format!(
            "larger than {MAX_STATE_BYTES} bytes, the limit for calibration state files"
        )),
        Ok(b) => Ok(String::from_utf8_lossy(&b).into_owned()),
        Err(e) => Err(format!("it cannot be read: {e}")),
    }
}

/// The number of finished generations in a state of this calibration (`ours`, from
/// [`our_state`]) when it was interrupted (no `stopped` reason), or None (finished, or none
/// finished).
fn interrupted_generations(ours: &serde_json::Value) -> Option<usize> {
    if !ours["stopped"].is_null() {
        return None;
    }
    let generations = ours["history"].as_array().map_or(0, Vec::len);
    (generations > 0).then_some(generations)
}

/// Why the state `text` is not a calibration state at all (not JSON, another format), the
/// reason [`output::StateFault::Damaged`] gives; None when it is one. A state of this
/// calibration (`prov`, `settings`) is read whole: one whose parts are damaged is not a
/// calibration state either, whichever way it is met.
fn not_a_state(text: &str, prov: &output::Provenance, settings: &abc::Settings) -> Option<String> {
    match output::parse_state(text, prov, settings) {
        Err(output::StateFault::Damaged(why)) => Some(why),
        _ => None,
    }
}

/// `--resume` of a state whose settings differ from the calibration file's: each setting
/// located at its key in the file (at the file when the file leaves it at its default), with
/// the state's value to resume with; and when more than the settings differs (`more`: the
/// file's other content, a record, a case scenario, the fixed values), a last fault saying
/// so, naming them when the state does (`Some(Some(names))`), since setting them back would
/// not make it this calibration.
fn settings_fault(
    file: &std::path::Path,
    state: &std::path::Path,
    changes: &[output::SettingChange],
    more: Option<Option<Vec<String>>>,
    afresh: &str,
) -> CliError {
    let src = std::fs::read_to_string(file).unwrap_or_default();
    let doc = toml::de::DeTable::parse(&src).ok();
    let name = file.display().to_string();
    let mut faults = changes
        .iter()
        .map(|c| {
            let message = format!(
                "expected `{}` = {}, the setting of the calibration in `{}` that --resume \
                 continues, found {}",
                c.key,
                c.state,
                state.display(),
                c.now
            );
            // Raising the generations or lowering the target asks for a longer calibration.
            let longer = match c.key {
                "max_generations" => c.now.as_f64() > c.state.as_f64(),
                "target_tolerance" => c.now.as_f64() < c.state.as_f64(),
                _ => false,
            };
            let help = format!(
                "{}: resume with `{} = {}`, {afresh}",
                if longer {
                    "a calibration cannot be extended with more generations or a lower target: \
                     its settings are part of what it is"
                } else {
                    "a calibration's settings are part of what it is"
                },
                c.key,
                c.state,
            );
            let span = doc
                .as_ref()
                .and_then(|d| d.get_ref().get(c.key).map(|v| v.span()));
            match span {
                Some(span) => crate::scenario::Diagnostic::at(&name, &src, span, c.key, message),
                None => crate::scenario::Diagnostic::file_level(
                    &name,
                    format!(
                        "{message}, its default (the file does not write `{}`)",
                        c.key
                    ),
                ),
            }
            .with_help(Some(help))
        })
        .collect::<Vec<_>>();
    if let Some(named) = more {
        let which = match named {
            Some(named) if !named.is_empty() => named.join(", "),
            _ => "the calibration file's other content, a record or case scenario, or the \
                  fixed values of `set` and --set"
                .to_string(),
        };
        faults.push(
            crate::scenario::Diagnostic::file_level(
                &name,
                format!(
                    "the calibration in `{}` differs besides its settings too (in {which}): \
                     the settings above alone do not make it this calibration",
                    state.display()
                ),
            )
            .with_help(Some(format!(
                "resume it with the files and --set values it was started with, {afresh}"
            ))),
        );
    }
    CliError::Input(crate::scenario::Diagnostics(faults))
}

/// `--resume` where no calibration has written its state: nothing to resume.
fn no_state_to_resume(state: &std::path::Path, out: &std::path::Path) -> CliError {
    super::dir_name_fault(
        "--out",
        out,
        crate::output::DirNameFault {
            message: format!(
                "expected a calibration to --resume, found `{}`, whose `{}` does not exist: no \
                 calibration has run in `{}`",
                out.display(),
                state.display(),
                out.display()
            ),
            help: "leave out --resume to start one".into(),
        },
    )
}

/// The way out of a refused `--resume` of the state `state` by the calibration whose hash is
/// `sha256`: a fresh start over it, which takes `--force` when `check_not_another` would
/// refuse it (the state is not this calibration's).
fn afresh(state: &std::path::Path, sha256: &str) -> &'static str {
    if our_state(state, sha256).is_some_and(|v| interrupted_generations(&v).is_none()) {
        "or leave out --resume to start afresh over it"
    } else {
        "or leave out --resume and add --force to start afresh over it (its results are \
         replaced)"
    }
}

/// SHA-256 of what the posterior depends on: the calibration file's content, every record's
/// content (each as it was read and validated: no file is read a second time; comments and
/// layout aside, `calibrate::content_sha256`) and every
/// validated scenario (after the fixed values, `set` and `--set`, which are also named).
fn calibration_hash(cal: &calibrate::Calibration) -> String {
    calibration_hash_of(cal, &cal.content_sha256)
}

/// [`calibration_hash`] with the calibration file's fingerprint `content` (its whole content,
/// or its content besides the settings).
fn calibration_hash_of(cal: &calibrate::Calibration, content: &str) -> String {
    let mut text = content.to_string();
    for (path, value) in &cal.fixed {
        text.push_str(&format!("\nset {path}={value}"));
    }
    for c in &cal.cases {
        text.push('\n');
        text.push_str(&c.record.content_sha256);
        text.push(' ');
        text.push_str(&scenario_hash(&c.scenario));
        if c.held_out {
            text.push_str(" held out");
        }
    }
    scenario_hash_text(&text)
}

/// The command that continues an interrupted calibration, as an interrupted sweep prints
/// its own (`sweep::record::shell_path`, `shell_word`): the file and `--out` as given, the
/// options the calibration depends on (`--hold-out`, `--set`, `--threads` when given),
/// `--resume`.
fn resume_command(args: &CalibrateArgs) -> String {
    use crate::sweep::record::{shell_path, shell_word};
    let mut words = vec![
        "deter".to_string(),
        "calibrate".into(),
        shell_path(&args.file),
        "--out".into(),
        shell_path(&args.out),
    ];
    for case in &args.hold_out {
        words.extend(["--hold-out".to_string(), shell_word(case)]);
    }
    for set in &args.set {
        words.extend(["--set".to_string(), shell_word(set)]);
    }
    if args.threads != 0 {
        words.extend(["--threads".to_string(), args.threads.to_string()]);
    }
    if args.attribution {
        words.push("--attribution".into());
    }
    words.push("--resume".into());
    words.join(" ")
}

/// An exclusive lock on the output directory `out`, through the directory's own handle (so
/// nothing is added to it), held by the returned handle (`output::lock_exclusive`). Where a
/// directory cannot be opened as a file the lock is skipped.
fn lock_out_dir(out: &std::path::Path) -> Result<Option<std::fs::File>, CliError> {
    let Ok(dir) = std::fs::File::open(out) else {
        return Ok(None);
    };
    crate::output::lock_exclusive(dir, out, "deter calibrate", crate::settings::Caller::Cli)
        .map_err(CliError::Usage)
}

pub fn calibrate(args: &CalibrateArgs) -> Result<(), CliError> {
    if args.resume {
        super::refuse_beside(
            "--resume",
            &[super::switch(args.force, "--force")],
            "--resume continues the calibration whose state.json is in --out, --force replaces \
             another calibration's results there; give --resume to continue it or --force to \
             start afresh over it",
        )?;
    }
    crate::output::check_output_dir(&args.out, "--out")
        .map_err(|f| super::dir_name_fault("--out", &args.out, f))?;
    // `--out x.json` would be created as a directory named `x.json`: refused in the words
    // of `--plots x.svg`.
    let writes = OUTPUT_FILES
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let holds = format!("the calibration's files are written into ({writes})");
    crate::output::check_dir_name(&args.out, "--out", &holds, "")
        .map_err(|f| super::dir_name_fault("--out", &args.out, f))?;
    super::refuse_pipes([&args.file])?;
    super::validate::refuse_other_kind(&args.file, "calibration", "calibrate")?;
    let mut cal = calibrate::load_calibration(&args.file).map_err(CliError::Input)?;
    // `--set` first: a switch it turns on silences its gated keys' warnings.
    let fixed = cal.fix(&args.set);
    // The cases' scenarios' warnings, in the words `deter validate` and `deter run` give.
    for w in &cal.warnings {
        note_raw!("{w}");
    }
    fixed.map_err(CliError::Input)?;
    cal.hold_out(&args.hold_out).map_err(CliError::Input)?;
    cal.attribution |= args.attribution;
    // The memory guard of every command that simulates, before anything is written: each
    // simulation (a particle, or a predictive draw) simulates the cases one after the other,
    // each with its tallies, and the threads run at most one simulation each at a time, so
    // never more at once than there are simulations in a generation.
    let threads = crate::settings::resolve_threads(args.threads);
    let at_once =
        (threads as u64).min(cal.settings.particles.max(cal.predictive_draws).max(1) as u64);
    for case in &cal.cases {
        // Before compiling: the worlds it allocates grow with the square of the countries.
        let stacks = engine::driver::stacks(threads);
        // With the attribution, a predictive draw's worker holds the seven variants' worlds.
        engine::check_scenario_memory(&case.scenario, cal.attribution, at_once + 1, stacks)
            .and_then(|()| {
                let compiled = crate::model::Compiled::new(&case.scenario);
                let compiled = if cal.attribution {
                    compiled.with_attribution()
                } else {
                    compiled
                };
                engine::check_memory_for(&compiled, at_once + 1, stacks)
            })
            .map_err(|e| {
                CliError::Usage(format!(
                    "case `{}` (`{}`): {e}",
                    case.record.id,
                    case.record.scenario.display()
                ))
            })?;
    }
    // Every output checked before any work, as every command checks its outputs: none may
    // be an input (the calibration file, a record, a case's scenario). They were checked
    // only when written, after the work (exit 1, a stray state.json).
    // With --resume, state.json is read first (with a bound) and checked against this
    // calibration, refusing anything else in its own words: it is left to that check.
    // A state.json that is a directory is said alike with and without --resume.
    if args.out.is_dir() {
        for n in OUTPUT_FILES {
            let file = args.out.join(n);
            super::file_in_dir_fault("--out", &args.out, &file, "a file calibrate writes")?;
        }
        let files: Vec<PathBuf> = OUTPUT_FILES
            .iter()
            .filter(|&&n| !(args.resume && n == "state.json"))
            .map(|n| args.out.join(n))
            .collect();
        let files: Vec<&PathBuf> = files.iter().collect();
        crate::output::check_outputs(&files, &[]).map_err(CliError::Usage)?;
    }
    let inputs: Vec<&std::path::Path> = std::iter::once(args.file.as_path())
        .chain(cal.cases.iter().map(|c| c.record.scenario.as_path()))
        .collect();
    if let Some(w) = crate::output::beside_inputs(&args.out, "--out", &inputs, &writes) {
        note!("{w}");
    }
    let calibration_sha256 = calibration_hash(&cal);
    // Nothing to resume where the directory does not exist: said before creating it. (In a
    // directory that exists, another calibration may be writing its first generation: the
    // lock below speaks first.)
    let state_path = args.out.join("state.json");
    if args.resume && std::fs::symlink_metadata(&args.out).is_err() {
        return Err(no_state_to_resume(&state_path, &args.out));
    }
    // A directory this command creates and leaves empty (stopped or failed before its first
    // generation was written) is removed: "no output written" leaves nothing.
    let created = !args.out.exists();
    let discard_if_empty = || {
        if created {
            let _ = std::fs::remove_dir(&args.out);
        }
    };
    std::fs::create_dir_all(&args.out)
        .map_err(|e| CliError::Failure(crate::output::cannot_write(&args.out, &e)))?;
    // Held until the calibration ends: each output is written atomically, but two
    // calibrations writing one directory would leave a state of one beside a posterior of the
    // other.
    let _out_lock = lock_out_dir(&args.out)?;
    // After the lock: a state another calibration is writing right now is neither
    // "interrupted" nor "another calibration's results" but busy, and the lock says so. (A
    // directory created above holds no state, so this refuses nothing there.)
    let prov = output::Provenance {
        engine_version: crate::ENGINE_VERSION.to_string(),
        seed: cal.settings.seed,
        calibration_sha256,
        besides_settings_sha256: calibration_hash_of(&cal, &cal.content_sha256_besides_settings),
        inputs: output::calibration_inputs(
            &cal,
            &cal.content_sha256_besides_settings,
            scenario_hash,
            scenario_hash_text,
        ),
    };
    check_not_another(args, &prov, &cal.settings)?;
    let mut state = if args.resume {
        // Read with a bound (MAX_STATE_BYTES).
        let bytes = crate::scenario::read_bounded(&state_path, MAX_STATE_BYTES).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                no_state_to_resume(&state_path, &args.out)
            } else {
                CliError::Usage(format!(
                    "--resume: cannot read `{}`: {e}",
                    state_path.display()
                ))
            }
        })?;
        let afresh = afresh(&state_path, &prov.calibration_sha256);
        if bytes.len() > MAX_STATE_BYTES {
            return Err(CliError::Usage(format!(
                "--resume: `{}` is larger than {MAX_STATE_BYTES} bytes, the limit for \
                 calibration state files; {afresh}",
                state_path.display()
            )));
        }
        let text = String::from_utf8_lossy(&bytes);
        output::parse_state(&text, &prov, &cal.settings).map_err(|fault| match fault {
            // Said as a fresh start over it says it, located at --out.
            output::StateFault::Damaged(why) => super::dir_name_fault(
                "--out",
                &args.out,
                crate::output::DirNameFault {
                    message: format!(
                        "expected a calibration to --resume, found `{}`, whose `state.json` \
                         is not a calibration state ({why})",
                        args.out.display()
                    ),
                    // As a fresh start over it refuses it without --force.
                    help: "it cannot be resumed: leave out --resume and add --force to start \
                           afresh over it (its results are replaced)"
                        .into(),
                },
            ),
            output::StateFault::Another {
                settings,
                more,
                inputs,
                ..
            } if !settings.is_empty() => settings_fault(
                &args.file,
                &state_path,
                &settings,
                more.then_some(inputs),
                afresh,
            ),
            // Which file: the directory may hold several calibrations' states over time. A
            // state of another calibration is told how to resume it first, so the way afresh
            // is the other one ("or ...").
            other => CliError::Usage(format!(
                "--resume: `{}`: {other}; {afresh}",
                state_path.display()
            )),
        })?
    } else {
        State::new(cal.settings.clone(), cal.parameters.len())
    };
    let write = |name: &str, text: &str| -> Result<(), CliError> {
        let p = args.out.join(name);
        crate::output::write_atomic(&p, text.as_bytes())
            .map_err(|e| CliError::Failure(crate::output::cannot_write(&p, &e)))
    };
    // The outputs a state does not yet account for (a posterior and its report) go before the
    // first state of this process is written, and the report before its posterior: a
    // calibration interrupted after it wrote a state never leaves beside it the posterior or
    // report of the calibration it replaced (`--force`) or of its own finished run, and
    // `--resume` writes them from the state.
    let remove_stale = |names: &[&str]| -> Result<(), CliError> {
        for name in names {
            let p = args.out.join(name);
            match std::fs::remove_file(&p) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(CliError::Failure(crate::output::cannot_write(&p, &e))),
            }
        }
        Ok(())
    };
    let mut stale_removed = false;
    // An attribution.json beside this calibration's outputs that it will not write is removed
    // with the other stale outputs: said, not done in silence.
    let stale_attribution = args.out.join("attribution.json");
    if !cal.attribution && !args.quiet && stale_attribution.exists() {
        note!(
            "`{}` is removed: this calibration does not attribute (add --attribution to write it \
             again)",
            stale_attribution.display()
        );
    }
    let started = Instant::now();
    // What the state held before this process: its time covers only what it adds.
    let (generations_before, simulations_before) = (state.history.len(), state.simulations());
    let simulate = |u: &[f64], seed: u64| cases::distance(&cal, u, seed);
    let n = cal.settings.particles as u64;
    let mut write_error = None;
    let result = engine::with_threads(args.threads, || {
        while state.stopped.is_none() {
            let g = state.history.len();
            let bar = super::progress_bar(n, args.quiet);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{spinner} [{elapsed_precise}] generation {msg} {wide_bar} {pos}/{len} particles (ETA {eta})",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar.set_message(g.to_string());
            let sims = AtomicU64::new(0);
            let progress = |attempts: u64| {
                sims.fetch_add(attempts, Ordering::Relaxed);
                bar.inc(1);
            };
            let hooks = abc::Hooks {
                cancel: Some(&CANCEL),
                progress: Some(&progress),
            };
            let t0 = Instant::now();
            abc::step(&mut state, &simulate, hooks)?;
            bar.finish_and_clear();
            let stale = if stale_removed {
                Ok(())
            } else {
                stale_removed = true;
                remove_stale(&["report.html", "attribution.json", "posterior.csv"])
            };
            if let Err(e) = stale
                .and_then(|_| write("state.json", &output::state_json(&state, &prov)))
                .and_then(|_| write("diagnostics.csv", &output::diagnostics_csv(&state, &prov)))
            {
                write_error = Some(e);
                return Ok(());
            }
            if !args.quiet
                && let Some(s) = state.history.last().filter(|s| s.index == g)
            {
                note!(
                    "generation {g}: tolerance {}, {}, acceptance rate {:.3}, effective sample size {:.0} ({:.1} s)",
                    if s.tolerance.is_finite() {
                        format!("{:.3}", s.tolerance)
                    } else {
                        "inf".into()
                    },
                    crate::report::table::count(s.attempts, "simulation", "simulations"),
                    s.acceptance_rate(),
                    s.ess,
                    t0.elapsed().as_secs_f64()
                );
            }
        }
        Ok(())
    });
    if let Some(e) = write_error {
        discard_if_empty();
        return Err(e);
    }
    if let Err(engine::Interrupted) = result {
        // Before the first generation finished no state.json was written: saying "0
        // finished generation(s) kept ...; continue with --resume" sent the user to a
        // `--resume` that cannot read it.
        if state.history.is_empty() {
            discard_if_empty();
            return Err(CliError::Interrupted);
        }
        return Err(CliError::InterruptedPartial(format!(
            "{} finished generation(s) kept in `{}`; run `{}` to continue",
            state.history.len(),
            state_path.display(),
            resume_command(args)
        )));
    }
    let Some(pop) = state.population.clone() else {
        return Err(CliError::Failure("no generation finished".into()));
    };
    remove_stale(&["report.html", "attribution.json"])?;
    write("posterior.csv", &output::posterior_csv(&cal, &pop, &prov))?;
    let m = cal.predictive_draws.max(1);
    // The report's predictive check can take long (`predictive_draws`): Ctrl-C stops it
    // (it was ignored until the report was written); the posterior is written, the report is
    // not, and `--resume` writes it, the same bytes.
    let predicted = engine::with_threads(args.threads, || {
        output::predictive(&cal, &pop, m, cal.settings.seed, &CANCEL)
    });
    let Ok((pred, yearly, tallies)) = predicted else {
        // The command to run, as after an interrupted generation: with the flags that shape
        // the report (`--attribution`), which "run again with --resume" lost.
        return Err(CliError::InterruptedPartial(format!(
            "the posterior is in `{}`; the report was not written: run `{}` to write it",
            args.out.join("posterior.csv").display(),
            resume_command(args)
        )));
    };
    let attributions = output::case_attributions(&cal, &tallies, m as u64);
    if cal.attribution {
        write(
            "attribution.json",
            &output::attribution_json(&cal, &prov, &attributions),
        )?;
    }
    write(
        "report.html",
        &output::report_html(&cal, &state, &prov, &pred, &yearly, &attributions),
    )?;
    if !args.quiet {
        let sims = |n: u64| {
            format!(
                "{} ({})",
                crate::report::table::count(n, "simulation", "simulations"),
                crate::report::table::count(n * cal.cases.len() as u64, "run", "runs")
            )
        };
        // A resumed calibration's time is this process's: said of what this process did,
        // beside the whole calibration's count (it said all generations' simulations "in"
        // the resumed session's seconds).
        // The time covers the report's predictive check too (its draws are no simulations of
        // the calibration's count): said, so the rate is not read from it.
        let work = if generations_before == 0 {
            format!(
                "{} in {:.1} s, the report's predictive check included",
                sims(state.simulations()),
                started.elapsed().as_secs_f64()
            )
        } else {
            format!(
                "{} in all; this session, resumed after {} generation{}, {} in {:.1} s, the \
                 report's predictive check included",
                sims(state.simulations()),
                generations_before,
                if generations_before == 1 { "" } else { "s" },
                sims(state.simulations() - simulations_before),
                started.elapsed().as_secs_f64()
            )
        };
        note!(
            "stopped: {}; {work}; wrote {}/posterior.csv, diagnostics.csv, state.json, report.html{}",
            state.stopped.map_or("?", calibrate::Stop::as_str),
            args.out.display(),
            if cal.attribution {
                ", attribution.json"
            } else {
                ""
            }
        );
        if !cal.attribution {
            note!(
                "which level deters: not attributed (off by default in calibrate; \
                 --attribution or `attribution = true` attributes the report's predictive draws)"
            );
        }
    }
    Ok(())
}
