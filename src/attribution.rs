//! Which level deters: the exact three-player Shapley attribution of the change in
//! P(event) to the defender side's military, political and economic levels (docs/MODEL.md
//! 7.13), tallied by the one driver beside every run.
//!
//! **Counterfactual.** A level is *removed* by taking away what the defender side controls on
//! it in every crisis ([`crate::model::Removal`]): military, the target's and its protectors'
//! forces and their commitment to fight; political, pacts' treaty terms, tripwires,
//! international monitoring and the target's cohesion and reputation in its cost of
//! conceding; economic, Western sanctions and the challenger's trade with the target. Let
//! `v(S)` be P(event over the horizon) with the levels in `S` present and the others removed,
//! and `w(R) = v(N \ R) - v(N)` the change in P(event) when the levels in `R` are removed.
//! The total, `w(N) = v(empty) - v(N)`, is the rise in P(event) when all three are removed
//! (positive when they deter), and level `i`'s Shapley value (Shapley 1953) is
//!
//! `phi_i = sum over R not containing i of |R|! (2 - |R|)! / 3! [w(R + i) - w(R)]`,
//!
//! weights 1/3, 1/6, 1/6, 1/3 for `|R|` = 0, 1, 1, 2: removing level `i`'s average effect on
//! P(event) over the six orders in which the three levels can be removed. The three values
//! sum to the total exactly (efficiency). The Shapley value of `w` is minus that of `v` (a
//! game and its dual have the same Shapley value), so [`shapley3_times6`] serves both.
//!
//! **Estimation.** Run `i` is simulated as it is (the plain run, whose tallies are the
//! report's) and under the seven variants that remove at least one level, all on run `i`'s
//! streams (common random numbers, `model::streams`); the all-present variant is the plain
//! run itself, never simulated twice. Per run, entity and event, `6 phi_i` and
//! `6 w(N)` are integers in [-6, 6]; their sums and sums of squares, and the runs in which the
//! event held under each variant, are exact integer tallies ([`Tally`]), merged exactly
//! across threads, shards and partial files. Each value gets the paired 95% interval
//! `mean +- 1.96 sd / sqrt(n)` of its per-run values, cut to the values the mean can take
//! ([-1, 1] for a change in a probability; [`mean_interval`]).

use serde::{Deserialize, Serialize};

use crate::engine::run_rng;
use crate::model::{
    Compiled, Follower, RunRecord, Shocks, Tape, count_simulated_run, finish_follower,
    finish_follower_leading,
};
use crate::outputs::{EventSet, N_EVENTS, event_flags};
use crate::stats::Z95;

/// The three levels, in the order of every `[_; 3]` below (bit `i` of a level set).
pub const LEVELS: [&str; 3] = ["military", "political", "economic"];

/// Name of the variant that removes the levels in bit set `r` (bit 0 military, 1 political,
/// 2 economic), indexed by `r`: the keys of the variants in every output.
pub const REMOVED: [&str; 8] = [
    "none",
    "military",
    "political",
    "military+political",
    "economic",
    "military+economic",
    "political+economic",
    "all",
];

/// How the intervals are computed, recorded in every output that carries them.
pub const METHOD: &str = "paired 95% interval: mean +- 1.96 sd / sqrt(runs) of the per-run values, cut to the values a change in a probability can take ([-1, 1]; [-2, 2] for a difference of two changes), the run and its 7 level-removal variants (the 2^3 subsets of the three levels removed) sharing its random numbers (common random numbers)";

/// Shapley values of three players from the characteristic function `v`, indexed by the bit
/// set of players in the coalition, scaled by 6 so that integer `v` give integer values.
/// With `v` indexed by levels present, these are minus the removal effects; see the module
/// documentation.
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

/// Six times the removal Shapley values of one run from `mask`, whose bit `s` says whether
/// the event held with the levels in bit set `s` present: `6 phi_i` per level and
/// `6 (v(empty) - v(N))`.
#[inline]
fn removal_values6(mask: u8) -> ([i64; 3], i64) {
    let v: [i64; 8] = std::array::from_fn(|s| i64::from(mask >> s & 1));
    let phi = shapley3_times6(&v);
    ([-phi[0], -phi[1], -phi[2]], 6 * (v[0] - v[7]))
}

/// Exact tallies of one event for one entity over runs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventTally {
    /// Runs in which the event held under each variant, indexed by the bit set of levels
    /// *present* (7: the plain run).
    pub present: [u64; 8],
    /// Sum over runs of `6 phi_i`, per level.
    pub shapley6: [i64; 3],
    /// Sum over runs of `(6 phi_i)^2`, per level.
    pub shapley6_sq: [u64; 3],
    /// Sum over runs of `(6 w(N))^2` (the total's sum is `6 (present[0] - present[7])`).
    pub total6_sq: u64,
}

impl EventTally {
    #[inline]
    fn record(&mut self, mask: u8) {
        for (s, c) in self.present.iter_mut().enumerate() {
            *c += u64::from(mask >> s & 1);
        }
        let (phi, total) = removal_values6(mask);
        for ((sum, sq), x) in self.shapley6.iter_mut().zip(&mut self.shapley6_sq).zip(phi) {
            *sum += x;
            *sq += (x * x) as u64;
        }
        self.total6_sq += (total * total) as u64;
    }

    fn merge(&mut self, o: &Self) {
        for (a, b) in self.present.iter_mut().zip(o.present) {
            *a += b;
        }
        for k in 0..3 {
            self.shapley6[k] += o.shapley6[k];
            self.shapley6_sq[k] += o.shapley6_sq[k];
        }
        self.total6_sq += o.total6_sq;
    }

    /// Sum over runs of `6 w(N)`: six times the runs with the event when all three levels
    /// are removed minus those with it as is.
    pub fn total6(&self) -> i64 {
        6 * (self.present[0] as i64 - self.present[7] as i64)
    }
}

/// The attribution's tallies of a scenario's runs: per entity (the region first, then every
/// rivalry in file order), one [`EventTally`] per [`crate::outputs::EVENTS`] entry. Carried
/// in the engine's `Aggregate` (and so in partial files) when the attribution is on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tally {
    pub entities: Vec<[EventTally; N_EVENTS]>,
}

/// Per variant (indexed by levels present), the events of one entity in one run.
fn entity_sets(
    plain: &RunRecord,
    variants: &[&RunRecord],
    rivalry: Option<usize>,
) -> [u8; N_EVENTS] {
    let set = |r: &RunRecord| -> EventSet {
        match rivalry {
            Some(i) => r.rivalries[i].events,
            None => r.rivalries.iter().fold(0, |s, x| s | x.events),
        }
    };
    let mut masks = [0u8; N_EVENTS];
    // Variants 0..7 (levels present by bit set), then the plain run as variant 7.
    for (s, r) in variants
        .iter()
        .copied()
        .take(7)
        .chain(std::iter::once(plain))
        .enumerate()
    {
        let events = set(r);
        for (m, f) in masks.iter_mut().zip(event_flags(events)) {
            *m |= u8::from(f) << s;
        }
    }
    masks
}

impl Tally {
    /// Empty tallies for `compiled`'s region and rivalries.
    pub fn new(compiled: &Compiled) -> Self {
        Self {
            entities: vec![Default::default(); 1 + compiled.scenario.rivalries.len()],
        }
    }

    /// Record one run: `plain` is the run as it is, `variants[s]` the run with the levels in
    /// bit set `s` present (`s` in 0..7), all on the same streams.
    pub fn record(&mut self, plain: &RunRecord, variants: &[&RunRecord]) {
        for (e, t) in self.entities.iter_mut().enumerate() {
            let masks = entity_sets(plain, variants, e.checked_sub(1));
            for (x, m) in t.iter_mut().zip(masks) {
                x.record(m);
            }
        }
    }

    pub fn merge(&mut self, o: &Self) {
        for (a, b) in self.entities.iter_mut().zip(&o.entities) {
            for (x, y) in a.iter_mut().zip(b) {
                x.merge(y);
            }
        }
    }

    /// Whether `self` has `template`'s shape (entities), for merging partial files.
    pub fn check_shape(&self, template: &Tally, runs: u64) -> Result<(), String> {
        if self.entities.len() != template.entities.len() {
            return Err(format!(
                "attribution: {} entities, this scenario has {}",
                self.entities.len(),
                template.entities.len()
            ));
        }
        for (e, t) in self.entities.iter().enumerate() {
            for (k, x) in t.iter().enumerate() {
                if x.present.iter().any(|&c| c > runs) {
                    return Err(format!(
                        "attribution.entities[{e}][{k}]: a variant count exceeds the {runs} runs"
                    ));
                }
            }
        }
        Ok(())
    }
}

/// Per-worker scratch of the seven removal variants, indexed by the bit set of levels
/// present: a world and a run record each ([`Follower`]), allocated once.
pub struct Scratch {
    variants: [Follower; 7],
    /// The plain run's country shocks, which every variant shares.
    shocks: Shocks,
    /// Per variant, the run it follows or last followed: [`PLAIN`] for the plain run, else a
    /// variant's index (the lead without the political level, or a variant being finished
    /// that others follow: [`Scratch::simulate_after`]). The lead's own entry is itself.
    following: [u8; 7],
}

/// [`Scratch::following`] of a variant that follows the plain run.
const PLAIN: u8 = 7;

/// Variants (by levels present) that keep the political level: they follow the plain run
/// (`model::simulate_run_leading`), which is the same as each of them until a crisis whose
/// play differs.
const WITH_POLITICAL: [usize; 3] = [0b011, 0b010, 0b110];
/// The variant without the political level that is simulated from the start, and the three
/// others without it, which follow it.
const WITHOUT_POLITICAL: (usize, [usize; 3]) = (0b101, [0b000, 0b001, 0b100]);

/// The run each variant follows at the start of a run ([`Scratch::following`]).
const fn initial_following() -> [u8; 7] {
    let mut f = [WITHOUT_POLITICAL.0 as u8; 7];
    let mut i = 0;
    while i < WITH_POLITICAL.len() {
        f[WITH_POLITICAL[i]] = PLAIN;
        i += 1;
    }
    f
}

impl Scratch {
    pub fn new(variants: &[Compiled]) -> Self {
        Self {
            variants: std::array::from_fn(|s| Follower::new(&variants[s])),
            shocks: Shocks::new(&variants[0]),
            following: initial_following(),
        }
    }

    /// This scratch for the attribution's tallies, which read only the events of each
    /// variant's run ([`Scratch::records`]): each variant is simulated until its events are
    /// complete and no further (`model::Follower::set_events_only`). The events are those
    /// of [`Scratch::new`]'s, bit for bit; the other fields of the records are not.
    pub fn events_only(mut self) -> Self {
        for f in &mut self.variants {
            f.set_events_only(true);
        }
        self
    }

    /// Simulate stream `stream` of `seed` under every variant (allocation-free), each from
    /// the start: the reference [`Scratch::simulate_after`] is tested against (tests only).
    #[cfg(any(test, feature = "internals"))]
    pub fn simulate(&mut self, variants: &[Compiled], seed: u64, stream: u64) {
        for (c, f) in variants.iter().zip(&mut self.variants) {
            f.simulate(c, &mut run_rng(seed, stream));
        }
    }

    /// The variants that follow the plain run of the next [`Scratch::simulate_after`], and
    /// where it records its country shocks: pass both to `model::simulate_run_leading` for
    /// the plain run.
    pub fn plain_followers<'a>(
        &'a mut self,
        variants: &'a [Compiled],
    ) -> ([(&'a Compiled, &'a mut Follower); 3], Tape<'a>) {
        let [_, _, v2, v3, _, _, v6] = &mut self.variants;
        let [s3, s2, s6] = WITH_POLITICAL;
        (
            [
                (&variants[s3], v3),
                (&variants[s2], v2),
                (&variants[s6], v6),
            ],
            Tape::Record(&mut self.shocks),
        )
    }

    /// The same events as [`Scratch::simulate`], for less work, after the plain run of the
    /// same stream was simulated leading [`Scratch::plain_followers`]. A removed level acts
    /// in crises (military and economic), and political also on the monitoring of
    /// non-state violence, so the variants that keep the political level follow the plain
    /// run and the three others that remove it follow the fourth, each until a crisis whose
    /// play differs, from which its own run is finished (`model::finish_follower`). Variants
    /// that left the same run at the same crisis with the same play are in the same state
    /// from there: one is finished and the others follow it, until their play differs in
    /// turn (`model::finish_follower_leading`), and so on. All read the plain run's country
    /// shocks (`model::Shocks`) instead of drawing them.
    pub fn simulate_after(&mut self, variants: &[Compiled], seed: u64, stream: u64) {
        self.following = initial_following();
        let [v0, v1, _, _, v4, v5, _] = &mut self.variants;
        let (lead, [s0, s1, s4]) = WITHOUT_POLITICAL;
        let mut followers = [
            (&variants[s0], v0),
            (&variants[s1], v1),
            (&variants[s4], v4),
        ];
        let shocks = &self.shocks;
        let mut rng = run_rng(seed, stream);
        v5.simulate_leading(
            &variants[lead],
            &mut rng,
            &mut followers,
            Tape::Replay(shocks),
        );
        for _ in 0..6 {
            count_simulated_run();
        }
        // Finish every variant that left the run it followed; those that left the same run
        // at the same crisis with the same play follow the first of them.
        let mut finished = [false; 7];
        finished[lead] = true;
        while let Some(s) = (0..7).find(|&s| self.variants[s].diverged && !finished[s]) {
            finished[s] = true;
            let mut group = [usize::MAX; 2];
            let mut n = 0;
            // At most two: a run is followed by three variants at most.
            for (t, &done) in finished.iter().enumerate().skip(s + 1) {
                let (a, b) = (&self.variants[s], &self.variants[t]);
                if !done && self.following[t] == self.following[s] && a.left_with(b) {
                    group[n] = t;
                    n += 1;
                }
            }
            for &t in &group[..n] {
                self.variants[t].rejoin();
                self.following[t] = s as u8;
            }
            let mut f = None;
            let mut subs = [None, None];
            let mut k = 0;
            for (t, v) in self.variants.iter_mut().enumerate() {
                if t == s {
                    f = Some(v);
                } else if group[..n].contains(&t) {
                    subs[k] = Some((&variants[t], v));
                    k += 1;
                }
            }
            let (c, f) = (&variants[s], f.expect("the variant being finished"));
            let tape = Tape::Replay(&self.shocks);
            match subs {
                [Some(a), Some(b)] => finish_follower_leading(c, f, &mut [a, b], tape),
                [Some(a), None] => finish_follower_leading(c, f, &mut [a], tape),
                _ => finish_follower(c, f, tape),
            }
        }
    }

    /// The variants' records of the last run, indexed by the bit set of levels present,
    /// `plain` being the plain run's: each variant's own, or, for a variant that never left
    /// the run it followed, that run's, which has the variant's events (only the events are
    /// the variant's: `Follower::diverged`).
    pub fn records<'a>(&'a self, plain: &'a RunRecord) -> [&'a RunRecord; 7] {
        std::array::from_fn(|s| {
            let f = &self.variants[s];
            if f.diverged {
                f.record()
            } else {
                match self.following[s] {
                    PLAIN => plain,
                    l => self.variants[l as usize].record(),
                }
            }
        })
    }
}

/// Exact paired tallies of B's attribution minus A's for one event and entity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PairedEventTally {
    /// Sum over runs of `6 (phi_i(B) - phi_i(A))`, and of its square, per level.
    pub diff6: [i64; 3],
    pub diff6_sq: [u64; 3],
    /// The same for the total `w(N)`.
    pub total_diff6: i64,
    pub total_diff6_sq: u64,
}

impl PairedEventTally {
    fn record(&mut self, a: u8, b: u8) {
        let (pa, ta) = removal_values6(a);
        let (pb, tb) = removal_values6(b);
        for k in 0..3 {
            let d = pb[k] - pa[k];
            self.diff6[k] += d;
            self.diff6_sq[k] += (d * d) as u64;
        }
        let d = tb - ta;
        self.total_diff6 += d;
        self.total_diff6_sq += (d * d) as u64;
    }

    fn merge(&mut self, o: &Self) {
        for k in 0..3 {
            self.diff6[k] += o.diff6[k];
            self.diff6_sq[k] += o.diff6_sq[k];
        }
        self.total_diff6 += o.total_diff6;
        self.total_diff6_sq += o.total_diff6_sq;
    }
}

/// Paired tallies of how B shifts the attribution: the region, then every rivalry paired by
/// id (`compare::Pairing`), one [`PairedEventTally`] per event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairedTally {
    pub entities: Vec<[PairedEventTally; N_EVENTS]>,
}

impl PairedTally {
    pub fn new(paired_rivalries: usize) -> Self {
        Self {
            entities: vec![Default::default(); 1 + paired_rivalries],
        }
    }

    /// Record run `i` of A (`plain_a`, `var_a`) and of B, with rivalry pairs `(ia, ib)`.
    pub fn record(
        &mut self,
        (plain_a, var_a): (&RunRecord, &[&RunRecord]),
        (plain_b, var_b): (&RunRecord, &[&RunRecord]),
        pairs: &[(usize, usize)],
    ) {
        let ids =
            std::iter::once((None, None)).chain(pairs.iter().map(|&(a, b)| (Some(a), Some(b))));
        for (t, (ia, ib)) in self.entities.iter_mut().zip(ids) {
            let ma = entity_sets(plain_a, var_a, ia);
            let mb = entity_sets(plain_b, var_b, ib);
            for ((x, a), b) in t.iter_mut().zip(ma).zip(mb) {
                x.record(a, b);
            }
        }
    }

    pub fn merge(&mut self, o: &Self) {
        for (a, b) in self.entities.iter_mut().zip(&o.entities) {
            for (x, y) in a.iter_mut().zip(b) {
                x.merge(y);
            }
        }
    }
}

/// A mean of per-run values with its paired 95% interval, or the reason there is none.
#[derive(Debug, Clone, PartialEq)]
pub struct MeanInterval {
    pub mean: f64,
    /// `(lo, hi)`, `None` when the sample cannot support an interval (fewer than two runs).
    pub interval: Option<(f64, f64)>,
    /// Why there is no interval: fewer than two runs.
    pub undefined: Option<String>,
}

/// The mean of `n` per-run values `x / 6` from the exact sums `sum6 = sum x` and
/// `sq36 = sum x^2`, with the normal 95% interval `mean +- 1.96 sd / sqrt(n)`, cut to
/// `[-bound, bound]`, the values the mean can take when every per-run value lies there (1:
/// a change in a probability; 2: the difference of two such changes). When every value is
/// the same (decided exactly on the integers) the sample sd is 0 and the interval is that
/// value, a point, as a comparison's difference of means per run and a run's mean count per
/// year get theirs (docs/OUTPUT.md). No interval for `n < 2`: no standard error exists.
pub fn mean_interval(sum6: i64, sq36: u64, n: u64, bound: f64) -> MeanInterval {
    let nf = n.max(1) as f64;
    let mean = sum6 as f64 / 6.0 / nf;
    if n < 2 {
        return MeanInterval {
            mean,
            interval: None,
            undefined: Some(format!("undefined (n = {n})")),
        };
    }
    // All per-run values equal iff n sum x^2 = (sum x)^2 (Cauchy-Schwarz): sd 0 exactly,
    // not a rounding of it.
    if i128::from(n) * i128::from(sq36) == i128::from(sum6) * i128::from(sum6) {
        let point = mean.clamp(-bound, bound);
        return MeanInterval {
            mean,
            interval: Some((point, point)),
            undefined: None,
        };
    }
    let var = (sq36 as f64 / 36.0 - nf * mean * mean) / (nf - 1.0);
    let half = Z95 * (var.max(0.0) / nf).sqrt();
    MeanInterval {
        mean,
        interval: Some((
            (mean - half).clamp(-bound, bound),
            (mean + half).clamp(-bound, bound),
        )),
        undefined: None,
    }
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
        // Efficiency for every 0/1 game (all 256), in the removal form too.
        for g in 0..256u32 {
            let v: [i64; 8] = std::array::from_fn(|s| i64::from(g >> s & 1));
            let phi = shapley3_times6(&v);
            assert_eq!(phi.iter().sum::<i64>(), 6 * (v[7] - v[0]), "game {g}");
            let (rphi, total) = removal_values6(g as u8);
            assert_eq!(rphi.iter().sum::<i64>(), total, "game {g}");
        }
        // Removing the only level that matters: the event happens iff military is absent.
        // Removing military raises P by 1; the others nothing.
        let mask = (0..8u8).filter(|s| s & 1 == 0).fold(0u8, |m, s| m | 1 << s);
        assert_eq!(removal_values6(mask), ([6, 0, 0], 6));
    }

    /// A tally's sums over runs, worked by hand: the event iff military is absent gives the
    /// removal values (6, 0, 0) and total 6; the event iff all three levels are present (the
    /// unanimity game: each level's Shapley value 1/3, so 6 phi = 2) gives (-2, -2, -2) and
    /// total 6 (0 - 1) = -6. Recording the first once and the second twice: sums (2, -4, -4),
    /// squares (36 + 2 * 4, 2 * 4, 2 * 4), total squares 3 * 36; split and merged alike.
    #[test]
    fn event_tally_sums_the_values_and_their_squares() {
        let absent = (0..8u8).filter(|s| s & 1 == 0).fold(0u8, |m, s| m | 1 << s);
        let all = 1u8 << 7;
        let mut t = EventTally::default();
        for mask in [absent, all, all] {
            t.record(mask);
        }
        assert_eq!(t.shapley6, [2, -4, -4]);
        assert_eq!(t.shapley6_sq, [44, 8, 8]);
        assert_eq!(t.total6_sq, 108);
        assert_eq!(t.present, [1, 0, 1, 0, 1, 0, 1, 2]);
        assert_eq!(t.total6(), 6 - 6 - 6);
        let (mut a, mut b) = (EventTally::default(), EventTally::default());
        a.record(absent);
        b.record(all);
        b.record(all);
        a.merge(&b);
        assert_eq!(a, t);
    }

    /// Paired tallies of B's values minus A's, with the two runs above: (military absent,
    /// all present) differs by (-2 - 6, -2, -2) and total -6 - 6 = -12; swapped, by the
    /// opposite. Recording the first pair twice and the swapped pair once: sums (-8, -2, -2)
    /// and -12, squares (3 * 64, 3 * 4, 3 * 4) and 3 * 144; split and merged alike.
    #[test]
    fn paired_tally_sums_the_differences_and_their_squares() {
        let absent = (0..8u8).filter(|s| s & 1 == 0).fold(0u8, |m, s| m | 1 << s);
        let all = 1u8 << 7;
        let mut t = PairedEventTally::default();
        for (a, b) in [(absent, all), (absent, all), (all, absent)] {
            t.record(a, b);
        }
        assert_eq!((t.diff6, t.diff6_sq), ([-8, -2, -2], [192, 12, 12]));
        assert_eq!((t.total_diff6, t.total_diff6_sq), (-12, 432));
        let (mut x, mut y) = (PairedEventTally::default(), PairedEventTally::default());
        x.record(absent, all);
        y.record(absent, all);
        y.record(all, absent);
        x.merge(&y);
        assert_eq!(x, t);
    }

    #[test]
    fn intervals_say_when_there_is_none() {
        assert!(mean_interval(6, 36, 1, 1.0).interval.is_none());
        // Every run the same: the interval is that value (sd 0), not undefined.
        let flat = mean_interval(3 * 6, 3 * 36, 3, 1.0);
        assert_eq!(flat.mean, 1.0);
        assert_eq!((flat.interval, flat.undefined), (Some((1.0, 1.0)), None));
        let zero = mean_interval(0, 0, 300, 2.0);
        assert_eq!((zero.mean, zero.interval), (0.0, Some((0.0, 0.0))));
        // Values 0 and 6 (per-run 0 and 1): mean 0.5, sd 0.7071, n = 2.
        // Its upper bound 1.48 passes 1: cut there as a change, not as a difference of two.
        let m = mean_interval(6, 36, 2, 2.0);
        let (lo, hi) = m.interval.unwrap();
        let half = Z95 * (0.5f64 / 2.0).sqrt();
        assert!((lo - (0.5 - half)).abs() < 1e-12 && (hi - (0.5 + half)).abs() < 1e-12);
        assert_eq!(mean_interval(6, 36, 2, 1.0).interval, Some((0.5 - half, 1.0)));
        // Per-run 1, 1, 1, 0 (mean 0.75, sd 0.5, n = 4): 0.75 +- 0.49 passes 1, cut there;
        // the same values as a difference of changes (bound 2) are not cut.
        let m = mean_interval(18, 108, 4, 1.0);
        assert_eq!(m.interval.unwrap().1, 1.0);
        assert!((m.interval.unwrap().0 - (0.75 - Z95 * 0.25)).abs() < 1e-12);
        let m = mean_interval(18, 108, 4, 2.0);
        assert!((m.interval.unwrap().1 - (0.75 + Z95 * 0.25)).abs() < 1e-12);
        let m = mean_interval(-18, 108, 4, 1.0);
        assert_eq!(m.interval.unwrap().0, -1.0);
    }
}
