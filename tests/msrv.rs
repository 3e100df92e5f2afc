//! `rust-version` in Cargo.toml states the true minimum Rust: at least the highest
//! `rust-version` any dependency declares (issue 11, item 10: it said 1.85 while statrs 0.19
//! needs 1.89). Clippy's `incompatible_msrv` lint (on in `.ci/run`) checks the other half:
//! that deter's own code uses no standard-library API newer than it.

use std::process::Command;

fn version(v: &str) -> Vec<u64> {
    let mut v: Vec<u64> = v.split('.').map(|p| p.parse().unwrap_or(0)).collect();
    v.resize(3, 0);
    v
}

#[test]
fn rust_version_is_the_highest_any_dependency_needs() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        // Not `--offline`: the metadata covers every platform's dependencies, and a build
        // downloads only the host's (a fresh machine lacks, e.g., crates of other targets).
        .args(["metadata", "--format-version", "1"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let packages = meta["packages"].as_array().unwrap();
    let ours = packages
        .iter()
        .find(|p| p["name"] == "deter")
        .and_then(|p| p["rust_version"].as_str())
        .expect("deter declares rust-version");
    let (needed, by) = packages
        .iter()
        .filter(|p| p["name"] != "deter")
        .filter_map(|p| Some((version(p["rust_version"].as_str()?), p["name"].to_string())))
        .max()
        .expect("some dependency declares rust-version");
    assert_eq!(
        version(ours),
        needed,
        "Cargo.toml says rust-version = {ours}; the highest a dependency needs is {needed:?} ({by})"
    );
}
