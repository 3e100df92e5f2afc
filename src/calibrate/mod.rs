//! Calibration to history: historical records ([`record`]), the observation model and
//! summary statistics ([`observe`]), a generic adaptive ABC-SMC ([`abc`]), calibration files
//! ([`spec`]), the engine-backed simulator of the cases ([`cases`]), simulation-based
//! calibration checks ([`sbc`]) and the outputs ([`output`]). docs/CALIBRATION.md,
//! docs/HISTORY.md.
//!
//! **Architecture Invariant:** the posterior is a function of (calibration file and the files
//! it names, seed, engine version): the algorithm draws only from per-slot ChaCha8 streams and
//! every simulation goes through the engine's per-run function with its own run stream, so
//! the thread count and a Ctrl-C and `--resume` change nothing.

pub mod abc;
pub mod cases;
pub mod nested;
pub mod nested_out;
pub mod observe;
pub mod output;
pub mod record;
#[cfg(any(test, feature = "internals"))]
pub mod sbc;
pub mod spec;

#[cfg_attr(not(feature = "internals"), allow(unused_imports))]
pub use abc::{Population, Settings, State, Stop};
#[cfg(any(test, feature = "internals"))]
pub use record::load_record;
#[cfg_attr(not(feature = "internals"), allow(unused_imports))]
pub use record::{EventType, Record};
pub use spec::{Calibration, load_calibration};

use std::path::Path;

use crate::scenario::{Diagnostic, Diagnostics};

/// SHA-256 (hex) of a TOML input's content as read: what the calibration's fingerprint
/// (`calibration_sha256`) takes of the calibration file and of each record. The content is
/// the file's keys and values in one canonical layout (its table re-serialised by `toml`,
/// keys sorted), so a comment, a blank line or the order of keys changes nothing: an
/// annotated file is the same calibration. Taken of the text that was validated, so the
/// files are read once (a file edited between a first and a second read was fingerprinted
/// as it was not calibrated). A text that does not parse (never the case after validation)
/// is taken as it is.
pub(crate) fn content_sha256(text: &str) -> String {
    content_sha256_without(text, &[])
}

/// [`content_sha256`] of `text` with the top-level keys `keys` left out: the fingerprint of
/// a calibration file besides its settings ([`spec::SETTINGS`]), so that a state of another
/// calibration can be said to differ in its settings only, or in more.
pub(crate) fn content_sha256_without(text: &str, keys: &[&str]) -> String {
    let canonical = text
        .parse::<toml::Table>()
        .ok()
        .and_then(|mut t| {
            for k in keys {
                t.remove(*k);
            }
            toml::to_string(&t).ok()
        });
    crate::output::sha256_hex(canonical.as_deref().unwrap_or(text).as_bytes())
}

/// Read a text input with a size bound (so `/dev/zero` cannot exhaust memory), as UTF-8.
pub(crate) fn read_text(
    path: &Path,
    shown: &str,
    limit: usize,
    noun: &str,
) -> Result<String, Diagnostics> {
    let fail = |m: String| Diagnostics(vec![Diagnostic::file_level(shown, m)]);
    let bytes = crate::scenario::read_bounded(path, limit).map_err(|e| {
        Diagnostics(vec![crate::scenario::input::unreadable(
            path, shown, noun, &e,
        )])
    })?;
    if bytes.len() > limit {
        return Err(fail(format!(
            "the file is larger than {limit} bytes, the limit for {noun} files"
        )));
    }
    crate::scenario::input::utf8_text(&bytes, shown)
        .map(str::to_string)
        .map_err(|d| Diagnostics(vec![*d]))
}
