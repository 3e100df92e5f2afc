//! Leftovers of msg7 and fix7 (polish7): a results cell out of a probability's range at its
//! `FILE:LINE:COL`, the library's sweep naming its own `seed`, a sweep warning about a
//! posterior's fixed values, and one form for a whole-file fault of a sweep's `futures`.
//! Expected messages are written from the form every other reader gives (msg7), not read
//! from the code under test.

mod common;
use common::{deter, stderr};

/// `deter robust` given a share of runs of 7 (a hand-edited results file): refused at the
/// cell's `FILE:LINE:COL` as every CSV reader's cell fault, with the line's excerpt.
#[test]
fn a_probability_out_of_range_in_results_is_located_at_its_cell() {
    let d = tempfile::tempdir().unwrap();
    let r = d.path().join("r.csv");
    // Line 4, column `war_p` (the 7th), which starts at byte 19 of the line: column 20.
    std::fs::write(
        &r,
        "point,policy,future,x,runs,use_of_force_p,war_p\n0,a,0,0.1,100,0.05,0.02\n\
         1,a,1,0.2,100,0.06,0.02\n2,b,0,0.3,100,0.07,7\n3,b,1,0.2,100,0.08,0.02\n",
    )
    .unwrap();
    let r = r.to_str().unwrap();
    let o = deter().args(["robust", r]).output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    let first = err.lines().next().unwrap_or_default();
    assert_eq!(
        first,
        format!(
            "{r}:4:20: error: column `war_p`: expected a number in [0, 1] (a share of runs), \
             found 7"
        ),
        "{err}"
    );
    // The excerpt of the line, as every file kind's fault shows it.
    assert!(err.contains("2,b,0,0.3,100,0.07,7"), "{err}");
    assert!(!err.contains("row 4"), "{err}");
    assert!(!err.contains("is not a probability"), "{err}");
    // A negative share, the first of its column, in the other outcome column.
    std::fs::write(
        r,
        "point,policy,future,x,runs,use_of_force_p,war_p\n0,a,0,0.1,100,0.05,0.02\n\
         1,a,1,0.2,100,-0.5,0.02\n2,b,0,0.3,100,1.5,0.02\n3,b,1,0.2,100,0.08,0.02\n",
    )
    .unwrap();
    let o = deter().args(["robust", r]).output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(
        stderr(&o).lines().next().unwrap_or_default(),
        format!(
            "{r}:3:15: error: column `use_of_force_p`: expected a number in [0, 1] (a share \
             of runs), found -0.5"
        ),
    );
}

/// A seed above 2^63 - 1: the library's sweep (and its nested run) names its own argument,
/// `Settings::seed` ("`seed` N: ..."), the command line its flag ("--seed N: ..."), with the
/// same range (a TOML integer is a signed 64-bit integer: 2^63 - 1 = 9223372036854775807).
#[test]
fn a_seed_out_of_range_is_named_as_its_caller_gave_it() {
    use deter::{Control, Error, Settings};
    let d = tempfile::tempdir().unwrap();
    let base = common::scenario("scenarios/western-balkans-2024.toml");
    let s = d.path().join("s.toml");
    std::fs::write(
        &s,
        format!(
            "base = {base:?}\nruns = 5\ndesign = \"grid\"\n\n[[parameter]]\npath = \
             \"model.war_cost\"\nrole = \"uncertainty\"\nvalues = [0.5, 1.5]\n"
        ),
    )
    .unwrap();
    let range = "expected an integer in [0, 9223372036854775807]";
    let huge = Settings {
        seed: Some(u64::MAX),
        threads: 1,
        ..Settings::default()
    };
    let out = d.path().join("r.csv");
    match deter::sweep(&s, &huge, Control::default(), &out, false) {
        Err(Error::Invalid(m)) => {
            assert_eq!(m, format!("`seed` 18446744073709551615: {range}"));
        }
        other => panic!("{:?}", other.map(|y| y.len())),
    }
    assert!(!out.exists());
    // The largest seed is taken (the bound is inclusive).
    let largest = Settings {
        seed: Some(9_223_372_036_854_775_807),
        ..huge.clone()
    };
    deter::sweep(&s, &largest, Control::default(), &out, false).unwrap();
    std::fs::remove_file(&out).unwrap();
    std::fs::remove_file(d.path().join("r.csv.sweep")).unwrap();
    let scenario = deter::load(std::path::Path::new(&base)).unwrap();
    match deter::run_nested(&scenario, None, &huge, Some(2), Control::default()) {
        Err(Error::Invalid(m)) => {
            assert_eq!(m, format!("`seed` 18446744073709551615: {range}"));
        }
        Err(e) => panic!("{e}"),
        Ok(_) => panic!("a seed out of range was taken"),
    }
    // The command line: its flag.
    let o = deter()
        .args(["sweep", s.to_str().unwrap(), "-q", "--out"])
        .arg(&out)
        .args(["--seed", "18446744073709551615"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&format!("--seed 18446744073709551615: {range}")),
        "{}",
        stderr(&o)
    );
}

/// A fault of a file of draws as a whole reads "FILE: PROBLEM" under a sweep's `futures` key,
/// the form `deter run --posterior` prints ("FILE: error: PROBLEM") and of a fault on one of
/// its lines ("FILE:LINE:COL: ..."); it read "`FILE`: PROBLEM".
#[test]
fn a_whole_file_fault_of_futures_reads_as_the_posteriors() {
    let d = tempfile::tempdir().unwrap();
    let base = common::scenario("scenarios/western-balkans-2024.toml");
    let draws = d.path().join("draws.csv");
    let s = d.path().join("s.toml");
    std::fs::write(
        &s,
        format!("base = {base:?}\nruns = 5\npoints = 2\nfutures = \"draws.csv\"\n"),
    )
    .unwrap();
    let p = draws.to_str().unwrap();
    let cases: [&[u8]; 4] = [
        b"",
        b"# deter calibrate: posterior draws\n",
        b"draw,model.war_cost,weight,distance\n0,0.5,0,0\n",
        b"draw,model.war_cost,weight,distance\n0,\xff,1,0\n",
    ];
    for text in cases {
        std::fs::write(&draws, text).unwrap();
        let o = deter()
            .args([
                "run",
                &base,
                "--posterior",
                p,
                "--draws",
                "2",
                "--runs",
                "5",
                "-q",
            ])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        let err = stderr(&o);
        let line = err.lines().next().unwrap_or_default();
        let problem = line
            .strip_prefix(&format!("{p}: error: "))
            .unwrap_or_else(|| panic!("{line}"));
        let out = d.path().join("r.csv");
        let o = deter()
            .args(["sweep", s.to_str().unwrap(), "-q", "--out"])
            .arg(&out)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        let err = stderr(&o);
        let line = err.lines().next().unwrap_or_default();
        assert!(
            line.ends_with(&format!(": error: futures: draws.csv: {problem}")),
            "{line}\nposterior: {problem}"
        );
        assert!(!err.contains("`draws.csv`"), "{err}");
    }
}
