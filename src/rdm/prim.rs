//! The Patient Rule Induction Method (PRIM) for scenario discovery.
//!
//! Given points `x` (one row per future: the sampled uncertainties) and a flag `y` marking
//! the cases of interest (e.g. "P(use of force) above 0.2"), PRIM finds boxes (a range per
//! input, most inputs left unrestricted) in which the cases of interest are concentrated.
//!
//! - **Peeling** (Friedman & Fisher 1999, "Bump hunting in high-dimensional data",
//!   Statistics and Computing 9, sec. 2): starting from the box holding every point, each
//!   step considers, for every input, removing the share `alpha` of the box's points with
//!   the lowest or the highest values, and makes the removal that leaves the highest mean
//!   of `y` in the box; it stops when the box would hold fewer than `min_mass` of all
//!   points, or holds only cases of interest. The sequence of boxes is the **peeling
//!   trajectory**.
//! - **Coverage and density** (Bryant & Lempert 2010, "Thinking inside the box",
//!   Technological Forecasting and Social Change 77, sec. 3): coverage is the share of all
//!   cases of interest that lie in the box, density the share of the box's points that are
//!   cases of interest; peeling trades coverage for density, and the analyst picks a box on
//!   that trade-off. [`select_f1`] picks the box with the largest harmonic mean of the two;
//!   any step can be chosen instead.
//! - **Pasting** (Friedman & Fisher 1999, sec. 2.2): from the chosen box, repeatedly widen
//!   one limit to take in `alpha` of the box's size in points more, choosing the widening
//!   that raises the density most, while it raises it.
//! - **Covering** (Friedman & Fisher 1999, sec. 2.3): the next box is sought among the
//!   points outside the previous ones; coverage stays relative to all cases of interest.
//! - **Quasi-p-values** (Bryant & Lempert 2010, sec. 3.2): for each restricted input, the
//!   one-sided binomial probability of at least the box's count of cases among its points
//!   if the density were that of the box without this restriction. A large value says the
//!   restriction adds little.
//!
//! Everything is deterministic: ties between candidate peels go to the one keeping more
//! points, then to the lower input index, then to the lower limit.

use statrs::distribution::{Binomial, DiscreteCDF};

/// Tuning of the peeling and pasting.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PrimOptions {
    /// Share of the box's points removed per peel (and added per paste), in (0, 0.5).
    pub alpha: f64,
    /// Smallest box, as a share of all points, in (0, 1).
    pub min_mass: f64,
}

impl Default for PrimOptions {
    /// alpha = 0.05, min_mass = 0.05: the values of Bryant & Lempert (2010) and of the
    /// EMA Workbench.
    fn default() -> Self {
        Self {
            alpha: 0.05,
            min_mass: 0.05,
        }
    }
}

/// The data PRIM works on: `x[j][i]` is input j at point i (column-major, every column of
/// the same length), `y[i]` whether point i is a case of interest.
#[derive(Debug, Clone, Copy)]
pub struct Data<'a> {
    pub x: &'a [Vec<f64>],
    pub y: &'a [bool],
}

impl Data<'_> {
    fn n(&self) -> usize {
        self.y.len()
    }

    fn hits(&self) -> usize {
        self.y.iter().filter(|&&b| b).count()
    }
}

/// One box: inclusive limits per input (`-inf` / `+inf` = unrestricted on that side) and
/// its statistics over all points.
#[derive(Debug, Clone, PartialEq)]
pub struct PrimBox {
    pub lo: Vec<f64>,
    pub hi: Vec<f64>,
    /// Points inside (of the points still eligible when the box was found).
    pub n: usize,
    /// Cases of interest inside.
    pub hits: usize,
    /// hits / all cases of interest in the data.
    pub coverage: f64,
    /// hits / n.
    pub density: f64,
    /// n / all points in the data.
    pub mass: f64,
}

impl PrimBox {
    /// Whether point `i` of `data` lies in the box.
    pub fn contains(&self, data: &Data<'_>, i: usize) -> bool {
        (0..self.lo.len()).all(|j| {
            let v = data.x[j][i];
            v >= self.lo[j] && v <= self.hi[j]
        })
    }

    /// Inputs with a finite limit on either side.
    pub fn restricted(&self) -> Vec<usize> {
        (0..self.lo.len())
            .filter(|&j| self.lo[j].is_finite() || self.hi[j].is_finite())
            .collect()
    }
}

/// One box found by peeling (and pasting) with its trajectory.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    /// Every box of the peeling, from the whole eligible set to the last peel.
    pub trajectory: Vec<PrimBox>,
    /// Index into `trajectory` of the chosen box.
    pub chosen: usize,
    /// The chosen box after pasting.
    pub pasted: PrimBox,
    /// For each restricted input of `pasted`: (input, quasi-p-value).
    pub quasi_p: Vec<(usize, f64)>,
    /// Points eligible for this box (not in an earlier box) and their cases of interest.
    pub eligible: usize,
    pub eligible_hits: usize,
}

/// How to choose a box on the peeling trajectory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selection {
    /// The box with the largest harmonic mean of coverage and density ([`select_f1`]).
    F1,
    /// This step of the trajectory (0 = the unrestricted box); a step past the last of a
    /// box's peeling is refused ([`StepOutOfRange`]).
    Step(usize),
}

/// `Selection::Step(step)` past the end of a box's peeling trajectory: the valid steps of
/// that peeling are `0 ..= last`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepOutOfRange {
    pub step: usize,
    /// The last step of the peeling (the trajectory holds `last + 1` boxes).
    pub last: usize,
    /// Which box (1-based) was being found.
    pub box_number: usize,
}

fn stats(data: &Data<'_>, inside: &[usize], lo: Vec<f64>, hi: Vec<f64>) -> PrimBox {
    let n = inside.len();
    let hits = inside.iter().filter(|&&i| data.y[i]).count();
    let total_hits = data.hits();
    PrimBox {
        lo,
        hi,
        n,
        hits,
        coverage: if total_hits == 0 {
            0.0
        } else {
            hits as f64 / total_hits as f64
        },
        density: if n == 0 { 0.0 } else { hits as f64 / n as f64 },
        mass: n as f64 / data.n().max(1) as f64,
    }
}

/// A candidate change of one limit: the new limit, how many points remain and their hits.
#[derive(Debug, Clone, Copy)]
struct Move {
    j: usize,
    upper: bool,
    limit: f64,
    n: usize,
    hits: usize,
}

fn better(a: &Move, b: &Move) -> bool {
    // a better than b: higher mean, then more points (compare hits_a * n_b vs hits_b * n_a
    // exactly in integers), order by (j, lower first) otherwise (a is only ever a later
    // candidate, so ties keep b).
    let lhs = a.hits as u128 * b.n as u128;
    let rhs = b.hits as u128 * a.n as u128;
    lhs > rhs || (lhs == rhs && a.n > b.n)
}

/// The best peel of the box holding `inside`, or None when none keeps `min_n` points.
fn best_peel(data: &Data<'_>, inside: &[usize], alpha: f64, min_n: usize) -> Option<Move> {
    let n = inside.len();
    let m = ((alpha * n as f64).ceil() as usize).max(1);
    if m >= n {
        return None;
    }
    let mut best: Option<Move> = None;
    let mut vals: Vec<(f64, bool)> = Vec::with_capacity(n);
    for (j, col) in data.x.iter().enumerate() {
        vals.clear();
        vals.extend(inside.iter().map(|&i| (col[i], data.y[i])));
        vals.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (first, last) = (vals[0].0, vals[n - 1].0);
        if first == last {
            continue;
        }
        // Lower side: keep x >= b, where b = vals[m] or, if that ties the minimum, the next
        // larger value.
        let b = if vals[m].0 > first {
            vals[m].0
        } else {
            vals.iter()
                .map(|v| v.0)
                .find(|&v| v > first)
                .unwrap_or(last)
        };
        let start = vals.partition_point(|v| v.0 < b);
        let cand = Move {
            j,
            upper: false,
            limit: b,
            n: n - start,
            hits: vals[start..].iter().filter(|v| v.1).count(),
        };
        if cand.n >= min_n && best.as_ref().is_none_or(|bm| better(&cand, bm)) {
            best = Some(cand);
        }
        // Upper side: keep x <= b.
        let b = if vals[n - 1 - m].0 < last {
            vals[n - 1 - m].0
        } else {
            vals.iter()
                .rev()
                .map(|v| v.0)
                .find(|&v| v < last)
                .unwrap_or(first)
        };
        let end = vals.partition_point(|v| v.0 <= b);
        let cand = Move {
            j,
            upper: true,
            limit: b,
            n: end,
            hits: vals[..end].iter().filter(|v| v.1).count(),
        };
        if cand.n >= min_n && best.as_ref().is_none_or(|bm| better(&cand, bm)) {
            best = Some(cand);
        }
    }
    best
}

/// The peeling trajectory over the points `eligible` (indices into `data`).
pub fn peel(data: &Data<'_>, eligible: &[usize], opts: &PrimOptions) -> Vec<PrimBox> {
    let d = data.x.len();
    let min_n = ((opts.min_mass * data.n() as f64).ceil() as usize).max(1);
    let mut lo = vec![f64::NEG_INFINITY; d];
    let mut hi = vec![f64::INFINITY; d];
    let mut inside: Vec<usize> = eligible.to_vec();
    let mut out = vec![stats(data, &inside, lo.clone(), hi.clone())];
    while let Some(last) = out.last() {
        if last.n == 0 || last.hits == last.n {
            break;
        }
        let Some(mv) = best_peel(data, &inside, opts.alpha, min_n) else {
            break;
        };
        if mv.upper {
            hi[mv.j] = mv.limit;
            inside.retain(|&i| data.x[mv.j][i] <= mv.limit);
        } else {
            lo[mv.j] = mv.limit;
            inside.retain(|&i| data.x[mv.j][i] >= mv.limit);
        }
        out.push(stats(data, &inside, lo.clone(), hi.clone()));
    }
    out
}

/// The step of `trajectory` with the largest harmonic mean of coverage and density (the
/// earliest on a tie).
pub fn select_f1(trajectory: &[PrimBox]) -> usize {
    let f1 = |b: &PrimBox| {
        if b.coverage + b.density == 0.0 {
            0.0
        } else {
            2.0 * b.coverage * b.density / (b.coverage + b.density)
        }
    };
    let mut best = 0;
    for (k, b) in trajectory.iter().enumerate() {
        if f1(b) > f1(&trajectory[best]) {
            best = k;
        }
    }
    best
}

/// Paste `start` (a box over `eligible`) while a widening raises its density.
pub fn paste(data: &Data<'_>, eligible: &[usize], start: &PrimBox, opts: &PrimOptions) -> PrimBox {
    let d = data.x.len();
    let mut cur = start.clone();
    loop {
        let m = ((opts.alpha * cur.n as f64).ceil() as usize).max(1);
        let mut best: Option<Move> = None;
        for j in 0..d {
            // Points outside only because of input j.
            let mut out_lo: Vec<(f64, bool)> = Vec::new();
            let mut out_hi: Vec<(f64, bool)> = Vec::new();
            for &i in eligible {
                let others = (0..d)
                    .all(|k| k == j || (data.x[k][i] >= cur.lo[k] && data.x[k][i] <= cur.hi[k]));
                if !others {
                    continue;
                }
                let v = data.x[j][i];
                if v < cur.lo[j] {
                    out_lo.push((v, data.y[i]));
                } else if v > cur.hi[j] {
                    out_hi.push((v, data.y[i]));
                }
            }
            // Lower side: the m largest values below the limit (all ties of the m-th).
            if !out_lo.is_empty() {
                out_lo.sort_by(|a, b| b.0.total_cmp(&a.0));
                let b = out_lo[(m - 1).min(out_lo.len() - 1)].0;
                let added = out_lo.partition_point(|v| v.0 >= b);
                let limit = if added == out_lo.len() {
                    f64::NEG_INFINITY
                } else {
                    b
                };
                let cand = Move {
                    j,
                    upper: false,
                    limit,
                    n: cur.n + added,
                    hits: cur.hits + out_lo[..added].iter().filter(|v| v.1).count(),
                };
                if best.as_ref().is_none_or(|bm| better(&cand, bm)) {
                    best = Some(cand);
                }
            }
            if !out_hi.is_empty() {
                out_hi.sort_by(|a, b| a.0.total_cmp(&b.0));
                let b = out_hi[(m - 1).min(out_hi.len() - 1)].0;
                let added = out_hi.partition_point(|v| v.0 <= b);
                let limit = if added == out_hi.len() {
                    f64::INFINITY
                } else {
                    b
                };
                let cand = Move {
                    j,
                    upper: true,
                    limit,
                    n: cur.n + added,
                    hits: cur.hits + out_hi[..added].iter().filter(|v| v.1).count(),
                };
                if best.as_ref().is_none_or(|bm| better(&cand, bm)) {
                    best = Some(cand);
                }
            }
        }
        // Accept only a strict rise in density: hits'/n' > hits/n.
        let Some(mv) = best else { break };
        if (mv.hits as u128) * (cur.n as u128) <= (cur.hits as u128) * (mv.n as u128) {
            break;
        }
        let (mut lo, mut hi) = (cur.lo.clone(), cur.hi.clone());
        if mv.upper {
            hi[mv.j] = mv.limit;
        } else {
            lo[mv.j] = mv.limit;
        }
        let probe = PrimBox {
            lo: lo.clone(),
            hi: hi.clone(),
            ..cur.clone()
        };
        let inside: Vec<usize> = eligible
            .iter()
            .copied()
            .filter(|&i| probe.contains(data, i))
            .collect();
        cur = stats(data, &inside, lo, hi);
    }
    cur
}

/// Quasi-p-value of each restricted input of `b` over the points `eligible`.
pub fn quasi_p_values(data: &Data<'_>, eligible: &[usize], b: &PrimBox) -> Vec<(usize, f64)> {
    b.restricted()
        .into_iter()
        .map(|j| {
            let mut lo = b.lo.clone();
            let mut hi = b.hi.clone();
            lo[j] = f64::NEG_INFINITY;
            hi[j] = f64::INFINITY;
            let wider = PrimBox {
                lo,
                hi,
                ..b.clone()
            };
            let (mut n0, mut k0) = (0u64, 0u64);
            for &i in eligible {
                if wider.contains(data, i) {
                    n0 += 1;
                    k0 += u64::from(data.y[i]);
                }
            }
            let p0 = if n0 == 0 { 0.0 } else { k0 as f64 / n0 as f64 };
            let p = if b.hits == 0 {
                1.0
            } else {
                Binomial::new(p0, b.n as u64)
                    .map(|bin| bin.sf(b.hits as u64 - 1))
                    .unwrap_or(1.0)
            };
            (j, p.clamp(0.0, 1.0))
        })
        .collect()
}

/// Up to `boxes` boxes by covering: each box is peeled, chosen by `select`, pasted, and its
/// points removed before the next. Stops early when no case of interest is left outside
/// the boxes, or when a box is no denser than the points it was found among.
/// Err: `Selection::Step` past the last step of a box's peeling (it was silently clamped to
/// the last step).
pub fn discover(
    data: &Data<'_>,
    opts: &PrimOptions,
    boxes: usize,
    select: Selection,
) -> Result<Vec<Found>, StepOutOfRange> {
    let mut eligible: Vec<usize> = (0..data.n()).collect();
    let mut out = Vec::new();
    while out.len() < boxes {
        let eligible_hits = eligible.iter().filter(|&&i| data.y[i]).count();
        if eligible_hits == 0 {
            break;
        }
        let trajectory = peel(data, &eligible, opts);
        let chosen = match select {
            Selection::F1 => select_f1(&trajectory),
            Selection::Step(s) if s < trajectory.len() => s,
            Selection::Step(step) => {
                return Err(StepOutOfRange {
                    step,
                    last: trajectory.len() - 1,
                    box_number: out.len() + 1,
                });
            }
        };
        let pasted = paste(data, &eligible, &trajectory[chosen], opts);
        // No denser than the eligible set: hits/n <= eligible_hits/eligible.
        if !out.is_empty()
            && (pasted.hits as u128) * (eligible.len() as u128)
                <= (eligible_hits as u128) * (pasted.n as u128)
        {
            break;
        }
        let quasi_p = quasi_p_values(data, &eligible, &pasted);
        let found = Found {
            trajectory,
            chosen,
            quasi_p,
            eligible: eligible.len(),
            eligible_hits,
            pasted,
        };
        eligible.retain(|&i| !found.pasted.contains(data, i));
        out.push(found);
        if eligible.is_empty() {
            break;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// 2,000 uniform points in [0, 1]^5; the region of interest is the box
    /// x0 in [0.2, 0.7], x1 in [0.3, 0.9] (30% of the cube); labels are flipped with
    /// probability 0.05 (noise).
    fn synthetic(seed: u64) -> (Vec<Vec<f64>>, Vec<bool>) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let n = 2000;
        let mut x: Vec<Vec<f64>> = (0..5).map(|_| Vec::with_capacity(n)).collect();
        let mut y = Vec::with_capacity(n);
        for _ in 0..n {
            let p: Vec<f64> = (0..5).map(|_| rng.random::<f64>()).collect();
            let inside = (0.2..=0.7).contains(&p[0]) && (0.3..=0.9).contains(&p[1]);
            let flip = rng.random::<f64>() < 0.05;
            y.push(inside != flip);
            for (col, v) in x.iter_mut().zip(&p) {
                col.push(*v);
            }
        }
        (x, y)
    }

    #[test]
    fn first_box_recovers_a_known_box_in_five_dimensions() {
        for seed in [1, 2, 3] {
            let (x, y) = synthetic(seed);
            let data = Data { x: &x, y: &y };
            let found = discover(&data, &PrimOptions::default(), 1, Selection::F1).unwrap();
            let b = &found[0].pasted;
            // Recompute coverage and density from the limits, independently of PrimBox.
            let total: usize = y.iter().filter(|&&v| v).count();
            let (mut n_in, mut hits) = (0, 0);
            for i in 0..y.len() {
                if (0..5).all(|j| x[j][i] >= b.lo[j] && x[j][i] <= b.hi[j]) {
                    n_in += 1;
                    hits += usize::from(y[i]);
                }
            }
            let coverage = hits as f64 / total as f64;
            let density = hits as f64 / n_in as f64;
            assert!(
                coverage > 0.8,
                "seed {seed}: coverage {coverage}, box {b:?}"
            );
            assert!(density > 0.8, "seed {seed}: density {density}, box {b:?}");
            assert_eq!((b.coverage, b.density), (coverage, density));
            // The restricted inputs are x0 and x1, within 0.05 of the true limits.
            assert_eq!(b.restricted(), vec![0, 1], "seed {seed}: {b:?}");
            let near = |got: f64, want: f64| (got - want).abs() < 0.05;
            assert!(near(b.lo[0], 0.2) && near(b.hi[0], 0.7), "{b:?}");
            assert!(near(b.lo[1], 0.3) && near(b.hi[1], 0.9), "{b:?}");
            // Both restrictions matter: tiny quasi-p-values.
            assert!(found[0].quasi_p.iter().all(|&(_, p)| p < 1e-6));
        }
    }

    #[test]
    fn peeling_trades_coverage_for_density_and_respects_the_minimum_mass() {
        let (x, y) = synthetic(4);
        let data = Data { x: &x, y: &y };
        let eligible: Vec<usize> = (0..y.len()).collect();
        let t = peel(&data, &eligible, &PrimOptions::default());
        assert_eq!(t[0].n, 2000);
        assert_eq!(t[0].coverage, 1.0);
        for w in t.windows(2) {
            assert!(w[1].n < w[0].n);
            assert!(w[1].coverage <= w[0].coverage);
            // Each peel removes about alpha of the box (ceil), never more than twice that
            // (only ties could do so; here the values are distinct).
            assert!(w[0].n - w[1].n == (0.05 * w[0].n as f64).ceil() as usize);
        }
        assert!(t.last().unwrap().n >= 100);
        assert!(t.last().unwrap().density > t[0].density);
    }

    #[test]
    fn ties_and_constant_inputs_are_handled() {
        // x0 takes two values, x1 is constant; y follows x0.
        let x = vec![
            (0..100).map(|i| f64::from(i % 2)).collect::<Vec<_>>(),
            vec![3.0; 100],
        ];
        let y: Vec<bool> = (0..100).map(|i| i % 2 == 1).collect();
        let data = Data { x: &x, y: &y };
        let found = discover(&data, &PrimOptions::default(), 2, Selection::F1).unwrap();
        assert_eq!(found.len(), 1);
        let b = &found[0].pasted;
        assert_eq!((b.lo[0], b.hi[0]), (1.0, f64::INFINITY));
        assert_eq!(b.restricted(), vec![0]);
        assert_eq!((b.coverage, b.density), (1.0, 1.0));
    }

    #[test]
    fn pasting_never_lowers_density() {
        let (x, y) = synthetic(5);
        let data = Data { x: &x, y: &y };
        let eligible: Vec<usize> = (0..y.len()).collect();
        let t = peel(&data, &eligible, &PrimOptions::default());
        for step in [5, 10, t.len() - 1] {
            let p = paste(&data, &eligible, &t[step], &PrimOptions::default());
            assert!(p.density >= t[step].density);
            assert!(p.n >= t[step].n);
        }
    }

    #[test]
    fn discovery_is_deterministic() {
        let (x, y) = synthetic(6);
        let data = Data { x: &x, y: &y };
        let a = discover(&data, &PrimOptions::default(), 3, Selection::F1).unwrap();
        let b = discover(&data, &PrimOptions::default(), 3, Selection::F1).unwrap();
        assert_eq!(a, b);
    }
}
