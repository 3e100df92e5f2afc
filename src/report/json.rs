//! JSON exporter: the stable, documented contract (docs/OUTPUT.md).

use super::Report;

/// Pretty-printed JSON with a trailing newline.
pub fn to_json(report: &Report) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(report).expect("a Report always serialises");
    out.push(b'\n');
    out
}
