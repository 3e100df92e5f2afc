//! Writing outputs atomically: a temporary file in the destination directory, synced, then
//! renamed over the destination. A crash or kill never leaves a half-written file.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Values that pandas' `read_csv` reads as missing by default (its `na_values` default,
/// pandas 2.x documentation), including R's `read.csv` default `na.strings = "NA"`. No name
/// or id deter writes into a CSV cell may be one of them, nor empty.
pub const MISSING_VALUE_TOKENS: &[&str] = &[
    "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
    "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
];

/// SHA-256 of `bytes`, in lowercase hex (64 characters): every fingerprint deter records
/// (scenarios, sweeps, calibrations, partial files, the engine's build) is written this way.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The one wording of an output that cannot be written (a full disk, a name too long, a
/// directory that vanished), in every command and file kind, a file or a directory of
/// outputs (`--plots`, a calibration's `--out`) alike: "cannot write `PATH`: REASON", exit 1
/// (the command was right; the system refused it).
pub fn cannot_write(path: impl AsRef<Path>, reason: impl std::fmt::Display) -> String {
    format!("cannot write `{}`: {reason}", path.as_ref().display())
}

/// [`cannot_write`] for standard output: "cannot write to stdout: REASON".
pub fn cannot_write_stdout(reason: impl std::fmt::Display) -> String {
    format!("cannot write to stdout: {reason}")
}

/// Take an exclusive advisory lock on `handle` (an open file or directory at `path`), waiting
/// at most [`LOCK_PATIENCE`], and return the handle holding it: one command writes an output
/// at a time. Another
/// process holding it is `command` writing the same output right now, refused in the same
/// words by every command, a refusal of the output chosen like a read-only `--out` (exit 2,
/// before anything is written: wait, or choose another output). `Ok(None)` where the
/// platform or file system cannot lock (the lock is then skipped, as before it existed).
///
/// The refusal names the settings as `caller` names them: `--resume` and `--out` on the
/// command line, the arguments `resume` and `out` for a program (Python's `deter.sweep`).
pub fn lock_exclusive(
    handle: std::fs::File,
    path: &Path,
    command: &str,
    caller: crate::settings::Caller,
) -> Result<Option<std::fs::File>, String> {
    // A lock can outlive its holder by a moment: a process that forks (a program running
    // deter as a library while it starts another program in another thread) gives the child
    // a copy of every open file until the child's `exec` closes it, and the lock goes with
    // it. A command that really writes the output holds it for its whole run.
    let mut waited = std::time::Duration::ZERO;
    let mut outcome = handle.try_lock();
    while matches!(outcome, Err(std::fs::TryLockError::WouldBlock)) && waited < LOCK_PATIENCE {
        std::thread::sleep(LOCK_RETRY);
        waited += LOCK_RETRY;
        outcome = handle.try_lock();
    }
    match outcome {
        Ok(()) => Ok(Some(handle)),
        Err(std::fs::TryLockError::WouldBlock) => Err(format!(
            "`{}` is being written by another {command} right now; wait until it ends \
             (then {} continues it if it was interrupted) or choose another {}",
            path.display(),
            match caller {
                crate::settings::Caller::Cli => "`--resume`".to_string(),
                crate::settings::Caller::Library => "`resume`".to_string(),
            },
            crate::settings::setting_name(caller, "out")
        )),
        Err(std::fs::TryLockError::Error(_)) => Ok(None),
    }
}

/// How long [`lock_exclusive`] waits for a held lock before it refuses the output.
pub const LOCK_PATIENCE: std::time::Duration = std::time::Duration::from_millis(500);

/// How often [`lock_exclusive`] tries again while it waits.
const LOCK_RETRY: std::time::Duration = std::time::Duration::from_millis(10);

/// Whether pandas or R would read `s`, as a CSV cell, as a missing value.
pub fn reads_as_missing(s: &str) -> bool {
    MISSING_VALUE_TOKENS.contains(&s)
}

/// A file path as written into a CSV cell (the `file` column): as given, unless pandas or R
/// would read it as a missing value (a scenario file named `NA`, `nan`, `None`...), then with
/// `./` before it (`./NA`, the same file), so that the cell still tells the file apart.
pub fn csv_path(path: &str) -> std::borrow::Cow<'_, str> {
    if reads_as_missing(path) {
        std::borrow::Cow::Owned(format!("./{path}"))
    } else {
        std::borrow::Cow::Borrowed(path)
    }
}

/// Every input file this process has read, as hashes of their identities ([`file_key`]):
/// scenario files, the `extends` chains behind them, sweep files, a sweep's `base`, partial
/// files, `--files-from` lists. No output may replace one, whichever option named it and
/// however the input was reached (a hard link included). Hashes (8 bytes a file,
/// constant-time lookup) rather than the paths, so that a run over thousands of files does
/// not hold every path: a collision could only refuse an output wrongly (probability about
/// n^2 / 2^65), never let one through.
static INPUTS: Mutex<Option<std::collections::HashSet<u64>>> = Mutex::new(None);

/// The identity of the existing file `path` leads to, hashed: on Unix its device, inode and
/// birth time (where the file system records one), so that every name of one file is that
/// file (`x.toml`, `./x.toml`, a symbolic link to it, and a hard link, which no path
/// comparison sees: `deter merge hard-link-to-p0.json p1.json --out p0.json` replaced the
/// shard it read), and a new file that got a deleted input's inode is not that input (a
/// program that runs deter as a library reads and deletes many files in one process: a
/// sweep's new record was refused as "also an input file" in the tests); elsewhere its
/// canonical path. `None` for a path that leads to no file.
pub(crate) fn file_key(path: &Path) -> Option<u64> {
    use std::hash::{BuildHasher, BuildHasherDefault};
    let hasher = BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default();
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let m = std::fs::metadata(path).ok()?;
        Some(hasher.hash_one((m.dev(), m.ino(), m.created().ok())))
    }
    #[cfg(not(unix))]
    {
        Some(hasher.hash_one(path.canonicalize().ok()?))
    }
}

/// Record that `path` was read as an input (called by every reader of input files).
pub fn note_input(path: &Path) {
    if let Some(key) = file_key(path) {
        let mut inputs = INPUTS.lock().unwrap_or_else(|e| e.into_inner());
        inputs.get_or_insert_with(Default::default).insert(key);
    }
}

/// Whether `path` names a file recorded by [`note_input`].
fn is_input(path: &Path) -> bool {
    file_key(path).is_some_and(|key| {
        INPUTS
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .is_some_and(|set| set.contains(&key))
    })
}

/// The last line of defence's refusal ([`write_atomic`]): an output that became an input
/// after the checks.
fn refuse_input(path: &Path) -> String {
    format!(
        "output path `{}` is also an input file; refusing to overwrite it",
        path.display()
    )
}

/// `-` as an output: many tools read it as standard output, deter does not (it writes to
/// standard output when no output is named), so a file or directory called `-` would appear
/// where the user expected the terminal. Refused in every command; `./-` names such a file.
fn refuse_dash(path: &Path) -> Result<(), String> {
    if path.as_os_str() == "-" {
        return Err(
            "output path `-` would be a file named `-`, not standard output: leave \
                    the option out to write to standard output, or write `./-` for a file \
                    of that name"
                .to_string(),
        );
    }
    Ok(())
}

/// Check before any work starts that `path` can be written: not `-` ([`refuse_dash`]), and
/// none of the faults of [`file_output_fault`] (its directory exists and is a directory and
/// takes new files, `path` is no directory, link loop, device or read-only file, and none of
/// `inputs` nor any input read so far, [`note_input`]), in its words: one message for one
/// fault, with or without an option to locate it at.
pub fn check_writable(path: &Path, inputs: &[PathBuf]) -> Result<(), String> {
    refuse_dash(path)?;
    match file_output_fault(path, "", inputs) {
        Some(fault) => Err(fault.message),
        None => Ok(()),
    }
}

/// The file-system fault of the output file `path` (the value of option `option`), in the
/// words of an output directory's ([`check_output_dir`]): its directory missing or a file,
/// `path` a directory, or a directory that takes no new files (no permission); what was
/// expected, found and what to do ([`DirNameFault`]), located at the option's value by the
/// command line. Also every refusal of [`check_writable`] but `-` (its own words): a link
/// that leads to no file, a name ending with `/`, a device, FIFO or socket, a read-only file,
/// and one of `inputs` or any input read so far ([`note_input`]). `None` when the file can
/// be written.
pub fn file_output_fault(path: &Path, option: &str, inputs: &[PathBuf]) -> Option<DirNameFault> {
    if path.as_os_str() == "-" {
        return None;
    }
    let shown = crate::scenario::printable(&path.display().to_string()).into_owned();
    if std::fs::symlink_metadata(destination(path)).is_ok_and(|m| m.file_type().is_symlink()) {
        return Some(DirNameFault {
            message: format!(
                "expected a file, found `{shown}`, a symbolic link that leads to no file (too \
                 many levels of symbolic links)"
            ),
            help: format!("{option} names the file to write: name a regular file"),
        });
    }
    let dir = parent_dir(&destination(path));
    let dir_shown = crate::scenario::printable(&dir.display().to_string()).into_owned();
    if !dir.is_dir() {
        let is = if dir.exists() {
            "is not a directory (a file of that name exists)"
        } else {
            "does not exist"
        };
        return Some(DirNameFault {
            message: format!(
                "expected a file in an existing directory, found `{shown}`, whose directory \
                 `{dir_shown}` {is}"
            ),
            help: format!(
                "{option} names the file to write: create `{dir_shown}` first, or name a file \
                 in an existing directory"
            ),
        });
    }
    if path.is_dir() {
        return Some(DirNameFault {
            message: format!("expected a file, found `{shown}`, a directory"),
            help: format!(
                "{option} names the file to write, not its directory: name a file in `{shown}`"
            ),
        });
    }
    if path.as_os_str().as_encoded_bytes().ends_with(b"/") {
        return Some(DirNameFault {
            message: format!("expected a file, found `{shown}`, which ends with `/`: a directory"),
            help: format!("{option} names the file to write, not a directory: name a file"),
        });
    }
    if let Ok(meta) = std::fs::metadata(path) {
        if !meta.is_file() {
            return Some(DirNameFault {
                message: format!(
                    "expected a regular file, found `{shown}`, {}",
                    special_kind(&meta)
                ),
                help: format!(
                    "{option} replaces the file it names, and a device, FIFO or socket would \
                     be replaced: name a regular file"
                ),
            });
        }
        if read_only(&meta, path) {
            return Some(DirNameFault {
                message: format!(
                    "expected a file deter may replace, found `{shown}`, a read-only file"
                ),
                help: "make it writable (`chmod u+w`), remove it, or choose another name".into(),
            });
        }
    }
    let out = file_key(path);
    if (out.is_some() && inputs.iter().any(|i| file_key(i) == out)) || is_input(path) {
        return Some(DirNameFault {
            message: format!(
                "expected a file that is none of the command's inputs, found `{shown}`, which is \
                 also an input file"
            ),
            help: format!("{option} would overwrite an input: choose another name"),
        });
    }
    probe_dir(&dir).err().map(|reason| DirNameFault {
        message: format!(
            "expected a file in a directory deter can create files in, found `{shown}`: {reason}"
        ),
        help: format!("{option} names the file to write: name one in a directory you can write to"),
    })
}

/// What an existing file that is not a regular file is, in words ("a FIFO", "a device").
fn special_kind(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
    }
    let _ = meta;
    "not a regular file (a device, FIFO or socket)"
}

/// Whether the existing file at `path` (`meta`, its link followed) is read-only: no write
/// permission at all, or none for this process. Outputs are replaced by renaming a new file
/// over them, which the directory's permission alone allows (the file's own was ignored, and
/// the new file took its read-only mode); a file made read-only is one its owner wants kept,
/// so every command refuses it before any work, as `cp` or a shell's `>` would fail on it.
fn read_only(meta: &std::fs::Metadata, path: &Path) -> bool {
    meta.permissions().readonly()
        || std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .is_err_and(|e| e.kind() == std::io::ErrorKind::PermissionDenied)
}

/// Probe that files may be created in the directory `dir`: "cannot write to directory
/// `DIR`: REASON" if not (the reason without the probe file's name).
fn probe_dir(dir: &Path) -> Result<(), String> {
    tempfile::NamedTempFile::new_in(dir)
        .map(|_| ())
        .map_err(|e| {
            let reason = e.to_string();
            let reason = reason.split(" at path ").next().unwrap_or_default();
            // "No such file or directory" for a directory that exists: it does not take new
            // files (a virtual file system such as /proc or /sys holds only what the kernel
            // makes). The system's words alone named a missing file that is not the cause.
            if e.kind() == std::io::ErrorKind::NotFound && dir.is_dir() {
                return format!(
                    "cannot write to directory `{}`: it exists but does not accept new files \
                     (a virtual file system such as /proc or /sys holds only the files the \
                     system makes; the system said: {reason}); choose a directory on a disk",
                    dir.display()
                );
            }
            format!("cannot write to directory `{}`: {reason}", dir.display())
        })
}

/// [`check_outputs`] for one output a program names by the argument `argument` (`out`,
/// `per_run`): the same refusal, said of that argument ("`out`: expected a file that is no
/// TOML input, ..."), as the command line says it of its option.
pub fn check_output_argument(out: &Path, argument: &str, inputs: &[PathBuf]) -> Result<(), String> {
    check_outputs(&[&out.to_path_buf()], inputs).map_err(|m| format!("`{argument}`: {m}"))
}

/// [`check_writable`] for every output of one command, and no two of them the same path.
pub fn check_outputs(outputs: &[&PathBuf], inputs: &[PathBuf]) -> Result<(), String> {
    for (i, out) in outputs.iter().enumerate() {
        // A TOML name first, as the command line says it (`cli::results_file_fault`).
        if let Some(fault) = toml_name_fault(out, "") {
            return Err(fault.message);
        }
        check_writable(out, inputs)?;
        // A sweep's record (`RESULTS.sweep`) is written beside its results, by the sweep
        // only: an output named so would replace another sweep's record.
        if let Some(fault) = record_name_fault(out, "") {
            return Err(fault.message);
        }
        if outputs[..i].iter().any(|o| same_output(o, out)) {
            return Err(format!(
                "`{}` is named by two output options",
                out.display()
            ));
        }
    }
    Ok(())
}

/// Output file `path` (the value of option `option`) named as a sweep's record
/// (`RESULTS.sweep`, or a file that begins as one: [`crate::sweep::record::is_record`]): it
/// would replace another sweep's record, or be taken for one. What was expected and found,
/// and what to do; located at the option's value by the command line
/// (`cli::record_name_fault`), the message alone for the library.
pub fn record_name_fault(path: &Path, option: &str) -> Option<DirNameFault> {
    if !crate::sweep::record::is_record(path) {
        return None;
    }
    let suffix = crate::sweep::record::RECORD_SUFFIX;
    let shown = crate::scenario::printable(&path.display().to_string()).into_owned();
    let named = if shown.ends_with(suffix) {
        "named like one"
    } else {
        "which begins as one does"
    };
    Some(DirNameFault {
        message: format!(
            "expected a file that is no sweep's record, found `{shown}`, {named} (the `{suffix}` \
             file a sweep writes beside its results)"
        ),
        help: format!(
            "{option} would replace a sweep's record, or write a file taken for one: choose \
             another name"
        ),
    })
}

/// Output file `path` (the value of option `option`) named as a TOML file (`.toml`, in any
/// case): deter reads its inputs as TOML (scenario, sweep, calibration and record files) and
/// writes none but `deter init`'s template, so a report, table, rows or partial file under
/// that name is a slip that would write over a scenario (`--report baseline.toml`) or make a
/// file taken for one. Located at the option's value by the command line
/// (`cli::results_file_fault`), the message alone for the library.
pub fn toml_name_fault(path: &Path, option: &str) -> Option<DirNameFault> {
    let toml = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"));
    if !toml || path.as_os_str() == "-" {
        return None;
    }
    let shown = crate::scenario::printable(&path.display().to_string()).into_owned();
    let option = if option.is_empty() {
        "this output".to_string()
    } else {
        option.to_string()
    };
    Some(DirNameFault {
        message: format!(
            "expected a file that is no TOML input, found `{shown}`, the name of a TOML file \
             (deter reads scenario, sweep, calibration and record files as TOML, and writes \
             none but `deter init`'s template)"
        ),
        help: format!(
            "{option} would write over a scenario or make a file taken for one: give it the \
             extension of what it writes (`{}` for an HTML page, .json or .csv for results)",
            path.with_extension("html").display()
        ),
    })
}

/// The file an output path names, however it is spelt (`x.json`, `./x.json`, `DIR/x.json`,
/// `sub/../x.json`, a symbolic link to it): the link followed ([`destination`]), its directory
/// canonical, then its file name. A path whose directory does not exist stays as given
/// ([`check_writable`] refuses it).
fn output_identity(path: &Path) -> PathBuf {
    let at = destination(path);
    if let Ok(c) = at.canonicalize() {
        return c;
    }
    match (parent_dir(&at).canonicalize(), at.file_name()) {
        (Ok(dir), Some(name)) => dir.join(name),
        _ => at,
    }
}

/// Whether two output paths name the same file (or directory), however each is spelt
/// ([`output_identity`]): `--out x.json --per-run ./x.json` would write one output over the
/// other.
pub fn same_output(a: &Path, b: &Path) -> bool {
    a == b || output_identity(a) == output_identity(b)
}

/// `--plots DIR` naming one of the command's output files too (`--report r.html --plots
/// r.html`): refused before any work in the words of two output files named alike; the
/// directory was created, then the file could not be written over it (exit 1, after the
/// work).
pub fn check_plots_apart(plots: Option<&Path>, outputs: &[&PathBuf]) -> Result<(), String> {
    match plots {
        Some(dir) if outputs.iter().any(|o| same_output(o, dir)) => Err(format!(
            "`{}` is named by two output options",
            dir.display()
        )),
        _ => Ok(()),
    }
}

/// The extensions of the files deter writes (charts, pages, results, reports, records): a
/// directory option (`--plots`, calibrate's `--out`) named with one looks like a file and is
/// refused.
const FILE_EXTENSIONS: [&str; 9] = [
    "svg", "html", "htm", "json", "jsonl", "csv", "toml", "sweep", "txt",
];

/// The refusal of a `--plots` that does not exist and is named as a file deter writes
/// (`--plots x.svg`): it was created as a directory named `x.svg` without a word, while
/// `--out x.html` is refused. Every command that takes `--plots` checks the directory first
/// ([`check_output_dir`]), then this.
pub fn check_plots_name(dir: &Path) -> Result<(), DirNameFault> {
    check_dir_name(
        dir,
        "--plots",
        "every chart is written into as its own SVG file (`chart-survival.svg`, ...)",
        ", or use --report for the HTML page",
    )
}

/// An output directory named as a file deter writes ([`check_dir_name`]): what was expected
/// and found (`message`: "expected a directory that ..., found `x.svg`, ..."), and what to
/// do (`help`); the command line locates it at the option's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirNameFault {
    pub message: String,
    pub help: String,
}

/// The one refusal of an output directory (`option` `dir`: `--plots`, `deter calibrate
/// --out`) that does not exist and is named as a file deter writes (`x.svg`, `x.json`): it
/// would be created as a directory of that name. `holds` says what is written into the
/// directory, `instead` (empty, or starting with a comma) another option for a file.
pub fn check_dir_name(
    dir: &Path,
    option: &str,
    holds: &str,
    instead: &str,
) -> Result<(), DirNameFault> {
    let ext = dir
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    if !dir.exists()
        && let Some(ext) = ext.filter(|e| FILE_EXTENSIONS.contains(&e.as_str()))
    {
        let stem = dir.with_extension("");
        return Err(DirNameFault {
            message: format!(
                "expected a directory that {holds}, found `{}`, the name of a .{ext} file",
                dir.display()
            ),
            help: format!("name a directory ({option} `{}`){instead}", stem.display()),
        });
    }
    Ok(())
}

/// Check before any work starts that `dir` can take a command's output files (`deter sweep
/// --plots DIR`, `deter calibrate --out DIR`): it is a directory, or it does not exist yet
/// (it is created) and its parent is a directory, and files can be created where they will be
/// (in it, or in its parent for the directory itself). `option` names the flag in the message.
/// Each fault says what was expected and found and what to do ([`DirNameFault`]); the
/// command line locates it at the option's value.
pub fn check_output_dir(dir: &Path, option: &str) -> Result<(), DirNameFault> {
    let shown = crate::scenario::printable(&dir.display().to_string()).into_owned();
    if dir.as_os_str() == "-" {
        return Err(DirNameFault {
            // The words of every output named `-` (`refuse_dash`), at the option's value.
            message: format!(
                "expected a directory, found `-`: {}",
                refuse_dash(dir).err().unwrap_or_default()
            ),
            help: format!("name a directory (`{option} ./-` for a directory named `-`)"),
        });
    }
    let cannot_write = |reason: String| DirNameFault {
        message: format!(
            "expected a directory deter can create files in, found `{shown}`: {reason}"
        ),
        help: format!("name a directory you can write to ({option} is created if missing)"),
    };
    if dir.exists() {
        if !dir.is_dir() {
            return Err(DirNameFault {
                message: format!(
                    "expected a directory (created if missing), found `{shown}`, a file that \
                     exists"
                ),
                help: format!("name a directory: {option} `DIR` (created if missing)"),
            });
        }
        // Its charts or files will be created in it.
        return probe_dir(dir).map_err(cannot_write);
    }
    let parent = parent_dir(dir);
    if !parent.is_dir() {
        let parent_shown = crate::scenario::printable(&parent.display().to_string()).into_owned();
        let is = if parent.exists() {
            "is not a directory (a file of that name exists)"
        } else {
            "does not exist"
        };
        return Err(DirNameFault {
            message: format!(
                "expected a directory in an existing directory, found `{shown}`, whose \
                 directory `{parent_shown}` {is}"
            ),
            help: format!(
                "{option} creates its own directory only: create `{parent_shown}` first, or \
                 name a directory in an existing one"
            ),
        });
    }
    // It will be created in its parent.
    probe_dir(&parent).map_err(cannot_write)
}

/// The warning for an output directory (`option` `dir`, such as `--out` of calibrate or
/// `--plots`) that holds one of the command's `inputs`: its outputs (`writes`, in words) land
/// among the files it read. Nothing of theirs is replaced (every output is checked against
/// the inputs), so this is a warning, not a refusal; the same words for every command.
/// `None` when the directory does not exist yet or holds none of the inputs.
pub fn beside_inputs(dir: &Path, option: &str, inputs: &[&Path], writes: &str) -> Option<String> {
    let at = dir.canonicalize().ok()?;
    let mut held: Vec<String> = inputs
        .iter()
        .filter(|i| parent_dir(i).canonicalize().ok().as_ref() == Some(&at))
        .filter_map(|i| i.file_name().map(|n| format!("`{}`", n.to_string_lossy())))
        .collect();
    held.dedup();
    if held.is_empty() {
        return None;
    }
    let more = held.len().saturating_sub(3);
    held.truncate(3);
    let listed = if more > 0 {
        format!("{} and {more} more", held.join(", "))
    } else {
        held.join(", ")
    };
    Some(format!(
        "warning: {option} `{}` is the directory of the inputs ({listed}): {writes} are written \
         among them (none of the inputs is replaced); a directory of its own keeps the outputs \
         apart from the files they come from",
        dir.display()
    ))
}

/// The file an output named `path` replaces: `path` itself, or where it leads when it is a
/// symbolic link (followed to the end, relative links from their own directory). Renaming a
/// temporary file onto the link would replace the link itself: `--out /dev/stdout`, with
/// standard output redirected to a file, replaced the system's `/dev/stdout` link with a
/// regular file; a link to a shared results file was cut off from it.
pub fn destination(path: &Path) -> PathBuf {
    let mut at = path.to_path_buf();
    // A bound on hops, as the kernel's (40): a loop of links ends on a link, which
    // `check_writable` refuses.
    for _ in 0..40 {
        match std::fs::symlink_metadata(&at) {
            Ok(m) if m.file_type().is_symlink() => match std::fs::read_link(&at) {
                Ok(to) if to.is_absolute() => at = to,
                Ok(to) => at = parent_dir(&at).join(to),
                Err(_) => break,
            },
            _ => break,
        }
    }
    at
}

fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// How many of one kind of activity are under way right now, in any thread (temporary output
/// files, inputs being read): the Ctrl-C handler asks whether ending the process now is safe.
pub(crate) struct Activity(std::sync::atomic::AtomicUsize);

impl Activity {
    /// None under way.
    pub(crate) const fn new() -> Self {
        Activity(std::sync::atomic::AtomicUsize::new(0))
    }

    /// Count one more for as long as the returned guard lives.
    pub(crate) fn start(&'static self) -> ActivityGuard {
        self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        ActivityGuard(self)
    }

    /// Whether at least one is under way.
    pub(crate) fn active(&self) -> bool {
        self.0.load(std::sync::atomic::Ordering::SeqCst) > 0
    }
}

/// One activity counted by [`Activity::start`], until dropped.
pub(crate) struct ActivityGuard(&'static Activity);

impl Drop for ActivityGuard {
    fn drop(&mut self) {
        self.0.0.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

/// Temporary output files that exist right now ([`write_atomic`] in progress, an
/// [`AtomicFile`] not yet committed or dropped).
static PENDING: Activity = Activity::new();

/// Whether a temporary output file exists right now: a process that ended now would leave
/// it behind (the Ctrl-C handler then waits for the command to stop by itself).
pub fn outputs_pending() -> bool {
    PENDING.active()
}

/// Temporary files are created 0600; a published output should be readable like any file
/// the user writes (0644, before the umask), unless it replaces a file: then it keeps that
/// file's permissions (a results file made private with `chmod 600` stays private when a
/// command writes it again; the rename replaced it with a 0644 file).
fn make_shareable(file: &std::fs::File, replaces: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(replaces)
            .ok()
            .filter(std::fs::Metadata::is_file)
            .map_or(0o644, |m| m.permissions().mode() & 0o777);
        file.set_permissions(std::fs::Permissions::from_mode(mode))?;
    }
    #[cfg(not(unix))]
    let _ = (file, replaces);
    Ok(())
}

/// Write `bytes` to `path` atomically.
///
/// Refuses (`InvalidInput`) to replace a file read as an input: the last line of defence
/// behind [`check_writable`].
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if is_input(path) {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            refuse_input(path),
        ));
    }
    let _pending = PENDING.start();
    let path = destination(path);
    let dir = parent_dir(&path);
    let mut tmp = tempfile::Builder::new()
        .prefix(".deter-")
        .suffix(".tmp")
        .tempfile_in(&dir)
        .map_err(without_temporary_name)?;
    // Through the file itself: the temporary file's writer adds its hidden name to every
    // error ("No space left on device (os error 28) at path \"DIR/.deter-XXXXXX.tmp\""),
    // a name the user never gave and that is gone by the time the message is read.
    tmp.as_file_mut().write_all(bytes)?;
    make_shareable(tmp.as_file(), &path)?;
    tmp.as_file().sync_all()?;
    tmp.persist(&path).map_err(|e| e.error)?;
    Ok(())
}

/// Files written now and published together by [`HeldFiles::commit`]: each written whole to
/// a hidden temporary file beside its destination (its handle closed, so thousands cost no
/// descriptors and no memory but their names), renamed over its destination only at the
/// commit. Dropped without commit (an error, Ctrl-C), it leaves nothing behind: a command
/// interrupted after some of its charts were drawn leaves none of them.
#[derive(Default)]
pub struct HeldFiles {
    files: Vec<(tempfile::TempPath, PathBuf)>,
    /// Directories created for these files (`--plots DIR` that did not exist), deepest
    /// first: removed, if left empty, when the files are dropped without commit.
    dirs: Vec<PathBuf>,
    _pending: Option<ActivityGuard>,
}

impl Drop for HeldFiles {
    /// Without commit (an error, Ctrl-C): the temporary files removed, then each directory
    /// created for them that is left empty (a directory that existed is never removed, nor
    /// one that holds anything).
    fn drop(&mut self) {
        self.files.clear();
        for dir in std::mem::take(&mut self.dirs) {
            let _ = std::fs::remove_dir(dir);
        }
    }
}

impl HeldFiles {
    /// Write `bytes` for `path`, published at [`HeldFiles::commit`]. Refuses
    /// (`InvalidInput`) a path read as an input, as [`write_atomic`] does.
    pub fn write(&mut self, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
        if is_input(path) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                refuse_input(path),
            ));
        }
        if self._pending.is_none() {
            self._pending = Some(PENDING.start());
        }
        let path = destination(path);
        let mut tmp = tempfile::Builder::new()
            .prefix(".deter-")
            .suffix(".tmp")
            .tempfile_in(parent_dir(&path))
            .map_err(without_temporary_name)?;
        tmp.as_file_mut().write_all(bytes)?;
        make_shareable(tmp.as_file(), &path)?;
        tmp.as_file().sync_all()?;
        self.files.push((tmp.into_temp_path(), path));
        Ok(())
    }

    /// Create directory `dir` (and its missing parents) for files written here; those it
    /// creates are removed again, if left empty, when the files are dropped without commit.
    pub fn create_dir_all(&mut self, dir: &Path) -> std::io::Result<()> {
        let missing: Vec<PathBuf> = dir
            .ancestors()
            .filter(|a| !a.as_os_str().is_empty())
            .take_while(|a| std::fs::symlink_metadata(a).is_err())
            .map(Path::to_path_buf)
            .collect();
        std::fs::create_dir_all(dir)?;
        self.dirs.extend(missing);
        Ok(())
    }

    /// Publish every file written, in the order written; a fault names the file it stopped
    /// at (those before it are published, those after it removed).
    pub fn commit(mut self) -> Result<(), (PathBuf, std::io::Error)> {
        // Published: its directories stay, whatever follows.
        self.dirs.clear();
        for (tmp, path) in std::mem::take(&mut self.files) {
            tmp.persist(&path).map_err(|e| (path, e.error))?;
        }
        Ok(())
    }
}

/// `e` without the name of the temporary file it happened on, which the temporary file's
/// constructor appends (" at path \"DIR/.deter-XXXXXX.tmp\""): outputs name the file the user
/// gave ("cannot write `PATH`: REASON"), never a hidden one that no longer exists.
fn without_temporary_name(e: std::io::Error) -> std::io::Error {
    let text = e.to_string();
    match text.split_once(" at path ") {
        Some((reason, _)) => std::io::Error::new(e.kind(), reason.to_string()),
        None => e,
    }
}

/// A file written incrementally and published atomically by [`AtomicFile::commit`];
/// dropped without commit (an error, Ctrl-C), it leaves nothing behind.
pub struct AtomicFile {
    path: PathBuf,
    tmp: tempfile::NamedTempFile,
    _pending: ActivityGuard,
}

impl AtomicFile {
    /// Refuses (`InvalidInput`) a path read as an input, as [`write_atomic`] does.
    pub fn create(path: &Path) -> std::io::Result<Self> {
        if is_input(path) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                refuse_input(path),
            ));
        }
        let pending = PENDING.start();
        let path = destination(path);
        let tmp = tempfile::Builder::new()
            .prefix(".deter-")
            .suffix(".tmp")
            .tempfile_in(parent_dir(&path))
            .map_err(without_temporary_name)?;
        Ok(Self {
            path,
            tmp,
            _pending: pending,
        })
    }

    pub fn file(&mut self) -> &mut std::fs::File {
        self.tmp.as_file_mut()
    }

    pub fn commit(self) -> std::io::Result<()> {
        make_shareable(self.tmp.as_file(), &self.path)?;
        self.tmp.as_file().sync_all()?;
        self.tmp.persist(&self.path).map_err(|e| e.error)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A new file that got a deleted input's inode is not that input (its birth time
    /// differs), while a hard link to an input is that input. The file system must reuse a
    /// freed inode for the first half to be shown (ext4 does at once, as on the machines the
    /// tests run on): the test fails, saying so, where no inode was reused in 1,000 tries.
    #[test]
    fn a_new_file_with_a_deleted_inputs_inode_is_not_that_input() {
        use std::os::unix::fs::MetadataExt;
        let d = tempfile::tempdir().unwrap();
        let (read, link) = (d.path().join("read.toml"), d.path().join("link.toml"));
        std::fs::write(&read, "x").unwrap();
        std::fs::hard_link(&read, &link).unwrap();
        note_input(&read);
        assert!(is_input(&link), "a hard link to an input is that input");
        assert!(check_writable(&link, &[]).is_err());
        std::fs::remove_file(&link).unwrap();
        let ino = std::fs::metadata(&read).unwrap().ino();
        std::fs::remove_file(&read).unwrap();
        let new = d.path().join("new.csv");
        let reused = (0..1000).any(|i| {
            let _ = std::fs::remove_file(&new);
            std::fs::write(&new, i.to_string()).unwrap();
            std::fs::metadata(&new).unwrap().ino() == ino
        });
        assert!(
            reused,
            "this file system reused no inode: the test cannot show its point"
        );
        assert!(!is_input(&new), "the new file is not the deleted input");
        assert!(check_writable(&new, &[]).is_ok());
    }

    /// A lock released within [`LOCK_PATIENCE`] (a forked child's copy of the handle, closed
    /// at its `exec`) is taken; one held longer is refused, after the wait.
    #[test]
    fn a_lock_held_a_moment_is_waited_for_and_one_held_on_is_refused() {
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join("r.csv");
        let open = || {
            std::fs::OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .unwrap()
        };
        let held = open();
        held.lock().unwrap();
        let releaser = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(50));
            drop(held);
        });
        let got = lock_exclusive(open(), &path, "deter sweep", crate::settings::Caller::Cli);
        releaser.join().unwrap();
        let got = got
            .expect("taken once released")
            .expect("this file system locks");
        let start = std::time::Instant::now();
        let refused = lock_exclusive(open(), &path, "deter sweep", crate::settings::Caller::Cli);
        let message = refused.expect_err("held by `got` throughout");
        assert!(message.contains("is being written by another deter sweep right now"));
        assert!(start.elapsed() >= LOCK_PATIENCE);
        drop(got);
    }
}
