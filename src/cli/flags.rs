//! Flags shared by several subcommands, declared once and flattened into each
//! (`#[command(flatten)]`). They are raw: [`crate::settings`] checks and resolves them.

use std::path::PathBuf;

use clap::Args;

use super::Format;

/// What to simulate: shared by `run`, `compare` and `sweep`, resolved by
/// [`crate::settings::Settings`]. The help of `--runs`, `--seed` and `--horizon-years` below
/// is `run`'s; `compare` and `sweep` replace it with theirs ([`COMPARE_RUNS`], ...), since
/// each takes its defaults from another file.
#[derive(Args, Debug, Clone)]
pub struct SimFlags {
    // Number of replications (help: the range from `RUNS`).
    #[arg(long, allow_negative_numbers = true,
          help = super::RUNS.help("Number of replications", RUN_RUNS),
          value_parser = super::RUNS.parser::<u64>())]
    pub runs: Option<u64>,
    // Master seed.
    #[arg(long, allow_negative_numbers = true,
          help = super::SEED.help("Master seed", " [default: each scenario file's `seed`]"),
          value_parser = super::parse_seed)]
    pub seed: Option<u64>,
    #[command(flatten)]
    pub threads: ThreadsFlag,
    // Horizon in years.
    #[arg(long, allow_negative_numbers = true,
          help = super::HORIZON.help("Horizon in years", " [default: each scenario file's `horizon_years`]"),
          value_parser = super::HORIZON.parser::<u32>())]
    pub horizon_years: Option<u32>,
    /// Skip "which level deters" (the Shapley attribution to the defenders' military,
    /// political and economic levels), on by default: it simulates every run under 7 more
    /// level-removal variants, 8x the work. Sweeps attribute only when asked: there it turns
    /// off the sweep file's `attribution = true`.
    #[arg(long)]
    pub no_attribution: bool,
}

/// `deter run --runs`: after the range.
const RUN_RUNS: &str = " [default: each scenario file's `runs`; with --posterior or \
    [[uncertain]] priors, 1000 per parameter draw]";
/// `deter compare --runs`: A's file gives the default, for both sides.
pub fn compare_runs() -> String {
    super::RUNS.help(
        "Number of paired replications (run i of A and of B share a random stream)",
        " [default: A's `runs`, the first file's; with --posterior or [[uncertain]] priors, \
         1000 per parameter draw]",
    )
}
/// `deter compare --seed`.
pub fn compare_seed() -> String {
    super::SEED.help(
        "Master seed, the same for A and B",
        " [default: A's `seed`, the first file's]",
    )
}
/// `deter compare --horizon-years`.
pub fn compare_horizon() -> String {
    super::HORIZON.help(
        "Horizon in years",
        ", for A and B [default: the files' `horizon_years`, which must agree]",
    )
}
/// `deter sweep --runs`.
pub fn sweep_runs() -> String {
    super::RUNS.help(
        "Replications per point",
        " [default: the sweep file's `runs`, else its base scenario's]",
    )
}
/// `deter sweep --seed`.
pub fn sweep_seed() -> String {
    super::SEED.help(
        "Master seed",
        " [default: the sweep file's `seed`, else its base scenario's]",
    )
}
/// `deter sweep --horizon-years`.
pub fn sweep_horizon() -> String {
    super::HORIZON.help(
        "Horizon in years",
        ", of every point (and every policy's scenario in a levers x futures sweep) \
         [default: the base scenario's `horizon_years`]",
    )
}

impl SimFlags {
    /// `compiled` with the attribution on unless `--no-attribution`.
    pub fn attributed(&self, compiled: crate::model::Compiled) -> crate::model::Compiled {
        crate::settings::Settings {
            no_attribution: self.no_attribution,
            ..Default::default()
        }
        .attributed(compiled)
    }
}

/// `--threads`: shared by every command that simulates.
#[derive(Args, Debug, Clone, Copy)]
pub struct ThreadsFlag {
    // Worker threads (help: the range from `THREADS`).
    #[arg(long, default_value_t = 0, allow_negative_numbers = true,
          help = super::THREADS.help("Worker threads", " (0 = all cores); results do not depend on it"),
          value_parser = super::parse_threads)]
    pub threads: usize,
}

/// Where results go: shared by `run`, `compare` and `merge`.
#[derive(Args, Debug, Clone)]
pub struct OutputFlags {
    /// Output format [default: from the --out extension (.json, .csv), else table].
    #[arg(id = "format", long = "format", value_enum)]
    pub format_flag: Option<Format>,
    /// Write the result to this file (atomically) instead of stdout.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Also write a self-contained HTML report (charts, provenance) to this file.
    #[arg(long, value_name = "PATH")]
    pub report: Option<PathBuf>,
    /// Also write every chart of the HTML report as a standalone SVG file, named by its chart
    /// id (`chart-survival.svg`, ...), into this directory (created if needed; atomic writes;
    /// never over a file the command reads; a new name with a file's extension, `x.svg`, is
    /// refused).
    #[arg(long, value_name = "DIR")]
    pub plots: Option<PathBuf>,
    /// No progress bar (merge: no summary line on stderr).
    #[arg(long, short)]
    pub quiet: bool,
}

impl OutputFlags {
    /// The format written: `--format` when given; otherwise inferred from the `--out`
    /// extension (`.json` -> JSON, `.csv` -> CSV); otherwise the table.
    pub fn format(&self) -> Format {
        if let Some(f) = self.format_flag {
            return f;
        }
        match self.out_extension().as_deref() {
            Some("json") => Format::Json,
            Some("csv") => Format::Csv,
            _ => Format::Table,
        }
    }

    /// `--format`, `--report` and `--plots` as given, for [`super::refuse_beside`] with
    /// `--shard` ([`super::outputs_given`]).
    pub fn given_beside_shard(&self) -> [(&'static str, Option<String>); 3] {
        super::outputs_given(
            self.format_flag,
            self.report.as_deref(),
            self.plots.as_deref(),
        )
    }

    fn out_extension(&self) -> Option<String> {
        self.out
            .as_ref()?
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
    }

    /// Warn (stderr) when `--plots DIR` is the directory of one of `inputs`: the charts land
    /// among the files the command read ([`crate::output::beside_inputs`]).
    pub fn warn_plots_beside(&self, inputs: &[PathBuf]) {
        warn_plots_beside(self.plots.as_deref(), inputs);
    }

    /// Refuse, before any work, an `--out` whose extension contradicts the format: an
    /// explicit `--format` other than the one `.json` / `.csv` names, or `.html` / `.htm`
    /// (the HTML page is `--report`; `--out` never writes HTML). Other extensions take any
    /// format (README, docs/OUTPUT.md). Refused as every flag's fault, at `--out`'s value:
    /// "--out:1:1: error: expected ..., found ...", what to do in the help line.
    /// Also refuses a `--plots` that exists and is not a directory, or that does not exist
    /// and is named as a file deter writes (`--plots x.svg`, at its value), before any work,
    /// as `deter sweep --plots` does.
    pub fn check_extension(&self) -> Result<(), super::CliError> {
        if let Some(dir) = &self.plots {
            crate::output::check_output_dir(dir, "--plots")
                .map_err(|f| super::dir_name_fault("--plots", dir, f))?;
            crate::output::check_plots_name(dir)
                .map_err(|f| super::dir_name_fault("--plots", dir, f))?;
        }
        check_named_format("--report", self.report.as_deref(), Writes::Page)?;
        let Some(out) = &self.out else {
            return Ok(());
        };
        let name = |f: Format| match f {
            Format::Table => "table",
            Format::Json => "json",
            Format::Csv => "csv",
        };
        let format = name(self.format());
        let shown = out.display().to_string();
        let fault = |message: String, help: String| -> super::CliError {
            super::FlagFault {
                help: Some(help),
                ..super::FlagFault::new("--out", &shown, message)
            }
            .into()
        };
        let wanted = match self.out_extension().as_deref() {
            Some("json") => "json",
            Some("csv") => "csv",
            Some("html" | "htm") => {
                return Err(fault(
                    format!(
                        "expected a file for the {format} format (--out never writes HTML), \
                         found `{shown}`, the name of an HTML file"
                    ),
                    format!("use --report `{shown}` for the HTML page"),
                ));
            }
            _ => return Ok(()),
        };
        if wanted == format {
            return Ok(());
        }
        Err(fault(
            format!(
                "expected a file for the {format} format (--format {format}), found `{shown}`, \
                 the name of a {} file",
                wanted.to_uppercase()
            ),
            format!("use --format {wanted} (or give the file another extension)"),
        ))
    }
}

/// What an output option writes, for [`check_named_format`].
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Writes {
    /// The HTML page (`--report`).
    Page,
    /// CSV rows (`--per-run`, `deter robust --out`).
    Rows,
}

/// Refuse, before any work, an output option's file whose extension names another format than
/// the one the option writes: `--report r.json` wrote the HTML page into `r.json`,
/// `--per-run rows.json` and `deter robust --out t.json` CSV (exit 0), while `--out x.html`
/// and `deter init x.json` were refused. `.json`, `.csv`, `.html` and `.htm` name a format;
/// any other name is taken. Refused as every flag's fault: "--report:1:1: error: expected a
/// file for the HTML page (--report writes the HTML page), found `r.json`, the name of a JSON
/// file", with the name to use in the help line.
pub fn check_named_format(
    flag: &'static str,
    path: Option<&std::path::Path>,
    writes: Writes,
) -> Result<(), super::CliError> {
    let Some(path) = path else {
        return Ok(());
    };
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let (named, page) = match ext.as_deref() {
        Some("json") => ("a JSON", false),
        Some("csv") => ("a CSV", false),
        Some("html" | "htm") => ("an HTML", true),
        _ => return Ok(()),
    };
    let (what, wanted) = match writes {
        Writes::Page if !page => ("the HTML page", "html"),
        Writes::Rows if ext.as_deref() != Some("csv") => ("CSV rows", "csv"),
        _ => return Ok(()),
    };
    // Refused as every flag's fault, at the flag's value (as `--out x.html`).
    let shown = path.display().to_string();
    // Every command with a rows file has `--report` for the page: an HTML name for the rows
    // is most likely meant for it.
    let page_flag = if page {
        format!(" for the rows, or --report `{shown}` for the HTML page")
    } else {
        String::new()
    };
    Err(super::FlagFault {
        help: Some(format!(
            "use `{}`{page_flag}",
            path.with_extension(wanted).display()
        )),
        ..super::FlagFault::new(
            flag,
            &shown,
            format!(
                "expected a file for {what} ({flag} writes {what}), found `{shown}`, the name \
                 of {named} file"
            ),
        )
    }
    .into())
}

/// `--shard K/N --out PART`: a shard writes its partial file, JSON whatever the name, so
/// `--out part-0.csv` or `--out part-0.html` wrote JSON under a CSV or HTML name (exit 0),
/// where `--out x.html` without `--shard` is refused. Refused as every flag's fault, at the
/// value, before any work: "--out:1:1: error: expected a file for the shard's partial file
/// (JSON: --shard writes it), found `part-0.csv`, the name of a CSV file", help "use
/// `part-0.json`". Any other name is taken, as [`check_named_format`] takes it.
pub fn check_partial_name(out: Option<&std::path::Path>) -> Result<(), super::CliError> {
    let Some(out) = out else {
        return Ok(());
    };
    let ext = out
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let named = match ext.as_deref() {
        Some("csv") => "a CSV",
        Some("html" | "htm") => "an HTML",
        _ => return Ok(()),
    };
    let shown = out.display().to_string();
    Err(super::FlagFault {
        help: Some(format!(
            "use `{}` (`deter merge` of the shards writes the CSV and the page)",
            out.with_extension("json").display()
        )),
        ..super::FlagFault::new(
            "--out",
            &shown,
            format!(
                "expected a file for the shard's partial file (JSON: --shard writes it), found \
                 `{shown}`, the name of {named} file"
            ),
        )
    }
    .into())
}

/// Adaptive stopping: shared by `run`, `compare` and `sweep` (docs/SWEEPS.md).
#[derive(Args, Debug, Clone, Copy)]
pub struct UntilFlags {
    /// Add runs in blocks of 1,000 until the 95% interval of each outcome's region-wide
    /// probability has at most this half-width (compare: the paired interval of each
    /// outcome's region-wide difference B - A; sweep: per point), or the cap is reached. It
    /// watches only those rows: not a rivalry's own, the per-year values, the means per run
    /// or the attribution.
    #[arg(long, value_name = "HALF_WIDTH", allow_negative_numbers = true,
          value_parser = super::parse_until_ci)]
    pub until_ci: Option<f64>,
    // Cap on runs with --until-ci (help: the range from `MAX_RUNS_FLAG`).
    #[arg(long, allow_negative_numbers = true,
          help = super::MAX_RUNS_FLAG.help("Cap on runs with --until-ci", " [default: --runs, or the file's runs]"),
          value_parser = super::MAX_RUNS_FLAG.parser::<u64>())]
    pub max_runs: Option<u64>,
}

impl UntilFlags {
    /// `--max-runs` without `--until-ci`, refused at its value ([`super::refuse_alone`]).
    pub fn refuse_cap_alone(&self) -> Result<(), super::CliError> {
        super::refuse_alone(
            ("--max-runs", self.max_runs.map(|n| n.to_string())),
            "--until-ci",
            self.until_ci.is_some(),
            "--max-runs caps the runs of --until-ci HALF_WIDTH; give --until-ci too, or --runs N \
             for a fixed number of runs",
        )
    }

    /// `--runs N` beside `--until-ci` and `--max-runs`: `--runs` is the cap of `--until-ci`
    /// only when `--max-runs` is not given, so with both it is not used: said (unless
    /// `quiet`), not refused, since a sweep's resume command repeats the flags it was given.
    pub fn note_unused_runs(&self, runs: Option<u64>, quiet: bool) {
        if let (Some(n), Some(_), Some(cap)) = (runs, self.until_ci, self.max_runs)
            && !quiet
        {
            note!(
                "deter: --runs {n} is not used: with --max-runs, --until-ci adds runs in blocks \
                 of 1,000 up to --max-runs {cap}"
            );
        }
    }
}

/// [`OutputFlags::warn_plots_beside`] for a command whose `--plots` is a flag of its own
/// (`deter sweep`).
pub fn warn_plots_beside(plots: Option<&std::path::Path>, inputs: &[PathBuf]) {
    let Some(dir) = plots else { return };
    let inputs: Vec<&std::path::Path> = inputs.iter().map(PathBuf::as_path).collect();
    if let Some(w) = crate::output::beside_inputs(dir, "--plots", &inputs, "the charts (`*.svg`)") {
        note!("{w}");
    }
}
