//! JSON exporter: the stable, documented contract (docs/OUTPUT.md).

use super::Report;

/// Pretty-printed JSON with a trailing newline.
pub fn to_json(report: &Report) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(report).expect("a Report always serialises");
    out.push(b'\n');
    out
}

/// The same JSON with the `timing` object removed: what must be byte-identical between
/// runs with the same scenario, seed and run count.
pub fn to_json_without_timing(report: &Report) -> Vec<u8> {
    let mut value = serde_json::to_value(report).expect("a Report always serialises");
    if let Some(obj) = value.as_object_mut() {
        obj.remove("timing");
    }
    let mut out = serde_json::to_vec_pretty(&value).expect("a Value always serialises");
    out.push(b'\n');
    out
}
