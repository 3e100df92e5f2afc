//! Hostile input and faults (issue 7): one test binary, one module per area.
//!
//! - `bad_files`: every file in tests/bad/ is refused with exit code 2 and a message naming
//!   the problem, its line and its key; messages are snapshotted.
//! - `fuzz_regressions`: inputs the fuzzer (fuzz/) found, run through the reader and a short
//!   simulation.
//! - `props`: random valid scenarios at the extremes of every documented range.
//! - `limits`: run counts, threads, horizons, empty and large scenarios.
//! - `faults`: output paths, atomic writes, Ctrl-C and SIGKILL.
//! - `warn_files`: every file in tests/warn/ passes `validate` (exit 0) with a warning naming
//!   the problem, its line and its key; messages are snapshotted.
//! - `driver`: every command on the one driver: Ctrl-C within a second with 10^12 runs, the
//!   memory guard.
//!
//! When new subcommands land (sweep, compare, merge, bench), extend each module: see the
//! "Extending" note at the top of each.

#[path = "../common/mod.rs"]
mod common;

mod bad_files;
mod driver;
mod faults;
mod fuzz_regressions;
mod input_core;
mod limits;
mod props;
mod warn_files;

use std::path::Path;

pub use common::{root, run, stderr, write};

/// A fresh temporary directory under target/ (kept on disk only while the test runs).
pub fn tempdir() -> tempfile::TempDir {
    let base = root().join("target").join("test-tmp");
    std::fs::create_dir_all(&base).expect("create target/test-tmp");
    tempfile::Builder::new()
        .prefix("hostile-")
        .tempdir_in(base)
        .expect("temporary directory")
}

/// Replace machine-specific paths in a message so snapshots are portable.
pub fn normalise(text: &str, extra: &[(&Path, &str)]) -> String {
    let mut out = text.to_string();
    for (path, name) in extra {
        out = out.replace(&path.display().to_string(), name);
    }
    out.replace(&root().display().to_string(), "[ROOT]")
}

/// A small valid scenario with `n` countries in a ring of rivalries (country i challenges
/// country i + 1), used by the limit and fault tests.
pub fn ring_scenario(n: usize, horizon_years: u32) -> String {
    let mut s = format!(
        "[scenario]\nname = \"ring of {n}\"\nhorizon_years = {horizon_years}\nruns = 100\nseed = 3\n"
    );
    for i in 0..n {
        s += &format!(
            "\n[[country]]\nid = \"C{i}\"\n[country.military]\nbudget = {}\n[country.economic]\ngdp = {}\n",
            1.0 + (i % 7) as f64,
            20.0 + (i % 11) as f64 * 5.0
        );
    }
    if n > 1 {
        for i in 0..n {
            s += &format!(
                "\n[[rivalry]]\nchallenger = \"C{i}\"\ntarget = \"C{}\"\nopportunity_rate = 2.0\n",
                (i + 1) % n
            );
        }
    }
    s
}
