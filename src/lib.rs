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

/// Declare deter's internal modules: public and hidden from the docs with the feature
/// `internals` (deter's own tests, benches and fuzz target), `pub(crate)` otherwise, where
/// items only the CLI uses are allowed to be dead when it is off.
macro_rules! internal_modules {
    ($($name:ident),*) => {$(
        #[cfg(feature = "internals")]
        #[doc(hidden)]
        pub mod $name;
        #[cfg(not(feature = "internals"))]
        #[cfg_attr(not(feature = "cli"), allow(dead_code, unused_imports))]
        pub(crate) mod $name;
    )*};
}

mod api;
pub use api::*;

internal_modules!(
    attribution,
    calibrate,
    compare,
    engine,
    model,
    report,
    scenario,
    stats,
    sweep
);
#[cfg(feature = "cli")]
#[doc(hidden)]
pub mod cli;
#[cfg_attr(not(feature = "cli"), allow(dead_code))]
pub(crate) mod output;
pub mod outputs;
#[cfg_attr(not(feature = "cli"), allow(dead_code))]
pub(crate) mod rdm;
/// Checks of the engine's own outputs, for deter's tests and fuzz targets only.
#[cfg(any(test, feature = "internals"))]
#[doc(hidden)]
pub mod selfcheck;
pub mod settings;
#[cfg_attr(not(feature = "cli"), allow(dead_code))]
pub(crate) mod shard;

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
