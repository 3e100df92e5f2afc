//! Reading sweep files: TOML with spans -> a validated [`Sweep`], every problem reported as a
//! scenario [`Diagnostic`] (file:line:col, key path, did-you-mean).
//!
//! **Architecture Invariant:** once a [`Sweep`] exists, every value any design can produce
//! for any parameter lies in that parameter's documented range, so setting it on the base
//! scenario cannot fail during the sweep.

use std::ops::{Deref, DerefMut, Range};
use std::path::{Path, PathBuf};

use toml::de::{DeTable, DeValue};

use crate::scenario::input::{self, FileKind, Input, Val, lookup};
use crate::scenario::{self, Diagnostic, Diagnostics, ParamRef, Scenario};

/// Largest sweep file accepted, in bytes.
pub const MAX_SWEEP_BYTES: usize = 4 * 1024 * 1024;
/// Largest number of design points.
pub const MAX_POINTS: u64 = 1_000_000;
/// Largest points x parameters of a Latin hypercube (its strata are kept in memory).
pub const MAX_LHS_CELLS: u64 = 10_000_000;
/// Largest number of parameters (Saltelli needs two Sobol dimensions per parameter).
pub const MAX_PARAMETERS: usize = 64;

/// How the design points are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DesignKind {
    /// Every combination of every parameter's levels.
    Grid,
    /// Independent pseudo-random points.
    Random,
    /// Latin hypercube: each parameter's range cut into `points` strata, one point per stratum.
    Lhs,
    /// Owen-scrambled Sobol' quasi-random points.
    Sobol,
    /// Saltelli's scheme for Sobol' indices: `points` base samples, `points * (d + 2)` in all.
    Saltelli,
    /// Morris elementary effects: `points` trajectories of `d + 1` points each.
    Morris,
    /// The draws of a file (`futures = "posterior.csv"`), resampled by weight: point k takes
    /// the k-th resampled draw's values. Not selectable by `design`.
    Draws,
}

impl DesignKind {
    pub const ALL: [(&'static str, DesignKind); 6] = [
        ("grid", DesignKind::Grid),
        ("random", DesignKind::Random),
        ("lhs", DesignKind::Lhs),
        ("sobol", DesignKind::Sobol),
        ("saltelli", DesignKind::Saltelli),
        ("morris", DesignKind::Morris),
    ];

    /// Other names of the designs, which no spelling distance leads to (`design =
    /// "latin-hypercube"`): refused with a did-you-mean to the design's own name.
    pub const ALIASES: [(&'static str, &'static str); 11] = [
        ("latin-hypercube", "lhs"),
        ("latin-hypercube-sampling", "lhs"),
        ("latin-hypercube-design", "lhs"),
        ("factorial", "grid"),
        ("full-factorial", "grid"),
        ("monte-carlo", "random"),
        ("sobol-sequence", "sobol"),
        ("quasi-random", "sobol"),
        ("sobol-indices", "saltelli"),
        ("elementary-effects", "morris"),
        ("one-at-a-time", "morris"),
    ];

    pub fn as_str(self) -> &'static str {
        if self == DesignKind::Draws {
            return "draws";
        }
        Self::ALL
            .iter()
            .find(|(_, d)| *d == self)
            .map_or("grid", |(k, _)| k)
    }
}

/// A policy lever (something a decision maker sets) or an uncertainty (something nobody
/// controls), as the EMA Workbench separates them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Lever,
    Uncertainty,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Lever => "lever",
            Role::Uncertainty => "uncertainty",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Real,
    Integer,
    Categorical,
    Boolean,
}

impl Kind {
    const ALL: [(&'static str, Kind); 4] = [
        ("real", Kind::Real),
        ("integer", Kind::Integer),
        ("categorical", Kind::Categorical),
        ("boolean", Kind::Boolean),
    ];
}

/// The distribution of a `range` parameter (what a unit coordinate u in [0, 1] maps to).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Marginal {
    Uniform,
    LogUniform,
    /// Normal with this mean and standard deviation, truncated to the range.
    Normal {
        mean: f64,
        sd: f64,
    },
    /// Triangular on the range with this mode.
    Triangular {
        mode: f64,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Domain {
    /// A finite list; a unit coordinate picks one with equal probability.
    Values(Vec<f64>),
    /// An interval with a distribution; `levels` is the number of grid levels (grid only).
    Range {
        lo: f64,
        hi: f64,
        marginal: Marginal,
        levels: Option<usize>,
    },
}

impl Domain {
    /// Whether some value of the domain is not 0 (a switch it turns on).
    pub fn reaches_nonzero(&self) -> bool {
        match self {
            Domain::Values(v) => v.iter().any(|&x| x != 0.0),
            Domain::Range { lo, hi, .. } => *lo != 0.0 || *hi != 0.0,
        }
    }
}

/// A refused combination of `[model]` switches (the protectors' private resolve with alliance
/// restraint, `model.resolve_spread` and `model.protector_restraint` both above 0; or their
/// two moves with their one move at the attack, `model.protector_moves_twice` and
/// `model.commitment_at_attack` both 1) reached by `params` on `base` at their largest values,
/// in `[model]` or through its policies (the base file refuses them itself without the
/// parameters): the index of the last parameter of the pair, where the refusal is said, with
/// the message and help of the scenario file and `--set` ([`scenario::refused_pair_reached`]).
pub(crate) fn refused_pair_reached_by(
    base: &Scenario,
    params: &[Parameter],
) -> Option<(usize, String, String)> {
    // A parameter that enables a dated policy (`policy.ID.enabled`), or varies a change of
    // one, reaches the pair through the policy's `set` at its largest value too.
    let touched: Vec<usize> = (0..params.len())
        .filter(|&i| scenario::may_reach_refused_pair(&params[i].target))
        .collect();
    touched.last()?;
    if scenario::refused_pair_reached(base).is_some() {
        // Refused by the base's own reader.
        return None;
    }
    let mut s = base.clone();
    for &i in &touched {
        let p = &params[i];
        let most = match &p.domain {
            Domain::Values(v) => v.iter().copied().fold(0.0, f64::max),
            Domain::Range { hi, .. } => *hi,
        };
        s.set(p.target, most).ok()?;
    }
    let (pair, _, (message, help)) = scenario::refused_pair_reached(&s)?;
    let last = touched
        .iter()
        .rev()
        .find(|&&i| scenario::pair_key_of(&params[i].target).is_some_and(|k| pair.contains(&k)))
        .or(touched.last())
        .copied()?;
    Some((last, message, help))
}

/// One swept parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    pub path: String,
    pub target: ParamRef,
    pub role: Role,
    pub kind: Kind,
    pub domain: Domain,
}

impl Parameter {
    /// The value at unit coordinate `u` in [0, 1]: the inverse CDF of the parameter's
    /// distribution (for a list: item `floor(u * n)`).
    pub fn value_at(&self, u: f64) -> f64 {
        let u = if u.is_finite() {
            u.clamp(0.0, 1.0)
        } else {
            0.0
        };
        match &self.domain {
            Domain::Values(v) => v[((u * v.len() as f64) as usize).min(v.len() - 1)],
            Domain::Range {
                lo, hi, marginal, ..
            } => {
                let (lo, hi) = (*lo, *hi);
                if self.kind == Kind::Integer {
                    // Uniform over the integers of [lo, hi] (endpoints are integers).
                    let n = hi - lo + 1.0;
                    return (lo + (u * n).floor()).min(hi);
                }
                // The unit cube's corners are the range's bounds for every marginal (the
                // formulas below would round them: hi - (hi - lo) is not lo in floats).
                if u <= 0.0 {
                    return lo;
                }
                if u >= 1.0 {
                    return hi;
                }
                let x = match *marginal {
                    Marginal::Uniform => lo + u * (hi - lo),
                    Marginal::LogUniform => (lo.ln() + u * (hi.ln() - lo.ln())).exp(),
                    Marginal::Normal { mean, sd } => {
                        mean + sd * truncated_normal_quantile((lo - mean) / sd, (hi - mean) / sd, u)
                    }
                    Marginal::Triangular { mode } => {
                        let w = hi - lo;
                        let c = if w > 0.0 { (mode - lo) / w } else { 0.5 };
                        if u < c {
                            lo + (u * w * (mode - lo)).sqrt()
                        } else {
                            hi - ((1.0 - u) * w * (hi - mode)).sqrt()
                        }
                    }
                };
                x.clamp(lo, hi)
            }
        }
    }

    /// Grid levels as unit coordinates.
    pub fn grid_levels(&self) -> Vec<f64> {
        let n = match &self.domain {
            Domain::Values(v) => {
                return (0..v.len())
                    .map(|i| (i as f64 + 0.5) / v.len() as f64)
                    .collect();
            }
            Domain::Range { levels, .. } => levels.unwrap_or(1),
        };
        if n == 1 {
            return vec![0.5];
        }
        (0..n).map(|i| i as f64 / (n - 1) as f64).collect()
    }
}

/// Standard normal upper tail Q(z) = 1 - Phi(z), accurate in the far tail (erfc, not
/// 1 - erf).
fn normal_sf(z: f64) -> f64 {
    0.5 * statrs::function::erf::erfc(z / std::f64::consts::SQRT_2)
}

/// The z with upper tail `q` (0 < q < 1), accurate for tiny q.
fn normal_isf(q: f64) -> f64 {
    std::f64::consts::SQRT_2 * statrs::function::erf::erfc_inv(2.0 * q)
}

/// Quantile `u` of the standard normal truncated to [a, b] (a < b), accurate in both tails.
///
/// Inversion of the truncated CDF (Robert 1995, "Simulation of truncated normal variables"):
/// when the interval lies in the upper tail (a > 0) it is done on upper-tail probabilities
/// Q(a) - u (Q(a) - Q(b)), and by symmetry when it lies in the lower tail, so that a range
/// far from the mean is not rounded to one bound (Phi(9) is 1 in f64; Q(9) = 1.1e-19 is not).
/// Where even the tail probabilities underflow (a > 37), the normal's tail is an exponential
/// of rate a to first order (Mills ratio), whose inverse is exact to O(1/a^2).
pub(crate) fn truncated_normal_quantile(a: f64, b: f64, u: f64) -> f64 {
    if a + b < 0.0 {
        // Lower tail: mirror into the upper tail.
        return -truncated_normal_quantile(-b, -a, 1.0 - u);
    }
    let (qa, qb) = (normal_sf(a), normal_sf(b));
    let z = if qa > 1e-300 && qa - qb > qa * 1e-9 {
        let q = qa - u * (qa - qb);
        if q <= 0.0 { b } else { normal_isf(q) }
    } else if a > 1.0 {
        // Far tail (Q underflows) or an interval so narrow that Q(a) - Q(b) loses its
        // digits: the density there is exp(-a (z - a)) to first order.
        let tail = -(-a * (b - a)).exp_m1(); // 1 - exp(-a (b - a))
        a - (-u * tail).ln_1p() / a
    } else {
        // An interval near the mean narrower than 1e-9 of the tail: the density is flat.
        a + u * (b - a)
    };
    z.clamp(a, b)
}

/// `x` for a message: as written for everyday magnitudes, in exponent form when huge or
/// tiny (`1e200`, `1e-320`, not hundreds of digits).
pub(crate) fn compact(x: f64) -> String {
    let a = x.abs();
    if a != 0.0 && a.is_finite() && !(1e-4..1e9).contains(&a) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

/// `x` rounded to two significant digits (a distance said in a warning, not a value of the
/// file).
fn two_digits(x: f64) -> f64 {
    format!("{x:.1e}").parse().unwrap_or(x)
}

/// Share of a normal(mean, sd) inside [lo, hi], computed from the nearer tail.
pub(crate) fn normal_mass(lo: f64, hi: f64, mean: f64, sd: f64) -> f64 {
    let (a, b) = ((lo - mean) / sd, (hi - mean) / sd);
    if a + b < 0.0 {
        normal_sf(-b) - normal_sf(-a)
    } else {
        normal_sf(a) - normal_sf(b)
    }
}

/// A validated sweep.
#[derive(Debug, Clone)]
pub struct Sweep {
    /// The sweep file as given on the command line (for messages).
    pub file: String,
    pub base_path: PathBuf,
    pub base: Scenario,
    pub runs: u64,
    pub seed: u64,
    pub design: DesignKind,
    /// Points (random, lhs, sobol), base samples (saltelli) or trajectories (morris).
    pub points: u64,
    /// Morris grid levels (even, >= 2).
    pub levels: usize,
    /// Run i uses the same stream at every point.
    pub common_random_numbers: bool,
    /// `attribution = true` (or `deter sweep --attribution`): every point also carries
    /// "which level deters" (8 simulations per run; off by default).
    pub attribution: bool,
    pub parameters: Vec<Parameter>,
    /// Warnings about a valid sweep (printed to stderr before it runs).
    pub warnings: Vec<Diagnostic>,
    /// Levers x futures: the policies every future is run under (docs/SWEEPS.md).
    pub crossing: Option<super::levers::Crossing>,
    /// Settings given on the command line (or to the library) that replaced the file's,
    /// e.g. "runs = 50 (file: 200)": recorded in the results' provenance.
    pub overrides: Vec<String>,
}

impl Sweep {
    /// Attribute every point or not, whatever the file's `attribution` says: `deter sweep
    /// --attribution` / `--no-attribution`, and `deter merge` setting the sweep it rebuilds
    /// from a file to what its shards ran (their header's `attribution`). Turning the file's
    /// `attribution = true` off is recorded in `overrides` ("attribution = false (file:
    /// true)", the JSON Lines header's provenance); turning it on is the header's
    /// `"attribution": true`.
    pub fn set_attribution(&mut self, on: bool) {
        if self.attribution && !on {
            self.overrides
                .push("attribution = false (file: true)".to_string());
        }
        self.attribution = on;
    }
}

/// Sweep files, for the shared input core.
pub(crate) const SWEEP_FILE: FileKind = FileKind {
    noun: "sweep",
    max_bytes: MAX_SWEEP_BYTES,
    minimum: "`base = \"SCENARIO.toml\"` and one [[parameter]] (see docs/SWEEPS.md)",
};

/// Read and validate a sweep file.
pub fn load_sweep(path: &Path) -> Result<Sweep, Diagnostics> {
    load_sweep_at(path, None)
}

/// [`load_sweep`], its warnings checked against `horizon`, the horizon the caller gives
/// (`--horizon-years`, a program's `horizon_years`, named in them as the caller names it),
/// instead of the base scenario's own: a base policy that starts after the horizon run never
/// takes effect, so it overrides no swept parameter. The returned sweep keeps the base's
/// horizon (the caller applies the setting).
pub fn load_sweep_at(
    path: &Path,
    horizon: Option<crate::settings::GivenHorizon>,
) -> Result<Sweep, Diagnostics> {
    let shown = path.display().to_string();
    let src = input::read_text(path, &shown, SWEEP_FILE)?;
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    parse_sweep_at(&src, &shown, &dir, horizon)
}

/// Validate sweep text; `base` is resolved relative to `dir`.
pub fn parse_sweep(src: &str, file: &str, dir: &Path) -> Result<Sweep, Diagnostics> {
    parse_sweep_at(src, file, dir, None)
}

/// [`parse_sweep`] with the horizon of [`load_sweep_at`].
fn parse_sweep_at(
    src: &str,
    file: &str,
    dir: &Path,
    horizon: Option<crate::settings::GivenHorizon>,
) -> Result<Sweep, Diagnostics> {
    let doc = input::parse(src, file, SWEEP_FILE)?;
    let mut r = Reader(Input::new(file, src), horizon);
    let sweep = r.sweep(doc.get_ref(), doc.span(), dir);
    let diags = r.0.finish();
    match sweep {
        Some(s) if !diags.has_errors() => Ok(s),
        _ => Err(diags),
    }
}

/// The sweep reader: the shared input core plus the sweep's keys and checks, and the
/// horizon of the run when the caller gives one (`--horizon-years`, a program's
/// `horizon_years`).
struct Reader<'a>(Input<'a>, Option<crate::settings::GivenHorizon>);

impl<'a> Deref for Reader<'a> {
    type Target = Input<'a>;
    fn deref(&self) -> &Input<'a> {
        &self.0
    }
}

impl DerefMut for Reader<'_> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

const TOP_KEYS: [&str; 14] = [
    "attribution",
    "name",
    "description",
    "base",
    "runs",
    "seed",
    "design",
    "points",
    "levels",
    "common_random_numbers",
    "parameter",
    "policy",
    "satisficing",
    "futures",
];
const PARAM_KEYS: [&str; 10] = [
    "path",
    "role",
    "kind",
    "values",
    "range",
    "distribution",
    "mean",
    "sd",
    "mode",
    "levels",
];

impl Reader<'_> {
    fn sweep(&mut self, root: &DeTable<'_>, span: Range<usize>, dir: &Path) -> Option<Sweep> {
        // A `[sweep]` table holding the sweep's own keys (as an experiment file of other tools
        // is laid out): one error at it saying where the keys go, not "unknown key `sweep`,
        // did you mean `seed`?" beside "missing required key `base`".
        let wrapper = root.iter().find(|(k, v)| {
            k.get_ref() == "sweep"
                && matches!(v.get_ref(), toml::de::DeValue::Table(t)
                    if t.iter().any(|(key, _)| TOP_KEYS.iter().any(|top| key.get_ref() == *top)))
        });
        if let Some((k, _)) = wrapper {
            self.error(
                k.span(),
                "sweep",
                "unknown key `sweep`: a sweep file has no `[sweep]` table".into(),
            )
            .help = Some(
                "write its keys (`base`, `runs`, `design`, ...) at the top of the file: delete \
                 the `[sweep]` line (the `[[parameter]]` tables stay as they are)"
                    .into(),
            );
            return None;
        }
        self.check_keys(root, "", &TOP_KEYS);
        if let Some(v) = lookup(root, "name") {
            self.string(v, "name");
        }
        if let Some(v) = lookup(root, "description") {
            self.prose(v, "description");
        }
        let Some(base_v) = lookup(root, "base") else {
            self.error(span.start..span.start, "base", "missing required key `base`".into())
                .help = Some("name the base scenario, e.g. `base = \"../western-balkans-2024.toml\"` (relative to the sweep file)".into());
            return None;
        };
        let rel = self.string(base_v, "base")?;
        let base_path = dir.join(&rel);
        let base = match scenario::load_base_with_warnings(&base_path, self.1) {
            // The base's own warnings (`deter validate BASE` gives them), once, before the
            // sweep's.
            Ok((s, warnings)) => {
                self.diags.extend(warnings.0);
                s
            }
            Err(inner) => {
                // A sweep file named as the base got the scenario reader's errors about its
                // keys: said as what it is, at `base`.
                // A sweep, calibration or record file: said as what it is, once, in the words
                // of an `extends` naming one.
                if let Some((noun, reader)) = scenario::kind::not_a_scenario(&base_path) {
                    let help = if noun == "sweep" {
                        format!(
                            "name that sweep's own base scenario, or give `{rel}`'s parameters \
                             to this sweep"
                        )
                    } else {
                        format!("base names the scenario file the sweep varies; {reader}")
                    };
                    self.error(
                        base_v.span(),
                        "base",
                        format!("expected a base scenario, found `{rel}`, a {noun} file"),
                    )
                    .help = Some(help);
                    return None;
                }
                let what = "the base scenario";
                if !self.unreadable_named(base_v.span(), "base", what, &rel, &base_path, &inner) {
                    self.error(
                        base_v.span(),
                        "base",
                        format!(
                            "the base scenario `{rel}` (at `{}`) is not valid (see below)",
                            base_path.display()
                        ),
                    );
                    self.diags.extend(inner.0);
                }
                return None;
            }
        };
        if let Some(u) = base.uncertain.first() {
            self.error(
                base_v.span(),
                "base",
                format!(
                    "the base scenario `{rel}` declares [[uncertain]] priors (`{}`), which a sweep \
                     would ignore",
                    u.path
                ),
            )
            .help = Some(
                "declare them in the sweep as [[parameter]] with `role = \"uncertainty\"`".into(),
            );
        }
        let runs = match lookup(root, "runs") {
            Some(v) => self.unsigned(v, "runs", 1, crate::MAX_RUNS),
            None => Some(base.meta.runs),
        };
        let seed = match lookup(root, "seed") {
            Some(v) => self.unsigned(v, "seed", 0, i64::MAX as u64),
            None => Some(base.meta.seed),
        };
        let design = match lookup(root, "design") {
            Some(v) => self.choice_or_alias(v, "design", &DesignKind::ALL, &DesignKind::ALIASES),
            None => Some(DesignKind::Grid),
        };
        let points_v = lookup(root, "points");
        let points = match points_v {
            Some(v) => self.unsigned(v, "points", 1, MAX_POINTS),
            None => Some(0),
        };
        let levels = match lookup(root, "levels") {
            Some(v) => match self.unsigned(v, "levels", 2, 1000) {
                Some(l) if l % 2 == 1 => {
                    self.error(
                        v.span(),
                        "levels",
                        format!("expected an even number of Morris levels, found {l}"),
                    )
                    .help = Some("4 is the usual choice".into());
                    None
                }
                other => other.map(|l| l as usize),
            },
            None => Some(4),
        };
        let crn = match lookup(root, "common_random_numbers") {
            Some(v) => match v.get_ref().as_bool() {
                Some(b) => Some(b),
                None => {
                    self.type_error(v, "common_random_numbers", "true or false");
                    None
                }
            },
            None => Some(false),
        };
        let attribution = match lookup(root, "attribution") {
            Some(v) => match v.get_ref().as_bool() {
                Some(b) => b,
                None => {
                    self.type_error(v, "attribution", "true or false");
                    false
                }
            },
            None => false,
        };
        let mut parameters = Vec::new();
        let mut seen: Vec<(String, Range<usize>)> = Vec::new();
        // Each path seen once, as it resolves and as written (for the "same parameter as").
        let mut seen_paths: Vec<(ParamRef, String)> = Vec::new();
        // The span of each kept parameter's `path`, for the relevance warning below.
        let mut param_spans: Vec<(Range<usize>, String)> = Vec::new();
        // Futures from a file of draws (a calibration's posterior) instead of a design.
        let (mut design, mut points) = (design, points);
        let draws = match lookup(root, "futures") {
            None => None,
            Some(v) => {
                for key in ["design", "parameter", "levels"] {
                    if let Some(k) = lookup(root, key) {
                        self.error(
                            k.span(),
                            key,
                            format!("`{key}` does not go with `futures`, which gives the points"),
                        );
                    }
                }
                let drawn = super::levers::read_draws(
                    &mut self.0,
                    v,
                    dir,
                    &base,
                    &rel,
                    (points.unwrap_or(0), seed.unwrap_or(0)),
                    self.1.map(|h| h.years),
                );
                if let Some((params, n)) = drawn {
                    parameters = params;
                    design = Some(DesignKind::Draws);
                    points = Some(n);
                } else {
                    // The file's fault is reported; the points are the draws' all the same
                    // (no second error about a grid's points or a design's missing ones).
                    design = Some(DesignKind::Draws);
                    points = points.map(|p| p.max(1));
                }
                Some(())
            }
        };
        match lookup(root, "parameter") {
            None if draws.is_some() => {}
            None => {
                self.error(
                    span.start..span.start,
                    "parameter",
                    "a sweep needs at least one [[parameter]]".into(),
                );
            }
            Some(v) => match v.get_ref().as_array() {
                None => self.type_error(v, "parameter", "an array of tables ([[parameter]])"),
                Some(items) => {
                    if items.len() > MAX_PARAMETERS {
                        self.error(
                            v.span(),
                            "parameter",
                            format!(
                                "{} parameters; at most {MAX_PARAMETERS} are supported",
                                items.len()
                            ),
                        );
                    }
                    for (i, item) in items.iter().enumerate() {
                        let p = format!("parameter[{i}]");
                        let Some(t) = item.get_ref().as_table() else {
                            self.type_error(item, &p, "a table");
                            continue;
                        };
                        let param = self.parameter(t, item.span(), &p, &base, design);
                        // The path as it resolves, read apart from the rest of the table: a
                        // parameter with another fault (no `role`, a bad range) still counts
                        // for "swept twice", said in the same pass as its other faults.
                        let resolved = lookup(t, "path").and_then(|v| {
                            let path = v.get_ref().as_str()?.to_string();
                            let target = ParamRef::resolve(&path, &base).ok()?;
                            Some((target, path, v.span()))
                        });
                        let Some((target, swept, span)) = resolved else {
                            continue;
                        };
                        // Two spellings of one scenario parameter (a policy change's
                        // `name` and its `changes[K].OP`, an index written `[00]`) are
                        // one parameter swept twice, as the same path twice is: compared
                        // by what they resolve to, not by their text.
                        let first = seen_paths
                            .iter()
                            .find(|(q, _)| *q == target)
                            .map(|(_, f): &(ParamRef, String)| f.clone());
                        let once = self.check_duplicate(
                            &mut seen,
                            &format!("{target:?}"),
                            span.clone(),
                            &format!("{p}.path"),
                            |line| match first.filter(|f| *f != swept) {
                                Some(f) => format!(
                                    "`{swept}` is swept twice: it is the same scenario \
                                     parameter as `{f}` (line {line})"
                                ),
                                None => format!("`{swept}` is swept twice"),
                            },
                        );
                        if once {
                            seen_paths.push((target, swept));
                        }
                        if let Some(param) = param.filter(|_| once) {
                            param_spans.push((span, format!("{p}.path")));
                            parameters.push(param);
                        }
                    }
                }
            },
        }
        // Points a design needs: checked whatever else is at fault (`runs` of the wrong type
        // hid a missing `points` until it was mended).
        let points_span = points_v.map_or(span.start..span.start, |v| v.span());
        if let (Some(design), Some(points)) = (design, points) {
            self.check_points(design, points, points_span.clone(), root);
        }
        let (runs, seed, design, points, levels, crn) =
            (runs?, seed?, design?, points?, levels?, crn?);
        let d = parameters.len() as u64;
        let total = match design {
            DesignKind::Grid => parameters
                .iter()
                .try_fold(1u64, |acc, p| acc.checked_mul(p.grid_levels().len() as u64)),
            DesignKind::Saltelli => points.checked_mul(d + 2),
            DesignKind::Morris => points.checked_mul(d + 1),
            _ => Some(points),
        };
        match total {
            Some(t) if t <= MAX_POINTS => {
                if matches!(design, DesignKind::Sobol | DesignKind::Saltelli) && points > 1 << 16 {
                    self.error(
                        points_span.clone(),
                        "points",
                        format!("at most 65536 Sobol' points per sweep, found {points}"),
                    );
                }
                if design == DesignKind::Lhs && t * d > MAX_LHS_CELLS {
                    self.error(
                        points_span.clone(),
                        "points",
                        format!(
                            "a Latin hypercube keeps points x parameters strata in memory: \
                             at most {MAX_LHS_CELLS}, found {}",
                            t * d
                        ),
                    );
                }
                if design == DesignKind::Saltelli && 2 * parameters.len() > 256 {
                    self.error(
                        span.start..span.start,
                        "parameter",
                        "Saltelli needs 2 Sobol' dimensions per parameter: at most 128".into(),
                    );
                }
                if t.checked_mul(runs).is_none_or(|w| w > crate::MAX_RUNS) {
                    self.error(
                        points_span,
                        "points",
                        format!(
                            "{t} points x {runs} runs exceeds the limit of {} runs",
                            crate::MAX_RUNS
                        ),
                    );
                }
            }
            _ if design == DesignKind::Grid => {
                // A grid has no `points`: at its `design` (else its first parameter), with
                // the counts it multiplies (it said "1:1: error: points: ...", a key the
                // grid cannot take, at the file's first character).
                let at = lookup(root, "design")
                    .map(|v| v.span())
                    .or_else(|| param_spans.first().map(|(s, _)| s.clone()))
                    .unwrap_or(points_span);
                let counts: Vec<String> = parameters
                    .iter()
                    .map(|p| p.grid_levels().len().to_string())
                    .collect();
                self.error(
                    at,
                    "design",
                    format!(
                        "a grid of {} points (each parameter's number of values or levels \
                         multiplied), more than the limit of {MAX_POINTS}",
                        counts.join(" x ")
                    ),
                )
                .help = Some(
                    "fewer `values` or `levels`, or a sampling design (`lhs`, `sobol`) with \
                     `points`"
                        .into(),
                );
            }
            _ => {
                self.error(
                    points_span,
                    "points",
                    format!("the design has more than {MAX_POINTS} points"),
                );
            }
        }
        // Levers x futures: every policy in every future (src/sweep/levers.rs).
        let futures = total.unwrap_or(0);
        let crossing = super::levers::read(
            &mut self.0,
            root,
            &super::levers::Context {
                dir,
                base: &base,
                parameters: &parameters,
                design,
                futures,
            },
        );
        if let Some(c) = &crossing {
            let all = futures.checked_mul(c.policies.len() as u64);
            if all.is_none_or(|n| {
                n > MAX_POINTS || n.checked_mul(runs).is_none_or(|w| w > crate::MAX_RUNS)
            }) {
                self.error(
                    span.start..span.start,
                    "policy",
                    format!(
                        "{} policies x {futures} futures x {runs} runs is more than the limit \
                         of {MAX_POINTS} points or {} runs",
                        c.policies.len(),
                        crate::MAX_RUNS
                    ),
                );
            }
        }
        // Whether a parameter can matter is a statement about every policy of the sweep: a
        // `[[policy]]` table that could not be read (its error reported) leaves the policies
        // unknown, and the analysis over the others (none, for the one policy of the file)
        // warned that `model.war_cost` "cannot influence any output".
        let policy_tables = lookup(root, "policy")
            .and_then(|v| match v.get_ref() {
                DeValue::Array(a) => Some(a.len()),
                _ => None,
            })
            .unwrap_or(0);
        if crossing
            .as_ref()
            .is_none_or(|c| c.policies.len() == policy_tables)
        {
            warn_irrelevant(
                &mut self.0,
                &base,
                &parameters,
                &param_spans,
                crossing.as_ref(),
                self.1.map(|h| h.years),
            );
        }
        if let Some((i, message, help)) = refused_pair_reached_by(&base, &parameters)
            && let Some((at, key)) = param_spans.get(i).cloned()
        {
            self.error(at, &key, message).help = Some(help);
        }
        // The base's warning that a gated `[model]` key changes nothing is false when the
        // sweep turns its switch on somewhere: a parameter that can make it non-zero, or a
        // policy (lever) whose scenario has it non-zero.
        scenario::drop_gated_warnings(&mut self.diags, |gate| {
            parameters
                .iter()
                .any(|p| p.target == gate && p.domain.reaches_nonzero())
                || crossing.as_ref().is_some_and(|c| {
                    c.policies.iter().any(|o| {
                        o.scenario.get(gate) != 0.0
                            || parameters.iter().zip(&o.targets).any(|(p, &t)| {
                                t == gate && p.domain.reaches_nonzero()
                            })
                    })
                })
        });
        Some(Sweep {
            file: self.file.to_string(),
            base_path,
            base,
            runs,
            seed,
            design,
            points,
            levels,
            common_random_numbers: crn || crossing.is_some(),
            attribution,
            parameters,
            warnings: self
                .diags
                .iter()
                .filter(|d| d.severity == scenario::Severity::Warning)
                .cloned()
                .collect(),
            crossing,
            overrides: Vec::new(),
        })
    }

    /// The points a design needs, in its own words: a design other than a grid without
    /// `points` (at `design`, or the file's start), Saltelli with one base sample, a grid with
    /// `points`.
    fn check_points(
        &mut self,
        design: DesignKind,
        points: u64,
        points_span: Range<usize>,
        root: &DeTable<'_>,
    ) {
        let needs_points = !matches!(design, DesignKind::Grid);
        if needs_points && points == 0 {
            // No `points` to point at: the `design` that needs them (it was the file's first
            // byte, underlining its first comment line).
            let at = lookup(root, "design").map_or(points_span.clone(), |v| v.span());
            self.error(
                at,
                "points",
                format!("design `{}` needs `points`", design.as_str()),
            )
            .help = Some(match design {
                DesignKind::Saltelli => "add `points = N`, the number of base samples N; the \
                                         sweep runs N * (parameters + 2) points"
                    .into(),
                DesignKind::Morris => "add `points = r`, the number of trajectories r; the \
                                       sweep runs r * (parameters + 1) points"
                    .into(),
                _ => "add `points = N`, the number of design points".into(),
            });
        }
        if design == DesignKind::Saltelli && points == 1 {
            self.error(
                points_span.clone(),
                "points",
                "Saltelli with 1 base sample: no Sobol' index or interval is defined (n = 1)"
                    .into(),
            )
            .help = Some("at least 2 base samples; a few hundred give useful intervals".into());
        }
        if design == DesignKind::Grid && points != 0 {
            self.error(
                points_span.clone(),
                "points",
                "a grid takes its points from each parameter's `values` or `levels`".into(),
            );
        }
    }

    fn parameter(
        &mut self,
        t: &DeTable<'_>,
        span: Range<usize>,
        p: &str,
        base: &Scenario,
        design: Option<DesignKind>,
    ) -> Option<Parameter> {
        read_parameter(&mut self.0, t, span, p, base, Usage::Sweep(design, self.1.map(|h| h.years)))
    }
}

/// Where a parameter table is read: a sweep's `[[parameter]]` (in a design, with a `role`)
/// or a scenario's `[[uncertain]]` (an uncertain parameter with a prior: no `role`, no grid
/// `levels`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Usage {
    /// In a design, and the horizon of the run when the command line gives one.
    Sweep(Option<DesignKind>, Option<u32>),
    Uncertain,
}

/// Keys of an `[[uncertain]]` table.
const UNCERTAIN_KEYS: [&str; 8] = [
    "path",
    "kind",
    "values",
    "range",
    "distribution",
    "mean",
    "sd",
    "mode",
];

/// A finite number (integer or float, or a boolean when `bools`); `expected` says what it
/// should be (a parameter's values: its range, `FieldSpec::expected`, as a scenario file and
/// `--set` say it).
fn number_or_bool(
    r: &mut Input<'_>,
    v: &Val<'_>,
    path: &str,
    bools: bool,
    expected: &str,
) -> Option<f64> {
    match v.get_ref() {
        DeValue::Boolean(b) if bools => Some(f64::from(u8::from(*b))),
        _ => r.number(v, path, expected),
    }
}

/// The words of [`crate::scenario::overrides::policy_resets`] for a value a sweep gives a
/// parameter: a `[[parameter]]`'s and a `futures` file's column alike.
pub(crate) const SWEEP_RESET: (&str, &str, &str) = (
    "the base scenario",
    "the values this sweep gives it",
    "in a base scenario for the sweep",
);

/// Warn when an enabled policy of the base scenario changes the parameter a sweep varies:
/// from the policy's start on, the policy's value replaces the sweep's (sweep validation).
/// A policy that starts after the horizon run ends (`horizon_years`, the command line's, or
/// the base's own) never takes effect: it overrides nothing, and the base scenario's check
/// says so.
fn warn_policy_override(
    r: &mut Input<'_>,
    span: Range<usize>,
    p: &str,
    path: &str,
    target: ParamRef,
    base: &Scenario,
    horizon_years: Option<u32>,
) {
    for (message, help) in crate::scenario::overrides::policy_resets(
        base,
        target,
        path,
        horizon_years,
        SWEEP_RESET,
    ) {
        r.warn(span.clone(), &format!("{p}.path"), message).help = Some(help);
    }
}

/// Warn about a swept parameter that cannot influence any output: it belongs to an entity
/// the relevance analysis (`engine::relevance`) prunes from the scenario of every policy of
/// the sweep (the base alone for an ordinary sweep), even with every policy of that scenario
/// that starts within the horizon enabled (a swept `policy.ID.enabled` may enable one, and
/// its `join` can make an alliance relevant), or it is a value the model reads of no kept
/// entity ([`Relevance::matters`]: a pact partner's cohesion, an outside power linked to no
/// player, a policy change addressing either), or it is a value of a policy that starts
/// after the horizon run ends (`horizon_years`: the command line's, or the base's own), whose
/// start the sweep does not vary. Its outcome columns would be the same at every value.
fn warn_irrelevant(
    r: &mut Input<'_>,
    base: &Scenario,
    parameters: &[Parameter],
    spans: &[(Range<usize>, String)],
    crossing: Option<&super::levers::Crossing>,
    horizon_years: Option<u32>,
) {
    use crate::engine::relevance::Relevance;
    let scenarios: Vec<(&Scenario, Vec<ParamRef>)> = match crossing {
        Some(c) => c
            .policies
            .iter()
            .map(|o| (&o.scenario, o.targets.clone()))
            .collect(),
        None => vec![(base, parameters.iter().map(|p| p.target).collect())],
    };
    let horizon = i64::from(horizon_years.unwrap_or(base.meta.horizon_years)) * 12;
    // A policy takes effect within the horizon, or may when the sweep varies its start.
    let in_horizon = |s: &Scenario, targets: &[ParamRef], i: usize| {
        s.meta.start.months_until(s.policies[i].start) < horizon
            || targets.contains(&ParamRef::PolicyValue {
                policy: i,
                field: crate::scenario::PolicyField::Start,
            })
    };
    // A `[model]` key read only under a switch (`restraint_cost` under
    // `protector_restraint`) while the switch is 0 in `s` and no parameter of the sweep
    // makes it non-zero: `(gate, when)` of its warning.
    let gated_off = |s: &Scenario, targets: &[ParamRef], t: ParamRef| {
        let ParamRef::Model(i) = t else {
            return None;
        };
        let (gate, when) = scenario::gate_of(scenario::params::ModelParams::FIELDS[i].key)?;
        let g = ParamRef::Model(scenario::params::ModelParams::index_of(gate)?);
        let drawn = parameters
            .iter()
            .zip(targets)
            .any(|(p, &x)| x == g && p.domain.reaches_nonzero());
        (!scenario::gate_on(s, gate) && !drawn).then_some((gate, when))
    };
    let mut matters = vec![false; parameters.len()];
    for (s, targets) in &scenarios {
        let mut all = (*s).clone();
        for (i, p) in all.policies.iter_mut().enumerate() {
            p.enabled = in_horizon(s, targets, i);
        }
        let rel = Relevance::all_outputs(&all);
        for (m, t) in matters.iter_mut().zip(targets) {
            let late = match *t {
                ParamRef::PolicyEnabled { policy } | ParamRef::PolicyValue { policy, .. } => {
                    !in_horizon(s, targets, policy)
                }
                _ => false,
            };
            *m |= !late && gated_off(&all, targets, *t).is_none() && rel.matters(&all, *t, targets);
        }
    }
    // The horizon's last month.
    let last = base.meta.start.plus_months(horizon - 1);
    for ((p, (span, key)), m) in parameters.iter().zip(spans).zip(matters) {
        if m {
            continue;
        }
        let country_id = |c: usize| base.countries.get(c).map_or("?", |x| x.id.as_str());
        let gated = gated_off(base, &[], p.target);
        let why = match p.target {
            ParamRef::PolicyEnabled { policy } | ParamRef::PolicyValue { policy, .. }
                if base.policies.get(policy).is_some_and(|x| {
                    base.meta.start.months_until(x.start) >= horizon
                }) =>
            {
                let x = &base.policies[policy];
                format!(
                    "policy `{}` starts {}, after the horizon ends (its last month is {last}): it never takes effect",
                    x.id, x.start
                )
            }
            ParamRef::PolicyEnabled { .. } | ParamRef::PolicyValue { .. } => {
                "the policy changes nothing any rivalry's challenger or target depends on, in any policy of the sweep".into()
            }
            ParamRef::Alliance { alliance, .. } => format!(
                "no rivalry's challenger or target is ever a member of `{}`, in any policy of the sweep",
                base.alliances.get(alliance).map_or("?", |a| a.id.as_str())
            ),
            ParamRef::Deployment { .. } => {
                "the deployment is hosted by no rivalry's challenger or target".into()
            }
            ParamRef::Rivalry { .. } => "the rivalry is not simulated".into(),
            ParamRef::Model(i) if gated.is_some() => {
                let (gate, when) = gated.unwrap_or_default();
                format!(
                    "the model reads `model.{}` only when {when}, and `model.{gate}` is 0 in every policy of the sweep",
                    scenario::params::ModelParams::FIELDS[i].key
                )
            }
            ParamRef::Power { power, .. } => format!(
                "no rivalry's challenger or target shares an alliance with `{}`, has a tie to it that carries forces in theatre or trade substitution, or hosts a force it contributes to, in any policy of the sweep",
                base.powers.get(power).map_or("?", |x| x.id.as_str())
            ),
            ParamRef::Political { country, field } => {
                let key = crate::scenario::params::PoliticalParams::FIELDS
                    .get(field)
                    .map_or("?", |f| f.key);
                let role = if key.starts_with("narrative") {
                    "challenger"
                } else {
                    "target"
                };
                format!(
                    "the model reads a country's `{key}` only when it is a rivalry's {role}, and `{}` is no simulated rivalry's {role}, in any policy of the sweep",
                    country_id(country)
                )
            }
            _ => "no rivalry's challenger or target depends on its entity, in any policy of the sweep".into(),
        };
        r.warn(
            span.clone(),
            key,
            format!(
                "`{}` cannot influence any output of this scenario ({why}): every value gives the same outcomes",
                p.path
            ),
        )
        .help = Some(match gated {
            // The switch is itself a parameter of the sweep, but only at 0.
            Some((gate, _))
                if parameters.iter().any(|q| {
                    Some(q.target)
                        == scenario::params::ModelParams::index_of(gate).map(ParamRef::Model)
                }) =>
            {
                format!(
                    "`model.{gate}` is swept only at 0 (off at every point): give it a value above 0 among its values, or set it above 0 in the base scenario"
                )
            }
            Some((gate, _)) => format!(
                "sweep `model.{gate}` as well (a parameter whose values reach above 0), or set it above 0 in the base scenario"
            ),
            None => "sweep a parameter that can matter, or cross it with a policy or lever that makes its entity relevant (e.g. one that makes the target a member of the alliance); `deter bench` lists what is simulated"
                .into(),
        });
    }
}

/// Read one parameter table (`t`, at `span`, key path `p`) whose path resolves in `base`:
/// the same keys, distributions, checks and messages for sweeps and scenario priors (the
/// shared input core: file:line:col, key path, expectation, did-you-mean).
pub(crate) fn read_parameter(
    r: &mut Input<'_>,
    t: &DeTable<'_>,
    span: Range<usize>,
    p: &str,
    base: &Scenario,
    usage: Usage,
) -> Option<Parameter> {
    let design = match usage {
        Usage::Sweep(d, _) => d,
        Usage::Uncertain => None,
    };
    {
        let allowed: &[&str] = match usage {
            Usage::Sweep(..) => &PARAM_KEYS,
            Usage::Uncertain => &UNCERTAIN_KEYS,
        };
        r.check_keys(t, p, allowed);
        let Some(path_v) = lookup(t, "path") else {
            r.error(
                span,
                &format!("{p}.path"),
                "missing required key `path`".into(),
            )
            .help = Some("e.g. `path = \"country.XKX.military.budget\"`".into());
            return None;
        };
        let path = r.string(path_v, &format!("{p}.path"))?;
        let target = match ParamRef::resolve(&path, base) {
            Ok(t) => {
                if let Usage::Sweep(_, horizon_years) = usage {
                    warn_policy_override(r, path_v.span(), p, &path, t, base, horizon_years);
                }
                Some(t)
            }
            Err(e) => {
                let help = match e.help() {
                    Some(h) => h,
                    None => "paths look like country.XKX.military.budget, alliance.NATO.reliability, rivalry.SRB-XKX.monitoring, policy.ID.enabled (see docs/SWEEPS.md)".into(),
                };
                r.error(path_v.span(), &format!("{p}.path"), e.message).help = Some(help);
                None
            }
        };
        let role = match lookup(t, "role") {
            _ if usage == Usage::Uncertain => Some(Role::Uncertainty),
            Some(v) => r.choice(
                v,
                &format!("{p}.role"),
                &[("lever", Role::Lever), ("uncertainty", Role::Uncertainty)],
            ),
            None => {
                r.error(span.clone(), &format!("{p}.role"), "missing required key `role`".into()).help = Some(
                    "`role = \"lever\"` (a policy choice) or `role = \"uncertainty\"` (not controlled)"
                        .into(),
                );
                None
            }
        };
        let values_v = lookup(t, "values");
        let range_v = lookup(t, "range");
        let bool_values = values_v
            .and_then(|v| v.get_ref().as_array())
            .is_some_and(|a| a.iter().any(|x| matches!(x.get_ref(), DeValue::Boolean(_))));
        // Only a flag (`policy.ID.enabled`) takes true / false: a boolean for a numeric
        // parameter is a type error, never 0 / 1 (read by `number_or_bool` below).
        let flag = matches!(target, Some(ParamRef::PolicyEnabled { .. }));
        let kind = match lookup(t, "kind") {
            Some(v) => r.choice(v, &format!("{p}.kind"), &Kind::ALL),
            None if (bool_values && target.is_none()) || flag => Some(Kind::Boolean),
            None => Some(Kind::Real),
        };
        // A missing `role` does not hide the table's other faults: the values are checked
        // against the target's range before the table is given up.
        let (target, kind) = (target?, kind?);
        let bounds = Bounds {
            path: &path,
            spec: target.spec(),
            kind,
        };
        let check =
            |r: &mut Input<'_>, x: f64, s: Range<usize>, at: &str| bounds.check(r, x, s, at);
        let dist_keys = ["distribution", "mean", "sd", "mode", "levels"];
        let domain = match (values_v, range_v) {
            (Some(_), Some(rv)) => {
                r.error(
                    rv.span(),
                    &format!("{p}.range"),
                    "give either `values` or `range`, not both".into(),
                );
                return None;
            }
            (Some(vv), None) => {
                for k in dist_keys {
                    if let Some(x) = lookup(t, k) {
                        r.error(
                            x.span(),
                            &format!("{p}.{k}"),
                            format!("`{k}` applies to a `range`, not to `values`"),
                        );
                    }
                }
                let at = format!("{p}.values");
                let Some(items) = vv.get_ref().as_array() else {
                    r.type_error(vv, &at, "an array of values");
                    return None;
                };
                if items.is_empty() {
                    // Said as the calibration's empty `cases` and `statistics` are: what to
                    // name, and how.
                    r.error(vv.span(), &at, "name at least one value".into()).help = Some(format!(
                        "`values = [...]`: the values of `{path}` to take, each {}",
                        bounds.spec.expected()
                    ));
                    return None;
                }
                let mut out = Vec::new();
                let mut ok = true;
                let expected = bounds.spec.expected();
                for (i, item) in items.iter().enumerate() {
                    let a = format!("{at}[{i}]");
                    match number_or_bool(r, item, &a, kind == Kind::Boolean && flag, &expected) {
                        Some(x) => match check(r, x, item.span(), &a) {
                            Some(x) => out.push(x),
                            None => ok = false,
                        },
                        None => ok = false,
                    }
                }
                if !ok {
                    return None;
                }
                // A value twice in a grid runs the same points twice (not refused: a repeat
                // shows common random numbers at work). By value: `2` and `2.0` are one.
                if design == Some(DesignKind::Grid) {
                    for (j, x) in out.iter().enumerate() {
                        if let Some(i) = out[..j].iter().position(|y| (y + 0.0) == (x + 0.0)) {
                            let raw = items[j].span();
                            let text = r.src.get(raw.clone()).unwrap_or("").trim().to_string();
                            r.warn(
                                raw,
                                &format!("{at}[{j}]"),
                                format!(
                                    "`{text}` is listed twice (values[{i}] and values[{j}]): the \
                                     grid runs the same points twice"
                                ),
                            )
                            .help = Some(format!(
                                "remove values[{j}]: a repeated point adds runs, not a new point"
                            ));
                        }
                    }
                }
                Domain::Values(out)
            }
            (None, Some(rv)) => {
                let at = format!("{p}.range");
                if flag {
                    // Any kind: a range would give the switch values between off and on.
                    r.error(
                        rv.span(),
                        &at,
                        format!("`{path}` is a switch: it takes `values = [false, true]`, not a `range`"),
                    );
                    return None;
                }
                if matches!(kind, Kind::Categorical | Kind::Boolean) {
                    r.error(
                        rv.span(),
                        &at,
                        "categorical and boolean parameters take `values`, not a `range`".into(),
                    );
                    return None;
                }
                read_range(r, t, span.clone(), p, rv, &bounds, design)?
            }
            (None, None) if kind == Kind::Boolean => Domain::Values(vec![0.0, 1.0]),
            (None, None) => {
                r.error(
                    span,
                    p,
                    "give `values = [...]` or `range = [low, high]`".into(),
                );
                return None;
            }
        };
        // A ramp of a policy that turns a switch, refused as the policy file's `ramp_years`
        // and `--set policy.ID.ramp_years=...` are, in their words, at the values that ramp.
        if let ParamRef::PolicyValue {
            policy,
            field: scenario::PolicyField::RampYears,
        } = target
            && let pol = &base.policies[policy]
            && let Some(c) = pol.changes.iter().find(|c| c.target.spec().is_switch())
        {
            let ramps = |x: f64| {
                let mut q = pol.clone();
                q.ramp_years = x;
                q.ramps()
            };
            let ramped = match &domain {
                Domain::Values(v) => v.iter().copied().find(|&x| ramps(x)),
                Domain::Range { hi, .. } => Some(*hi).filter(|&x| ramps(x)),
            };
            if let (Some(x), Some(v)) = (ramped, values_v.or(range_v)) {
                let key = if values_v.is_some() { "values" } else { "range" };
                r.error(
                    v.span(),
                    &format!("{p}.{key}"),
                    format!(
                        "`ramp_years = {}` would ramp `{}`, a switch (0 or 1), through \
                         fractions the model reads as on",
                        compact(x),
                        c.path
                    ),
                )
                .help = Some(format!(
                    "a switch turns at once: policy `{}` changes `{}`, so its changes cannot \
                     ramp",
                    pol.id, c.path
                ));
                return None;
            }
        }
        Some(Parameter {
            path,
            target,
            role: role?,
            kind,
            domain,
        })
    }
}

/// What a parameter's values must satisfy: inside the range of its target (`spec`), and whole
/// numbers for integer and boolean kinds.
pub(crate) struct Bounds<'a> {
    /// The parameter's path, as written.
    pub path: &'a str,
    pub spec: scenario::FieldSpec,
    pub kind: Kind,
}

impl Bounds<'_> {
    /// `x` (at `s`, key path `at`) if it satisfies the bounds; else an error and None.
    pub fn check(&self, r: &mut Input<'_>, x: f64, s: Range<usize>, at: &str) -> Option<f64> {
        if !self.spec.contains(x) {
            // The wording of the same fault in a scenario file and `--set`; the help names
            // the target, which the key path (`parameter[i].range`) does not.
            let found = r.literal(s.clone());
            let (message, help) = scenario::params::range_fault(self.path, &self.spec, &found);
            r.error(s, at, message).help = help;
            return None;
        }
        if matches!(self.kind, Kind::Integer | Kind::Boolean) && x.fract() != 0.0 {
            r.error(s, at, format!("expected an integer, found {x}"));
            return None;
        }
        Some(x)
    }
}

/// A `range = [low, high]` (the value `rv`) of parameter table `t` (at `span`, key path `p`)
/// with its prior (`distribution` and its `mean`, `sd`, `mode`; grid `levels`): the same
/// checks and messages in sweep files, scenario `[[uncertain]]` priors and calibration files.
pub(crate) fn read_range(
    r: &mut Input<'_>,
    t: &DeTable<'_>,
    span: Range<usize>,
    p: &str,
    rv: &Val<'_>,
    bounds: &Bounds<'_>,
    design: Option<DesignKind>,
) -> Option<Domain> {
    let at = format!("{p}.range");
    let check = |r: &mut Input<'_>, x: f64, s: Range<usize>, at: &str| bounds.check(r, x, s, at);
    let pair = rv.get_ref().as_array().filter(|a| a.len() == 2);
    let Some(pair) = pair else {
        r.type_error(rv, &at, "[low, high]");
        return None;
    };
    let lo_v = &pair.iter().collect::<Vec<_>>()[..];
    let (lo_v, hi_v) = (lo_v[0], lo_v[1]);
    let expected = bounds.spec.expected();
    let lo = number_or_bool(r, lo_v, &at, false, &expected)
        .and_then(|x| check(r, x, lo_v.span(), &at));
    let hi = number_or_bool(r, hi_v, &at, false, &expected)
        .and_then(|x| check(r, x, hi_v.span(), &at));
    let (lo, hi) = (lo?, hi?);
    if lo >= hi {
        // The range as the file writes it (`[3.0, 0.1]`, not `[3, 0.1]`).
        let found = r.literal(rv.span());
        r.error(rv.span(), &at, format!("expected low < high, found `{found}`"));
        return None;
    }
    let dist = match lookup(t, "distribution") {
        Some(v) => r.choice(
            v,
            &format!("{p}.distribution"),
            &[
                ("uniform", 0u8),
                ("log-uniform", 1),
                ("normal", 2),
                ("triangular", 3),
            ],
        )?,
        None => 0,
    };
    let get = |r: &mut Input<'_>, k: &str| -> Option<f64> {
        match lookup(t, k) {
            Some(v) => number_or_bool(r, v, &format!("{p}.{k}"), false, "a number"),
            None => {
                r.error(span.clone(), p, format!("this distribution needs `{k}`"));
                None
            }
        }
    };
    let marginal = match dist {
        0 => Marginal::Uniform,
        1 => {
            if lo <= 0.0 {
                r.error(
                    rv.span(),
                    &at,
                    "a log-uniform range must be positive".into(),
                );
                return None;
            }
            Marginal::LogUniform
        }
        2 => {
            let mean = get(r, "mean")?;
            let sd = get(r, "sd")?;
            if sd <= 0.0 {
                let s = lookup(t, "sd").map_or(span.clone(), |v| v.span());
                r.error(s, &format!("{p}.sd"), "expected sd > 0".into());
                return None;
            }
            let mass = normal_mass(lo, hi, mean, sd);
            // Bounds so many sds from the mean that they overflow (sd 1e-320, or mean 1e200
            // with sd 1e-200) leave nothing that can be drawn: every value would be NaN.
            let (za, zb) = ((lo - mean) / sd, (hi - mean) / sd);
            let drawable = za.is_finite()
                && zb.is_finite()
                && !mass.is_nan()
                && [1e-9, 0.5, 1.0 - 1e-9]
                    .iter()
                    .all(|&u| truncated_normal_quantile(za, zb, u).is_finite());
            if !drawable {
                let s = lookup(t, "distribution").map_or(span.clone(), |v| v.span());
                let d = r.error(
                    s,
                    &format!("{p}.distribution"),
                    format!(
                        "normal(mean {}, sd {}) puts no mass that can be drawn in [{}, {}]: \
                         the range is too many sds from the mean to compute",
                        compact(mean),
                        compact(sd),
                        compact(lo),
                        compact(hi)
                    ),
                );
                d.help = Some(
                    "check `mean` and `sd`: they are the untruncated normal's, not the \
                     range's; for values spread over the range use `distribution = \"uniform\"`"
                        .into(),
                );
                return None;
            }
            if mass < 1e-3 {
                // Where the drawn values go, read off the truncated normal's median: spread
                // almost evenly when the sd dwarfs the range (whatever side the mean is on),
                // piled up near a bound when the median is within a quarter of the range of
                // it, leaning towards it otherwise.
                // Said as one draw in so many (two significant digits, grouped): "only
                // about 1 in 32,000 of its draws", not "only 3.2e-5".
                let one_in = two_digits(1.0 / mass);
                let share = if mass > 0.0 && one_in < 1e15 {
                    format!(
                        "only about 1 in {} of its draws",
                        crate::report::table::thousands(one_in as u64)
                    )
                } else if mass > 0.0 {
                    format!("only {mass:.1e} of its mass")
                } else {
                    "less than 1e-300 of its mass".to_string()
                };
                let median = mean + sd * truncated_normal_quantile(za, zb, 0.5);
                let pos = (median - lo) / (hi - lo);
                let nearer = if pos < 0.5 { lo } else { hi };
                let (what, help) = if (pos - 0.5).abs() < 0.05 {
                    (
                        "the values spread almost evenly over the range, as a uniform's would"
                            .to_string(),
                        "the sd is much wider than the range: for values spread over it write \
                         `distribution = \"uniform\"`; for values near the mean, an sd of the \
                         range's scale",
                    )
                } else if !(0.25..=0.75).contains(&pos) {
                    (
                        format!(
                            "the values pile up near {} (half of them within {} of it)",
                            compact(nearer),
                            compact(two_digits((median - nearer).abs()))
                        ),
                        "check `mean` and `sd`: they are the untruncated normal's, not the \
                         range's",
                    )
                } else {
                    (
                        format!(
                            "the values lean towards {} (half of them within {} of it)",
                            compact(nearer),
                            compact(two_digits((median - nearer).abs()))
                        ),
                        "check `mean` and `sd`: they are the untruncated normal's, not the \
                         range's",
                    )
                };
                let w = r.error(
                    rv.span(),
                    &at,
                    format!(
                        "normal(mean {}, sd {}) puts {share} in [{}, {}]: {what}",
                        compact(mean),
                        compact(sd),
                        compact(lo),
                        compact(hi),
                    ),
                );
                w.severity = scenario::Severity::Warning;
                w.help = Some(help.into());
            }
            Marginal::Normal { mean, sd }
        }
        _ => {
            let mode = get(r, "mode")?;
            if !(lo..=hi).contains(&mode) {
                let s = lookup(t, "mode").map_or(span.clone(), |v| v.span());
                r.error(
                    s,
                    &format!("{p}.mode"),
                    format!("the mode {mode} is outside the range [{lo}, {hi}]"),
                );
                return None;
            }
            Marginal::Triangular { mode }
        }
    };
    for k in ["mean", "sd"] {
        if let (true, Some(x)) = (dist != 2, lookup(t, k)) {
            r.error(
                x.span(),
                &format!("{p}.{k}"),
                format!("`{k}` applies to `distribution = \"normal\"` only"),
            );
        }
    }
    if let (true, Some(x)) = (dist != 3, lookup(t, "mode")) {
        r.error(
            x.span(),
            &format!("{p}.mode"),
            "`mode` applies to `distribution = \"triangular\"` only".into(),
        );
    }
    let levels = match lookup(t, "levels") {
        Some(v) => Some(r.unsigned(v, &format!("{p}.levels"), 1, 10_000)? as usize),
        None if design == Some(DesignKind::Grid) => {
            r.error(
                rv.span(),
                &at,
                "a `range` in a grid needs `levels` (the number of evenly spaced values)".into(),
            );
            return None;
        }
        None => None,
    };
    Some(Domain::Range {
        lo,
        hi,
        marginal,
        levels,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios/sweeps")
    }

    const HEAD: &str = "base = \"../western-balkans-2024.toml\"\nruns = 10\n";

    fn parse(body: &str) -> Result<Sweep, Diagnostics> {
        parse_sweep(&format!("{HEAD}{body}"), "t.toml", &dir())
    }

    #[test]
    fn unknown_path_points_at_the_line_with_a_suggestion() {
        let e = parse("[[parameter]]\npath = \"alliance.NATO.reliabilty\"\nrole = \"uncertainty\"\nvalues = [0.5]\n")
            .unwrap_err();
        let d = &e.0[0];
        assert_eq!((d.line, d.col), (4, 8), "{e}");
        assert_eq!(
            d.help.as_deref(),
            Some("did you mean `alliance.NATO.reliability`?")
        );
    }

    #[test]
    fn out_of_range_value_is_an_error_at_the_value() {
        let e = parse("[[parameter]]\npath = \"alliance.NATO.reliability\"\nrole = \"lever\"\nvalues = [0.5, 1.5]\n")
            .unwrap_err();
        let d = &e.0[0];
        assert_eq!((d.line, d.col), (6, 16), "{e}");
        assert_eq!(
            d.message,
            "expected a number in [0, 1], found 1.5",
            "{e}"
        );
        assert_eq!(d.path, "parameter[0].values[1]", "{e}");
    }

    #[test]
    fn distributions_map_unit_coordinates_into_the_range() {
        let s = parse(
            "design = \"random\"\npoints = 4\n\
             [[parameter]]\npath = \"alliance.NATO.reliability\"\nrole = \"uncertainty\"\nrange = [0.55, 0.95]\ndistribution = \"normal\"\nmean = 0.75\nsd = 0.1\n\
             [[parameter]]\npath = \"country.XKX.military.budget\"\nrole = \"lever\"\nrange = [0.1, 1.0]\ndistribution = \"log-uniform\"\n\
             [[parameter]]\npath = \"rivalry.SRB-XKX.monitoring\"\nrole = \"lever\"\nrange = [0.2, 0.8]\ndistribution = \"triangular\"\nmode = 0.4\n",
        )
        .unwrap();
        let [n, l, t] = &s.parameters[..] else {
            panic!()
        };
        assert!((n.value_at(0.5) - 0.75).abs() < 1e-12);
        assert_eq!((n.value_at(0.0), n.value_at(1.0)), (0.55, 0.95));
        assert!((l.value_at(0.5) - 0.1f64.sqrt()).abs() < 1e-12);
        // Triangular CDF at the mode is (mode - lo) / (hi - lo) = 1/3.
        assert!((t.value_at(1.0 / 3.0) - 0.4).abs() < 1e-12);
        for u in [0.0, 0.1, 0.7, 1.0] {
            for p in [n, l, t] {
                assert!(p.target.spec().contains(p.value_at(u)));
            }
        }
    }

    #[test]
    fn integer_and_categorical_kinds_only_produce_their_values() {
        let s = parse(
            "design = \"lhs\"\npoints = 8\n\
             [[parameter]]\npath = \"rivalry.SRB-XKX.stakes\"\nrole = \"uncertainty\"\nkind = \"integer\"\nrange = [1, 3]\n\
             [[parameter]]\npath = \"rivalry.SRB-XKX.monitoring\"\nrole = \"lever\"\nkind = \"categorical\"\nvalues = [0.7, 0.2, 0.4]\n",
        )
        .unwrap();
        let (i, c) = (&s.parameters[0], &s.parameters[1]);
        let ints: Vec<f64> = [0.0, 0.34, 0.5, 0.99, 1.0].map(|u| i.value_at(u)).to_vec();
        assert_eq!(ints, vec![1.0, 2.0, 2.0, 3.0, 3.0]);
        assert_eq!([0.1, 0.5, 0.9].map(|u| c.value_at(u)), [0.7, 0.2, 0.4]);
        let e = parse("[[parameter]]\npath = \"rivalry.SRB-XKX.stakes\"\nrole = \"lever\"\nkind = \"integer\"\nvalues = [1, 2.5]\n")
            .unwrap_err();
        assert!(
            e.to_string().contains("expected an integer, found 2.5"),
            "{e}"
        );
    }

    #[test]
    fn policy_switch_is_boolean_and_bad_keys_get_did_you_mean() {
        let e = parse("desing = \"grid\"\n[[parameter]]\npath = \"rivalry.SRB-XKX.monitoring\"\nrole = \"lever\"\nvalues = [0.2]\n")
            .unwrap_err();
        assert_eq!(e.0[0].help.as_deref(), Some("did you mean `design`?"));
        let s = parse_sweep(
            "base = \"../combined-proposals.toml\"\n[[parameter]]\npath = \"policy.special-envoy.enabled\"\nrole = \"lever\"\n",
            "t.toml",
            &dir(),
        )
        .unwrap();
        assert_eq!(s.parameters[0].kind, Kind::Boolean);
        assert_eq!(s.parameters[0].domain, Domain::Values(vec![0.0, 1.0]));
    }
}

#[cfg(test)]
mod inverse_cdf {
    use super::*;
    use statrs::distribution::{Continuous, ContinuousCDF, Normal};

    fn normal_param(lo: f64, hi: f64, mean: f64, sd: f64) -> Parameter {
        Parameter {
            path: "x".into(),
            target: ParamRef::Model(0),
            role: Role::Uncertainty,
            kind: Kind::Real,
            domain: Domain::Range {
                lo,
                hi,
                marginal: Marginal::Normal { mean, sd },
                levels: None,
            },
        }
    }

    /// Mean of normal(mean, sd) truncated to [lo, hi], the closed form
    /// mean + sd (phi(a) - phi(b)) / (Q(a) - Q(b)) from statrs' pdf and upper tail.
    fn truncated_mean(lo: f64, hi: f64, mean: f64, sd: f64) -> f64 {
        let n = Normal::new(0.0, 1.0).unwrap();
        let (a, b) = ((lo - mean) / sd, (hi - mean) / sd);
        let (num, den) = if a + b < 0.0 {
            (n.pdf(a) - n.pdf(b), n.cdf(b) - n.cdf(a))
        } else {
            (n.pdf(a) - n.pdf(b), n.sf(a) - n.sf(b))
        };
        mean + sd * num / den
    }

    #[test]
    fn truncated_normal_is_right_in_both_tails_and_at_the_corners() {
        // The cases: mean far below and far above the range, and extreme ones.
        for (lo, hi, mean, sd) in [
            (0.5, 0.95, -0.4, 0.1),
            (0.5, 0.95, 5.0, 0.1),
            (0.5, 0.95, 0.7, 0.1),
            (0.5, 0.95, -3.0, 0.1),
            (0.5, 0.95, 9.0, 0.2),
            (0.0, 1.0, 0.5, 1e-3),
        ] {
            let p = normal_param(lo, hi, mean, sd);
            // Midpoint rule over 20,000 strata: the mean of the inverse CDF is the mean.
            let n = 20_000;
            let m: f64 = (0..n)
                .map(|i| p.value_at((i as f64 + 0.5) / n as f64))
                .sum::<f64>()
                / n as f64;
            let outside = mean < lo || mean > hi;
            let expected =
                if outside && ((lo - mean) / sd).abs().min(((hi - mean) / sd).abs()) > 30.0 {
                    // statrs' tails underflow there: the exponential limit, bound -/+ sd^2/dist.
                    if mean < lo {
                        lo + sd * sd / (lo - mean)
                    } else {
                        hi - sd * sd / (mean - hi)
                    }
                } else {
                    truncated_mean(lo, hi, mean, sd)
                };
            assert!(
                (m - expected).abs() < 1e-3 * (hi - lo),
                "normal({mean}, {sd}) on [{lo}, {hi}]: mean {m}, expected {expected}"
            );
            // Monotone, inside the range, corners at the bounds' side.
            let xs: Vec<f64> = (0..=1000).map(|i| p.value_at(i as f64 / 1000.0)).collect();
            assert!(xs.windows(2).all(|w| w[0] <= w[1]));
            assert!(xs.iter().all(|x| (lo..=hi).contains(x)));
            assert_eq!(p.value_at(0.0), lo.max(xs[0]));
        }
        // Against statrs' quantile where it is accurate (the range holds most of the mass).
        let n = Normal::new(0.0, 1.0).unwrap();
        for u in [1e-9, 0.01, 0.3, 0.5, 0.9, 1.0 - 1e-9] {
            let (a, b) = (-1.5, 2.0);
            let p = n.cdf(a) + u * (n.cdf(b) - n.cdf(a));
            let z = truncated_normal_quantile(a, b, u);
            assert!((z - n.inverse_cdf(p)).abs() < 1e-7, "u {u}: {z}");
        }
    }

    #[test]
    fn closed_form_marginals_match_at_the_corners_and_inside() {
        let mk = |marginal| Parameter {
            path: "x".into(),
            target: ParamRef::Model(0),
            role: Role::Uncertainty,
            kind: Kind::Real,
            domain: Domain::Range {
                lo: 1e-6,
                hi: 1e6,
                marginal,
                levels: None,
            },
        };
        let log = mk(Marginal::LogUniform);
        assert_eq!(log.value_at(0.0), 1e-6);
        assert_eq!(log.value_at(1.0), 1e6);
        assert!((log.value_at(0.5) - 1.0).abs() < 1e-9);
        let tri = mk(Marginal::Triangular { mode: 1e6 });
        // Mode at the top: F(x) = ((x - lo) / (hi - lo))^2, so x(u) = lo + (hi - lo) sqrt(u).
        for u in [0.0, 0.25, 0.5, 1.0] {
            let x = 1e-6 + (1e6 - 1e-6) * f64::sqrt(u);
            assert!((tri.value_at(u) - x).abs() <= 1e-9 * 1e6, "{u}");
        }
        let tri = mk(Marginal::Triangular { mode: 1e-6 });
        assert_eq!(tri.value_at(0.0), 1e-6);
        assert_eq!(tri.value_at(1.0), 1e6);
    }
}
