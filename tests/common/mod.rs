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

/// `deter ARGS` run from the crate root, its exit status and both outputs captured.
pub fn run(args: &[&str]) -> std::process::Output {
    deter().args(args).output().expect("deter runs")
}

/// A finished command's standard error as text (invalid UTF-8 replaced).
pub fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The first `error:` line of a command's standard error `err` (a diagnostic's
/// "LOC: error: PROBLEM"), or "" when there is none.
pub fn first_error(err: &str) -> String {
    err.lines()
        .find(|l| l.contains(": error: "))
        .unwrap_or_default()
        .to_string()
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

/// A named pipe at `path` (`mkfifo`), for the tests of commands reading a FIFO input.
#[cfg(target_os = "linux")]
pub fn make_fifo(path: &Path) {
    let made = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(made.success(), "mkfifo {}", path.display());
}

/// The writer's end of the FIFO `path`, opened once `child` has opened the reader's end (a
/// non-blocking open for writing fails until then): `child` is then past its set-up, blocked
/// reading. Panics if `child` ends first or has not opened it within about a minute (a guard
/// against hanging the test run, not a timing assertion).
#[cfg(target_os = "linux")]
pub fn fifo_writer_once_read(child: &mut std::process::Child, path: &Path) -> std::fs::File {
    use std::os::unix::fs::OpenOptionsExt;
    const O_NONBLOCK: i32 = 0o4000; // Linux, every architecture deter builds on
    for _ in 0..6000 {
        if let Ok(w) = std::fs::OpenOptions::new()
            .write(true)
            .custom_flags(O_NONBLOCK)
            .open(path)
        {
            return w;
        }
        assert!(
            child.try_wait().expect("the child's status").is_none(),
            "the command ended before it read {}",
            path.display()
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("the command never opened {}", path.display());
}

/// Whether `child` ends within `ticks` x 10 ms; if not it is killed (a guard against hanging
/// the test run, not a timing assertion).
pub fn ends_within(child: &mut std::process::Child, ticks: u32) -> bool {
    for _ in 0..ticks {
        if child.try_wait().expect("the child's status").is_some() {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let _ = child.kill();
    false
}

/// What is wrong with the nesting of an HTML page's tags: a closing tag that is not the
/// innermost open element's (`</td>` where `<tr>` is open), one with nothing open, and every
/// element left open at the end. Void elements (`<meta>`), self-closing SVG tags (`<rect/>`),
/// `<!DOCTYPE>` and comments open nothing. It reads every `<` as the start of a tag: in a
/// page whose texts are escaped, a raw `<` in a text is itself a fault it reports.
pub fn tag_faults(html: &str) -> Vec<String> {
    const VOID: [&str; 13] = [
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr",
    ];
    let line = |at: usize| 1 + html[..at].matches('\n').count();
    let mut open: Vec<(&str, usize)> = Vec::new();
    let mut faults = Vec::new();
    let mut rest = 0;
    while let Some(i) = html[rest..].find('<').map(|i| rest + i) {
        if html[i..].starts_with("<!--") {
            rest = html[i..].find("-->").map_or(html.len(), |e| i + e + 3);
            continue;
        }
        let Some(end) = html[i..].find('>').map(|e| i + e) else {
            faults.push(format!("line {}: a `<` that no `>` closes", line(i)));
            break;
        };
        let tag = &html[i + 1..end];
        rest = end + 1;
        if tag.starts_with('!') || tag.starts_with('?') {
            continue;
        }
        let closing = tag.starts_with('/');
        let name = tag
            .trim_start_matches('/')
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or("");
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            faults.push(format!("line {}: not a tag: <{tag}>", line(i)));
        } else if closing {
            match open.pop() {
                Some((o, _)) if o.eq_ignore_ascii_case(name) => {}
                Some((o, at)) => {
                    faults.push(format!(
                        "line {}: </{name}> closes <{o}> (opened on line {})",
                        line(i),
                        line(at)
                    ));
                    open.push((o, at));
                    // Recover at the element it names, if it is open.
                    if let Some(k) = open.iter().rposition(|(o, _)| o.eq_ignore_ascii_case(name)) {
                        open.truncate(k);
                    }
                }
                None => faults.push(format!("line {}: </{name}> with nothing open", line(i))),
            }
        } else if !tag.ends_with('/') && !VOID.contains(&name.to_ascii_lowercase().as_str()) {
            open.push((name, i));
        }
    }
    for (o, at) in open {
        faults.push(format!("<{o}> opened on line {} is never closed", line(at)));
    }
    faults
}
