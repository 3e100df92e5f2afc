//! Flags shared by several subcommands, declared once and flattened into each
//! (`#[command(flatten)]`). They are raw: [`crate::settings`] checks and resolves them.

use std::path::PathBuf;

use clap::Args;

use super::Format;

/// What to simulate: shared by `run` and `compare`.
#[derive(Args, Debug, Clone)]
pub struct SimFlags {
    /// Number of replications [default: the (first) scenario file's scenario.runs].
    #[arg(long)]
    pub runs: Option<u64>,
    /// Master seed [default: the (first) scenario file's scenario.seed].
    #[arg(long, value_parser = super::parse_seed)]
    pub seed: Option<u64>,
    #[command(flatten)]
    pub threads: ThreadsFlag,
    /// Horizon in years [default: the file's scenario.horizon_years; compared files must agree].
    #[arg(long)]
    pub horizon_years: Option<u32>,
}

/// `--threads`: shared by every command that simulates.
#[derive(Args, Debug, Clone, Copy)]
pub struct ThreadsFlag {
    /// Worker threads; 0 = all cores (at most 1024). Results do not depend on it.
    #[arg(long, default_value_t = 0, value_parser = super::parse_threads)]
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

    fn out_extension(&self) -> Option<String> {
        self.out
            .as_ref()?
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
    }

    /// Refuse, before any work, an `--out` whose extension contradicts the format: an
    /// explicit `--format` other than the one `.json` / `.csv` names, or `.html` / `.htm`
    /// (the HTML page is `--report`; `--out` never writes HTML). Other extensions take any
    /// format (README, docs/OUTPUT.md).
    pub fn check_extension(&self) -> Result<(), super::CliError> {
        let Some(out) = &self.out else {
            return Ok(());
        };
        let name = |f: Format| match f {
            Format::Table => "table",
            Format::Json => "json",
            Format::Csv => "csv",
        };
        let format = name(self.format());
        let wanted = match self.out_extension().as_deref() {
            Some("json") => "json",
            Some("csv") => "csv",
            Some("html" | "htm") => {
                return Err(super::CliError::Usage(format!(
                    "--out `{}` names an HTML file, but --out writes the {format} format; \
                     use --report `{}` for the HTML page",
                    out.display(),
                    out.display()
                )));
            }
            _ => return Ok(()),
        };
        if wanted == format {
            return Ok(());
        }
        Err(super::CliError::Usage(format!(
            "--out `{}` names a {} file, but --format is {format}; use --format {wanted} \
             (or give the file another extension)",
            out.display(),
            wanted.to_uppercase()
        )))
    }
}
