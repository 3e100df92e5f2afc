//! Which level deters: the exact three-player Shapley attribution of the change in
//! P(outcome) to the military, political and economic levels (docs/MODEL.md 7.13).
//!
//! **Counterfactual.** A level is *removed* by taking away what the defender side controls on
//! it in every crisis ([`Removal`]): military, the target's and its protectors' forces and
//! their commitment to fight; political, pacts' treaty terms, tripwires, international
//! monitoring and the target's cohesion and reputation in its cost of conceding; economic,
//! Western sanctions and the challenger's trade with the target. `v(S)` is P(outcome) with the
//! levels in `S` present and the others removed. The total effect of the defender side's three
//! levels is `v(N) - v(empty)` (negative when they deter), and the Shapley value of level `i`
//! (Shapley 1953) is
//!
//! `phi_i = sum over S not containing i of |S|! (2 - |S|)! / 3! [v(S + i) - v(S)]`,
//!
//! weights 1/3, 1/6, 1/6, 1/3 for `|S|` = 0, 1, 1, 2. The three values sum to the total effect
//! exactly (efficiency).
//!
//! **Estimation.** The 2^3 variants of run `i` share run `i`'s streams (common random numbers;
//! model::streams), so `phi_i` is estimated per run: `6 phi_i` of one run is an integer, summed
//! exactly, and each value gets the paired 95% interval mean +- 1.96 sd / sqrt(n) of its
//! per-run values. Results are identical for any number of threads.

use rayon::prelude::*;

use crate::engine::{BLOCK_RUNS, run_rng};
use crate::model::{Compiled, Removal, RunRecord, World, simulate_run};
use crate::stats::Z95;

/// The outcomes attributed, with the MID level that defines each (highest level >= it).
pub const OUTCOMES: [(&str, u8); 4] = [
    ("threat", 2),
    ("display", 3),
    ("use_of_force", 4),
    ("war", 5),
];

/// The three levels, in the order of every `[_; 3]` below.
pub const LEVELS: [&str; 3] = ["military", "political", "economic"];

/// An estimate with its paired 95% interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    pub value: f64,
    pub lo: f64,
    pub hi: f64,
}

/// The attribution of one outcome for one entity (the region or a rivalry).
#[derive(Debug, Clone, PartialEq)]
pub struct OutcomeAttribution {
    pub outcome: &'static str,
    /// P(outcome) with every level present (the scenario as it is).
    pub present: f64,
    /// P(outcome) with all three levels removed.
    pub removed: f64,
    /// `present - removed`, with its paired interval.
    pub total: Interval,
    /// Shapley value of each level (military, political, economic); they sum to `total`.
    pub shapley: [Interval; 3],
    /// Exact integer sums behind the estimates: `6 sum_runs phi_i` and `6 sum_runs total`.
    pub shapley_sums: [i64; 3],
    pub total_sum: i64,
}

/// The attribution for every outcome of one entity.
#[derive(Debug, Clone, PartialEq)]
pub struct EntityAttribution {
    /// "region" or the rivalry's id.
    pub id: String,
    pub outcomes: Vec<OutcomeAttribution>,
}

/// The attribution of a scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Attribution {
    pub seed: u64,
    pub runs: u64,
    /// The region first, then every rivalry in file order.
    pub entities: Vec<EntityAttribution>,
}

/// Shapley values of three players from the characteristic function `v`, indexed by the bit
/// set of present players (bit 0 military, 1 political, 2 economic), scaled by 6 so that
/// integer `v` give integer values.
pub fn shapley3_times6(v: &[i64; 8]) -> [i64; 3] {
    let mut phi = [0i64; 3];
    for (i, out) in phi.iter_mut().enumerate() {
        let bit = 1usize << i;
        for s in 0..8usize {
            if s & bit != 0 {
                continue;
            }
            // 6 |S|! (2 - |S|)! / 3!: 2, 1, 1, 2 for |S| = 0, 1, 1, 2.
            let w = match s.count_ones() {
                0 | 2 => 2,
                _ => 1,
            };
            *out += w * (v[s | bit] - v[s]);
        }
    }
    phi
}

/// Per entity and outcome: sums and sums of squares of the per-run values (exact integers).
#[derive(Debug, Clone, Default, PartialEq)]
struct Acc {
    present: i64,
    removed: i64,
    total: [i64; 2],
    phi: [[i64; 2]; 3],
}

struct Worker {
    worlds: Vec<World>,
    records: Vec<RunRecord>,
    acc: Vec<Acc>,
}

/// Attribute P(outcome) for runs `0..runs` under `seed` (8 simulations per run).
pub fn attribute(compiled: &Compiled, seed: u64, runs: u64) -> Attribution {
    // variants[s]: the levels in bit set s present, the others removed.
    let variants: Vec<Compiled> = (0..8u8)
        .map(|s| compiled.with_removal(Removal::from_bits(!s & 7)))
        .collect();
    let n_ent = 1 + compiled.scenario.rivalries.len();
    let blocks = runs.div_ceil(BLOCK_RUNS);
    let acc = (0..blocks)
        .into_par_iter()
        .fold(
            || Worker {
                worlds: variants.iter().map(|c| c.new_world()).collect(),
                records: variants.iter().map(RunRecord::new).collect(),
                acc: vec![Acc::default(); n_ent * OUTCOMES.len()],
            },
            |mut w, b| {
                let first = b * BLOCK_RUNS;
                for i in first..runs.min(first + BLOCK_RUNS) {
                    for (s, c) in variants.iter().enumerate() {
                        simulate_run(
                            c,
                            &mut w.worlds[s],
                            &mut w.records[s],
                            &mut run_rng(seed, i),
                        );
                    }
                    for e in 0..n_ent {
                        let level = |s: usize| {
                            let r = &w.records[s];
                            if e == 0 {
                                r.max_level()
                            } else {
                                r.rivalries[e - 1].max_level
                            }
                        };
                        for (o, &(_, min)) in OUTCOMES.iter().enumerate() {
                            let v: [i64; 8] = std::array::from_fn(|s| i64::from(level(s) >= min));
                            let phi = shapley3_times6(&v);
                            let total = 6 * (v[7] - v[0]);
                            let a = &mut w.acc[e * OUTCOMES.len() + o];
                            a.present += v[7];
                            a.removed += v[0];
                            a.total[0] += total;
                            a.total[1] += total * total;
                            for (acc, x) in a.phi.iter_mut().zip(phi) {
                                acc[0] += x;
                                acc[1] += x * x;
                            }
                        }
                    }
                }
                w
            },
        )
        .map(|w| w.acc)
        .reduce(
            || vec![Acc::default(); n_ent * OUTCOMES.len()],
            |mut a, b| {
                for (x, y) in a.iter_mut().zip(&b) {
                    x.present += y.present;
                    x.removed += y.removed;
                    for j in 0..2 {
                        x.total[j] += y.total[j];
                        for k in 0..3 {
                            x.phi[k][j] += y.phi[k][j];
                        }
                    }
                }
                a
            },
        );
    let n = runs.max(1) as f64;
    let interval = |s: [i64; 2]| {
        // Per-run values are the integers / 6.
        let mean = s[0] as f64 / 6.0 / n;
        let var = if runs > 1 {
            ((s[1] as f64 / 36.0) - n * mean * mean) / (n - 1.0)
        } else {
            0.0
        };
        let half = Z95 * (var.max(0.0) / n).sqrt();
        Interval {
            value: mean,
            lo: mean - half,
            hi: mean + half,
        }
    };
    let entities = (0..n_ent)
        .map(|e| EntityAttribution {
            id: if e == 0 {
                "region".to_string()
            } else {
                compiled.scenario.rivalries[e - 1].id.clone()
            },
            outcomes: OUTCOMES
                .iter()
                .enumerate()
                .map(|(o, &(name, _))| {
                    let a = &acc[e * OUTCOMES.len() + o];
                    OutcomeAttribution {
                        outcome: name,
                        present: a.present as f64 / n,
                        removed: a.removed as f64 / n,
                        total: interval(a.total),
                        shapley: std::array::from_fn(|k| interval(a.phi[k])),
                        shapley_sums: std::array::from_fn(|k| a.phi[k][0]),
                        total_sum: a.total[0],
                    }
                })
                .collect(),
        })
        .collect();
    Attribution {
        seed,
        runs,
        entities,
    }
}

/// A plain-text table of an attribution (percentage points of P(outcome)).
pub fn table(a: &Attribution) -> String {
    use std::fmt::Write;
    let mut out = format!(
        "Which level deters: Shapley attribution of P(outcome) to the defender side's levels\n\
         ({} runs x 8 level-removal variants, seed {}, common random numbers; paired 95% intervals;\n\
         counterfactual: docs/MODEL.md 7.13)\n",
        a.runs, a.seed
    );
    for e in &a.entities {
        let _ = writeln!(out, "\n{}", e.id);
        let _ = writeln!(
            out,
            "  {:<14} {:>8} {:>8} {:>26} {:>26} {:>26} {:>26}",
            "outcome",
            "P",
            "P none",
            "total (pp)",
            "military (pp)",
            "political (pp)",
            "economic (pp)"
        );
        for o in &e.outcomes {
            let f = |x: &Interval| {
                format!(
                    "{:+.2} [{:+.2}, {:+.2}]",
                    100.0 * x.value,
                    100.0 * x.lo,
                    100.0 * x.hi
                )
            };
            let _ = writeln!(
                out,
                "  {:<14} {:>7.1}% {:>7.1}% {:>26} {:>26} {:>26} {:>26}",
                o.outcome,
                100.0 * o.present,
                100.0 * o.removed,
                f(&o.total),
                f(&o.shapley[0]),
                f(&o.shapley[1]),
                f(&o.shapley[2])
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Shapley values of small games with known answers, and efficiency.
    #[test]
    fn shapley_of_known_games() {
        // Additive game: v(S) = sum of a_i over S; each player gets its own a_i.
        let a = [3i64, 5, 7];
        let v: [i64; 8] =
            std::array::from_fn(|s| (0..3).filter(|i| s & (1 << i) != 0).map(|i| a[i]).sum());
        assert_eq!(shapley3_times6(&v), [18, 30, 42]);
        // Unanimity game on {0, 1}: v(S) = 1 iff S contains both; they split it.
        let v: [i64; 8] = std::array::from_fn(|s| i64::from(s & 3 == 3));
        assert_eq!(shapley3_times6(&v), [3, 3, 0]);
        // Efficiency for every 0/1 game (all 256).
        for g in 0..256u32 {
            let v: [i64; 8] = std::array::from_fn(|s| i64::from(g >> s & 1));
            let phi = shapley3_times6(&v);
            assert_eq!(phi.iter().sum::<i64>(), 6 * (v[7] - v[0]), "game {g}");
        }
    }
}
