//! Leftovers of msg7, fix7 and polish7 (leftovers8): one wording of a number beyond the floats
//! in every reader, a `futures` column that names no parameter at its header cell, a
//! calibration's fixed path missing in one case named by its case, `# set` lines of a file of
//! draws refused when they do not read and named by their line in warnings, and the library
//! speaking of its own fields. Expected messages are written from the form every other
//! reader gives (a scenario file's `[model]` key, `--set`), not read from the code under test.

mod common;
use common::{first_error, run, scenario, stderr};

/// A number beyond the floats (`1e-400` reads as 0, `1e999` as infinity) said "expected a
/// number, found ..." in a sweep's `values` and `range`, a `--posterior` cell and a `futures`
/// cell, where a scenario file's key and `--set` name the parameter's range: every reader
/// says "expected a number in [0, 10] (stake units), found `LITERAL`, ..." for
/// `model.war_cost`.
#[test]
fn a_number_beyond_the_floats_names_the_parameters_range_in_every_reader() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let base = scenario("scenarios/western-balkans-2024.toml");
    let history = common::root().join("scenarios/history");
    for (literal, tail) in [
        ("1e-400", "a number too small to use (it reads as 0)"),
        ("1e999", "a number too large to use"),
        ("-2.5E-999", "a number too small to use (it reads as 0)"),
    ] {
        // The words of a scenario file's key: the reference.
        let want = format!("expected a number in [0, 10] (stake units), found `{literal}`, {tail}");
        let file = dir.join("s.toml");
        std::fs::write(
            &file,
            format!("extends = {base:?}\n\n[model]\nwar_cost = {literal}\n"),
        )
        .unwrap();
        let o = run(&["validate", file.to_str().unwrap()]);
        assert_eq!(
            first_error(&stderr(&o)),
            format!("{}:4:12: error: model.war_cost: {want}", file.display())
        );
        let write = |name: &str, text: String| {
            let p = dir.join(name);
            std::fs::write(&p, text).unwrap();
            p.display().to_string()
        };
        let sweep_head = format!(
            "base = {base:?}\nruns = 5\ndesign = \"grid\"\n\n[[parameter]]\npath = \"model.war_cost\"\nrole = \"uncertainty\"\n"
        );
        let values = write(
            "values.toml",
            format!("{sweep_head}values = [0.5, {literal}]\n"),
        );
        let range = write(
            "range.toml",
            format!("{sweep_head}range = [{literal}, 2]\n"),
        );
        let post = write(
            "post.csv",
            format!("draw,model.war_cost,weight,distance\n0,0.5,1,0\n1,{literal},1,0\n"),
        );
        let futures = write(
            "futures.toml",
            format!("base = {base:?}\nruns = 5\npoints = 2\nfutures = \"post.csv\"\n"),
        );
        let calibration = write(
            "cal.toml",
            format!(
                "seed = 5\nparticles = 20\nmax_generations = 1\ncases = [{:?}]\n\
                 statistics = [\"use_of_force\"]\n\
                 set = {{ \"model.war_cost\" = {literal} }}\n\n[[parameter]]\npath = \
                 \"model.decisiveness\"\nrange = [0.1, 1]\n",
                history
                    .join("serbia-kosovo.record.toml")
                    .display()
                    .to_string()
            ),
        );
        let out = dir.join("out.csv").display().to_string();
        let set = format!("model.war_cost={literal}");
        let cases: Vec<(Vec<&str>, String)> = vec![
            (
                vec!["run", &base, "--set", &set],
                format!("--set:1:16: error: model.war_cost: {want}"),
            ),
            (
                vec!["validate", &values],
                format!("{values}:8:16: error: parameter[0].values[1]: {want}"),
            ),
            (
                vec!["validate", &range],
                format!("{range}:8:10: error: parameter[0].range: {want}"),
            ),
            (
                vec![
                    "run",
                    &base,
                    "--posterior",
                    &post,
                    "--draws",
                    "2",
                    "--runs",
                    "5",
                    "-q",
                ],
                format!("{post}:3:3: error: column `model.war_cost`: {want}"),
            ),
            (
                vec!["sweep", &futures, "--out", &out, "-q"],
                format!(
                    "{futures}:4:11: error: futures: post.csv:3:3: column `model.war_cost`: {want}"
                ),
            ),
            (
                vec!["validate", &calibration],
                format!("{calibration}:6:28: error: set.\"model.war_cost\": {want}"),
            ),
        ];
        for (args, said) in cases {
            let o = run(&args);
            assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
            assert_eq!(first_error(&stderr(&o)), said, "{args:?}: {}", stderr(&o));
        }
    }
}

/// A `futures` file whose column names no parameter of the base scenario was located at the
/// sweep's `futures` key alone ("futures: post.csv: column `X` is not a parameter of the base
/// scenario"): it is at the header cell's `FILE:LINE:COL` in the words `deter run --posterior`
/// gives the same file, with its did-you-mean.
#[test]
fn an_unknown_futures_column_is_located_at_its_header_cell_with_a_did_you_mean() {
    let d = tempfile::tempdir().unwrap();
    let base = scenario("scenarios/western-balkans-2024.toml");
    // Line 3 (after two comments), the third column, which starts at column 21.
    let post = d.path().join("post.csv");
    std::fs::write(
        &post,
        "# deter calibrate: posterior draws\n# a comment\n\
         draw,model.war_cost,model.war_cots,weight,distance\n0,0.5,1,1,0\n1,1.5,2,1,0\n",
    )
    .unwrap();
    let p = post.to_str().unwrap();
    let o = run(&[
        "run",
        &base,
        "--posterior",
        p,
        "--draws",
        "2",
        "--runs",
        "5",
        "-q",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let problem = "column `model.war_cots`: `model.war_cots` is not a parameter of this scenario";
    let help = "= help: did you mean `model.war_cost`?";
    assert_eq!(
        first_error(&stderr(&o)),
        format!("{p}:3:21: error: {problem}")
    );
    assert!(stderr(&o).contains(help), "{}", stderr(&o));
    let s = d.path().join("futures.toml");
    std::fs::write(
        &s,
        format!("base = {base:?}\nruns = 5\npoints = 2\nfutures = \"post.csv\"\n"),
    )
    .unwrap();
    let out = d.path().join("out.csv");
    let o = run(&[
        "sweep",
        s.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(
        first_error(&stderr(&o)),
        format!(
            "{}:4:11: error: futures: post.csv:3:21: {problem}",
            s.display()
        )
    );
    assert!(stderr(&o).contains(help), "{}", stderr(&o));
    assert!(!out.exists());
}

/// The library's `deter::run`, `deter::run_nested` and `deter::sweep` refused a setting out of
/// range in the command line's words ("--runs 0: ...", "--horizon-years 0: ..."), flags a
/// program never wrote: they name the fields of `deter::Settings` (and `draws`, the argument
/// of the nested run), as `seed` was already named (polish7), with the same ranges; the
/// command line keeps its flags. The Python package's keyword arguments have the fields'
/// names (`runs=`, `horizon_years=`, `draws=`), so its errors name them too.
#[test]
fn the_library_names_its_own_settings_and_the_command_line_its_flags() {
    use deter::{Control, Error, Settings};
    let base = scenario("scenarios/western-balkans-2024.toml");
    let s = deter::load(std::path::Path::new(&base)).unwrap();
    let invalid = |r: Result<(), Error>| match r {
        Err(Error::Invalid(m)) => m,
        other => panic!("expected Error::Invalid, got {other:?}"),
    };
    let run = |settings: Settings| invalid(deter::run(&s, &settings, Control::default()).map(drop));
    let max = 1_000_000_000_000u64;
    // (settings, the library's words, the flags that say the same on the command line and
    // their words).
    let cases: Vec<(Settings, String, Vec<&str>, String)> = vec![
        (
            Settings {
                runs: Some(0),
                ..Default::default()
            },
            format!("`runs` 0: expected an integer in [1, {max}]"),
            vec!["--runs", "0"],
            format!("--runs 0: expected an integer in [1, {max}]"),
        ),
        (
            Settings {
                horizon_years: Some(0),
                ..Default::default()
            },
            "`horizon_years` 0: expected an integer in [1, 200]".to_string(),
            vec!["--horizon-years", "0"],
            "--horizon-years 0: expected an integer in [1, 200]".to_string(),
        ),
        (
            Settings {
                until_ci: Some(0.7),
                ..Default::default()
            },
            "`until_ci` 0.7: expected a half-width in (0, 0.5)".to_string(),
            vec!["--until-ci", "0.7"],
            "--until-ci 0.7: expected a half-width in (0, 0.5)".to_string(),
        ),
        (
            Settings {
                until_ci: Some(0.01),
                max_runs: Some(0),
                ..Default::default()
            },
            format!("`max_runs` 0: expected an integer in [1, {max}]"),
            vec!["--until-ci", "0.01", "--max-runs", "0"],
            format!("--max-runs 0: expected an integer in [1, {max}]"),
        ),
    ];
    for (settings, library, flags, cli) in cases {
        assert_eq!(run(settings.clone()), library);
        let o = common::run(&[&["run", base.as_str()][..], &flags[..]].concat());
        assert_eq!(o.status.code(), Some(2), "{flags:?}");
        assert_eq!(stderr(&o), format!("error: {cli}\n"), "{flags:?}");
    }
    // A nested run: `draws` and `runs` per draw.
    let nested = |draws: Option<u64>, runs: Option<u64>| {
        let settings = Settings {
            runs,
            ..Default::default()
        };
        invalid(deter::run_nested(&s, None, &settings, draws, Control::default()).map(drop))
    };
    let e = nested(Some(0), Some(10));
    assert_eq!(e, "`draws` 0: expected an integer in [1, 1000000]");
    let e = nested(Some(2), Some(1));
    assert!(
        e.starts_with("`runs` 1 per draw: expected at least 2"),
        "{e}"
    );
    // A sweep.
    let d = tempfile::tempdir().unwrap();
    let sweep = d.path().join("s.toml");
    std::fs::write(
        &sweep,
        format!(
            "base = {base:?}\nruns = 5\ndesign = \"grid\"\n\n[[parameter]]\npath = \
             \"model.war_cost\"\nrole = \"uncertainty\"\nvalues = [0.5, 1.5]\n"
        ),
    )
    .unwrap();
    let out = d.path().join("r.csv");
    let settings = Settings {
        runs: Some(0),
        ..Default::default()
    };
    let e = invalid(deter::sweep(&sweep, &settings, Control::default(), &out, false).map(drop));
    assert_eq!(e, format!("`runs` 0: expected an integer in [1, {max}]"));
    assert!(!out.exists());
}
