//! One generator operation repeated, for instruction counts under callgrind
//! (BENCHMARKS.md, "Choosing the generator"):
//!
//! `cargo run --release --example rng_cost -- GENERATOR OP N`, OP one of `words`, `normals`,
//! `uniforms`, `streams`; GENERATOR one of the names in benches/rng/candidates.rs.

#[path = "../benches/rng/candidates.rs"]
mod candidates;

fn main() {
    let a: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: rng_cost GENERATOR words|normals|uniforms|streams N";
    let (Some(name), Some(op), Some(n)) = (a.first(), a.get(1), a.get(2)) else {
        eprintln!("{usage}; generators: {}", candidates::NAMES.join(", "));
        std::process::exit(2);
    };
    let n: u64 = n.parse().unwrap_or(0);
    match candidates::run(name, op, n) {
        Some(x) => println!("{x}"),
        None => {
            eprintln!("{usage}");
            std::process::exit(2);
        }
    }
}
