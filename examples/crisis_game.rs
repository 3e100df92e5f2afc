//! Print the crisis game (inputs and equilibrium) of every rivalry of a scenario in its start
//! state, optionally with parameter changes: `cargo run --release --example crisis_game --
//! scenarios/western-balkans-2024.toml model.rationality=8`. A calibration aid.

use deter::engine::run_rng;
use deter::model::{Compiled, RunRecord, bench_hooks};
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let mut s = deter::scenario::load_file(std::path::Path::new(&path)).unwrap();
    for kv in std::env::args().skip(2) {
        let (k, v) = kv.split_once('=').unwrap();
        let r = deter::scenario::ParamRef::resolve(k, &s).unwrap();
        s.set(r, v.parse().unwrap()).unwrap();
    }
    let c = Compiled::new(&s);
    let mut w = c.new_world();
    let mut r = RunRecord::new(&c);
    bench_hooks::start_run(&c, &mut w, &mut r, &mut run_rng(1, 0));
    for ri in 0..c.scenario.rivalries.len() {
        let (g, sol) = bench_hooks::game(&c, &w, ri);
        println!("{}: {g:#?}\n{sol:#?}", c.scenario.rivalries[ri].id);
    }
}
