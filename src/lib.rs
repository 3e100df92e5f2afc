//! deter: a Monte Carlo engine for deterrence scenarios on three levels (military,
//! political, economic), after Fatmir Mediu's tri-level deterrence.
//!
//! **Use the facade**: [`load`], [`parse`], [`validate`], [`run`], [`compare`], [`sweep`],
//! [`merge`], with [`Settings`] and [`Control`] (cancellation, progress); results are
//! [`Report`]s (docs/OUTPUT.md). Shapes, units and errors are documented on each function.
//!
//! The modules below are deter's internals (the CLI, the engine, the model): public so that
//! deter's own tests, benchmarks, fuzz target and Python package can reach them, hidden from
//! the documentation, and free to change between versions. Data flow: TOML file ->
//! `scenario` (validated `Scenario`) -> `model::Compiled` -> `engine::driver` (runs in
//! parallel, streaming into an `engine::Aggregate`) -> `report::Report` -> an exporter. The
//! outputs are declared once in `outputs`. See ARCHITECTURE.md.

#![cfg_attr(not(feature = "internals"), warn(missing_docs))]

mod api;
pub use api::*;

#[cfg(feature = "internals")]
#[doc(hidden)]
pub mod attribution;
#[cfg(not(feature = "internals"))]
#[cfg_attr(not(feature = "cli"), allow(dead_code, unused_imports))]
pub(crate) mod attribution;
#[cfg(feature = "internals")]
#[doc(hidden)]
pub mod calibrate;
#[cfg(not(feature = "internals"))]
#[cfg_attr(not(feature = "cli"), allow(dead_code, unused_imports))]
pub(crate) mod calibrate;
#[cfg(feature = "cli")]
#[doc(hidden)]
pub mod cli;
#[cfg(feature = "internals")]
#[doc(hidden)]
pub mod compare;
#[cfg(not(feature = "internals"))]
#[cfg_attr(not(feature = "cli"), allow(dead_code, unused_imports))]
pub(crate) mod compare;
#[cfg(feature = "internals")]
#[doc(hidden)]
pub mod engine;
#[cfg(not(feature = "internals"))]
#[cfg_attr(not(feature = "cli"), allow(dead_code, unused_imports))]
pub(crate) mod engine;
#[cfg(feature = "internals")]
#[doc(hidden)]
pub mod model;
#[cfg(not(feature = "internals"))]
#[cfg_attr(not(feature = "cli"), allow(dead_code, unused_imports))]
pub(crate) mod model;
#[cfg_attr(not(feature = "cli"), allow(dead_code))]
pub(crate) mod output;
pub mod outputs;
#[cfg_attr(not(feature = "cli"), allow(dead_code))]
pub(crate) mod rdm;
#[cfg(feature = "internals")]
#[doc(hidden)]
pub mod report;
#[cfg(not(feature = "internals"))]
#[cfg_attr(not(feature = "cli"), allow(dead_code, unused_imports))]
pub(crate) mod report;
#[cfg(feature = "internals")]
#[doc(hidden)]
pub mod scenario;
#[cfg(not(feature = "internals"))]
#[cfg_attr(not(feature = "cli"), allow(dead_code, unused_imports))]
pub(crate) mod scenario;
/// Checks of the engine's own outputs, for deter's tests and fuzz targets only.
#[cfg(any(test, feature = "internals"))]
#[doc(hidden)]
pub mod selfcheck;
pub mod settings;
#[cfg_attr(not(feature = "cli"), allow(dead_code))]
pub(crate) mod shard;
#[cfg(feature = "internals")]
#[doc(hidden)]
pub mod stats;
#[cfg(not(feature = "internals"))]
#[cfg_attr(not(feature = "cli"), allow(dead_code, unused_imports))]
pub(crate) mod stats;
#[cfg(feature = "internals")]
#[doc(hidden)]
pub mod sweep;
#[cfg(not(feature = "internals"))]
#[cfg_attr(not(feature = "cli"), allow(dead_code, unused_imports))]
pub(crate) mod sweep;

/// Version of the engine, recorded in every output.
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Largest number of runs accepted in one invocation (counters are u64; this keeps
/// every count far from overflow and every run index a valid stream).
pub const MAX_RUNS: u64 = 1_000_000_000_000;

/// Most worker threads accepted (`--threads`); more only wastes memory on stacks.
pub const MAX_THREADS: usize = 1024;

/// Exit codes (documented in README.md).
pub mod exit {
    /// Success.
    pub const OK: i32 = 0;
    /// An output could not be written, or another runtime failure.
    pub const FAILURE: i32 = 1;
    /// Bad input or usage: invalid scenario, bad flag value.
    pub const BAD_INPUT: i32 = 2;
    /// Interrupted by Ctrl-C or SIGTERM.
    pub const INTERRUPTED: i32 = 130;
}
