//! `deter run FILE --shard K/N` and `deter sweep FILE --shard K/N`: simulate one contiguous
//! block of the work units and write a partial file for `deter merge` (see src/shard/ and
//! docs/CLUSTER.md).

use std::io::Write;
use std::time::Instant;

use super::{
    CANCEL, CliError, RunArgs, emit_with, load_scenario, progress_bar, scenario_hash, validate_runs,
};
use crate::engine::{self, Hooks, RunPlan};
use crate::model::Compiled;
use crate::output;
use crate::report::finite;
use crate::shard::partial::{Invocation, Overrides, PARTS_CAP, Part, PartsSpool, Source, Timing};
use crate::shard::{self as sharding, Kind, PartialFile, ShardSpec};
use crate::sweep::runner::point_scenario;
use crate::sweep::{Design, Sweep};

use super::sweep::{SweepArgs, sweep_hash};

/// The shard `spec` names. `--shard auto` outside a Slurm job array (or in one not numbered
/// `0..COUNT` with step 1) is refused as every flag's fault, at the flag's value:
/// "--shard:1:1: error: expected ..., found ...", what to do in the help line.
pub fn resolve(spec: crate::shard::ShardSpec) -> Result<crate::shard::Shard, CliError> {
    spec.resolve(|name| std::env::var(name).ok()).map_err(|e| {
        super::FlagFault {
            help: Some(e.help),
            ..super::FlagFault::new("--shard", "auto", e.message)
        }
        .into()
    })
}

/// `--set` with `--shard` (a plain or a nested run's), refused with why and what to do
/// (clap's bare "cannot be used with" said neither).
pub fn refuse_set(args: &RunArgs) -> Result<(), CliError> {
    if let Some(set) = args.set.first() {
        return Err(super::combination_fault(
            "--set",
            set,
            "expected no --set with --shard",
            "`deter merge` rebuilds the scenario from the file's text embedded in the partial \
             files and checks every shard against it, and a --set is not in that text; write \
             the what-if into a copy of the scenario file and shard the copy (docs/CLUSTER.md)",
        ));
    }
    Ok(())
}

/// `--shard`'s value as given (`K/N` or `auto`), for a fault located at it.
pub fn spec_text(spec: ShardSpec) -> String {
    match spec {
        ShardSpec::Auto => "auto".into(),
        ShardSpec::Explicit(s) => format!("{}/{}", s.k(), s.n()),
    }
}

/// A shard with no `--out` while standard output is a terminal: its partial file (machine
/// JSON for `deter merge`, megabytes for a large scenario) would fill the screen and be
/// lost, as `gzip` refuses to write compressed data to a terminal. Refused before any work
/// at `--shard`'s value; a redirection (`> PART`) or `--out PART` writes it. `deter run`
/// and `deter sweep` alike.
pub fn refuse_terminal(out: Option<&std::path::Path>, spec: ShardSpec) -> Result<(), CliError> {
    use std::io::IsTerminal;
    if out.is_some() || !std::io::stdout().is_terminal() {
        return Ok(());
    }
    let text = spec_text(spec);
    Err(super::FlagFault {
        help: Some(
            "a shard's partial file is machine JSON for `deter merge`: give --out PART, or \
             redirect standard output to a file (`> PART`)"
                .into(),
        ),
        ..super::FlagFault::new(
            "--shard",
            &text,
            "expected --out PART with --shard: standard output is a terminal".into(),
        )
    }
    .into())
}

pub fn run_shard(args: &RunArgs, spec: ShardSpec) -> Result<(), CliError> {
    refuse_set(args)?;
    if let Some(path) = &args.per_run {
        return Err(super::combination_fault(
            "--per-run",
            &path.display().to_string(),
            "expected no --per-run file with --shard",
            "a shard carries its per-run rows in its partial file with --per-run-rows, and \
             `deter merge PARTS --per-run PATH` writes them as one per-run CSV, byte for byte \
             that of the unsharded run (docs/CLUSTER.md)",
        ));
    }
    let shard = resolve(spec)?;
    let [file] = args.files.as_slice() else {
        return Err(super::one_file_fault(
            "--shard",
            &spec_text(spec),
            "to shard",
            &args.files,
            "shard each file separately: `deter run FILE --shard K/N` for each file, and \
             `deter merge` each file's parts",
        ));
    };
    if let Some(out) = &args.output.out {
        super::output_file_fault("--out", out, &args.files)?;
        output::check_writable(out, &args.files).map_err(CliError::Usage)?;
    }
    let scenario = load_scenario(file, args.sim.horizon_years)?;
    // A scenario with `[[uncertain]]` priors is a nested run (`deter run` routes it there).
    if !scenario.uncertain.is_empty() {
        return super::uncertain::run_nested_shard(args, spec);
    }
    if let Some(out) = &args.output.out {
        // The `extends` chain is an input too.
        super::output_file_fault("--out", out, &[])?;
        output::check_writable(out, &[]).map_err(CliError::Usage)?;
    }
    super::flags::check_partial_name(args.output.out.as_deref())?;
    // Read the text now, right after validating it, to embed it in the partial file.
    let text = std::fs::read_to_string(file)
        .map_err(|e| CliError::Failure(format!("cannot read `{}`: {e}", file.display())))?;
    let runs = args.sim.runs.unwrap_or(scenario.meta.runs);
    validate_runs(runs)?;
    let seed = args.sim.seed.unwrap_or(scenario.meta.seed);
    let threads = crate::settings::resolve_threads(args.sim.threads.threads);
    let (first, end) = shard.range(runs);
    let refused = |e| CliError::Usage(format!("{}: {e}", file.display()));
    // Before compiling: the worlds it allocates grow with the square of the countries.
    engine::check_memory_before(&scenario, !args.sim.no_attribution, threads, end - first)
        .map_err(refused)?;
    let compiled = args.sim.attributed(Compiled::new(&scenario));
    engine::check_memory(&compiled, threads, end - first).map_err(refused)?;

    let bar = progress_bar(end - first, args.output.quiet);
    let tick = |n: u64| bar.inc(n);
    let hooks = Hooks {
        cancel: Some(&CANCEL),
        progress: Some(&tick),
    };
    // Run i of the invocation draws from stream i, whichever shard simulates it.
    let plan = RunPlan {
        seed,
        first,
        count: end - first,
        stream_offset: 0,
    };
    let started = Instant::now();
    // With --per-run-rows, the rows go to an unnamed temporary file beside the output (as a
    // sweep shard spools its parts), written as each chunk of runs completes.
    let mut rows = None;
    let aggregate = if args.per_run_rows {
        let dir = spool_dir(args.output.out.as_deref());
        let fail = |e: std::io::Error| {
            CliError::Failure(format!(
                "cannot create a temporary file in `{}`: {e}",
                dir.display()
            ))
        };
        let mut spool = std::io::BufWriter::new(tempfile::tempfile_in(&dir).map_err(fail)?);
        let result = engine::with_threads(threads, || {
            engine::run_with_rows(&compiled, &plan, hooks, &mut spool)
        })
        .map_err(fail)?;
        let spool = spool.into_inner().map_err(|e| fail(e.into_error()))?;
        // In the file each row becomes a JSON string on its own line: 4 bytes more (quotes,
        // comma, newline) on rows of at least 28 bytes, so at most 1/7 more.
        let bytes = spool.metadata().map_err(fail)?.len();
        if bytes + bytes / 7 > PARTS_CAP {
            return Err(CliError::Failure(format!(
                "the shard's per-run rows take {bytes} bytes, more than a partial file holds \
                 ({PARTS_CAP} bytes): split the run into more shards"
            )));
        }
        rows = Some(std::io::BufReader::new(spool));
        result
    } else {
        engine::with_threads(threads, || engine::run(&compiled, &plan, hooks))
    };
    let wall = started.elapsed().as_secs_f64();
    bar.finish_and_clear();
    let aggregate = aggregate.map_err(|_| CliError::Interrupted)?;

    let parts = if end > first {
        vec![Part {
            point: 0,
            first_run: first,
            aggregate,
        }]
    } else {
        Vec::new()
    };
    let inv = Invocation {
        kind: Kind::Run,
        sha256: scenario_hash(&scenario),
        overrides: Overrides {
            horizon_years: args.sim.horizon_years,
        },
        seed,
        runs,
        points: 1,
        attribution: compiled.attribution_variants().is_some(),
        posterior_sha256: None,
        policies: crate::report::PolicyOut::of(&scenario),
    };
    let timing = Timing {
        wall_seconds: finite(wall.max(0.0)),
        threads,
    };
    let file = PartialFile::of_shard(inv, shard, timing, parts, file, text);
    match &mut rows {
        Some(rows) => emit_with(args.output.out.as_deref(), |w| {
            file.write_with_rows(w, rows)
        }),
        // Streamed to the file: the parts are serialised through the writer's buffer, never
        // held as text beside the tallies.
        None => emit_with(args.output.out.as_deref(), |mut w| file.write_to(&mut w)),
    }
}

/// Where a shard spools what it writes before its partial file (a sweep shard's parts, a
/// run shard's per-run rows): the directory of the partial file (where the file will take
/// the space), or the temporary directory for stdout.
fn spool_dir(out: Option<&std::path::Path>) -> std::path::PathBuf {
    match out {
        Some(out) => {
            let to = output::destination(out);
            match to.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => std::path::PathBuf::from("."),
            }
        }
        None => std::env::temp_dir(),
    }
}

/// `deter sweep FILE --shard K/N`: unit `p * runs + i` is run `i` of point `p`; it draws
/// from the stream `deter sweep` gives it (`p * runs + i`, or `i` with common random
/// numbers), so the merged points equal the unsharded sweep's.
pub fn sweep_shard(
    args: &SweepArgs,
    spec: ShardSpec,
    sweep: &Sweep,
    design: &Design,
    threads: usize,
) -> Result<(), CliError> {
    sweep_shard_capped(args, spec, sweep, design, threads, PARTS_CAP)
}

/// [`sweep_shard`] with its parts capped at `cap` bytes ([`PartsSpool::new_in`]; the
/// command's cap is [`PARTS_CAP`]).
fn sweep_shard_capped(
    args: &SweepArgs,
    spec: ShardSpec,
    sweep: &Sweep,
    design: &Design,
    threads: usize,
    cap: u64,
) -> Result<(), CliError> {
    let shard = resolve(spec)?;
    let file = &args.file;
    let text = std::fs::read_to_string(file)
        .map_err(|e| CliError::Failure(format!("cannot read `{}`: {e}", file.display())))?;
    let runs = sweep.runs;
    // `deter sweep` has checked that points x runs is within the limit.
    let units = design.n * runs;
    let (spool, wall) = spool_points(
        PointsShard {
            out: args.out.as_deref(),
            quiet: args.quiet,
            threads,
            seed: sweep.seed,
            range: shard.range(units),
            runs,
            cap,
            shards: shard.n(),
            point: "point",
            job: "sweep",
        },
        |point| {
            let values = design.values(&sweep.parameters, point);
            Ok((
                point_scenario(sweep, point, &values),
                sweep.stream_offset(point, runs),
            ))
        },
    )?;

    let inv = Invocation {
        kind: Kind::Sweep,
        sha256: sweep_hash(sweep),
        overrides: Overrides::default(),
        seed: sweep.seed,
        runs,
        points: design.n,
        attribution: sweep.attribution,
        posterior_sha256: None,
        policies: sweep_policies(sweep),
    };
    let timing = Timing {
        wall_seconds: finite(wall.max(0.0)),
        threads,
    };
    write_spooled(
        args.out.as_deref(),
        spool,
        inv,
        shard,
        timing,
        file,
        text,
        None,
    )
}

/// A shard of points (a sweep's points, a nested run's parameter draws): where its partial
/// file goes, how it runs, and the words of its too-large message.
struct PointsShard<'a> {
    out: Option<&'a std::path::Path>,
    quiet: bool,
    threads: usize,
    seed: u64,
    /// The shard's units `first..end`; unit `p * runs + i` is run `i` of point `p`.
    range: (u64, u64),
    runs: u64,
    /// The spool's cap in bytes ([`PartsSpool::new_in`]).
    cap: u64,
    /// N of K/N.
    shards: u64,
    /// What a point and the whole job are called ("point", "sweep"; "draw", "nested run").
    point: &'static str,
    job: &'static str,
}

/// Simulate a shard of points: its units cut at point boundaries
/// ([`sharding::pieces_by_point`]), each piece on the scenario and stream offset `point`
/// gives for its point, its tallies written as a part as it completes (to an unnamed
/// temporary file beside the partial file, or in the temporary directory for stdout), never
/// held: memory holds one point's tallies whatever the number of points (`PartsSpool`).
/// Returns the spool and the wall seconds (the pool's start-up included).
///
/// Errors: a spool that cannot be created or written, a point's own error, Ctrl-C
/// (`Interrupted`), and a partial file that would pass what `deter merge` reads.
/// The dated policies a sweep's shard ran, its header's `policies`: the base scenario's, or
/// in a levers x futures sweep every policy option's scenario's (an overlay may add or
/// re-date policies), in the options' order, each listed once.
fn sweep_policies(sweep: &Sweep) -> Vec<crate::report::PolicyOut> {
    let Some(c) = &sweep.crossing else {
        return crate::report::PolicyOut::of(&sweep.base);
    };
    let mut out: Vec<crate::report::PolicyOut> = Vec::new();
    for option in &c.policies {
        for p in crate::report::PolicyOut::of(&option.scenario) {
            if !out.contains(&p) {
                out.push(p);
            }
        }
    }
    out
}

fn spool_points(
    job: PointsShard<'_>,
    point: impl Fn(u64) -> Result<(Compiled, u64), CliError> + Sync,
) -> Result<(PartsSpool, f64), CliError> {
    let (first, end) = job.range;
    let runs = job.runs;
    let cannot = |e: &dyn std::fmt::Display| match job.out {
        Some(out) => CliError::Failure(crate::output::cannot_write(out, e)),
        None => CliError::Failure(crate::output::cannot_write_stdout(e)),
    };
    let dir = spool_dir(job.out);
    let mut spool = PartsSpool::new_in(&dir, job.cap).map_err(|e| {
        CliError::Failure(format!(
            "cannot create a temporary file in `{}`: {e}",
            dir.display()
        ))
    })?;
    let bar = progress_bar(end - first, job.quiet);
    let tick = |n: u64| bar.inc(n);
    let started = Instant::now();
    let done = engine::with_threads(job.threads, || {
        for (p, first_run, count) in sharding::pieces_by_point(first, end, runs) {
            let (compiled, stream_offset) = point(p)?;
            let plan = RunPlan {
                seed: job.seed,
                first: first_run,
                count,
                stream_offset,
            };
            let hooks = Hooks {
                cancel: Some(&CANCEL),
                progress: Some(&tick),
            };
            let aggregate =
                engine::run(&compiled, &plan, hooks).map_err(|_| CliError::Interrupted)?;
            let part = Part {
                point: p,
                first_run,
                aggregate,
            };
            spool.push(&part).map_err(|e| cannot(&e))?;
            // The point's tallies, spooled, freed before the next point takes its own.
            drop((part, compiled));
            engine::release_freed_memory();
            // `deter merge` reads partial files up to a bound: a shard whose file would pass
            // it stops now rather than write a file no merge can read.
            if spool.full() {
                return Err(CliError::Failure(format!(
                    "this shard's partial file would exceed the {} MiB that `deter merge` \
                     reads (its parts reached {} MiB at {} {p} of {}..{}): split the {} into \
                     more shards (N larger than {}), so that each holds fewer {}s",
                    crate::shard::MAX_PARTIAL_BYTES >> 20,
                    spool.bytes() >> 20,
                    job.point,
                    first / runs.max(1),
                    end.div_ceil(runs.max(1)),
                    job.job,
                    job.shards,
                    job.point,
                )));
            }
        }
        Ok(())
    });
    let wall = started.elapsed().as_secs_f64();
    bar.finish_and_clear();
    done?;
    Ok((spool, wall))
}

/// Write the partial file of a shard whose parts are in `spool` (a sweep's, a nested run's)
/// to `out` (atomically) or stdout.
#[allow(clippy::too_many_arguments)]
fn write_spooled(
    out: Option<&std::path::Path>,
    spool: PartsSpool,
    inv: Invocation,
    shard: sharding::Shard,
    timing: Timing,
    file: &std::path::Path,
    text: String,
    posterior: Option<&Source>,
) -> Result<(), CliError> {
    let cannot = |e: &dyn std::fmt::Display| match out {
        Some(out) => CliError::Failure(crate::output::cannot_write(out, e)),
        None => CliError::Failure(crate::output::cannot_write_stdout(e)),
    };
    match out {
        Some(out) => {
            let mut f = output::AtomicFile::create(out).map_err(|e| cannot(&e))?;
            let mut w = std::io::BufWriter::new(f.file());
            spool
                .write_file(&mut w, inv, shard, timing, file, text, posterior)
                .and_then(|()| w.flush())
                .map_err(|e| cannot(&e))?;
            drop(w);
            f.commit().map_err(|e| cannot(&e))
        }
        None => {
            let mut w = std::io::BufWriter::new(std::io::stdout().lock());
            match spool
                .write_file(&mut w, inv, shard, timing, file, text, posterior)
                .and_then(|()| w.flush())
            {
                // A closed pipe (`deter sweep ... --shard 0/2 | head`) is not an error.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                other => other.map_err(|e| cannot(&e)),
            }
        }
    }
}

/// What a nested run's shard simulates and records: the nested run made ready by the
/// library (scenario, draws, runs per draw, seed, threads), the scenario file as given and
/// its text, and the posterior file as given and its text (none for priors alone).
pub struct NestedShard<'a> {
    pub plan: crate::api::NestedPlan,
    pub file: &'a std::path::Path,
    pub text: String,
    pub posterior: Option<(&'a std::path::Path, String)>,
    pub horizon_years: Option<u32>,
    pub out: Option<&'a std::path::Path>,
    pub quiet: bool,
}

/// `deter run FILE --posterior DRAWS.csv --shard K/N` (or a scenario with `[[uncertain]]`
/// priors): unit `d * runs + i` is run `i` of parameter draw `d`, drawing from stream
/// `d * runs + i` as the unsharded nested run does (`nested::run`); the shard's block is cut
/// at draw boundaries into one part per draw it touches (the whole draw's tallies, as a
/// sweep shard's per point), spooled as each completes.
pub fn nested_shard(job: NestedShard<'_>, spec: ShardSpec) -> Result<(), CliError> {
    use crate::calibrate::nested;
    let shard = resolve(spec)?;
    let plan = &job.plan;
    let runs = plan.runs;
    let draws = plan.draws.len() as u64;
    let targets = nested::resolve(&plan.draws.paths, &plan.scenario).map_err(CliError::Usage)?;
    // Every draw's values are checked before any run, as the unsharded nested run checks them.
    for (d, row) in plan.draws.rows.iter().enumerate() {
        nested::with_draw(&plan.scenario, &targets, row, d).map_err(CliError::Usage)?;
    }
    let (spool, wall) = spool_points(
        PointsShard {
            out: job.out,
            quiet: job.quiet,
            threads: plan.threads,
            seed: plan.seed,
            range: shard.range(draws * runs),
            runs,
            cap: PARTS_CAP,
            shards: shard.n(),
            point: "draw",
            job: "nested run",
        },
        |d| {
            let s = nested::with_draw(
                &plan.scenario,
                &targets,
                &plan.draws.rows[d as usize],
                d as usize,
            )
            .map_err(CliError::Usage)?;
            Ok((Compiled::new(&s), d * runs))
        },
    )?;
    let posterior = job
        .posterior
        .map(|(path, text)| crate::shard::partial::source_of(path, text));
    let inv = Invocation {
        kind: Kind::Nested,
        sha256: scenario_hash(&plan.scenario),
        overrides: Overrides {
            horizon_years: job.horizon_years,
        },
        seed: plan.seed,
        runs,
        points: draws,
        attribution: false,
        posterior_sha256: crate::shard::posterior_checksum(posterior.as_ref()),
        policies: crate::report::PolicyOut::of(&plan.scenario),
    };
    let timing = Timing {
        wall_seconds: finite(wall.max(0.0)),
        threads: plan.threads,
    };
    write_spooled(
        job.out,
        spool,
        inv,
        shard,
        timing,
        job.file,
        job.text,
        posterior.as_ref(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;
    use std::path::{Path, PathBuf};

    /// A sweep of 3 points of 2 runs over the bundled scenario, in `dir`.
    fn sweep_file(dir: &Path) -> PathBuf {
        let path = dir.join("sweep.toml");
        std::fs::write(
            &path,
            format!(
                "base = \"{}/scenarios/western-balkans-2024.toml\"\nruns = 2\nseed = 3\n\
                 design = \"grid\"\n[[parameter]]\npath = \"model.war_cost\"\n\
                 role = \"uncertainty\"\nvalues = [0.5, 1.0, 1.5]\n",
                env!("CARGO_MANIFEST_DIR")
            ),
        )
        .unwrap();
        path
    }

    /// `deter sweep SWEEP --shard 0/1 --out OUT` with the shard's parts capped at `cap` bytes.
    fn shard(sweep_path: &Path, out: &Path, cap: u64) -> Result<(), CliError> {
        let cli = super::super::Cli::try_parse_from([
            "deter".as_ref(),
            "sweep".as_ref(),
            sweep_path.as_os_str(),
            "--shard".as_ref(),
            "0/1".as_ref(),
            "-q".as_ref(),
            "--out".as_ref(),
            out.as_os_str(),
        ])
        .unwrap();
        let super::super::Command::Sweep(args) = cli.command else {
            panic!("a sweep command")
        };
        let sweep = crate::sweep::load_sweep(sweep_path).unwrap();
        let design = Design::new(&sweep);
        let spec = args.shard.expect("--shard given");
        sweep_shard_capped(&args, spec, &sweep, &design, 1, cap)
    }

    /// The bytes of a partial file's parts: what the spool holds and its cap bounds.
    fn parts_bytes(file: &str) -> u64 {
        let start = file.find("\"parts\":[").unwrap() + "\"parts\":[".len();
        let end = file.find("\n],\n\"source\":").unwrap();
        (end - start) as u64
    }

    fn listing(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    /// At the cap the shard writes its file; one byte past it, it stops at the point whose
    /// part passed it, says so (the limit `deter merge` reads, the point, how to split the
    /// sweep further), exits 1 (a runtime failure) and writes nothing: the file already at
    /// `--out` is left as it was, and no temporary file stays beside it.
    #[test]
    fn a_sweep_shard_stops_one_byte_past_its_cap_and_leaves_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let sweep = sweep_file(d);
        let whole = d.join("whole.json");
        shard(&sweep, &whole, PARTS_CAP).unwrap();
        let text = std::fs::read_to_string(&whole).unwrap();
        let total = parts_bytes(&text);
        assert_eq!(text.matches("\"point\":").count(), 3, "one part a point");

        let at_cap = d.join("at-cap.json");
        shard(&sweep, &at_cap, total).unwrap();
        assert_eq!(
            parts_bytes(&std::fs::read_to_string(&at_cap).unwrap()),
            total
        );

        let out = d.join("part.json");
        std::fs::write(&out, "the file before").unwrap();
        let before = listing(d);
        for (cap, point) in [(total - 1, 2), (0, 0)] {
            let e = shard(&sweep, &out, cap).unwrap_err();
            let CliError::Failure(message) = &e else {
                panic!("a runtime failure, not {e:?}")
            };
            assert_eq!(
                message,
                &format!(
                    "this shard's partial file would exceed the 256 MiB that `deter merge` \
                     reads (its parts reached 0 MiB at point {point} of 0..3): split the \
                     sweep into more shards (N larger than 1), so that each holds fewer points"
                ),
                "cap {cap}"
            );
            assert_eq!(e.exit_code(), 1, "cap {cap}");
            assert_eq!(std::fs::read_to_string(&out).unwrap(), "the file before");
            assert_eq!(listing(d), before, "cap {cap}: no file left behind");
        }
    }
}
