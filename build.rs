//! Detects the external tools some tests need, so that a test whose tool is missing shows
//! as `ignored` with its reason in the test summary instead of passing silently:
//! `cfg(deter_has_chromium)` (headless Chromium renders the HTML report), `cfg(deter_has_script)`
//! (util-linux `script` gives a pseudo-terminal), `cfg(deter_has_dev_full)` (a device whose
//! writes fail). With `DETER_REQUIRE_TOOLS=1` (set by .ci/run) a missing tool fails the build.

use std::path::{Path, PathBuf};

fn on_path(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|d| names.iter().map(move |n| d.join(n)))
        .find(|p| p.is_file())
}

fn main() {
    println!("cargo::rerun-if-env-changed=PATH");
    println!("cargo::rerun-if-env-changed=DETER_CHROMIUM");
    println!("cargo::rerun-if-env-changed=DETER_REQUIRE_TOOLS");
    let require = std::env::var_os("DETER_REQUIRE_TOOLS").is_some_and(|v| v == "1");
    let chromium = std::env::var_os("DETER_CHROMIUM")
        .map(PathBuf::from)
        .filter(|p| p.is_file())
        .or_else(|| on_path(&["chromium", "chromium-browser"]));
    let tools = [
        ("deter_has_chromium", "chromium", chromium.is_some()),
        (
            "deter_has_script",
            "script (util-linux)",
            on_path(&["script"]).is_some(),
        ),
        (
            "deter_has_dev_full",
            "/dev/full",
            Path::new("/dev/full").exists(),
        ),
    ];
    for (cfg, tool, found) in tools {
        println!("cargo::rustc-check-cfg=cfg({cfg})");
        if found {
            println!("cargo::rustc-cfg={cfg}");
        } else if require {
            panic!(
                "DETER_REQUIRE_TOOLS=1 but {tool} is missing: the tests that need it cannot run"
            );
        } else {
            println!("cargo::warning={tool} not found: the tests that need it are ignored");
        }
    }
}
