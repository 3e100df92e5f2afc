//! The files deter writes: what an output may replace (never an input, never a sweep's
//! record, never another calibration's results without `--force`), that a replaced file
//! keeps its permissions, that outputs are checked before any work, and that a write that
//! fails (a full disk) names the file and says how to go on.

mod common;

use std::path::{Path, PathBuf};

use common::{refused, refused_for, run, stderr, write};

fn base() -> String {
    common::scenario("scenarios/western-balkans-2024.toml")
}

/// A grid sweep of `points` values of one parameter, `runs` runs each.
fn grid_sweep(dir: &Path, name: &str, points: usize, runs: u64) -> PathBuf {
    let values: Vec<String> = (0..points)
        .map(|i| format!("{}", 0.3 + 0.6 * i as f64 / points as f64))
        .collect();
    write(
        dir,
        name,
        &format!(
            "base = \"{}\"\nruns = {runs}\nseed = 3\ndesign = \"grid\"\n\
             [[parameter]]\npath = \"deployment.KFOR.reliability\"\nrole = \"uncertainty\"\n\
             values = [{}]\n",
            base(),
            values.join(", ")
        ),
    )
}

/// The partial files of `sweep` in `n` shards (`p-K.json` beside it).
fn sweep_shards(sweep: &Path, n: u32) -> Vec<String> {
    (0..n)
        .map(|k| {
            let part = sweep.with_file_name(format!("p-{k}.json"));
            let o = run(&[
                "sweep",
                sweep.to_str().unwrap(),
                "--shard",
                &format!("{k}/{n}"),
                "--out",
                part.to_str().unwrap(),
                "--quiet",
            ]);
            assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
            part.display().to_string()
        })
        .collect()
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
fn set_mode(p: &Path, m: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap();
}

#[cfg(unix)]
#[test]
fn a_replaced_output_keeps_its_permissions() {
    let d = tempfile::tempdir().unwrap();
    let b = base();
    // A new file: readable like any file the user writes.
    let fresh = d.path().join("fresh.json");
    let o = run(&["run", &b, "--runs", "10", "--out", fresh.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(mode(&fresh), 0o644);
    // A private file written over, directly and through a link: still private.
    for (m, via_link) in [(0o600, false), (0o600, true), (0o640, false)] {
        let target = write(d.path(), "target.json", "old\n");
        set_mode(&target, m);
        let named = if via_link {
            let link = d.path().join("link.json");
            let _ = std::fs::remove_file(&link);
            std::os::unix::fs::symlink(&target, &link).unwrap();
            link
        } else {
            target.clone()
        };
        let o = run(&["run", &b, "--runs", "10", "--out", named.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert!(std::fs::read_to_string(&target).unwrap().starts_with('{'));
        assert_eq!(mode(&target), m, "link: {via_link}");
    }
    // The streamed-then-published writer too (merge of sweep shards).
    let sweep = grid_sweep(d.path(), "g.toml", 3, 10);
    let parts = sweep_shards(&sweep, 2);
    let merged = write(d.path(), "merged.csv", "old\n");
    set_mode(&merged, 0o600);
    let mut args = vec!["merge"];
    args.extend(parts.iter().map(String::as_str));
    args.extend(["--out", merged.to_str().unwrap(), "--quiet"]);
    let o = run(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        std::fs::read_to_string(&merged)
            .unwrap()
            .starts_with("point,")
    );
    assert_eq!(mode(&merged), 0o600);
}

#[test]
fn a_sweep_never_writes_over_a_sweeps_record() {
    let d = tempfile::tempdir().unwrap();
    let sweep = grid_sweep(d.path(), "g.toml", 3, 10);
    let s = sweep.to_str().unwrap();
    let results = d.path().join("full.csv");
    let o = run(&["sweep", s, "--out", results.to_str().unwrap(), "--quiet"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let record = d.path().join("full.csv.sweep");
    let before = std::fs::read(&record).unwrap();
    assert!(before.starts_with(b"deter sweep fingerprint"));
    // The record itself, a copy of it under another name, and any name ending in `.sweep`,
    // for a sweep, a sweep's shard and a merge: refused before any work, nothing written.
    let copy = d.path().join("copy.csv");
    std::fs::copy(&record, &copy).unwrap();
    let fresh = d.path().join("other.sweep");
    for out in [&record, &copy, &fresh] {
        let o_str = out.to_str().unwrap();
        for args in [
            vec!["sweep", s, "--out", o_str, "--quiet"],
            vec!["sweep", s, "--shard", "0/2", "--out", o_str, "--quiet"],
        ] {
            let o = run(&args);
            refused_for(&o, format_args!("{args:?}"));
            // Located at --out's value, as every output's fault (tests/located_faults.rs).
            let named = if out == &copy {
                "which begins as one does"
            } else {
                "named like one"
            };
            let err = stderr(&o);
            assert_eq!(
                err.lines().next().unwrap_or_default(),
                format!(
                    "--out:1:1: error: expected a file that is no sweep's record, found \
                     `{o_str}`, {named} (the `.sweep` file a sweep writes beside its results)"
                )
            );
            assert!(
                err.contains(
                    "= help: --out would replace a sweep's record, or write a file taken for \
                     one: choose another name"
                ),
                "{err}"
            );
        }
        assert!(!d.path().join(format!("{o_str}.sweep")).exists());
    }
    assert_eq!(
        std::fs::read(&record).unwrap(),
        before,
        "the record is intact"
    );
    assert!(!fresh.exists());
    // The resume still finds the record its results need.
    let o = run(&[
        "sweep",
        s,
        "--out",
        results.to_str().unwrap(),
        "--resume",
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// A calibration of one case, 10 particles, one generation: seconds.
fn calibration(dir: &Path, name: &str, seed: u64) -> PathBuf {
    let history = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/history");
    write(
        dir,
        name,
        &format!(
            "seed = {seed}\nparticles = 10\nmax_generations = 1\npredictive_draws = 2\n\
             statistics = [\"threat_or_display\", \"use_of_force\", \"war\"]\n\
             cases = [\"{}\"]\n\
             [[parameter]]\npath = \"model.status_quo_value\"\nrange = [0.0, 1.0]\n",
            history.join("serbia-kosovo.record.toml").display()
        ),
    )
}

fn calibrate(file: &Path, out: &Path, more: &[&str]) -> std::process::Output {
    let mut args = vec![
        "calibrate",
        file.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
        "--threads",
        "1",
    ];
    args.extend(more);
    run(&args)
}

#[test]
fn calibrate_refuses_an_input_as_output_before_any_work() {
    let d = tempfile::tempdir().unwrap();
    for name in [
        "report.html",
        "diagnostics.csv",
        "posterior.csv",
        "state.json",
        "attribution.json",
    ] {
        let out = d.path().join(format!("out-{}", name.replace('.', "-")));
        std::fs::create_dir(&out).unwrap();
        let text = std::fs::read_to_string(calibration(d.path(), "c.toml", 5)).unwrap();
        let input = write(&out, name, &text);
        let o = calibrate(&input, &out, &[]);
        refused_for(&o, format_args!("{name}"));
        // The words of every command, at --out (the directory that holds it).
        assert!(
            stderr(&o).starts_with(&format!(
                "--out:1:1: error: expected a file that is none of the command's inputs, \
                 found `{}`, which is also an input file, a file calibrate writes\n",
                input.display()
            )),
            "{}",
            stderr(&o)
        );
        // Nothing was written: the directory holds the input only, unchanged.
        let names: Vec<_> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names, vec![name.to_string()], "{name}");
        assert_eq!(std::fs::read_to_string(&input).unwrap(), text);
    }
}

#[test]
fn calibrate_replaces_another_calibrations_results_only_with_force() {
    let d = tempfile::tempdir().unwrap();
    let a = calibration(d.path(), "a.toml", 5);
    let b = calibration(d.path(), "b.toml", 6);
    let out = d.path().join("cal");
    let o = calibrate(&a, &out, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let files = [
        "posterior.csv",
        "diagnostics.csv",
        "state.json",
        "report.html",
    ];
    let of_a: Vec<Vec<u8>> = files
        .iter()
        .map(|f| std::fs::read(out.join(f)).unwrap())
        .collect();
    // The same calibration again: its own results, replaced by the same.
    let o = calibrate(&a, &out, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // Another calibration: refused before any work, every file as it was.
    let o = calibrate(&b, &out, &[]);
    refused(&o);
    let e = stderr(&o);
    assert!(
        e.starts_with(&format!(
            "--out:1:1: error: expected a directory of this calibration, found `{}`, which \
             holds the results of another calibration",
            out.display()
        )) && e.contains("--force"),
        "{e}"
    );
    for (f, bytes) in files.iter().zip(&of_a) {
        assert_eq!(&std::fs::read(out.join(f)).unwrap(), bytes, "{f} untouched");
    }
    // A state.json that is not a calibration's at all: refused too.
    let other = d.path().join("other");
    std::fs::create_dir(&other).unwrap();
    write(&other, "state.json", "my notes\n");
    let o = calibrate(&b, &other, &[]);
    refused(&o);
    assert_eq!(
        std::fs::read_to_string(other.join("state.json")).unwrap(),
        "my notes\n"
    );
    // The same fault said the same way started afresh and resumed (a fresh start called it
    // "the results of another calibration"; resumed, it named no file).
    let said = "whose `state.json` is not a calibration state (not JSON: expected value at \
                line 1 column 1)";
    let e = stderr(&o);
    assert!(
        e.starts_with(&format!(
            "--out:1:1: error: expected a directory this calibration may start afresh in, \
             found `{}`, {said}",
            other.display()
        )) && e.contains("add --force to replace it"),
        "{e}"
    );
    let o = calibrate(&b, &other, &["--resume"]);
    refused(&o);
    let e = stderr(&o);
    assert!(
        e.starts_with(&format!(
            "--out:1:1: error: expected a calibration to --resume, found `{}`, {said}",
            other.display()
        )),
        "{e}"
    );
    // A resume of another calibration's results said "resume with the same file, --set
    // values and seed, or remove it to start afresh", not that --force (without --resume)
    // starts afresh over them, which that needs: it says so. B differs in its seed, which
    // is located in B's file with A's value to resume with.
    let o = calibrate(&b, &out, &["--resume"]);
    refused(&o);
    let e = stderr(&o);
    assert!(
        e.starts_with(&format!(
            "{}:1:8: error: seed: expected `seed` = 5, the setting of the calibration in `{}` \
             that --resume continues, found 6",
            b.display(),
            out.join("state.json").display()
        )) && e.contains(
            "resume with `seed = 5`, or leave out --resume and add --force to start afresh \
             over it (its results are replaced)"
        ),
        "{e}"
    );
    // With --force: replaced.
    let o = calibrate(&b, &out, &["--force"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_ne!(std::fs::read(out.join("state.json")).unwrap(), of_a[2]);
    // --force says so in --help.
    let o = run(&["calibrate", "--help"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("--force"));
}

#[test]
fn init_dash_says_what_init_does() {
    let d = tempfile::tempdir().unwrap();
    let o = common::deter()
        .current_dir(d.path())
        .args(["init", "-"])
        .output()
        .unwrap();
    refused(&o);
    let e = stderr(&o);
    assert!(
        e.contains("init always writes a file (without a path, `scenario.toml`)")
            && e.contains("`./-`"),
        "{e}"
    );
    // Not the other commands' advice, which is false for init.
    assert!(!e.contains("leave the option out"), "{e}");
    assert_eq!(std::fs::read_dir(d.path()).unwrap().count(), 0);
    // `./-` is the file of that name.
    let o = common::deter()
        .current_dir(d.path())
        .args(["init", "./-"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(d.path().join("-").is_file());
}

/// A tmpfs of `kib` KiB mounted at a fresh directory, unmounted when dropped.
#[cfg(target_os = "linux")]
struct Tmpfs(tempfile::TempDir);

#[cfg(target_os = "linux")]
impl Tmpfs {
    /// None where mounting is not allowed (not root, no CAP_SYS_ADMIN).
    fn mount(kib: u64) -> Option<Self> {
        let dir = tempfile::tempdir().unwrap();
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={kib}k"), "tmpfs"])
            .arg(dir.path())
            .status()
            .is_ok_and(|s| s.success());
        ok.then_some(Tmpfs(dir))
    }

    fn resize(&self, kib: u64) {
        let ok = std::process::Command::new("mount")
            .args(["-o", &format!("remount,size={kib}k")])
            .arg(self.0.path())
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "remount");
    }
}

#[cfg(target_os = "linux")]
impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg(self.0.path())
            .status();
    }
}

/// A full disk during a sweep: "cannot write `PATH`: ..." as every output that cannot be
/// written, exit 1, and the command that completes it, which then gives the uninterrupted
/// sweep's bytes. Needs a tmpfs (root); set DETER_TEST_NO_MOUNT=1 to skip where mounting is
/// not allowed.
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_during_a_sweep_names_the_file_and_the_resume() {
    let Some(fs) = Tmpfs::mount(48) else {
        assert!(
            std::env::var_os("DETER_TEST_NO_MOUNT").is_some(),
            "cannot mount a tmpfs (needs root); set DETER_TEST_NO_MOUNT=1 to skip this test"
        );
        return;
    };
    let d = tempfile::tempdir().unwrap();
    // About 600 bytes a row: 200 rows do not fit in 48 KiB.
    let sweep = grid_sweep(d.path(), "g.toml", 200, 5);
    let s = sweep.to_str().unwrap();
    let whole = d.path().join("whole.csv");
    let o = run(&["sweep", s, "--out", whole.to_str().unwrap(), "--quiet"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(std::fs::metadata(&whole).unwrap().len() > 60 * 1024);

    let out = fs.0.path().join("r.csv");
    let o = run(&["sweep", s, "--out", out.to_str().unwrap(), "--quiet"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    let first = e.lines().next().unwrap();
    assert!(
        first.starts_with(&format!(
            "error: cannot write `{}`: No space left on device",
            out.display()
        )),
        "{e}"
    );
    let resume = format!("deter sweep {s} --out {} --resume", out.display());
    assert!(e.contains(&resume), "the resume command: {e}");
    // Room again: the printed command completes it, byte for byte the uninterrupted sweep.
    fs.resize(1024);
    let o = run(&[
        "sweep",
        s,
        "--out",
        out.to_str().unwrap(),
        "--resume",
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(&whole).unwrap());
}

/// The hidden temporary files of `dir` (`.deter-XXXXXX.tmp`).
fn temporary_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".deter-"))
        .collect()
}

/// A full disk under the outputs written whole (a shard's partial file, a calibration's
/// state) said "cannot write `PATH`: No space left on device (os error 28) at path
/// \"DIR/.deter-XXXXXX.tmp\"": the name of a hidden temporary file, removed by then, that
/// the user never gave. Now the words of every other output: the file named, the reason, and
/// nothing left behind. Needs a tmpfs (root), as the sweep's test above.
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_names_the_output_never_its_temporary_file() {
    let Some(fs) = Tmpfs::mount(64) else {
        assert!(
            std::env::var_os("DETER_TEST_NO_MOUNT").is_some(),
            "cannot mount a tmpfs (needs root); set DETER_TEST_NO_MOUNT=1 to skip this test"
        );
        return;
    };
    let dir = fs.0.path();
    // Full: neither the partial file nor the calibration's first state fits.
    std::fs::write(dir.join("fill"), vec![0u8; 64 * 1024]).unwrap();
    let d = tempfile::tempdir().unwrap();
    let cal = calibration(d.path(), "c.toml", 3);
    let part = dir.join("p.json");
    let cal_out = dir.join("cal");
    let b = base();
    let cases: [(Vec<&str>, PathBuf); 2] = [
        (
            vec![
                "run",
                &b,
                "--runs",
                "100",
                "--shard",
                "0/2",
                "--out",
                part.to_str().unwrap(),
                "-q",
            ],
            part.clone(),
        ),
        (
            vec![
                "calibrate",
                cal.to_str().unwrap(),
                "--out",
                cal_out.to_str().unwrap(),
                "-q",
            ],
            cal_out.join("state.json"),
        ),
    ];
    for (args, file) in cases {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stderr(&o));
        let e = stderr(&o);
        assert_eq!(
            e.lines().next().unwrap(),
            format!(
                "error: cannot write `{}`: No space left on device (os error 28)",
                file.display()
            ),
            "{args:?}"
        );
        assert!(
            !e.contains(".deter-"),
            "{args:?}: a temporary file named: {e}"
        );
        assert!(!file.exists(), "{args:?}");
        let parent = file.parent().unwrap();
        if parent == cal_out {
            // The directory the calibration created, empty: removed ("no output written").
            assert!(!cal_out.exists(), "an empty --out directory left");
        } else {
            assert_eq!(temporary_files(parent), Vec::<String>::new(), "{args:?}");
        }
    }
}

/// A disk that fills exactly when the last row is written: every row is in the results, but
/// the record cannot say `complete`. It said "cannot write `R.sweep`: ..." and nothing else
/// (the temporary file's name in it): now the reason, that the rows are all there, and the
/// `--resume` command, which completes the record and writes the sensitivity table, the
/// uninterrupted sweep's bytes.
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_at_the_sweeps_record_says_how_to_complete_it() {
    let d = tempfile::tempdir().unwrap();
    let sweep = grid_sweep(d.path(), "g.toml", 200, 5);
    let s = sweep.to_str().unwrap();
    let whole = d.path().join("whole.csv");
    let o = run(&["sweep", s, "--out", whole.to_str().unwrap(), "--quiet"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // Pages for the results and for the running record: none left for the complete record's
    // temporary file.
    let rows = std::fs::metadata(&whole).unwrap().len();
    let kib = (rows.div_ceil(4096) + 1) * 4;
    let Some(fs) = Tmpfs::mount(kib) else {
        assert!(
            std::env::var_os("DETER_TEST_NO_MOUNT").is_some(),
            "cannot mount a tmpfs (needs root); set DETER_TEST_NO_MOUNT=1 to skip this test"
        );
        return;
    };
    let out = fs.0.path().join("r.csv");
    let o = run(&["sweep", s, "--out", out.to_str().unwrap(), "--quiet"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    assert_eq!(
        std::fs::read(&out).unwrap(),
        std::fs::read(&whole).unwrap(),
        "{e}"
    );
    let first = e.lines().next().unwrap();
    assert!(
        first.starts_with(&format!(
            "error: cannot write `{}.sweep`: No space left on device (os error 28); every \
             point's row is in `{}`",
            out.display(),
            out.display()
        )),
        "{e}"
    );
    assert!(!e.contains(".deter-"), "a temporary file named: {e}");
    let resume = format!("deter sweep {s} --out {} --resume", out.display());
    assert!(e.contains(&resume), "the resume command: {e}");
    fs.resize(1024);
    let o = run(&[
        "sweep",
        s,
        "--out",
        out.to_str().unwrap(),
        "--resume",
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(&whole).unwrap());
    let record = std::fs::read_to_string(fs.0.path().join("r.csv.sweep")).unwrap();
    assert!(record.contains("\"status\":\"complete\""), "{record}");
}

/// An output path that exists and is read-only was replaced without a word (the rename over
/// it needs only the directory's permission, and the new file kept the read-only mode). A
/// file made read-only is one its owner wants kept: every command that writes outputs
/// refuses it now, before any work, exit 2, naming it, and leaves it as it was.
#[cfg(unix)]
#[test]
fn every_command_refuses_a_read_only_output_before_any_work() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let b = base();
    let sweep = grid_sweep(dir, "g.toml", 3, 10);
    let s = sweep.to_str().unwrap().to_string();
    // Inputs the commands below need: shards of the sweep and of a run, results to analyse,
    // a scenario with an uncertain parameter, a calibration.
    let parts = sweep_shards(&sweep, 2);
    let results = dir.join("results.csv");
    let o = run(&["sweep", &s, "--out", results.to_str().unwrap(), "-q"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let r = results.to_str().unwrap().to_string();
    let template =
        std::fs::read_to_string(common::root().join("src/scenario/template.toml")).unwrap();
    let unc = write(
        dir,
        "unc.toml",
        &format!("{template}\n[[uncertain]]\npath = \"model.war_cost\"\nrange = [0.2, 2.0]\n"),
    );
    let unc = unc.to_str().unwrap().to_string();
    let cal = calibration(dir, "c.toml", 5);
    let cal_out = dir.join("cal");
    std::fs::create_dir(&cal_out).unwrap();

    let ro = |name: &str| -> PathBuf {
        let p = dir.join(name);
        let _ = std::fs::remove_file(&p);
        std::fs::write(&p, "keep me\n").unwrap();
        set_mode(&p, 0o444);
        p
    };
    let cases: Vec<(PathBuf, Vec<String>)> = {
        let mut v = Vec::new();
        let mut case = |name: &str, args: &[&str]| {
            let p = if name.contains('/') {
                let p = write(dir, name, "keep me\n");
                set_mode(&p, 0o444);
                p
            } else {
                ro(name)
            };
            let mut a: Vec<String> = args.iter().map(|x| x.to_string()).collect();
            for w in a.iter_mut() {
                if w == "OUT" {
                    *w = p.display().to_string();
                }
            }
            v.push((p, a));
        };
        case("run.json", &["run", &b, "--runs", "5", "--out", "OUT"]);
        case("run.html", &["run", &b, "--runs", "5", "--report", "OUT"]);
        case(
            "per-run.csv",
            &["run", &b, "--runs", "5", "--per-run", "OUT"],
        );
        case(
            "shard.json",
            &["run", &b, "--runs", "5", "--shard", "0/2", "--out", "OUT"],
        );
        case(
            "nested.json",
            &["run", &unc, "--runs", "5", "--draws", "2", "--out", "OUT"],
        );
        case(
            "compare.json",
            &["compare", &b, &b, "--runs", "5", "--out", "OUT"],
        );
        case("sweep.csv", &["sweep", &s, "--out", "OUT", "-q"]);
        case(
            "resume.csv",
            &["sweep", &s, "--out", "OUT", "--resume", "-q"],
        );
        case("sweep.html", &["sweep", &s, "--report", "OUT", "-q"]);
        case(
            "sweep-shard.json",
            &["sweep", &s, "--shard", "0/2", "--out", "OUT", "-q"],
        );
        let mut merge = vec!["merge"];
        merge.extend(parts.iter().map(String::as_str));
        merge.extend(["--out", "OUT", "-q"]);
        case("merged.csv", &merge);
        case("robust.csv", &["robust", &r, "--out", "OUT"]);
        case(
            "discover.html",
            &[
                "discover",
                &r,
                "--outcome",
                "war",
                "--above",
                "0.1",
                "--report",
                "OUT",
            ],
        );
        case("init.toml", &["init", "OUT", "--force"]);
        case(
            "cal/posterior.csv",
            &[
                "calibrate",
                cal.to_str().unwrap(),
                "--out",
                cal_out.to_str().unwrap(),
                "-q",
            ],
        );
        v
    };
    for (path, args) in &cases {
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = run(&argv);
        let e = refused_for(&o, format_args!("{argv:?}"));
        // Located at the flag that named it (calibrate's --out: the directory that holds
        // it; init's PATH), with what to do in the help line.
        let first = e.lines().next().unwrap_or_default();
        assert!(
            first.ends_with(&format!("found `{}`, a read-only file", path.display()))
                || first.ends_with(&format!(
                    "found `{}`, a read-only file, a file calibrate writes",
                    path.display()
                )),
            "{argv:?}: {e}"
        );
        assert!(
            first.starts_with("--out:1:1: error: ")
                || first.starts_with("--report:1:1: error: ")
                || first.starts_with("--per-run:1:1: error: ")
                || first.starts_with("PATH:1:1: error: "),
            "{argv:?}: {e}"
        );
        assert!(
            e.contains("= help: make it writable (`chmod u+w`), remove it, or choose another name")
                || e.contains("= help: give --out another directory"),
            "{argv:?}: {e}"
        );
        assert_eq!(
            std::fs::read_to_string(path).unwrap(),
            "keep me\n",
            "{argv:?}"
        );
        assert_eq!(mode(path), 0o444, "{argv:?}");
    }
    // Nothing else was written either: no record beside the refused sweep results.
    assert!(!dir.join("sweep.csv.sweep").exists());
    assert_eq!(std::fs::read_dir(&cal_out).unwrap().count(), 1);
}

/// An output that cannot be written (here a name longer than the file system takes: the
/// fault reaches the write as root too, where a read-only directory does not) was said in
/// about ten places, each formatting "cannot write `PATH`: REASON" itself, and a directory of
/// outputs (`--plots`, a calibration's `--out`) "cannot create `PATH`: REASON". One wording
/// now in every command and output kind, exit 1; and an output in a directory that does not
/// exist, under a file, or named as a directory (`--out out/`) is refused alike by every
/// command before any work, exit 2.
#[cfg(target_os = "linux")]
#[test]
fn an_output_that_cannot_be_written_is_said_alike_by_every_command() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let b = base();
    let sweep = grid_sweep(dir, "g.toml", 2, 5);
    let sweep = sweep.to_str().unwrap();
    let lxf = common::scenario("scenarios/sweeps/envoy-magnitude-x-futures.toml");
    let cal = common::scenario("scenarios/history/calibrate.toml");
    // s0.json and s1.json in `dir`, named there by the merges below.
    common::run_shards(&b, &["--runs", "4", "-q"], 2, |k| {
        dir.join(format!("s{k}.json")).display().to_string()
    });
    let o = common::run_in(
        dir,
        &["sweep", &lxf, "--runs", "5", "--out", "lxf.csv", "-q"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // Each command with the output's option (None: the output is the positional argument).
    let commands: Vec<(Vec<&str>, Option<&str>, &str)> = vec![
        (vec!["run", &b, "--runs", "5"], Some("--out"), ".json"),
        (vec!["run", &b, "--runs", "5"], Some("--report"), ".html"),
        (vec!["run", &b, "--runs", "5"], Some("--per-run"), ".csv"),
        (vec!["run", &b, "--runs", "5"], Some("--plots"), ""),
        (
            vec!["compare", &b, &b, "--runs", "5"],
            Some("--out"),
            ".json",
        ),
        (
            vec!["compare", &b, &b, "--runs", "5"],
            Some("--report"),
            ".html",
        ),
        (vec!["sweep", sweep], Some("--out"), ".csv"),
        (vec!["sweep", sweep], Some("--report"), ".html"),
        (
            vec!["sweep", sweep, "--shard", "0/2"],
            Some("--out"),
            ".json",
        ),
        (vec!["merge", "s0.json", "s1.json"], Some("--out"), ".json"),
        (
            vec!["merge", "s0.json", "s1.json"],
            Some("--report"),
            ".html",
        ),
        (vec!["robust", "lxf.csv"], Some("--out"), ".csv"),
        (vec!["robust", "lxf.csv"], Some("--report"), ".html"),
        (vec!["calibrate", &cal, "--threads", "1"], Some("--out"), ""),
        (vec!["init"], None, ".toml"),
    ];
    let long = "x".repeat(300);
    let mut reasons = Vec::new();
    std::fs::write(dir.join("afile"), "").unwrap();
    for (args, flag, ext) in &commands {
        // A file's output named as a directory that does not exist (`--out out/`: the whole
        // run was done, then "cannot write `out/`: Not a directory", exit 1), or under a file
        // ("output directory `afile` does not exist": it exists, as a file). Refused before
        // any work, exit 2; a directory option (`--plots`, calibrate's `--out`) takes `out/`.
        for (name, want) in [
            (
                "out/".to_string(),
                "expected a file, found `out/`, which ends with `/`: a directory",
            ),
            (
                format!("afile/r{ext}"),
                // At the option's value (PATH: init's), as a directory option's fault.
                "expected a file in an existing directory, found `afile/rEXT`, whose directory \
                 `afile` is not a directory (a file of that name exists)",
            ),
        ] {
            if ext.is_empty() && name == "out/" {
                continue;
            }
            let mut a: Vec<&str> = args.clone();
            a.extend(flag.iter());
            a.push(&name);
            let o = common::run_in(dir, &a);
            let e = stderr(&o);
            let first = e.lines().find(|l| l.starts_with("error: ")).unwrap_or("");
            assert_eq!(o.status.code(), Some(2), "{a:?}: {e}");
            let _ = first;
            if !ext.is_empty() && name == "out/" {
                let at = flag.unwrap_or("PATH");
                assert!(
                    e.starts_with(&format!("{at}:1:1: error: {want}\n")),
                    "{a:?}: {e}"
                );
            } else if !ext.is_empty() {
                let at = flag.unwrap_or("PATH");
                let want = want.replace("EXT", ext);
                assert!(
                    e.starts_with(&format!("{at}:1:1: error: {want}\n")),
                    "{a:?}: {e}"
                );
                assert!(
                    e.contains(&format!(
                        "= help: {at} names the file to write: create `afile`"
                    )),
                    "{a:?}: {e}"
                );
            }
            assert!(!dir.join("out").exists(), "{a:?}");
        }
        for missing in [false, true] {
            let name = if missing {
                format!("nodir/r{ext}")
            } else {
                format!("{long}{ext}")
            };
            let mut a: Vec<&str> = args.clone();
            a.extend(flag.iter());
            a.push(&name);
            if args[0] != "init" {
                a.push("-q");
            }
            let o = common::run_in(dir, &a);
            let e = stderr(&o);
            let first = e.lines().find(|l| l.starts_with("error: ")).unwrap_or("");
            if missing {
                assert_eq!(o.status.code(), Some(2), "{a:?}: {e}");
                if ext.is_empty() {
                    // A directory option (`--plots`, calibrate's `--out`): at its value.
                    let flag = flag.unwrap();
                    assert!(
                        e.starts_with(&format!(
                            "{flag}:1:1: error: expected a directory in an existing directory, \
                             found `nodir/r`, whose directory `nodir` does not exist\n"
                        )),
                        "{a:?}: {e}"
                    );
                    continue;
                }
                // A file's option: at its value too, with the help line (it was a plain
                // "error: output directory `nodir` does not exist").
                let at = flag.unwrap_or("PATH");
                assert!(
                    e.starts_with(&format!(
                        "{at}:1:1: error: expected a file in an existing directory, found \
                         `nodir/r{ext}`, whose directory `nodir` does not exist\n"
                    )),
                    "{a:?}: {e}"
                );
                assert!(
                    e.contains(&format!(
                        "= help: {at} names the file to write: create `nodir` first, or name a \
                         file in an existing directory"
                    )),
                    "{a:?}: {e}"
                );
                continue;
            }
            assert_eq!(o.status.code(), Some(1), "{args:?} {flag:?}: {e}");
            let reason = first
                .strip_prefix(&format!("error: cannot write `{name}`: "))
                .unwrap_or_else(|| panic!("{args:?} {flag:?}: {first}"));
            reasons.push(reason.to_string());
            assert!(!dir.join(&name).exists(), "{args:?} {flag:?}");
        }
    }
    // The same reason everywhere (the system's, for the same name).
    reasons.dedup();
    assert_eq!(reasons.len(), 1, "{reasons:?}");
}

/// `--report PAGE --plots DIR` with a DIR that cannot take the charts (a tmpfs of 8 KiB: the
/// first charts fill it): the page is written whole, after its last chart, or not at all, in
/// every command that takes both (run, compare, merge of run shards, sweep); the fault names
/// the chart's file and says the page was not written, exit 1. `deter sweep` wrote its page
/// before its charts, and kept it when a chart failed; the others said nothing of the page.
/// Needs a tmpfs (root); set DETER_TEST_NO_MOUNT=1 to skip where mounting is not allowed.
#[cfg(target_os = "linux")]
#[test]
fn a_chart_that_cannot_be_written_leaves_the_page_unwritten_in_every_command() {
    let Some(fs) = Tmpfs::mount(8) else {
        assert!(
            std::env::var_os("DETER_TEST_NO_MOUNT").is_some(),
            "cannot mount a tmpfs (needs root); set DETER_TEST_NO_MOUNT=1 to skip this test"
        );
        return;
    };
    let d = tempfile::tempdir().unwrap();
    let dir = fs.0.path().to_str().unwrap().to_string();
    let page = d.path().join("page.html");
    let base = base();
    let envoy = common::scenario("scenarios/shea-special-envoy.toml");
    let parts = common::run_shards(
        &base,
        &["--runs", "20", "--no-attribution", "--quiet"],
        2,
        |k| {
            d.path()
                .join(format!("part-{k}.json"))
                .display()
                .to_string()
        },
    );
    let sweep = grid_sweep(d.path(), "g.toml", 3, 5);
    let results = d.path().join("r.csv");
    let quick = ["--runs", "20", "--no-attribution", "--quiet"];
    let commands: [Vec<&str>; 4] = [
        [&["run", &base][..], &quick].concat(),
        [&["compare", &base, &envoy][..], &quick].concat(),
        vec!["merge", &parts[0], &parts[1], "--quiet"],
        vec![
            "sweep",
            sweep.to_str().unwrap(),
            "--out",
            results.to_str().unwrap(),
            "--quiet",
        ],
    ];
    for args in commands {
        for f in std::fs::read_dir(fs.0.path()).unwrap() {
            std::fs::remove_file(f.unwrap().path()).unwrap();
        }
        let mut all = args.clone();
        all.extend(["--report", page.to_str().unwrap(), "--plots", &dir]);
        let o = run(&all);
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {e}");
        let first = e.lines().next().unwrap();
        assert!(
            first.starts_with(&format!("error: cannot write `{dir}/"))
                && first.contains(".svg`: No space left on device")
                && first.ends_with(&format!(
                    "; the page `{}` (--report) was not written",
                    page.display()
                )),
            "{args:?}: {e}"
        );
        assert!(!page.exists(), "{args:?}: the page was written");
    }
}

/// `--plots x.svg` created a directory named `x.svg` and wrote the charts in it (exit 0),
/// while `--out x.html` is refused: a `--plots` that does not exist and is named as a file
/// deter writes is refused before any work (exit 2, nothing created), in every command that
/// takes `--plots`; a name without such an extension is still created as a directory.
#[test]
fn a_plots_directory_named_as_a_file_is_refused_in_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let d = |name: &str| dir.path().join(name).display().to_string();
    let b = base();
    let sweep = grid_sweep(dir.path(), "g.toml", 2, 5).display().to_string();
    let parts = common::run_shards(&b, &["--runs", "10", "--quiet"], 2, |k| {
        d(&format!("part-{k}.json"))
    });
    let results = d("r.csv");
    for (args, plots) in [
        (vec!["run", &b, "--runs", "5"], d("x.svg")),
        (vec!["compare", &b, &b, "--runs", "5"], d("y.HTML")),
        (vec!["sweep", &sweep, "--out", &results], d("z.json")),
        (vec!["merge", &parts[0], &parts[1]], d("m.csv")),
    ] {
        let mut all = args.clone();
        all.extend(["--plots", &plots, "--quiet"]);
        let o = run(&all);
        let err = refused_for(&o, format!("{all:?}"));
        // Every flag's fault, at `--plots`'s value (it said "error: --plots `x.svg` names a
        // .svg file, but ...").
        let ext = plots.rsplit('.').next().unwrap().to_lowercase();
        let stem = Path::new(&plots).with_extension("");
        assert!(
            err.ends_with(&common::flag_fault_help(
                "--plots",
                &plots,
                1,
                plots.chars().count(),
                &format!(
                    "expected a directory that every chart is written into as its own SVG file \
                     (`chart-survival.svg`, ...), found `{plots}`, the name of a .{ext} file"
                ),
                &format!(
                    "name a directory (--plots `{}`), or use --report for the HTML page",
                    stem.display()
                ),
            )),
            "{err}"
        );
        assert!(!Path::new(&plots).exists(), "{plots} was created");
        assert!(!Path::new(&results).exists(), "the sweep ran");
    }
    let plots = d("charts");
    common::succeeded(&run(&[
        "run", &b, "--runs", "5", "--plots", &plots, "--quiet",
    ]));
    assert!(Path::new(&plots).join("chart-survival.svg").is_file());
}

/// `deter calibrate FILE --out x.json` created a directory named `x.json` (its `--out` names
/// the directory of the calibration's four files): refused before any work (exit 2, nothing
/// created), in the words and layout of `--plots x.svg`, with or without `--resume`; a name
/// that exists as a directory is still used.
#[test]
fn a_calibration_out_directory_named_as_a_file_is_refused_as_plots_is() {
    let dir = tempfile::tempdir().unwrap();
    let d = |name: &str| dir.path().join(name).display().to_string();
    let b = base();
    // The reference: `--plots x.svg`'s words, the flag and the directory's contents aside.
    let plots = d("x.svg");
    let o = run(&["run", &b, "--runs", "5", "--plots", &plots, "--quiet"]);
    let reference = refused_for(&o, "run --plots x.svg");
    let head = "--plots:1:1: error: expected a directory that ";
    let tail = format!(
        ", found `{plots}`, the name of a .svg file\n  |\n1 | {plots}\n  | {}\n  |\n  = help: \
         name a directory (--plots `{}`)",
        "^".repeat(plots.chars().count()),
        d("x")
    );
    assert!(
        reference.starts_with(head) && reference.contains(&tail),
        "{reference}"
    );
    let cal = common::root().join("scenarios/history/calibrate.toml");
    let cal = cal.to_str().unwrap();
    for (out, resume) in [(d("posterior.json"), false), (d("state.CSV"), true)] {
        let mut args = vec!["calibrate", cal, "--out", &out, "-q"];
        if resume {
            args.push("--resume");
        }
        let err = refused_for(&run(&args), format!("{args:?}"));
        let ext = Path::new(&out)
            .extension()
            .unwrap()
            .to_str()
            .unwrap()
            .to_lowercase();
        let stem = Path::new(&out).with_extension("");
        let want = common::flag_fault_help(
            "--out",
            &out,
            1,
            out.chars().count(),
            &format!(
                "expected a directory that the calibration's files are written into \
                 (`posterior.csv`, `diagnostics.csv`, `state.json`, `report.html`, `attribution.json`), found \
                 `{out}`, the name of a .{ext} file"
            ),
            &format!("name a directory (--out `{}`)", stem.display()),
        );
        assert_eq!(err, want, "{args:?}");
        assert!(!Path::new(&out).exists(), "{out} was created");
    }
    // A directory that exists under such a name is the user's: it is used (the refusal is
    // of the name alone, not of the directory).
    let existing = d("kept.json");
    std::fs::create_dir(&existing).unwrap();
    let o = run(&["calibrate", cal, "--out", &existing, "--resume", "-q"]);
    let err = refused_for(&o, "an existing directory named as a file");
    assert!(!err.contains("the name of a .json file"), "{err}");
}

/// `robust` and `discover` read a sweep's results and the record beside them, which names
/// the sweep file the results came from: an output naming that sweep file replaced it (exit
/// 0) while every other input is refused. Refused now in the words of every input, before any
/// work, whether named as recorded (relative, from the sweep's directory) or from elsewhere.
#[test]
fn robust_and_discover_refuse_the_sweep_file_their_results_record() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let root = common::root();
    let text = format!(
        "base = \"{}\"\nruns = 5\nseed = 3\ndesign = \"lhs\"\npoints = 3\n\
         [[policy]]\nid = \"baseline\"\n\
         [[policy]]\nid = \"envoy\"\nfile = \"{}\"\n\
         [[parameter]]\npath = \"model.war_cost\"\nrole = \"uncertainty\"\nrange = [0.4, 1.6]\n",
        root.join("scenarios/western-balkans-2024.toml").display(),
        root.join("scenarios/shea-special-envoy.toml").display(),
    );
    let sweep = write(dir, "lxf.grid", &text);
    let o = common::run_in(dir, &["sweep", "lxf.grid", "--out", "lxf.csv", "-q"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let absolute = sweep.display().to_string();
    let results = dir.join("lxf.csv").display().to_string();
    let elsewhere = tempfile::tempdir().unwrap();
    for (cwd, results, out) in [
        (dir, "lxf.csv", "lxf.grid"),
        (dir, "lxf.csv", absolute.as_str()),
        (elsewhere.path(), results.as_str(), absolute.as_str()),
    ] {
        for args in [
            vec!["robust", results, "--out", out],
            vec!["robust", results, "--report", out],
            vec![
                "discover",
                results,
                "--outcome",
                "war",
                "--above",
                "0.1",
                "--report",
                out,
            ],
        ] {
            let o = common::run_in(cwd, &args);
            let e = refused_for(&o, format_args!("{args:?} in {}", cwd.display()));
            assert!(
                e.starts_with(&format!(
                    "{}:1:1: error: expected a file that is none of the command's inputs, \
                     found `{out}`, which is also an input file\n",
                    args[args.len() - 2]
                )),
                "{args:?}: {e}"
            );
            assert_eq!(std::fs::read_to_string(&sweep).unwrap(), text, "{args:?}");
        }
    }
    // Another name is written as before.
    let o = common::run_in(dir, &["robust", "lxf.csv", "--out", "table.csv", "-q"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// The sweep file a results' record names is compared as the path it is, bytes and all: a
/// sweep file whose name (or directory) is not UTF-8 was recorded as text with U+FFFD for its
/// bytes, a name of no file, so `robust --out` and `discover --report` naming the sweep file
/// replaced it (exit 0). Refused now as the UTF-8 name is, from the sweep's directory and
/// from elsewhere, and another name is written.
#[cfg(unix)]
#[test]
fn robust_and_discover_refuse_a_recorded_sweep_file_whose_name_is_not_utf8() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let d = tempfile::tempdir().unwrap();
    let root = common::root();
    let text = format!(
        "base = \"{}\"\nruns = 5\nseed = 3\ndesign = \"lhs\"\npoints = 3\n\
         [[policy]]\nid = \"baseline\"\n\
         [[policy]]\nid = \"envoy\"\nfile = \"{}\"\n\
         [[parameter]]\npath = \"model.war_cost\"\nrole = \"uncertainty\"\nrange = [0.4, 1.6]\n",
        root.join("scenarios/western-balkans-2024.toml").display(),
        root.join("scenarios/shea-special-envoy.toml").display(),
    );
    // A name that is not UTF-8, in a directory whose name is not either; and one in a UTF-8
    // directory (the record's `directory` is then exact text, its file name is not).
    for (sub, name) in [
        (&b"d\xff 'x'"[..], &b"s\xfe.grid"[..]),
        (b"plain", b"-s\x80.grid"),
    ] {
        let dir = d.path().join(OsStr::from_bytes(sub));
        std::fs::create_dir(&dir).unwrap();
        let name = OsStr::from_bytes(name);
        let sweep = dir.join(name);
        std::fs::write(&sweep, &text).unwrap();
        let named = Path::new(".").join(name);
        let o = deter_in(
            &dir,
            &[OsStr::new("sweep"), named.as_os_str()],
            &["--out", "r.csv"],
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let results = dir.join("r.csv");
        let elsewhere = tempfile::tempdir().unwrap();
        for (cwd, results, out) in [
            (dir.as_path(), Path::new("r.csv"), named.as_path()),
            (dir.as_path(), Path::new("r.csv"), sweep.as_path()),
            (elsewhere.path(), results.as_path(), sweep.as_path()),
        ] {
            for (command, flag) in [
                ("robust", "--out"),
                ("robust", "--report"),
                ("discover", "--report"),
            ] {
                let mut args = vec![OsStr::new(command), results.as_os_str()];
                if command == "discover" {
                    args.extend(["--outcome", "war", "--above", "0.1"].map(OsStr::new));
                }
                args.extend([OsStr::new(flag), out.as_os_str()]);
                let o = deter_in(cwd, &args, &[]);
                let e = refused_for(&o, format_args!("{args:?} in {}", cwd.display()));
                assert!(
                    e.starts_with(&format!(
                        "{}:1:1: error: expected a file that is none",
                        flag
                    )) && e
                        .lines()
                        .next()
                        .unwrap()
                        .ends_with("`, which is also an input file"),
                    "{args:?}: {e}"
                );
                assert_eq!(std::fs::read_to_string(&sweep).unwrap(), text, "{args:?}");
            }
        }
        // Another name is written as before.
        let o = deter_in(
            &dir,
            &[OsStr::new("robust"), OsStr::new("r.csv")],
            &["--out", "t.csv"],
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
}

/// `deter ARGS MORE` run in `dir`, `args` as paths (bytes that are not UTF-8 kept).
#[cfg(unix)]
fn deter_in(dir: &Path, args: &[&std::ffi::OsStr], more: &[&str]) -> std::process::Output {
    std::process::Command::new(common::bin())
        .current_dir(dir)
        .args(args)
        .args(more)
        .output()
        .unwrap()
}

/// Two output options that name one file in two spellings (`x.json` and `./x.json`, a path
/// through `sub/..`, a symbolic link to it) were compared as text: `deter run --out x.json
/// --per-run ./x.json` wrote both into one file, the later over the earlier (exit 0, the
/// per-run rows lost), and so did `--report` beside `--out` in every command. Refused before
/// any work in the words of one spelling, and nothing is written.
#[test]
fn two_outputs_spelt_apart_that_name_one_file_are_refused_in_every_command() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    std::fs::create_dir(dir.join("sub")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(dir.join("l.json"), dir.join("link.json")).unwrap();
    let base = base();
    let envoy = common::scenario("scenarios/shea-special-envoy.toml");
    let sweep = grid_sweep(dir, "grid.toml", 2, 5);
    let run_parts = common::run_shards(&base, &["--runs", "10", "--no-attribution"], 2, |k| {
        dir.join(format!("r-{k}.json")).display().to_string()
    });
    let p = |name: &str| dir.join(name).display().to_string();
    let dot = |name: &str| format!("{}/./{name}", dir.display());
    let up = |name: &str| format!("{}/sub/../{name}", dir.display());
    let quick = ["--runs", "10", "--no-attribution", "--quiet"];
    let mut cases: Vec<(String, Vec<String>)> = vec![
        (
            p("a.json"),
            vec![
                "run",
                &base,
                "--out",
                &p("a.json"),
                "--per-run",
                &dot("a.json"),
            ],
        ),
        (
            p("b.json"),
            vec![
                "run",
                &base,
                "--out",
                &p("b.json"),
                "--report",
                &up("b.json"),
            ],
        ),
        (
            p("c.html"),
            vec![
                "run",
                &base,
                "--report",
                &p("c.html"),
                "--plots",
                &dot("c.html"),
            ],
        ),
        (
            p("d.json"),
            vec![
                "compare",
                &base,
                &envoy,
                "--out",
                &p("d.json"),
                "--report",
                &dot("d.json"),
            ],
        ),
        (
            p("e.csv"),
            vec![
                "sweep",
                sweep.to_str().unwrap(),
                "--out",
                &p("e.csv"),
                "--report",
                &dot("e.csv"),
            ],
        ),
        (
            p("f.csv"),
            vec![
                "sweep",
                sweep.to_str().unwrap(),
                "--out",
                &p("f.csv"),
                "--plots",
                &up("f.csv"),
            ],
        ),
        (
            p("g.json"),
            vec![
                "merge",
                &run_parts[0],
                &run_parts[1],
                "--out",
                &p("g.json"),
                "--report",
                &dot("g.json"),
            ],
        ),
    ]
    .into_iter()
    .map(|(path, args)| {
        let mut args: Vec<String> = args.into_iter().map(String::from).collect();
        if matches!(args[0].as_str(), "run" | "compare") {
            args.extend(quick.iter().map(|s| s.to_string()));
        }
        (path, args)
    })
    .collect();
    #[cfg(unix)]
    cases.push((
        p("l.json"),
        [
            "run",
            &base,
            "--out",
            &p("l.json"),
            "--report",
            &p("link.json"),
        ]
        .iter()
        .chain(&quick)
        .map(|s| s.to_string())
        .collect(),
    ));
    for (path, args) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = run(&args);
        let err = refused_for(&o, format_args!("{args:?}"));
        assert!(
            err.contains("no other output option names, found `"),
            "{args:?}: {err}"
        );
        assert!(!Path::new(&path).exists(), "{args:?} wrote {path}");
    }
    // Two names of two files are written as before.
    let o = run(&[
        "run",
        &base,
        "--out",
        &p("x.json"),
        "--per-run",
        &dot("y.csv"),
    ]
    .iter()
    .chain(&quick)
    .copied()
    .collect::<Vec<_>>());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(dir.join("x.json").exists() && dir.join("y.csv").exists());
}

/// A hard link is another name of the same file, which no comparison of paths sees (their
/// canonical forms differ): `deter merge link-to-p0.json p-1.json --out p-0.json` merged the
/// shards and replaced `p-0.json`, the shard it had just read (exit 0), and `deter run
/// link.toml --out s.toml` replaced the scenario. Every command refuses an output that is
/// an input under another name, in the words it gives an input named as it was read, before
/// any work, and the input is unchanged. (The inputs are named `.scn`: an output with a
/// `.toml` name is refused for its name first, whatever it is.)
#[cfg(unix)]
#[test]
fn an_output_hard_linked_to_an_input_is_refused_in_every_command() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let scenario = write(dir, "s.scn", &std::fs::read_to_string(base()).unwrap());
    std::fs::hard_link(&scenario, dir.join("link.scn")).unwrap();
    let sweep = grid_sweep(dir, "grid.scn", 2, 5);
    std::fs::hard_link(&sweep, dir.join("grid-link.scn")).unwrap();
    let parts = common::run_shards(
        scenario.to_str().unwrap(),
        &["--runs", "10", "--no-attribution"],
        2,
        |k| dir.join(format!("r-{k}.json")).display().to_string(),
    );
    std::fs::hard_link(&parts[0], dir.join("r-link.json")).unwrap();
    let p = |name: &str| dir.join(name).display().to_string();
    let quick = ["--runs", "10", "--no-attribution", "--quiet"];
    let cases: Vec<(String, Vec<String>)> = vec![
        (
            p("s.scn"),
            [&["run", &p("link.scn"), "--out", &p("s.scn")][..], &quick].concat(),
        ),
        (
            p("s.scn"),
            [
                &["run", &p("link.scn"), "--report", &p("s.scn")][..],
                &quick,
            ]
            .concat(),
        ),
        (
            p("link.scn"),
            [
                &["compare", &p("s.scn"), &p("s.scn"), "--out", &p("link.scn")][..],
                &quick,
            ]
            .concat(),
        ),
        (
            p("grid.scn"),
            vec!["sweep", &p("grid-link.scn"), "--out", &p("grid.scn")],
        ),
        (
            parts[0].clone(),
            vec!["merge", &p("r-link.json"), &parts[1], "--out", &parts[0]],
        ),
    ]
    .into_iter()
    .map(|(out, args)| (out, args.into_iter().map(String::from).collect()))
    .collect();
    let before: Vec<Vec<u8>> = [&p("s.scn"), &p("grid.scn"), &parts[0]]
        .iter()
        .map(|f| std::fs::read(f).unwrap())
        .collect();
    for (out, args) in &cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = run(&args);
        let e = refused_for(&o, format_args!("{args:?}"));
        let flag = args[args.iter().position(|a| a == out).unwrap() - 1];
        assert!(
            e.starts_with(&format!(
                "{flag}:1:1: error: expected a file that is none of the command's inputs, \
                 found `{out}`, which is also an input file\n"
            )),
            "{args:?}: {e}"
        );
    }
    let after: Vec<Vec<u8>> = [&p("s.scn"), &p("grid.scn"), &parts[0]]
        .iter()
        .map(|f| std::fs::read(f).unwrap())
        .collect();
    assert!(before == after, "an input was replaced");
}

/// An output option named with another format's extension: `--report r.json` wrote the HTML
/// page into `r.json`, `--per-run rows.json` CSV rows, `deter robust --out t.json` its CSV
/// table (exit 0 each), while `--out x.html` and `deter init x.json` were refused. Every
/// command refuses such a name before any work, in one wording, and writes nothing.
#[test]
fn an_output_named_with_another_formats_extension_is_refused_in_every_command() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let b = base();
    let sweep = grid_sweep(dir, "g.toml", 2, 5);
    let sweep = sweep.to_str().unwrap();
    let lxf = common::scenario("scenarios/sweeps/envoy-magnitude-x-futures.toml");
    // s0.json and s1.json in `dir`, named there by the merges below.
    common::run_shards(&b, &["--runs", "4", "--per-run-rows", "-q"], 2, |k| {
        dir.join(format!("s{k}.json")).display().to_string()
    });
    let o = common::run_in(
        dir,
        &["sweep", &lxf, "--runs", "5", "--out", "lxf.csv", "-q"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let quick = ["--runs", "5", "--no-attribution", "-q"];
    // (command, flag, name, what the flag writes, the name it should have)
    let cases: Vec<(Vec<&str>, &str, &str, &str, &str)> = vec![
        (
            vec!["run", &b],
            "--report",
            "r.json",
            "the HTML page",
            "r.html",
        ),
        (
            vec!["run", &b],
            "--report",
            "r.CSV",
            "the HTML page",
            "r.html",
        ),
        (
            vec!["run", &b],
            "--per-run",
            "rows.json",
            "CSV rows",
            "rows.csv",
        ),
        (
            vec!["run", &b],
            "--per-run",
            "rows.htm",
            "CSV rows",
            "rows.csv",
        ),
        (
            vec!["compare", &b, &b],
            "--report",
            "c.json",
            "the HTML page",
            "c.html",
        ),
        (
            vec!["merge", "s0.json", "s1.json"],
            "--report",
            "m.csv",
            "the HTML page",
            "m.html",
        ),
        (
            vec!["merge", "s0.json", "s1.json"],
            "--per-run",
            "m.json",
            "CSV rows",
            "m.csv",
        ),
        (
            vec!["sweep", sweep],
            "--report",
            "s.json",
            "the HTML page",
            "s.html",
        ),
        (
            vec!["robust", "lxf.csv"],
            "--report",
            "t.csv",
            "the HTML page",
            "t.html",
        ),
        (
            vec!["robust", "lxf.csv"],
            "--out",
            "t.json",
            "CSV rows",
            "t.csv",
        ),
        (
            vec!["discover", "lxf.csv", "--outcome", "war", "--above", "0.1"],
            "--report",
            "p.json",
            "the HTML page",
            "p.html",
        ),
    ];
    let named = |name: &str| match name
        .rsplit('.')
        .next()
        .unwrap()
        .to_ascii_lowercase()
        .as_str()
    {
        "json" => "a JSON",
        "csv" => "a CSV",
        _ => "an HTML",
    };
    for (command, flag, name, writes, wanted) in &cases {
        let mut args = command.clone();
        args.extend([*flag, *name]);
        match args[0] {
            "run" | "compare" => args.extend(quick),
            "discover" => {}
            _ => args.push("-q"),
        }
        let o = common::run_in(dir, &args);
        let e = refused_for(&o, format_args!("{args:?}"));
        // Located at the flag's value, as every flag's fault.
        assert_eq!(
            e.trim_end(),
            common::flag_fault_help(
                flag,
                name,
                1,
                name.chars().count(),
                &format!(
                    "expected a file for {writes} ({flag} writes {writes}), found `{name}`, the \
                     name of {} file",
                    named(name)
                ),
                &if *writes == "CSV rows" && named(name) == "an HTML" {
                    // An HTML name for rows: most likely meant for the page.
                    format!("use `{wanted}` for the rows, or --report `{name}` for the HTML page")
                } else {
                    format!("use `{wanted}`")
                },
            )
            .trim_end(),
            "{args:?}"
        );
        assert!(!dir.join(name).exists(), "{args:?}");
        assert!(o.stdout.is_empty(), "{args:?}: nothing was run");
    }
    // The names of the format each option writes are taken.
    for args in [
        [
            &["run", &b, "--report", "r.htm", "--per-run", "rows.CSV"][..],
            &quick,
        ]
        .concat(),
        vec![
            "robust", "lxf.csv", "--out", "t.csv", "--report", "t.html", "-q",
        ],
    ] {
        let o = common::run_in(dir, &args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
    }
}
