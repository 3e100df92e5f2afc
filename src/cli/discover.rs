//! `deter discover`: scenario discovery (PRIM) on a sweep's results; `deter robust`: the
//! robustness table of a levers x futures sweep's results.

use std::path::{Path, PathBuf};

use clap::Args;

use super::{CliError, emit};
use crate::output;
use crate::rdm::prim::{PrimOptions, Selection};
use crate::rdm::results::Results;
use crate::rdm::{self, Condition, DiscoverError, Op, RobustnessError};

/// Most boxes `--boxes` may ask for.
const MAX_BOXES: usize = 100;

/// `--boxes`: 1 to [`MAX_BOXES`].
const BOXES: super::IntRange = super::IntRange {
    flag: "--boxes",
    min: 1,
    max: MAX_BOXES as u64,
};

#[derive(Args, Debug)]
pub struct DiscoverArgs {
    /// Results of a sweep (CSV, as `deter sweep --out` writes them); results the sweep's
    /// record (RESULTS.sweep) calls incomplete are analysed and marked partial.
    pub results: PathBuf,
    /// The outcome that defines the cases of interest: a headline outcome (`use_of_force`
    /// for the column `use_of_force_p`), any column after `runs`, or for a levers x futures
    /// sweep `regret_OUTCOME`. With --above or --below.
    #[arg(long)]
    pub outcome: Option<String>,
    /// Cases of interest: the outcome above this value.
    // Read as text: a value that is not a number, or a probability's outside [0, 1], is
    // refused once the outcome is known, located in the value as `--set` locates its own.
    #[arg(
        long,
        group = "threshold",
        allow_negative_numbers = true,
        value_name = "ABOVE"
    )]
    pub above: Option<String>,
    /// Cases of interest: the outcome below this value.
    #[arg(
        long,
        group = "threshold",
        allow_negative_numbers = true,
        value_name = "BELOW"
    )]
    pub below: Option<String>,
    /// Cases of interest as `COLUMN OP NUMBER` (OP: >, >=, <, <=), e.g.
    /// "regret_use_of_force > 0.02".
    #[arg(long = "where", value_name = "CONDITION", id = "where_")]
    pub where_: Option<String>,
    /// Only the rows of this policy (levers x futures results).
    #[arg(long)]
    pub policy: Option<String>,
    /// Parameter columns PRIM may restrict, comma-separated [default: every numeric
    /// parameter column].
    #[arg(long, value_delimiter = ',')]
    pub inputs: Option<Vec<String>>,
    /// Share of a box's points removed per peeling step (and added per pasting step).
    #[arg(long, default_value_t = 0.05, allow_negative_numbers = true,
          value_parser = super::float_flag("--alpha", "a share in (0, 0.5)", |a| a > 0.0 && a < 0.5))]
    pub alpha: f64,
    /// Smallest box, as a share of the points.
    #[arg(long, default_value_t = 0.05, allow_negative_numbers = true,
          value_parser = super::float_flag("--min-mass", "a share in (0, 1)", |m| m > 0.0 && m < 1.0))]
    pub min_mass: f64,
    // Most boxes to find (help: the range from `BOXES`).
    #[arg(long, default_value_t = 2, allow_negative_numbers = true,
          help = BOXES.help("Most boxes to find", " (covering: each next box among the points outside the earlier)"),
          value_parser = BOXES.parser::<usize>())]
    pub boxes: usize,
    /// Choose this step of each peeling trajectory [default: the step with the largest
    /// harmonic mean of coverage and density].
    // Read as text: a negative, fractional or too-large step gets the range of the
    // peeling, known only once it is peeled, in the message of every integer flag.
    #[arg(long, value_name = "STEP", allow_negative_numbers = true)]
    pub step: Option<String>,
    /// Also write an HTML page with the coverage / density trade-off chart.
    #[arg(long, value_name = "PATH")]
    pub report: Option<PathBuf>,
}

pub fn discover(args: &DiscoverArgs) -> Result<(), CliError> {
    if args.outcome.is_some() {
        super::refuse_beside(
            "--outcome",
            &[("--where", args.where_.clone())],
            "the cases of interest are one condition: --outcome COLUMN with --above or \
             --below, or --where 'COLUMN OP NUMBER'; give one of the two forms",
        )?;
    }
    if let Some(r) = &args.report {
        super::output_file_fault("--report", r, &results_and_marker(&args.results))?;
        output::check_writable(r, &results_and_marker(&args.results)).map_err(CliError::Usage)?;
    }
    super::flags::check_named_format(
        "--report",
        args.report.as_deref(),
        super::flags::Writes::Page,
    )?;
    const SELECTS: &str = "selects every point or none";
    let condition = match (&args.outcome, &args.where_) {
        (Some(o), None) => match (&args.above, &args.below) {
            (Some(v), None) => Condition {
                column: o.clone(),
                op: Op::Above,
                value: threshold_value("--above", v, 0, o, SELECTS)?,
            },
            (None, Some(v)) => Condition {
                column: o.clone(),
                op: Op::Below,
                value: threshold_value("--below", v, 0, o, SELECTS)?,
            },
            _ => {
                return Err(super::alone_fault(
                    "--outcome",
                    o,
                    "--above or --below",
                    "the cases of interest are the points whose outcome is above or below a \
                     value: give --above VALUE or --below VALUE (or --where 'COLUMN OP NUMBER' \
                     instead of --outcome)",
                ));
            }
        },
        (None, Some(w)) => {
            super::refuse_beside(
                "--where",
                &[
                    ("--above", args.above.clone()),
                    ("--below", args.below.clone()),
                ],
                "--above and --below go with --outcome; --where carries its own threshold \
                 (`--where 'use_of_force_p > 0.2'`)",
            )?;
            // An operator that is none of >, >=, <, <= first, located at it (`>>` was read
            // as `>` and a number `> 0.1`); then the number, located in the text; the rest of
            // the form after.
            let form_help = "write COLUMN OP NUMBER, OP one of >, >=, <, <= (`--where \
                             'use_of_force_p > 0.2'`)";
            if let Some(ops) = Condition::bad_operator(w) {
                return Err(super::FlagFault {
                    span: ops.clone(),
                    help: Some(form_help.into()),
                    ..super::FlagFault::new(
                        "--where",
                        w,
                        format!(
                            "expected COLUMN > NUMBER (or >=, <, <=), found `{}`",
                            &w[ops]
                        ),
                    )
                }
                .into());
            }
            if let Some((column, at)) = Condition::number_at(w) {
                threshold_value("--where", w, at, column, SELECTS)?;
            }
            Condition::parse(w).map_err(|e| {
                // The form's fault, located in the value ("expected COLUMN > NUMBER ...").
                let quoted = format!("`{w}`: ");
                let message = e.strip_prefix(&quoted).unwrap_or(&e).to_string();
                // What to write when the operator is missing; a missing column says itself.
                let help = message
                    .starts_with("expected")
                    .then(|| form_help.to_string());
                CliError::from(super::FlagFault {
                    help,
                    ..super::FlagFault::new("--where", w, message)
                })
            })?
        }
        _ => {
            return Err(CliError::Usage(
                "say which points are cases of interest: --outcome NAME --above X (or --below \
                 X), or --where \"COLUMN > X\""
                    .into(),
            ));
        }
    };
    // `--step 01` refused as the same text in a file (a TOML value), as every integer flag.
    if let Some(fault) = args
        .step
        .as_deref()
        .and_then(|t| super::toml_fault("--step", t))
    {
        return Err(fault.into());
    }
    let results =
        Results::read(&args.results).map_err(|e| read_error(e, &args.results, "deter discover"))?;
    let completeness = results.completeness(&args.results);
    let flag = if args.where_.is_some() {
        "--where"
    } else {
        "--outcome"
    };
    let found = rdm::discover(
        &results,
        condition,
        args.policy.as_deref(),
        args.inputs.as_deref(),
        PrimOptions {
            alpha: args.alpha,
            min_mass: args.min_mass,
        },
        args.boxes,
        // Not a step number: past every peeling's last step, refused with the range below.
        args.step.as_deref().map_or(Selection::F1, |t| {
            Selection::Step(crate::scenario::input::parse_digits(t).unwrap_or(usize::MAX))
        }),
        &completeness,
    )
    .map_err(|e| {
        let (flag, refusal) = match e {
            DiscoverError::Outcome(r) => (flag, r),
            DiscoverError::Policy(r) => ("--policy", r),
            DiscoverError::Inputs(r) => ("--inputs", r),
            // The range message of every integer flag, with the range of this peeling.
            DiscoverError::Step(s) => {
                return super::integer_fault(
                    "--step",
                    args.step.as_deref().unwrap_or_default(),
                    0,
                    s.last as u64,
                    &format!(
                        " (the steps of box {}'s peeling; 0 is the box of every point)",
                        s.box_number
                    ),
                )
                .into();
            }
            // No peeling, so no step: every --step is refused alike, words too.
            DiscoverError::NoPeeling(why) => {
                return super::FlagFault::new(
                    "--step",
                    args.step.as_deref().unwrap_or_default(),
                    format!(
                        "there is no step to choose: no box was peeled, {why}; run without \
                         --step (in `{}`)",
                        args.results.display()
                    ),
                )
                .into();
            }
        };
        let value = match flag {
            "--outcome" => args.outcome.clone(),
            "--where" => args.where_.clone(),
            "--policy" => args.policy.clone(),
            _ => args.inputs.as_ref().map(|v| v.join(",")),
        };
        refusal_of_flag(flag, value.as_deref(), refusal, &args.results)
    })?;
    // Policy names and columns come from the results file: escaped like every printer.
    emit(
        None,
        crate::scenario::printable_lines(&found.text()).as_bytes(),
    )?;
    if let Some(r) = &args.report {
        let html = found.html(&args.results.display().to_string());
        super::emit_files(&[(r, html.as_bytes())])?;
    }
    Ok(())
}

#[derive(Args, Debug)]
pub struct RobustArgs {
    /// Results of a levers x futures sweep (CSV with `policy` and `future` columns); refused
    /// while the sweep's record beside them (RESULTS.sweep) says points are missing.
    pub results: PathBuf,
    /// OUTCOME=VALUE: report the share of futures in which each policy meets this value
    /// (at most it; at least it for deterrence_held). Repeatable.
    #[arg(long, value_name = "OUTCOME=VALUE")]
    pub threshold: Vec<String>,
    /// Where to save the table [default: beside the results, RESULTS.robustness.csv].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Also write an HTML page with the charts (mean and percentiles, regret) per outcome.
    #[arg(long, value_name = "PATH")]
    pub report: Option<PathBuf>,
    /// The policy that is the status quo (the base scenario as it is): shown for reference
    /// below each ranking, not ranked [default: a policy named baseline, base, status-quo or
    /// status_quo, said under the table; two such names are refused]; `--status-quo ""`
    /// ranks every policy.
    #[arg(long, value_name = "ID")]
    pub status_quo: Option<String>,
    /// Do not print the table.
    #[arg(long, short)]
    pub quiet: bool,
}

/// A results file refused: as the input diagnostic every file kind gives (a file-level
/// fault, `FILE: error: ...`; a cell's, `FILE:LINE:COL: error: column `NAME`: ...`).
/// Another kind of file (a scenario, a partial file, a posterior) is said as what it is, as
/// every command says it, not as the results reader's first fault.
fn read_error(e: crate::rdm::results::ReadError, results: &Path, command: &str) -> CliError {
    use crate::rdm::results::ReadError;
    match e {
        ReadError::File(d) => CliError::Input(d),
        // In the words `deter robust` and `deter discover` give results holding some points.
        ReadError::Incomplete(m) => CliError::Usage(m),
        ReadError::Content(d) => CliError::Input(
            super::validate::other_kind_of_output(
                results,
                "a sweep's results file",
                command,
                "a sweep's results file (`deter sweep FILE --out RESULTS.csv`; docs/SWEEPS.md)",
            )
            .unwrap_or(d),
        ),
    }
}

/// An analysis's refusal of the results file `results`, rendered from its fields
/// ([`rdm::Refusal`]) for `flag`, whose text is `value`: a cell's fault as the diagnostic of
/// every file kind (`FILE:LINE:COL: error: column `NAME`: ...`); a name the results do not
/// hold, located in the flag's value with its did-you-mean, if any name is close, on its own
/// help line, as `--set` and `--hold-out` give theirs ("--outcome:1:1: error: ...", "=
/// help: did you mean `X`?"): the same location and layout with a suggestion or without;
/// anything else as "FLAG: MESSAGE (in `RESULTS`)".
fn refusal_of_flag(
    flag: &str,
    value: Option<&str>,
    refusal: rdm::Refusal,
    results: &Path,
) -> CliError {
    let help = refusal.did_you_mean();
    match (refusal, value, help) {
        (rdm::Refusal::Cell(d), _, _) => CliError::Input(crate::scenario::Diagnostics(vec![*d])),
        (rdm::Refusal::Unknown { name, message, .. }, Some(text), help) => {
            // --inputs' names are the items between its commas: the first item that is the
            // name (an empty one too, at its place), not the first text that contains it.
            let item = (flag == "--inputs")
                .then(|| {
                    let mut at = 0;
                    text.split(',').find_map(|item| {
                        let start = at;
                        at += item.len() + 1;
                        (item == name).then_some(start..start + item.len())
                    })
                })
                .flatten();
            let span = item.unwrap_or_else(|| {
                text.find(name.as_str())
                    .filter(|_| !name.is_empty())
                    .map_or(0..text.len(), |i| i..i + name.len())
            });
            let message = format!("{message} (in `{}`)", results.display());
            let d = crate::scenario::Diagnostic::at(flag, text, span, "", message).with_help(help);
            CliError::Input(crate::scenario::Diagnostics(vec![d]))
        }
        (refusal, _, _) => {
            CliError::Usage(format!("{flag}: {refusal} (in `{}`)", results.display()))
        }
    }
}

/// A sweep's results, its resume marker (`RESULTS.sweep`) and the sweep file that record
/// names: no output of `robust` or `discover` may replace any of them (a replaced marker
/// makes `--resume` refuse the results; a replaced sweep file loses the sweep itself).
fn results_and_marker(results: &Path) -> Vec<PathBuf> {
    let mut inputs = vec![
        results.to_path_buf(),
        crate::sweep::record::path_beside(results),
    ];
    inputs.extend(crate::sweep::record::recorded_sweep_file(results));
    inputs
}

/// The number of a threshold flag (`flag`: `--above`, `--below`, `--where`, `--threshold`),
/// written from byte `at` to the end of the flag's `text`, for `column`. A value that is not a
/// number, or a probability's outside [0, 1] (which `what`: selects every point or none, is
/// met in every future or in none), is refused in the form `--set` gives a value of its own:
/// `FLAG:1:COL: error: COLUMN: expected ...` (the range when there is one, the words of the
/// same literal in every input), the value underlined in the text.
fn threshold_value(
    flag: &str,
    text: &str,
    at: usize,
    column: &str,
    what: &str,
) -> Result<f64, CliError> {
    let column = column.trim();
    let raw = &text[at..];
    let start = at + (raw.len() - raw.trim_start().len());
    let span = start..start + raw.trim().len();
    let probability = rdm::is_probability(column);
    let expected = if probability {
        format!(
            "a number in [0, 1] (`{column}` is a probability, a share of runs; a threshold \
             outside it {what})"
        )
    } else {
        "a number".to_string()
    };
    let fault = |message: String, help: Option<String>| {
        let d = crate::scenario::Diagnostic::at(flag, text, span.clone(), column, message)
            .with_help(help);
        CliError::Input(crate::scenario::Diagnostics(vec![d]))
    };
    match crate::scenario::input::value_text(raw, &expected) {
        Err((m, help)) => Err(fault(m, help)),
        Ok(v) if probability && !(0.0..=1.0).contains(&v) => Err(fault(
            format!("expected {expected}, found {}", raw.trim()),
            None,
        )),
        // `-0` is 0: it passed the range and was echoed as "use_of_force < -0".
        Ok(v) => Ok(if v == 0.0 { 0.0 } else { v }),
    }
}

/// Parse `--threshold OUTCOME=VALUE` flags. Every outcome is a probability: a value outside
/// [0, 1] (met in every future or in none) is refused as `deter discover --above` refuses it,
/// and so is a second threshold for one outcome (only one was used, silently).
pub fn parse_thresholds(flags: &[String]) -> Result<Vec<(String, f64)>, CliError> {
    let parsed: Vec<(String, f64)> = flags
        .iter()
        .map(|t| -> Result<(String, f64), CliError> {
            let (o, _) = t.split_once('=').ok_or_else(|| {
                super::FlagFault::new(
                    "--threshold",
                    t,
                    format!("expected OUTCOME=VALUE, found `{}`", t.trim()),
                )
            })?;
            // Every outcome is a probability: its range, located in the text as `--set`'s.
            let at = o.len() + 1;
            let v = threshold_value("--threshold", t, at, o, "is met in every future or in none")?;
            Ok((o.trim().to_string(), v))
        })
        .collect::<Result<_, _>>()?;
    for (i, (o, _)) in parsed.iter().enumerate() {
        if let Some(j) = parsed[..i].iter().position(|(p, _)| p == o) {
            // Located at the second threshold's outcome, the first named.
            let t = &flags[i];
            let at = t.find(o.as_str()).unwrap_or(0);
            return Err(super::FlagFault {
                span: at..at + o.len(),
                ..super::FlagFault::new(
                    "--threshold",
                    t,
                    format!(
                        "`{o}` has a threshold already (`{}`); give one per outcome",
                        flags[j]
                    ),
                )
            }
            .into());
        }
    }
    Ok(parsed)
}

/// `results.csv` -> `results.robustness.csv`, as the sweep names it
/// ([`super::sweep::analysis_path`]).
pub fn robustness_path(out: &Path) -> PathBuf {
    super::sweep::analysis_path(out, "robustness")
}

/// The satisficing thresholds of `deter robust`: those given with `--threshold`, else the
/// sweep file's own (`satisficing`), which the record beside complete results keeps; with a
/// line saying where they came from, or why there are none.
fn recorded_thresholds(
    given: Vec<(String, f64)>,
    results: &Path,
    completeness: &rdm::Completeness,
) -> (Vec<(String, f64)>, String) {
    use crate::sweep::record::{Beside, path_beside, read_beside};
    if !given.is_empty() {
        return (
            given,
            "Satisficing thresholds: from --threshold (they replace the sweep file's `satisficing`)."
                .into(),
        );
    }
    let record = path_beside(results);
    let recorded = match (completeness, read_beside(results)) {
        (rdm::Completeness::Complete, Beside::Record(r)) => Some(r.satisficing),
        _ => None,
    };
    match recorded {
        Some(Some(t)) if !t.is_empty() => {
            let list: Vec<String> = t.iter().map(|(o, v)| format!("{o} = {v}")).collect();
            (
                t.into_iter().collect(),
                format!(
                    "Satisficing thresholds: the sweep file's ({}), kept in its record `{}`; --threshold OUTCOME=VALUE replaces them.",
                    list.join(", "),
                    record.display()
                ),
            )
        }
        Some(_) => (
            Vec::new(),
            format!(
                "No satisficing share: the sweep's record `{}` carries no thresholds (the sweep file gave no `satisficing`, or an older deter wrote the record); --threshold OUTCOME=VALUE adds one.",
                record.display()
            ),
        ),
        None => (
            Vec::new(),
            format!(
                "No satisficing share: without --threshold, the sweep file's `satisficing` thresholds are read from the record beside complete results (`{}`), and there is none for these results; --threshold OUTCOME=VALUE gives them.",
                record.display()
            ),
        ),
    }
}

pub fn robust(args: &RobustArgs) -> Result<(), CliError> {
    let thresholds = parse_thresholds(&args.threshold)?;
    // The default table goes beside the results: a pipe (`<(cat RESULTS.csv)`) or a device
    // has no directory of the user's beside it (`/dev/fd` refused new files in the system's
    // words), so its table needs --out.
    if args.out.is_none()
        && std::fs::metadata(&args.results).is_ok_and(|m| !m.is_file() && !m.is_dir())
    {
        return Err(CliError::Usage(format!(
            "`{}` is not a regular file (a pipe, `<(...)` or a device), so there is no \
             directory beside it for the table (written beside the results by default, as \
             RESULTS.robustness.csv): give --out PATH",
            crate::scenario::printable(&args.results.display().to_string())
        )));
    }
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| robustness_path(&args.results));
    let outputs: Vec<&PathBuf> = std::iter::once(&out).chain(&args.report).collect();
    // The default table, named by no flag: its fault is located at RESULTS, from which it
    // is derived (it was said at `--out`, a flag the user never gave).
    if args.out.is_none()
        && let Some(f) =
            output::file_output_fault(&out, "--out", &results_and_marker(&args.results))
    {
        let shown = args.results.display().to_string();
        return Err(super::FlagFault {
            help: Some("choose where to write the table with --out FILE".into()),
            ..super::FlagFault::new(
                "RESULTS",
                &shown,
                format!(
                    "{}, the default output path derived from RESULTS",
                    f.message
                ),
            )
        }
        .into());
    }
    super::refuse_named_twice(
        &[
            ("--out", args.out.as_deref()),
            ("--report", args.report.as_deref()),
        ],
        &results_and_marker(&args.results),
        None,
    )?;
    output::check_outputs(&outputs, &results_and_marker(&args.results)).map_err(CliError::Usage)?;
    super::flags::check_named_format("--out", args.out.as_deref(), super::flags::Writes::Rows)?;
    super::flags::check_named_format(
        "--report",
        args.report.as_deref(),
        super::flags::Writes::Page,
    )?;
    let results =
        Results::read(&args.results).map_err(|e| read_error(e, &args.results, "deter robust"))?;
    let source = args.results.display().to_string();
    let completeness = results.completeness(&args.results);
    if let rdm::Completeness::Incomplete(m) = &completeness {
        return Err(CliError::Usage(m.clone()));
    }
    let (thresholds, threshold_note) =
        recorded_thresholds(thresholds, &args.results, &completeness);
    // The status quo the sweep's record names, for complete results it is bound to.
    let recorded_base = match (
        &completeness,
        crate::sweep::record::read_beside(&args.results),
    ) {
        // A record without a base policy: the sweep's table had no status quo, and neither
        // has this one (`""`), whatever the policies are named.
        (rdm::Completeness::Complete, crate::sweep::record::Beside::Record(r)) => {
            Some(r.base_policy.unwrap_or_default())
        }
        _ => None,
    };
    let report = rdm::robustness(
        &results,
        &thresholds,
        &source,
        (args.status_quo.as_deref(), recorded_base.as_deref()),
        &completeness,
    )
    .map_err(|e| match e {
        RobustnessError::Results(rdm::Refusal::Cell(d)) => {
            CliError::Input(crate::scenario::Diagnostics(vec![*d]))
        }
        // A fault of the results file (not levers x futures, one policy, no outcome column):
        // the layout of every file fault, `FILE: error: PROBLEM`.
        RobustnessError::Results(r) => CliError::Input(crate::scenario::Diagnostics(vec![
            crate::scenario::Diagnostic::file_level(
                &args.results.display().to_string(),
                r.to_string(),
            ),
        ])),
        // A threshold's outcome or the status quo: located in the flag's value with the
        // did-you-mean on its own help line, as discover renders its flags' faults.
        RobustnessError::Threshold(r) => {
            let value = match &r {
                rdm::Refusal::Unknown { name, .. } => args
                    .threshold
                    .iter()
                    .find(|t| t.split_once('=').is_some_and(|(o, _)| o.trim() == name))
                    .cloned(),
                _ => None,
            };
            if args.threshold.is_empty() {
                // The sweep file's `satisficing`, kept in the record beside the results:
                // its fault, not a flag's (none was given).
                let record = crate::sweep::record::path_beside(&args.results);
                return CliError::Input(crate::scenario::Diagnostics(vec![
                    crate::scenario::Diagnostic::file_level(
                        &record.display().to_string(),
                        format!("satisficing: {r} (in `{}`)", args.results.display()),
                    )
                    .with_help(Some(
                        "give --threshold OUTCOME=VALUE to replace the sweep file's thresholds"
                            .into(),
                    )),
                ]));
            }
            refusal_of_flag("--threshold", value.as_deref(), r, &args.results)
        }
        RobustnessError::StatusQuo(r) => {
            refusal_of_flag("--status-quo", args.status_quo.as_deref(), r, &args.results)
        }
    })?;
    if !args.quiet {
        let table = report.table.clone() + &threshold_note + "\n";
        emit(None, crate::scenario::printable_lines(&table).as_bytes())?;
    }
    // The page and the CSV published together (a Ctrl-C while they are written: neither).
    let mut files: Vec<(&Path, &[u8])> = Vec::with_capacity(2);
    if let (Some(path), Some(html)) = (&args.report, &report.html) {
        files.push((path, html.as_bytes()));
    }
    files.push((&out, report.csv.as_bytes()));
    super::emit_files(&files)
}
