//! Faults a fresh user met in break 8 (the Python package, sweeps and robust decisions,
//! calibration with Ctrl-C and `--resume`), each test named after the guarantee it restores.
//! Expected messages come from the command or file kind that already gets them right, not
//! from the code under test.

use std::path::Path;
use std::process::Stdio;

mod common;
use common::root;

/// A calibration over two historical cases whose first generation (the prior, `particles`
/// simulations of each case) takes long enough to be interrupted.
fn calibration_of(dir: &Path, particles: u32) -> std::path::PathBuf {
    let history = root().join("scenarios/history");
    let text = format!(
        "seed = 5\nparticles = {particles}\nmax_generations = 3\npredictive_draws = 20\n\
         statistics = [\"threat\", \"display\", \"use_of_force\", \"war\"]\n\
         cases = [\"{}\", \"{}\"]\n\
         [[parameter]]\npath = \"model.war_cost\"\nrange = [0.1, 3.0]\n",
        history.join("serbia-kosovo.record.toml").display(),
        history.join("russia-georgia.record.toml").display()
    );
    let p = dir.join("slow.toml");
    std::fs::write(&p, text).unwrap();
    p
}

/// Ctrl-C before the calibration's first generation finished said "0 finished
/// generation(s) kept in `OUT/state.json`; continue with --resume", but no state.json was
/// written and `--resume` then failed ("cannot read `OUT/state.json`"). It says what every
/// command interrupted before its first output says (README, exit 130: "no output
/// written"), and writes nothing.
#[cfg(unix)]
#[test]
fn a_calibration_interrupted_before_its_first_generation_does_not_advise_resume() {
    let tmp = tempfile::tempdir().unwrap();
    let file = calibration_of(tmp.path(), 100_000);
    let out = tmp.path().join("out");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("deter"))
        .args([
            "calibrate",
            file.to_str().unwrap(),
            "--quiet",
            "--threads",
            "2",
        ])
        .arg("--out")
        .arg(&out)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until it simulates (its worker threads exist): past reading its inputs.
    let tasks = format!("/proc/{}/task", child.id());
    for _ in 0..1000 {
        assert!(child.try_wait().unwrap().is_none(), "calibrate ended early");
        match std::fs::read_dir(&tasks).map(Iterator::count) {
            Ok(n) if n >= 3 => break,
            Ok(_) => std::thread::sleep(std::time::Duration::from_millis(20)),
            Err(_) => {
                std::thread::sleep(std::time::Duration::from_millis(800));
                break;
            }
        }
    }
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert!(
        !out.join("state.json").exists(),
        "the first generation finished before the signal: raise `particles`"
    );
    let ok = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(ok.success());
    assert!(common::ends_within(&mut child, 6000), "ignored SIGINT");
    let mut err = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err).unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(130), "{err}");
    assert!(!out.join("state.json").exists());
    assert_eq!(err, "deter: interrupted; no output written\n");
}

/// Two scenarios of different horizons were refused by the library (`deter::compare`,
/// `deter::compare_nested`, and so the Python package) with "... (use --horizon-years)", a
/// flag no program has; it names the setting `horizon_years` there, as every other setting
/// out of range is named (`settings::setting_name`). The command line keeps its flag, with
/// and without `--posterior`.
#[test]
fn different_horizons_are_refused_in_each_callers_words() {
    let text = std::fs::read_to_string(root().join("tests/warn/sweep-base.toml")).unwrap();
    let short = text.replacen("[scenario]", "[scenario]\nhorizon_years = 4", 1);
    assert_ne!(short, text, "the fixture has a [scenario] table");
    let a = deter::parse(&text, "a.toml").unwrap();
    let b = deter::parse(&short, "b.toml").unwrap();
    let settings = deter::Settings {
        runs: Some(10),
        threads: 1,
        ..Default::default()
    };
    let expected = format!(
        "the scenarios have different horizons ({} and 4 years); common random numbers need \
         the same horizon (use `horizon_years`)",
        a.meta.horizon_years
    );
    match deter::compare(&a, &b, &settings, deter::Control::default()) {
        Err(deter::Error::Invalid(m)) => assert_eq!(m, expected),
        other => panic!("expected Error::Invalid, got {:?}", other.map(|_| ())),
    }
    let tmp = tempfile::tempdir().unwrap();
    let uncertain = "\n[[uncertain]]\npath = \"model.war_cost\"\nrange = [0.5, 1.0]\n";
    let (ua, ub) = (format!("{text}{uncertain}"), format!("{short}{uncertain}"));
    let na = deter::parse(&ua, "a.toml").unwrap();
    let nb = deter::parse(&ub, "b.toml").unwrap();
    match deter::compare_nested(
        &na,
        &nb,
        None,
        &settings,
        Some(2),
        deter::Control::default(),
    ) {
        Err(deter::Error::Invalid(m)) => assert_eq!(m, expected),
        other => panic!("expected Error::Invalid, got {:?}", other.map(|_| ())),
    }
    // The command line: its flag, in both comparisons.
    let (fa, fb) = (tmp.path().join("a.toml"), tmp.path().join("b.toml"));
    std::fs::write(&fa, &ua).unwrap();
    std::fs::write(&fb, &ub).unwrap();
    let cli = expected.replace("`horizon_years`", "--horizon-years");
    let plain = [
        "compare",
        fa.to_str().unwrap(),
        fb.to_str().unwrap(),
        "--runs",
        "10",
        "--no-attribution",
    ];
    let out = common::run(&plain);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(common::stderr(&out), format!("error: {cli}\n"));
    let nested = [
        "compare",
        fa.to_str().unwrap(),
        fb.to_str().unwrap(),
        "--runs",
        "10",
        "--draws",
        "2",
    ];
    let out = common::run(&nested);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(common::stderr(&out), format!("error: {cli}\n"));
}

/// Through the library (and so the Python package) a posterior column that is not a
/// parameter of the scenario was "parameter `X` of the draws: `X` is not a parameter of this
/// scenario", with no `FILE:LINE:COL`; `deter::read_posterior_for` locates every fault of the
/// file as `deter run --posterior` does, with the same text.
#[test]
fn a_posterior_fault_is_located_by_the_library_as_by_the_command_line() {
    let tmp = tempfile::tempdir().unwrap();
    let post = common::write_posterior(
        tmp.path(),
        &["model.war_cost", "model.war_cots"],
        &[(&[0.5, 0.5], 1.0), (&[0.9, 0.7], 1.0)],
    );
    let file = common::scenario("scenarios/western-balkans-2024.toml");
    let s = deter::load(Path::new(&file)).unwrap();
    let cli = common::run(&[
        "run",
        &file,
        "--posterior",
        post.to_str().unwrap(),
        "--draws",
        "2",
        "--runs",
        "10",
        "-q",
    ]);
    assert_eq!(cli.status.code(), Some(2));
    let want = common::stderr(&cli);
    assert!(
        want.contains("posterior.csv:2:21: error: column `model.war_cots`"),
        "{want}"
    );
    match deter::read_posterior_for(&post, &[&s]) {
        Err(deter::Error::Input(d)) => assert_eq!(d.to_string(), want),
        other => panic!("expected Error::Input, got {:?}", other.map(|_| ())),
    }
    // A file without the fault reads as `read_posterior` reads it.
    let good = common::write_posterior(tmp.path(), &["model.war_cost"], &[(&[0.5], 1.0)]);
    assert_eq!(
        deter::read_posterior_for(&good, &[&s]).unwrap(),
        deter::read_posterior(&good).unwrap()
    );
}

/// Ctrl-C during the calibration's posterior predictive check (after its last generation,
/// posterior.csv written, `predictive_draws` simulations for report.html) was ignored: the
/// command ran on to the end and exited 0. It stops (exit 130), says that the posterior is
/// written and the report is not, and `--resume` writes the four files byte for byte as an
/// uninterrupted run.
#[cfg(unix)]
#[test]
fn a_calibration_interrupted_in_its_predictive_check_stops_and_resumes_to_the_same_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let history = root().join("scenarios/history");
    let file = tmp.path().join("predictive.toml");
    std::fs::write(
        &file,
        format!(
            "seed = 5\nparticles = 30\nmax_generations = 2\npredictive_draws = 20000\n\
             statistics = [\"threat\", \"display\", \"use_of_force\", \"war\"]\n\
             cases = [\"{}\", \"{}\"]\n\
             [[parameter]]\npath = \"model.war_cost\"\nrange = [0.1, 3.0]\n",
            history.join("serbia-kosovo.record.toml").display(),
            history.join("russia-georgia.record.toml").display()
        ),
    )
    .unwrap();
    let args = |out: &Path| {
        let mut v: Vec<std::ffi::OsString> = ["calibrate", file.to_str().unwrap(), "--quiet"]
            .iter()
            .map(Into::into)
            .collect();
        v.extend(["--threads".into(), "2".into(), "--out".into(), out.into()]);
        v
    };
    let whole = tmp.path().join("whole");
    let ok = common::deter().args(args(&whole)).output().unwrap();
    assert!(ok.status.success(), "{}", common::stderr(&ok));
    let cut = tmp.path().join("cut");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("deter"))
        .args(args(&cut))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    for _ in 0..60_000 {
        if cut.join("posterior.csv").exists() {
            break;
        }
        assert!(child.try_wait().unwrap().is_none(), "calibrate ended early");
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    assert!(
        !cut.join("report.html").exists(),
        "the predictive check ended before the signal: raise `predictive_draws`"
    );
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    assert!(common::ends_within(&mut child, 6000), "ignored SIGINT");
    let mut err = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err).unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(130), "{err}");
    assert!(err.contains("the report was not written"), "{err}");
    assert!(!cut.join("report.html").exists());
    let mut resume = args(&cut);
    resume.push("--resume".into());
    let ok = common::deter().args(resume).output().unwrap();
    assert!(ok.status.success(), "{}", common::stderr(&ok));
    for name in [
        "posterior.csv",
        "diagnostics.csv",
        "state.json",
        "report.html",
    ] {
        let a = std::fs::read(whole.join(name)).unwrap();
        let b = std::fs::read(cut.join(name)).unwrap();
        assert!(a == b, "{name} differs after Ctrl-C and --resume");
    }
}
