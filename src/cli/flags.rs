//! Flags shared by several subcommands, declared once and flattened into each
//! (`#[command(flatten)]`). They are raw: [`crate::settings`] checks and resolves them.

use std::path::PathBuf;

use clap::Args;

use super::Format;

/// What to simulate: shared by `run`, `compare` and `sweep`, resolved by
/// [`crate::settings::Settings`].
#[derive(Args, Debug, Clone)]
pub struct SimFlags {
    /// Number of replications (a sweep: per point) [default: the file's `runs`; for several
    /// scenario files, the first's].
    #[arg(long)]
    pub runs: Option<u64>,
    /// Master seed [default: the file's `seed`; for several scenario files, the first's].
    #[arg(long)]
    pub seed: Option<u64>,
    #[command(flatten)]
    pub threads: ThreadsFlag,
    /// Horizon in years [default: the scenario's horizon_years (a sweep: its base
    /// scenario's); compared files must agree].
    #[arg(long)]
    pub horizon_years: Option<u32>,
    /// Skip "which level deters" (the Shapley attribution to the defenders' military,
    /// political and economic levels), on by default: it simulates every run under 7 more
    /// level-removal variants, 8x the work. Sweeps attribute only when asked: there it turns
    /// off the sweep file's `attribution = true`.
    #[arg(long)]
    pub no_attribution: bool,
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
    /// Worker threads; 0 = all cores (at most 1024). Results do not depend on it.
    #[arg(long, default_value_t = 0, value_parser = super::parse_threads)]
    pub threads: usize,
}

/// Where results go: shared by `run`, `compare` and `merge`.
#[derive(Args, Debug, Clone)]
pub struct OutputFlags {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write the result to this file (atomically) instead of stdout.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Also write a self-contained HTML report (charts, provenance) to this file.
    #[arg(long, value_name = "PATH")]
    pub report: Option<PathBuf>,
    /// Also write every chart of the HTML report as a standalone SVG file, named by its chart
    /// id (`chart-survival.svg`, ...), into this directory (created if needed; atomic writes;
    /// never over a file the command reads).
    #[arg(long, value_name = "DIR")]
    pub plots: Option<PathBuf>,
    /// No progress bar (merge: no summary line on stderr).
    #[arg(long, short)]
    pub quiet: bool,
}

/// Adaptive stopping: shared by `run`, `compare` and `sweep` (docs/SWEEPS.md).
#[derive(Args, Debug, Clone, Copy)]
pub struct UntilFlags {
    /// Add runs in blocks of 1,000 until every headline probability's 95% interval has at
    /// most this half-width (compare: the paired interval of every difference B - A; sweep:
    /// per point), or the cap is reached.
    #[arg(long, value_name = "HALF_WIDTH")]
    pub until_ci: Option<f64>,
    /// Cap on runs with --until-ci [default: --runs, or the file's runs].
    #[arg(long, requires = "until_ci")]
    pub max_runs: Option<u64>,
}
