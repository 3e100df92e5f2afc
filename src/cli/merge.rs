//! `deter merge PARTS...`: check that partial files are exactly the shards of one
//! invocation, merge their aggregates exactly, and report as the unsharded run would.

use std::path::{Path, PathBuf};

use clap::Args;

use super::{CliError, Format, emit, scenario_hash, use_color};
use crate::engine::Aggregate;
use crate::model::Compiled;
use crate::output;
use crate::report::html::RunView;
use crate::report::{Report, RunInfo, csv, html, json, table};
use crate::scenario::{self, Scenario};
use crate::shard::partial::Overrides;
use crate::shard::{self, Kind, Named, PartialFile};

#[derive(Args, Debug)]
pub struct MergeArgs {
    /// Partial files written by `deter run FILE --shard K/N --out PART`: every shard, once,
    /// in any order.
    #[arg(required = true, value_name = "PART")]
    pub parts: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write the result to this file (atomically) instead of stdout.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Also write a self-contained HTML report (charts, provenance) to this file.
    #[arg(long, value_name = "PATH")]
    pub report: Option<PathBuf>,
    /// The scenario file the shards ran, if it is no longer at the path they recorded (its
    /// validated content must be the same: checked by hash).
    #[arg(long, value_name = "FILE")]
    pub scenario: Option<PathBuf>,
    /// No summary line on stderr.
    #[arg(long, short)]
    pub quiet: bool,
}

pub fn merge(args: &MergeArgs) -> Result<(), CliError> {
    for out in args.out.iter().chain(&args.report) {
        output::check_writable(out, &args.parts).map_err(CliError::Usage)?;
    }
    if args.out.is_some() && args.out == args.report {
        return Err(CliError::Usage(
            "--out and --report name the same file".into(),
        ));
    }
    let mut files = Vec::with_capacity(args.parts.len());
    for path in &args.parts {
        let name = path.display().to_string();
        let bytes = std::fs::read(path)
            .map_err(|e| CliError::Usage(format!("cannot read `{name}`: {e}")))?;
        let file = PartialFile::from_bytes(&bytes)
            .map_err(|e| CliError::Usage(format!("`{name}`: {e}")))?;
        files.push(Named { name, file });
    }
    let files = shard::check_complete(files).map_err(CliError::Usage)?;
    let first = &files[0];
    let header = first.file.header.clone();
    if header.kind != Kind::Run {
        return Err(CliError::Usage(format!(
            "`{}`: these are shards of a `deter {}`; this version of `deter merge` merges \
             shards of `deter run` only",
            first.name,
            header.kind.as_str()
        )));
    }
    let scenario = find_scenario(first, args.scenario.as_deref())?;
    let compiled = Compiled::new(&scenario);
    let template = Aggregate::new(&compiled);
    let mut merged: Option<Aggregate> = None;
    shard::merge_points(
        &files,
        |_| template.clone(),
        |_, agg| {
            merged = Some(agg);
            Ok(())
        },
    )
    .map_err(CliError::Usage)?;
    let aggregate = merged.unwrap_or(template);
    if aggregate.runs != header.runs {
        return Err(CliError::Usage(format!(
            "the shards hold {} runs, but their header says {}",
            aggregate.runs, header.runs
        )));
    }

    // Timing of a merged report: the shards' summed wall time (compute time, not elapsed
    // time) and the largest thread count of any shard.
    let info = RunInfo {
        scenario_sha256: header.sha256.clone(),
        seed: header.seed,
        wall_seconds: files.iter().map(|f| f.file.timing.wall_seconds).sum(),
        threads: files
            .iter()
            .map(|f| f.file.timing.threads)
            .max()
            .unwrap_or(1),
    };
    let report = Report::build(&compiled, &aggregate, &info);
    let source = &first.file.source.path;
    if let Some(path) = &args.report {
        let view = RunView {
            report: &report,
            scenario: &scenario,
            aggregate: &aggregate,
            source,
        };
        emit(Some(path), html::to_html(&[view]).as_bytes())?;
    }
    let bytes = match args.format {
        Format::Json => json::to_json(&report),
        Format::Csv => csv::to_csv(&[&report]),
        Format::Table => {
            let text = table::to_table(&report, source);
            let color = args.out.is_none() && use_color();
            (if color { table::colorize(&text) } else { text }).into_bytes()
        }
    };
    emit(args.out.as_deref(), &bytes)?;
    if !args.quiet {
        eprintln!(
            "deter merge: {} shard{} of `{}`, {} runs, seed {}",
            files.len(),
            if files.len() == 1 { "" } else { "s" },
            first.file.source.path,
            header.runs,
            header.seed
        );
    }
    Ok(())
}

/// The scenario the shards ran, rebuilt and checked against their hash. Tried in order:
/// `--scenario` if given (and only it); else the recorded absolute path, the path as given
/// (relative to the current directory), and the text embedded in the partial file.
fn find_scenario(first: &Named, given: Option<&Path>) -> Result<Scenario, CliError> {
    let h = &first.file.header;
    let src = &first.file.source;
    let check = |s: Scenario, what: &str| -> Result<Scenario, String> {
        let got = scenario_hash(&s);
        if got == h.sha256 {
            Ok(s)
        } else {
            Err(format!(
                "{what}: validated content differs from what the shards ran (sha256 {got}, \
                 the shards' is {})",
                h.sha256
            ))
        }
    };
    let from_file = |path: &Path| -> Result<Scenario, String> {
        let what = format!("`{}`", path.display());
        let s = scenario::load_file(path).map_err(|d| format!("{what}: {}", first_line(&d)))?;
        check(
            apply(s, &h.overrides).map_err(|e| format!("{what}: {e}"))?,
            &what,
        )
    };
    if let Some(path) = given {
        return from_file(path)
            .map_err(|e| CliError::Usage(format!("--scenario {e}; give the file the shards ran")));
    }
    let mut reasons = Vec::new();
    let mut candidates = vec![PathBuf::from(&src.absolute_path)];
    if Path::new(&src.path) != Path::new(&src.absolute_path) {
        candidates.push(PathBuf::from(&src.path));
    }
    for path in candidates {
        match from_file(&path) {
            Ok(s) => return Ok(s),
            Err(e) => reasons.push(e),
        }
    }
    let what = format!("the text of `{}` embedded in `{}`", src.path, first.name);
    match scenario::parse_str(&src.text, &src.path)
        .map_err(|d| format!("{what}: {}", first_line(&d)))
        .and_then(|s| apply(s, &h.overrides).map_err(|e| format!("{what}: {e}")))
        .and_then(|s| check(s, &what))
    {
        Ok(s) => Ok(s),
        Err(e) => {
            reasons.push(e);
            Err(CliError::Usage(format!(
                "cannot rebuild the scenario the shards ran:\n  {}\npass the scenario file \
                 with --scenario FILE",
                reasons.join("\n  ")
            )))
        }
    }
}

/// Apply the command-line overrides the shards recorded, as `deter run` did.
fn apply(mut s: Scenario, o: &Overrides) -> Result<Scenario, String> {
    if let Some(h) = o.horizon_years {
        if h > 200 {
            return Err(format!("recorded --horizon-years {h} is out of range"));
        }
        s.meta.horizon_years = h;
    }
    Ok(s)
}

fn first_line(d: &scenario::Diagnostics) -> String {
    d.to_string()
        .lines()
        .next()
        .unwrap_or("invalid")
        .trim()
        .to_string()
}
