//! Faults a fresh user met in trial 8 (README.md and docs/ followed as written, then hostile
//! input), each test named after the guarantee it restores. Expected messages are taken
//! from the command or file kind that already gets them right, not from the code under test.

mod common;
use common::stderr;

/// The `FILE:LINE:COL` of every `error:` line of `err` that has one (`a.json:5:90: error:`).
fn located(err: &str) -> Vec<String> {
    err.lines()
        .filter_map(|l| l.split_once(": error: ").map(|(at, _)| at.to_string()))
        .collect()
}

/// A partial file that parses as JSON but holds a value of the wrong type or range (a count
/// of -9, a run count written as a string, a sum that is not a decimal integer) was reported
/// as "FILE: error: damaged partial file: ...", without the line and column every other
/// value's fault has (a JSON syntax error in the same file was located). It is located now
/// at the value, `FILE:LINE:COL`, with its excerpt, exit 2; a fault of the file as a whole
/// (another format version) stays at the file.
#[test]
fn a_damaged_value_in_a_partial_file_is_located_at_its_line_and_column() {
    let d = tempfile::tempdir().unwrap();
    let base = common::scenario("scenarios/western-balkans-2024.toml");
    for k in 0..2 {
        let part = d.path().join(format!("part-{k}.json"));
        let o = common::run(&[
            "run",
            &base,
            "--runs",
            "20",
            "--no-attribution",
            "--shard",
            &format!("{k}/2"),
            "--out",
            part.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let good = std::fs::read_to_string(d.path().join("part-0.json")).unwrap();
    let bad = d.path().join("bad.json");
    let other = d.path().join("part-1.json");
    let merge = |text: &str| {
        std::fs::write(&bad, text).unwrap();
        common::run(&["merge", bad.to_str().unwrap(), other.to_str().unwrap()])
    };
    // Where `needle` starts, as FILE:LINE:COL (1-based, in bytes: the text is ASCII).
    let at = |text: &str, needle: &str| {
        let i = text.find(needle).expect("the edit is in the file");
        let line = text[..i].matches('\n').count() + 1;
        let col = i - text[..i].rfind('\n').map_or(0, |j| j + 1) + 1;
        format!("{}:{line}:{col}", bad.display())
    };
    // (from, to, the value's text in `to`, what the message says)
    let runs = "\"aggregate\":{\"runs\":10,";
    assert!(good.contains(runs), "{good}");
    for (from, to, value, says) in [
        (
            runs,
            "\"aggregate\":{\"runs\":-9,",
            "-9",
            "invalid value: integer `-9`, expected u64",
        ),
        (
            runs,
            "\"aggregate\":{\"runs\":\"10\",",
            "\"10\"",
            "invalid type: string \"10\", expected u64",
        ),
    ] {
        let text = good.replacen(from, to, 1);
        let o = merge(&text);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(!err.contains("panicked"), "{err}");
        assert!(
            err.contains(&format!("error: damaged partial file: {says}")),
            "{err}"
        );
        let i = text.find(to).unwrap() + to.find(value).unwrap();
        let line = text[..i].matches('\n').count() + 1;
        let col = i - text[..i].rfind('\n').map_or(0, |j| j + 1) + 1;
        assert_eq!(
            located(&err),
            vec![format!("{}:{line}:{col}", bad.display())],
            "{err}"
        );
    }
    // A sum that is not a decimal integer (i128 sums are written as strings).
    let sum = good.find("\"sum\":\"").expect("a sum");
    let end = sum + 7 + good[sum + 7..].find('"').unwrap();
    let text = format!("{}\"sum\":\"abc\"{}", &good[..sum], &good[end + 1..]);
    let o = merge(&text);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("error: damaged partial file: `abc` is not a decimal integer"),
        "{err}"
    );
    assert_eq!(located(&err), vec![at(&text, "\"abc\"")], "{err}");
    // Another format version is a fault of the file as a whole: no line and column.
    let text = good.replacen("\"format_version\":3", "\"format_version\":2", 1);
    let o = merge(&text);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).starts_with(&format!(
            "{}: error: partial format version 2",
            bad.display()
        )),
        "{}",
        stderr(&o)
    );
}
