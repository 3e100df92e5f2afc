//! Fuzz target: arbitrary bytes -> scenario reader -> (if valid) a short simulation and a
//! JSON report. Must never panic, hang or allocate without bound; see fuzz/README.md.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = deter::selfcheck::scenario_bytes(data);
});
