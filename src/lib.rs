//! deter: a Monte Carlo engine for deterrence scenarios on three levels (military,
//! political, economic), after Fatmir Mediu's tri-level deterrence.
//!
//! Data flow: TOML file -> [`scenario`] (validated [`scenario::Scenario`]) ->
//! [`model::Compiled`] -> [`engine::run`] (runs in parallel, streaming into an
//! [`engine::Aggregate`]) -> [`report::Report`] -> an exporter. See ARCHITECTURE.md.

pub mod attribution;
pub mod calibrate;
pub mod cli;
pub mod compare;
pub mod engine;
pub mod model;
pub mod output;
pub mod outputs;
pub mod rdm;
pub mod report;
pub mod scenario;
#[doc(hidden)]
pub mod selfcheck;
pub mod shard;
pub mod stats;
pub mod sweep;

/// Version of the engine, recorded in every output.
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Largest number of runs accepted in one invocation (counters are u64; this keeps
/// every count far from overflow and every run index a valid stream).
pub const MAX_RUNS: u64 = 1_000_000_000_000;

/// Most worker threads accepted (`--threads`); more only wastes memory on stacks.
pub const MAX_THREADS: usize = 1024;

/// Exit codes (documented in README.md).
pub mod exit {
    pub const OK: i32 = 0;
    /// An output could not be written, or another runtime failure.
    pub const FAILURE: i32 = 1;
    /// Bad input or usage: invalid scenario, bad flag value.
    pub const BAD_INPUT: i32 = 2;
    /// Interrupted by Ctrl-C or SIGTERM.
    pub const INTERRUPTED: i32 = 130;
}
