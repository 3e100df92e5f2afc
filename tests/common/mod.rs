//! Fixtures shared by the end-to-end test binaries (`mod common;` in each): the crate root,
//! the `deter` binary, and a posterior file in the format `deter calibrate` writes.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The crate root: tests run there so that relative paths in messages are stable.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The `deter` binary, run from the crate root.
pub fn deter() -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("deter").expect("the deter binary is built");
    c.current_dir(root());
    c
}

/// A file of the scenarios/ or tests/data/ tree, as an absolute path string.
pub fn scenario(rel: &str) -> String {
    root().join(rel).display().to_string()
}

/// Write `dir/posterior.csv` as `deter calibrate` does: a provenance comment, the header
/// `draw,PATH...,weight,distance` and one row per draw (`values` then `weight`; distance 0).
pub fn write_posterior(dir: &Path, paths: &[&str], rows: &[(&[f64], f64)]) -> PathBuf {
    let mut text = format!(
        "# deter calibrate: posterior draws\ndraw,{},weight,distance\n",
        paths.join(",")
    );
    for (i, (values, weight)) in rows.iter().enumerate() {
        let v: Vec<String> = values.iter().map(|x| x.to_string()).collect();
        text.push_str(&format!("{i},{},{weight},0\n", v.join(",")));
    }
    let p = dir.join("posterior.csv");
    std::fs::write(&p, text).expect("write the posterior");
    p
}
