//! Robust decision making on sweep results: which policy holds up across futures
//! ([`robust`]), and in which futures an outcome of interest occurs ([`prim`], scenario
//! discovery). Both read a sweep's CSV results ([`results`]) and are pure: the CLI does the
//! IO. See docs/SWEEPS.md.
//!
//! Sources: Lempert, Popper & Bankes (2003), *Shaping the Next One Hundred Years*, RAND
//! MR-1626 (robust decision making); Bryant & Lempert (2010), Technological Forecasting and
//! Social Change 77 (scenario discovery); Friedman & Fisher (1999), Statistics and
//! Computing 9 (PRIM).

pub mod prim;
pub mod results;
pub mod robust;

use std::fmt::Write;

#[cfg(feature = "html")]
use crate::report::charts::{self, Trajectory};
#[cfg(feature = "html")]
use crate::report::html::{figure, page};
use crate::report::table::{count, thousands};
pub use crate::sweep::record::Completeness;
#[cfg(feature = "html")]
use maud::{PreEscaped, html};
use prim::{Found, PrimBox};
pub use results::Refusal;
use results::{OUTCOMES, Results};
use robust::Direction;

/// Which points are cases of interest: `column OP value`.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub column: String,
    pub op: Op,
    pub value: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Above,
    AtLeast,
    Below,
    AtMost,
}

impl Op {
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Above => ">",
            Op::AtLeast => ">=",
            Op::Below => "<",
            Op::AtMost => "<=",
        }
    }

    pub fn holds(self, v: f64, t: f64) -> bool {
        match self {
            Op::Above => v > t,
            Op::AtLeast => v >= t,
            Op::Below => v < t,
            Op::AtMost => v <= t,
        }
    }
}

impl Condition {
    /// Parse `COLUMN OP NUMBER` with OP one of `>`, `>=`, `<`, `<=` (spaces optional).
    pub fn parse(text: &str) -> Result<Self, String> {
        let form = "expected COLUMN > NUMBER (or >=, <, <=)";
        let (ops, op) = operator(text).ok_or_else(|| format!("`{text}`: {form}"))?;
        let Some(op) = op else {
            return Err(format!("`{text}`: {form}, found `{}`", &text[ops.clone()]));
        };
        let (column, number) = (text[..ops.start].trim(), &text[ops.end..]);
        if column.is_empty() {
            return Err(format!("`{text}`: no column before `{}`", op.as_str()));
        }
        // The words of the same value in every input (`1e-400`: too small to use).
        let value = crate::scenario::input::value_text(number, "a number")
            .map_err(|(m, _)| format!("`{text}`: {m}"))?;
        Ok(Self {
            column: column.to_string(),
            op,
            // `-0` is 0 (it was echoed "use_of_force < -0").
            value: if value == 0.0 { 0.0 } else { value },
        })
    }

    /// The byte range of the operator in `COLUMN OP NUMBER` when it is none of `>`, `>=`,
    /// `<`, `<=` (`>>`, `=`, `=>`, `> =`, `!=`): the part of the text at fault.
    pub fn bad_operator(text: &str) -> Option<std::ops::Range<usize>> {
        match operator(text)? {
            (ops, None) => Some(ops),
            _ => None,
        }
    }

    /// The column and the byte offset of the number in `COLUMN OP NUMBER`, when the text has
    /// an operator and a column before it (else [`Condition::parse`] says what is missing).
    pub fn number_at(text: &str) -> Option<(&str, usize)> {
        let (ops, op) = operator(text)?;
        op?;
        let column = text[..ops.start].trim();
        (!column.is_empty()).then_some((column, ops.end))
    }

    pub fn describe(&self) -> String {
        // `compact`: a threshold of 1e-9 or 1e300 in exponent form, not hundreds of digits.
        let value = crate::sweep::spec::compact(self.value);
        format!("{} {} {value}", self.column, self.op.as_str())
    }
}

/// The operator of `COLUMN OP NUMBER`: the byte range of the characters of comparison from
/// the first (`<`, `>`, `=`, `!`, with the blanks between them), and the operator they spell
/// if they spell one of `>`, `>=`, `<`, `<=`. None without any such character.
fn operator(text: &str) -> Option<(std::ops::Range<usize>, Option<Op>)> {
    let is_op = |c: char| matches!(c, '<' | '>' | '=' | '!');
    let start = text.find(is_op)?;
    let run = text[start..]
        .find(|c: char| !is_op(c) && !c.is_whitespace())
        .map_or(text.len(), |n| start + n);
    let end = start + text[start..run].trim_end().len();
    let op = match &text[start..end] {
        ">" => Some(Op::Above),
        ">=" => Some(Op::AtLeast),
        "<" => Some(Op::Below),
        "<=" => Some(Op::AtMost),
        _ => None,
    };
    Some((start..end, op))
}

/// Whether `column` names a probability (a share of runs, 0 to 1) in a results file: a
/// headline outcome (`use_of_force`), its `_p`, `_mc95_lo` or `_mc95_hi` column, its regret
/// (`regret_use_of_force`, a difference of two probabilities within a future, never
/// negative), or the share of runs censored (`years_to_force_censored_share`). A threshold
/// outside [0, 1] on such a column selects every point or none.
pub fn is_probability(column: &str) -> bool {
    let outcome = column.strip_prefix("regret_").unwrap_or(column);
    let outcome = ["_p", "_mc95_lo", "_mc95_hi"]
        .iter()
        .find_map(|s| outcome.strip_suffix(s))
        .unwrap_or(outcome);
    OUTCOMES.contains(&outcome) || column.ends_with("_censored_share")
}

/// A finished scenario discovery: what was asked, over which points, and the boxes.
#[derive(Debug, Clone)]
pub struct Discovery {
    pub condition: Condition,
    /// Only this policy's rows (levers x futures results), if given.
    pub policy: Option<String>,
    pub inputs: Vec<String>,
    /// `x[j][i]`: input j at point i.
    pub x: Vec<Vec<f64>>,
    pub y: Vec<bool>,
    pub options: prim::PrimOptions,
    pub found: Vec<Found>,
    /// Policies whose rows are mixed here (levers x futures results without `--policy`).
    pub mixed_policies: usize,
    /// A statement under the title: partial results (which points are missing and the
    /// resume command), or that completeness cannot be checked.
    pub note: Option<String>,
}

impl Discovery {
    /// The data range of input j over the points analysed.
    fn range(&self, j: usize) -> (f64, f64) {
        let col = &self.x[j];
        (
            col.iter().copied().fold(f64::INFINITY, f64::min),
            col.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        )
    }

    fn limits(&self, b: &PrimBox, j: usize) -> (f64, f64) {
        let (lo, hi) = self.range(j);
        (b.lo[j].max(lo), b.hi[j].min(hi))
    }

    /// What changed from one trajectory box to the next, e.g. `x >= 0.21`.
    fn peeled(&self, a: &PrimBox, b: &PrimBox) -> String {
        for j in 0..a.lo.len() {
            if b.lo[j] != a.lo[j] {
                return format!("{} >= {}", self.inputs[j], fmt(b.lo[j]));
            }
            if b.hi[j] != a.hi[j] {
                return format!("{} <= {}", self.inputs[j], fmt(b.hi[j]));
            }
        }
        String::new()
    }

    fn heading(&self) -> String {
        let hits = self.y.iter().filter(|&&b| b).count();
        format!(
            "{}{}{}: {} of {} ({:.1}%)",
            self.condition.describe(),
            self.policy
                .as_ref()
                .map_or(String::new(), |p| format!(" under policy `{p}`")),
            if self.mixed_policies > 1 {
                format!(
                    " over the rows of all {} policies (--policy ID for one)",
                    self.mixed_policies
                )
            } else {
                String::new()
            },
            thousands(hits as u64),
            count(self.y.len() as u64, "point", "points"),
            100.0 * hits as f64 / self.y.len().max(1) as f64
        )
    }

    /// The Wilson 95% intervals of a box's coverage (its cases of interest among all of
    /// them) and density (among its points): [`INTERVAL_NOTE`].
    fn intervals(&self, b: &PrimBox) -> (crate::stats::Proportion, crate::stats::Proportion) {
        let all = self.y.iter().filter(|&&c| c).count();
        (
            crate::stats::wilson(b.hits as u64, all as u64),
            crate::stats::wilson(b.hits as u64, b.n as u64),
        )
    }

    /// A box's figures as the box line (terminal and page) says them: "coverage C [lo, hi],
    /// density D [lo, hi], mass M (n points, k cases of interest)".
    fn figures(&self, b: &PrimBox) -> String {
        let (c, d) = self.intervals(b);
        format!(
            "coverage {:.3} {}, density {:.3} {}, mass {:.3} ({}, {})",
            b.coverage,
            bracket(c),
            b.density,
            bracket(d),
            b.mass,
            count(b.n as u64, "point", "points"),
            count(b.hits as u64, "case of interest", "cases of interest")
        )
    }

    /// What a reader of box `k` (0-based) must know to read its figures: a later box is
    /// found among the points the earlier boxes left, so its points and cases are counted
    /// there (its ranges, applied to all the data, hold more); and a box whose density is no
    /// higher than the share of cases of interest among the points it was found in does not
    /// concentrate them (PRIM chose it for coverage and mass).
    fn box_notes(&self, k: usize, f: &prim::Found) -> Vec<String> {
        let mut notes = Vec::new();
        if k > 0 {
            notes.push(format!(
                "(found among the {} and {} outside box{} {}: its points and cases are counted \
                 there; its ranges applied to all the data hold more)",
                count(f.eligible as u64, "point", "points"),
                count(
                    f.eligible_hits as u64,
                    "case of interest",
                    "cases of interest"
                ),
                if k == 1 { "" } else { "es" },
                (1..=k)
                    .map(|i| i.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if f.eligible > 0 {
            let base = f.eligible_hits as f64 / f.eligible as f64;
            if f.pasted.density <= base {
                notes.push(format!(
                    "(its density {:.3} is no higher than the share of cases of interest among \
                     the points it was found in, {:.3}: it does not concentrate them)",
                    f.pasted.density, base
                ));
            }
        }
        notes
    }

    /// The terminal text: the boxes, then each box's peeling trajectory.
    pub fn text(&self) -> String {
        let mut t = String::new();
        let _ = writeln!(
            t,
            "Scenario discovery (PRIM; alpha {}, minimum mass {}): {}",
            crate::sweep::spec::compact(self.options.alpha),
            crate::sweep::spec::compact(self.options.min_mass),
            self.heading()
        );
        if let Some(n) = &self.note {
            let _ = writeln!(t, "{n}");
        }
        if self.found.is_empty() {
            let _ = writeln!(t, "no case of interest: no box");
            return t;
        }
        for (k, f) in self.found.iter().enumerate() {
            let b = &f.pasted;
            let _ = writeln!(
                t,
                "\nbox {} (peeling step {} of {}, then pasted): {}",
                k + 1,
                f.chosen,
                f.trajectory.len() - 1,
                self.figures(b)
            );
            for line in self.box_notes(k, f) {
                let _ = writeln!(t, "  {line}");
            }
            if b.restricted().is_empty() {
                let _ = writeln!(t, "  no restriction: the cases of interest are everywhere");
            } else {
                let w = self
                    .inputs
                    .iter()
                    .map(String::len)
                    .max()
                    .unwrap_or(9)
                    .max(9);
                let _ = writeln!(
                    t,
                    "  {:<w$}  {:>10}  {:>10}  {:>23}  {:>8}",
                    "parameter", "from", "to", "range in the data", "quasi-p"
                );
                for &(j, p) in &f.quasi_p {
                    let (lo, hi) = self.limits(b, j);
                    let (dlo, dhi) = self.range(j);
                    let _ = writeln!(
                        t,
                        "  {:<w$}  {:>10}  {:>10}  {:>23}  {:>8.1e}",
                        self.inputs[j],
                        fmt(lo),
                        fmt(hi),
                        format!("[{}, {}]", fmt(dlo), fmt(dhi)),
                        p
                    );
                }
            }
        }
        let _ = writeln!(t, "\n{INTERVAL_NOTE}");
        if self.found.iter().any(|f| !f.quasi_p.is_empty()) {
            let _ = writeln!(t, "\n{QUASI_P_NOTE}");
        }
        for (k, f) in self.found.iter().enumerate() {
            let _ = writeln!(
                t,
                "\npeeling trajectory of box {} ({}, {}):\n  {:>4}  {:>6}  {:>8}  {:>16}  {:>7}  {:>16}  {:>6}  {:>10}  peeled",
                k + 1,
                count(f.eligible as u64, "point", "points"),
                count(f.eligible_hits as u64, "case", "cases"),
                "step",
                "points",
                "coverage",
                "95% interval",
                "density",
                "95% interval",
                "mass",
                "restricted"
            );
            for (s, b) in f.trajectory.iter().enumerate() {
                let peeled = if s == 0 {
                    String::new()
                } else {
                    self.peeled(&f.trajectory[s - 1], b)
                };
                let (c, d) = self.intervals(b);
                let _ = writeln!(
                    t,
                    "  {:>4}  {:>6}  {:>8.3}  {:>16}  {:>7.3}  {:>16}  {:>6.3}  {:>10}  {}{}",
                    s,
                    b.n,
                    b.coverage,
                    bracket(c),
                    b.density,
                    bracket(d),
                    b.mass,
                    b.restricted().len(),
                    peeled,
                    if s == f.chosen { "   <- chosen" } else { "" }
                );
            }
        }
        t
    }

    /// A self-contained HTML page: the trade-off chart and the boxes.
    #[cfg(feature = "html")]
    pub fn html(&self, source: &str) -> String {
        let points: Vec<Vec<(f64, f64)>> = self
            .found
            .iter()
            .map(|f| {
                f.trajectory
                    .iter()
                    .map(|b| (b.coverage, b.density))
                    .collect()
            })
            .collect();
        let labels: Vec<String> = (1..=self.found.len()).map(|k| format!("box {k}")).collect();
        let series: Vec<Trajectory<'_>> = self
            .found
            .iter()
            .enumerate()
            .map(|(k, f)| Trajectory {
                label: &labels[k],
                points: &points[k],
                chosen: f.chosen,
            })
            .collect();
        let body = html! {
            h1 { "Scenario discovery" }
            p class="lead" {
                (self.heading()) " in " code { (source) } "; PRIM with alpha " (crate::sweep::spec::compact(self.options.alpha))
                " and minimum mass " (crate::sweep::spec::compact(self.options.min_mass)) "."
            }
            @if let Some(n) = &self.note {
                p class="note" { strong { (n) } }
            }
            (figure(
                "tradeoff",
                charts::tradeoff("Coverage and density along the peeling trajectory", &series),
                "Each point is a box of the \
                 peeling trajectory: peeling moves from the right (every point, full coverage) \
                 towards higher density. The ringed point is the chosen box, before \
                 pasting.",
            ))
            @for (k, f) in self.found.iter().enumerate() {
                @let b = &f.pasted;
                h2 { "Box " (k + 1) }
                p {
                    (format!(
                        "{}; peeling step {} of {}, then pasted.",
                        self.figures(b),
                        f.chosen,
                        f.trajectory.len() - 1
                    ))
                }
                @for line in self.box_notes(k, f) {
                    p class="note" { (line) }
                }
                table {
                    tr {
                        th { "parameter" } th class="n" { "from" } th class="n" { "to" }
                        th class="n" { "range in the data" } th class="n" { "quasi-p" }
                    }
                    @for &(j, p) in &f.quasi_p {
                        @let (lo, hi) = self.limits(b, j);
                        @let (dlo, dhi) = self.range(j);
                        tr {
                            td { (self.inputs[j]) } td class="n" { (fmt(lo)) } td class="n" { (fmt(hi)) }
                            td class="n" { "[" (fmt(dlo)) ", " (fmt(dhi)) "]" }
                            td class="n" { (format!("{p:.1e}")) }
                        }
                    }
                }
            }
            p { (INTERVAL_NOTE) }
            @if self.found.iter().any(|f| !f.quasi_p.is_empty()) {
                p { (QUASI_P_NOTE) }
            }
            (signature())
        };
        page("deter: scenario discovery", body)
    }
}

/// What the intervals of scenario discovery's coverage and density are, said under the boxes
/// (terminal and page).
pub const INTERVAL_NOTE: &str = "[lo, hi] beside a coverage or a density: its Wilson 95% \
interval, the share taken as a binomial proportion over the points (coverage: the box's cases \
of interest among all of them; density: among the box's points), as deter gives every share \
of a sample. It is the error of having this many points drawn over the parameters; it leaves \
out the search that chose the box on these same points (a box's figures on new points tend to \
be lower) and the Monte Carlo error of each point's outcome, estimated from its runs (a point \
near the threshold can fall on either side).";

/// `[lo, hi]` of a share at three decimals, as the coverage and density beside it.
fn bracket(p: crate::stats::Proportion) -> String {
    format!("[{:.3}, {:.3}]", p.lo, p.hi)
}

/// What the `quasi-p` column of scenario discovery is, said under the boxes (terminal and
/// page): the computation is [`prim::quasi_p_values`].
pub const QUASI_P_NOTE: &str = "quasi-p: for each restricted parameter, the binomial \
probability of at least the box's cases of interest among its points if the box had the \
density it has with that restriction removed (PRIM's quasi-p-value: Bryant & Lempert 2010, \
as in the EMA Workbench). Small (below about 0.05): the restriction matters; large: it adds \
little and the box reads as well without it. \"Quasi\" because the box was found by \
searching these same points, so it is not a significance test: read it as a ranking of \
restrictions, not as a p-value.";

/// A CSV number without float noise: `v` rounded to 12 significant digits (far finer than
/// the Monte Carlo error of any probability a sweep can estimate, and finer than the
/// results file's own values), printed in the shortest form that reads back as that value.
/// A mean or a regret of probabilities such as 0.05 and 0.98 prints as `0.05` and `0.98`,
/// not `0.050000000000000044` and `0.9799999999999977`. A pure function of `v`: the bytes
/// stay reproducible.
fn csv_number(v: f64) -> String {
    if !v.is_finite() {
        return format!("{v}");
    }
    let rounded: f64 = format!("{v:.11e}").parse().unwrap_or(v);
    // `+ 0.0` turns a negative zero into zero.
    format!("{}", rounded + 0.0)
}

/// Four significant digits, no trailing noise; from a million up and under 1e-4 in scientific
/// notation (`1.798e308`, `5e-324`, not a number of 309 digits or 327 decimals).
fn fmt(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    // Huge and tiny alike in exponent form: `5e-324` was printed with 327 decimals.
    if v.abs() >= 1e6 || v.abs() < 1e-4 {
        let s = format!("{v:.3e}");
        let (mantissa, exponent) = s.split_once('e').unwrap_or((&s, "0"));
        let mantissa = if mantissa.contains('.') {
            mantissa.trim_end_matches('0').trim_end_matches('.')
        } else {
            mantissa
        };
        return format!("{mantissa}e{exponent}");
    }
    let digits = (3 - v.abs().log10().floor() as i32).max(0) as usize;
    let s = format!("{v:.digits$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// Scenario discovery on a results file: the rows (of `policy`, if given) whose `condition`
/// holds are the cases of interest; the inputs are the parameter columns (or `inputs`).
/// `completeness` ([`Results::completeness`]): partial or unchecked results are analysed with
/// a statement under the title ([`Discovery::note`]); a `regret_OUTCOME` condition over
/// partial results is refused (it compares policies within each future).
/// Err: a message naming what is wrong (the CLI adds the flag).
#[allow(clippy::too_many_arguments)] // each is one of `deter discover`'s independent options
pub fn discover(
    results: &Results,
    condition: Condition,
    policy: Option<&str>,
    inputs: Option<&[String]>,
    options: prim::PrimOptions,
    boxes: usize,
    select: prim::Selection,
    completeness: &Completeness,
) -> Result<Discovery, DiscoverError> {
    // Partial results still show where the points run have their cases (said under the
    // title); regret compares policies within each future, so a policy not run would
    // understate every other's: refused.
    let note = match completeness {
        Completeness::Complete => None,
        Completeness::Unknown(c) => Some(c.clone()),
        Completeness::Incomplete(m) => {
            if condition.column.starts_with("regret_") {
                return Err(DiscoverError::Outcome(Refusal::Other(format!(
                    "`{}` is the gap to the best policy in each future, so it needs every \
                     policy's rows: {m}",
                    condition.column
                ))));
            }
            Some(format!(
                "PARTIAL RESULTS: {m}. The boxes describe only the points in the file."
            ))
        }
    };
    let values = results
        .outcome(&condition.column)
        .map_err(DiscoverError::Outcome)?;
    let mut keep: Vec<usize> = (0..results.rows.len()).collect();
    if let Some(p) = policy {
        let pc = results.column("policy").ok_or_else(|| {
            DiscoverError::Policy(Refusal::Other(
                "the results have no `policy` column".to_string(),
            ))
        })?;
        keep.retain(|&i| results.rows[i][pc] == p);
        if keep.is_empty() {
            // Each policy once, in the order of the rows: the list `robust --status-quo`
            // gives for the same fault.
            let mut names: Vec<&str> = Vec::new();
            for r in &results.rows {
                if !names.contains(&r[pc].as_str()) {
                    names.push(r[pc].as_str());
                }
            }
            let incomplete = match completeness {
                Completeness::Incomplete(m) => format!(" ({m})"),
                _ => String::new(),
            };
            return Err(DiscoverError::Policy(Refusal::unknown(
                p,
                format!(
                    "`{p}` is not a policy of the results ({}){incomplete}",
                    names.join(", ")
                ),
                names.iter().copied(),
            )));
        }
    }
    let cols: Vec<usize> = match inputs {
        None => results.inputs(),
        Some(names) => {
            let all = results.inputs();
            let mut out = Vec::new();
            for n in names {
                match results.column(n).filter(|c| all.contains(c)) {
                    Some(c) => out.push(c),
                    None => {
                        // The parameter columns listed, as `--outcome` lists the outcomes.
                        let names: Vec<String> = all
                            .iter()
                            .map(|&c| format!("`{}`", results.columns[c]))
                            .collect();
                        let list = format!("parameter columns: {}", names.join(", "));
                        let message = if n.is_empty() {
                            format!(
                                "expected a parameter column's name, found an empty name; {list}"
                            )
                        } else {
                            format!("`{n}` is not a parameter column of these results; {list}")
                        };
                        return Err(DiscoverError::Inputs(Refusal::unknown(
                            n,
                            message,
                            all.iter().map(|&c| results.columns[c].as_str()),
                        )));
                    }
                }
            }
            out
        }
    };
    if cols.is_empty() {
        return Err(DiscoverError::Inputs(Refusal::Other(
            "the results have no numeric parameter column to explain the cases with".into(),
        )));
    }
    let x: Vec<Vec<f64>> = cols
        .iter()
        .map(|&c| {
            let all = results.numeric(c).unwrap_or_default();
            keep.iter().map(|&i| all[i]).collect()
        })
        .collect();
    let y: Vec<bool> = keep
        .iter()
        .map(|&i| condition.op.holds(values[i], condition.value))
        .collect();
    // No case of interest: nothing is peeled, so a chosen step has no peeling to be a step
    // of; refused as a step past a peeling's end is, rather than ignored.
    if matches!(select, prim::Selection::Step(_)) && !y.contains(&true) {
        return Err(DiscoverError::NoPeeling(format!(
            "{} of interest ({})",
            match y.len() {
                1 => "the one point is not a case".to_string(),
                n => format!(
                    "none of the {} is a case",
                    count(n as u64, "point", "points")
                ),
            },
            condition.describe()
        )));
    }
    let data = prim::Data { x: &x, y: &y };
    let found = prim::discover(&data, &options, boxes, select).map_err(DiscoverError::Step)?;
    let mixed_policies = match (policy, results.column("policy")) {
        (None, Some(pc)) => {
            let mut ids: Vec<&str> = results.rows.iter().map(|r| r[pc].as_str()).collect();
            ids.sort_unstable();
            ids.dedup();
            ids.len()
        }
        _ => 0,
    };
    Ok(Discovery {
        note,
        mixed_policies,
        condition,
        policy: policy.map(str::to_string),
        inputs: cols.iter().map(|&c| results.columns[c].clone()).collect(),
        x,
        y,
        options,
        found,
    })
}

/// What [`discover`] refuses, by the option at fault. The first three carry a
/// [`Refusal`]: a cell of the results the option makes the analysis read
/// ([`Refusal::Cell`], its file, line, column and column name), a name the results do not
/// hold with its did-you-mean ([`Refusal::Unknown`]), or another reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DiscoverError {
    /// The outcome of the condition (`--outcome` or `--where`).
    #[error("{0}")]
    Outcome(Refusal),
    /// `--policy`.
    #[error("{0}")]
    Policy(Refusal),
    /// `--inputs`.
    #[error("{0}")]
    Inputs(Refusal),
    /// `--step` past the last step of a box's peeling.
    #[error(
        "step {} is past the last step ({}) of box {}'s peeling",
        .0.step,
        .0.last,
        .0.box_number
    )]
    Step(prim::StepOutOfRange),
    /// A step was chosen (`--step`) but no box was peeled: why (no case of interest).
    #[error("no box was peeled: {0}")]
    NoPeeling(String),
}

/// The robustness table: text for the terminal and CSV to save beside the results.
#[derive(Debug, Clone, PartialEq)]
pub struct RobustnessReport {
    pub table: String,
    pub csv: String,
    /// The HTML page (from [`robustness`]; None from [`robustness_table`]).
    pub html: Option<String>,
}

/// Robustness of every policy on every headline outcome of a levers x futures results file,
/// ranked per outcome by maximum regret (then 90th-percentile regret, then mean).
/// `thresholds`: (outcome, value) for the satisficing share. `status_quo`: the policy that is
/// the base scenario as it is (the context the others are judged against): shown for
/// reference, not ranked; `None` picks one by [`status_quo_by_name`]. `completeness`: what
/// the sweep's record says of the results ([`Results::completeness`]): incomplete results are
/// refused (its message), unchecked ones are ranked with its statement under the title.
/// `recorded_base`: the policy the sweep's record says is the base scenario as it is, the
/// status quo when `status_quo` is `None`; a status quo chosen otherwise is labelled as chosen.
pub fn robustness(
    results: &Results,
    thresholds: &[(String, f64)],
    source: &str,
    (status_quo, recorded_base): (Option<&str>, Option<&str>),
    completeness: &Completeness,
) -> Result<RobustnessReport, RobustnessError> {
    // Regret is the gap to the best policy in each future: a policy not run changes every
    // other's regret and drops out of the ranking, so incomplete results are refused.
    if let Completeness::Incomplete(m) = completeness {
        return Err(RobustnessError::Results(Refusal::Other(m.clone())));
    }
    check_thresholds(thresholds).map_err(RobustnessError::Threshold)?;
    let mut tables: Vec<(&str, Vec<Vec<f64>>)> = Vec::new();
    let mut names = None;
    for o in OUTCOMES {
        let Some(c) = results.column(&format!("{o}_p")) else {
            continue;
        };
        // Every cell a number (a share of runs out of [0, 1] is refused on reading).
        results.numeric(c).map_err(RobustnessError::Results)?;
        let m = results.matrix(c).map_err(RobustnessError::Results)?;
        names.get_or_insert((m.policies, m.futures.len()));
        tables.push((o, m.values));
    }
    // The runs behind each probability (a results file without a `runs` column: the Monte
    // Carlo error is not shown, and the table says so).
    let runs = match results.column("runs") {
        Some(c) => {
            results.numeric(c).map_err(RobustnessError::Results)?;
            results.matrix(c).map_err(RobustnessError::Results)?.values
        }
        None => Vec::new(),
    };
    let Some((policies, futures)) = names else {
        return Err(RobustnessError::Results(Refusal::Other(
            "the results have no headline outcome column (`use_of_force_p`, ...)".into(),
        )));
    };
    // Robustness compares policies within each future: one policy has nothing to be compared
    // with. A levers x futures sweep stopped during its first policy leaves exactly such a
    // file (every row of one policy, each in a future of its own), and a results file does
    // not record how many futures its design had, so the count of policies is what shows it.
    if policies.len() < 2 && *completeness == Completeness::Complete {
        return Err(RobustnessError::Results(Refusal::Other(format!(
            "the sweep has only one policy (`{}`, in {futures} futures): robustness compares \
             policies within each future; add policies to the sweep",
            policies[0]
        ))));
    }
    if policies.len() < 2 {
        return Err(RobustnessError::Results(Refusal::Other(format!(
            "the results have only one policy (`{}`, in {futures} futures): robustness \
             compares policies within each future (an incomplete sweep? a levers x futures \
             sweep stopped during its first policy leaves such a file; complete it with \
             `deter sweep SWEEP --out RESULTS --resume`)",
            policies[0]
        ))));
    }
    // `""`: the record says no policy is the base scenario as it is.
    let recorded_base = recorded_base.filter(|b| b.is_empty() || policies.iter().any(|p| p == b));
    let status_quo_flag = status_quo;
    let status_quo = match status_quo.or(recorded_base) {
        // `--status-quo ""`: rank every row.
        Some("") => None,
        Some(id) => Some(policies.iter().position(|p| p == id).ok_or_else(|| {
            RobustnessError::StatusQuo(Refusal::unknown(
                id,
                format!(
                    "`{id}` is not a policy of the results ({})",
                    policies.join(", ")
                ),
                policies.iter().map(String::as_str),
            ))
        })?),
        None => {
            // A results file does not record which policy is the base scenario as it is:
            // taken by its name, and said so; two candidates are refused, not guessed.
            let named: Vec<&str> = policies
                .iter()
                .filter(|p| STATUS_QUO_IDS.contains(&p.as_str()))
                .map(String::as_str)
                .collect();
            if named.len() > 1 {
                return Err(RobustnessError::StatusQuo(Refusal::Other(format!(
                    "more than one policy is named like a status quo ({}); name the one that \
                     is the base scenario as it is with --status-quo ID, or rank every policy \
                     with --status-quo \"\"",
                    named
                        .iter()
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ))));
            }
            status_quo_by_name(&policies)
        }
    };
    // What the status quo is, after its id: the base scenario as it is only when the record
    // says so (or, taken by its name, with the note saying how it was taken).
    let label = match (status_quo_flag, status_quo, recorded_base) {
        (Some(_), Some(q), Some(b)) if policies[q] != b => format!(
            "chosen with --status-quo; the base scenario as it is is `{b}`, by the sweep's record"
        ),
        (Some(_), Some(_), None) => {
            "chosen with --status-quo; the results do not say which policy is the base scenario as it is".into()
        }
        // By the sweep's record: in the words of the sweep's own table.
        (_, Some(_), Some(_)) => "the base scenario as it is".into(),
        // Taken by its name (`baseline`, ...): the note under the title says how; the
        // results alone do not say that it is the base scenario as it is.
        (None, Some(_), None) => "taken by its name".into(),
        _ => "the base scenario as it is".into(),
    };
    let chosen_note = match (status_quo_flag.or(recorded_base), status_quo) {
        (None, Some(q)) => Some(format!(
            "(`{}` is taken as the status quo by its name: the results do not say which \
             policy is the base scenario as it is; --status-quo ID names another, \
             --status-quo \"\" ranks every policy)",
            policies[q]
        )),
        (None, None) => Some(format!(
            "No status quo: every policy is ranked (none is named {}, and the results do not \
             say which policy is the base scenario as it is; --status-quo ID names it)",
            status_quo_names()
        )),
        _ => None,
    };
    // Results without a record: ranked, and said so under the title.
    let note = match (chosen_note, completeness) {
        (n, Completeness::Unknown(c)) => Some(n.map_or_else(|| c.clone(), |n| format!("{n}\n{c}"))),
        (n, _) => n,
    };
    let note = note.as_deref();
    let status_quo = status_quo.map(|q| (q, label.as_str()));
    let inputs = Robustness {
        policies: &policies,
        futures,
        tables: &tables,
        runs: &runs,
        thresholds,
        status_quo,
        status_quo_note: note,
    };
    #[cfg_attr(not(feature = "html"), allow(unused_mut))]
    let mut report = robustness_table(&inputs);
    #[cfg(feature = "html")]
    {
        report.html = Some(robustness_html(&inputs, source));
    }
    #[cfg(not(feature = "html"))]
    let _ = source;
    Ok(report)
}

/// What [`robustness`] refuses, by what is at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RobustnessError {
    /// A threshold's outcome (`--threshold`): not a headline outcome, with its did-you-mean.
    #[error("{0}")]
    Threshold(Refusal),
    /// The status quo (`--status-quo`): not a policy of the results (with its did-you-mean),
    /// or more than one policy named like one.
    #[error("--status-quo: {0}")]
    StatusQuo(Refusal),
    /// The results file: a cell the table reads ([`Refusal::Cell`]), or results that are
    /// not a complete levers x futures file of two policies or more with an outcome column.
    #[error("{0}")]
    Results(Refusal),
}

/// The ids that name the status quo when a results file does not say which policy it is:
/// `baseline`, `base`, `status-quo`, `status_quo` (the first that a policy carries, in this
/// order of the policies). A sweep knows it: the policy with neither `file` nor `set`.
pub const STATUS_QUO_IDS: [&str; 4] = ["baseline", "base", "status-quo", "status_quo"];

/// `baseline, base, status-quo or status_quo`: [`STATUS_QUO_IDS`] in a sentence.
fn status_quo_names() -> String {
    let (last, rest) = STATUS_QUO_IDS.split_last().expect("four names");
    format!("{} or {last}", rest.join(", "))
}

/// The index of the policy named like a status quo ([`STATUS_QUO_IDS`]), if any.
pub fn status_quo_by_name(policies: &[String]) -> Option<usize> {
    policies
        .iter()
        .position(|p| STATUS_QUO_IDS.contains(&p.as_str()))
}

/// Whether outcome `o` is context, not an objective ([`crate::outputs::Event::context`]: the
/// crisis opportunity): robustness does not rank policies on it.
pub fn is_context(o: &str) -> bool {
    crate::outputs::EVENTS
        .iter()
        .any(|e| e.key == o && e.context)
}

/// The line saying which outcomes of `tables` are context and not ranked (None if none is).
fn context_note(tables: &[(&str, Vec<Vec<f64>>)]) -> Option<String> {
    let context: Vec<String> = tables
        .iter()
        .filter(|(o, _)| is_context(o))
        .map(|(o, _)| format!("`{o}`"))
        .collect();
    (!context.is_empty()).then(|| {
        format!(
            "Not ranked: {} (context: how often the challenger could escalate, not an objective a policy should minimise)",
            context.join(", ")
        )
    })
}

/// Every threshold names a headline outcome (else the unknown name with its did-you-mean).
pub fn check_thresholds(thresholds: &[(String, f64)]) -> Result<(), Refusal> {
    // Only the outcomes robustness ranks are named and suggested: a context outcome
    // (`crisis`) is refused below, so suggesting it would send the user to a second refusal.
    let ranked: Vec<&str> = OUTCOMES.into_iter().filter(|o| !is_context(o)).collect();
    for (o, _) in thresholds {
        if is_context(o) {
            return Err(Refusal::Unknown {
                name: o.clone(),
                message: format!(
                    "`{o}` is context (how often the challenger could escalate), not an objective: robustness does not rank policies on it, so a threshold for it is never used"
                ),
                suggestion: None,
            });
        }
        if !ranked.contains(&o.as_str()) {
            return Err(Refusal::unknown(
                o,
                format!(
                    "`{o}` is not a headline outcome robustness ranks ({})",
                    ranked.join(", ")
                ),
                ranked.iter().copied(),
            ));
        }
    }
    Ok(())
}

/// An outcome's label, as `deter run` shows it ([`crate::outputs::EVENTS`]): `use of force
/// (MID >= 4)` for `use_of_force`; the key itself if it is not an event's.
fn outcome_label(o: &str) -> &str {
    crate::outputs::EVENTS
        .iter()
        .find(|e| e.key == o)
        .map_or(o, |e| e.label)
}

/// The heading of the column of one future's Monte Carlo 95% half-width (root mean square
/// over futures): after the percentiles, away from the mean, whose own error it is not.
const ONE_FUTURE_MC: &str = "1-future MC+-";

/// A Monte Carlo 95% half-width in percentage points: `0.0596` -> `+-6.0`.
fn plus_minus(x: f64) -> String {
    format!("+-{}", crate::report::percent(x, 1))
}

/// What the satisficing column (named `column` as the table or page heads it) counts, for a
/// table or page with a threshold on a ranked outcome (None without one): a share of
/// futures, not of runs.
fn satisficing_note(
    tables: &[(&str, Vec<Vec<f64>>)],
    thresholds: &[(String, f64)],
    column: &str,
) -> Option<String> {
    thresholds
        .iter()
        .any(|(o, _)| tables.iter().any(|(t, _)| t == o && !is_context(t)))
        .then(|| {
            format!(
                "Satisficing: {column} is the share of futures in which the policy's \
                 probability meets the threshold (% of futures, not of runs)"
            )
        })
}

/// The line under a robustness table's title saying how many runs each probability rests on
/// and what the Monte Carlo columns and the `~` mark are.
fn mc_note(runs: &[Vec<f64>]) -> String {
    let all = runs.iter().flatten().copied();
    let (lo, hi) = all.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), n| {
        (lo.min(n), hi.max(n))
    });
    if runs.is_empty() || !lo.is_finite() {
        return "Monte Carlo error: not shown (the results have no `runs` column)".into();
    }
    // Counts of runs as every table writes them (1,000).
    let count = |x: f64| crate::report::table::thousands(x as u64);
    let n = if lo == hi && lo == 1.0 {
        "1 run".to_string()
    } else if lo == hi {
        format!("{} runs", count(lo))
    } else {
        format!("{} to {} runs", count(lo), count(hi))
    };
    format!(
        "Monte Carlo error: each probability rests on {n} per future. {ONE_FUTURE_MC} (95% \
         half-width, pp, Wilson score interval): that of one future's probability (root mean \
         square over futures), not the error of the mean over futures, which is far smaller; \
         MC +- after max regret: that of the regret (the two probabilities' half-widths in \
         quadrature). ~ after a rank: not separable by Monte Carlo error from the policy \
         ranked above (docs/SWEEPS.md)"
    )
}

/// For each row of `order` (print order): `Some(true)` when its maximum regret is within
/// Monte Carlo error of the ranked row above it ([`robust::separable`]), `Some(false)` when
/// it is not, `None` for the first ranked row, the status quo, or no error known.
fn within_mc_error(
    order: &[(Option<usize>, usize)],
    rb: &[robust::Robustness],
    mc: Option<&[robust::McError]>,
) -> Vec<Option<bool>> {
    let Some(mc) = mc else {
        return vec![None; order.len()];
    };
    let mut above: Option<usize> = None;
    order
        .iter()
        .map(|&(rank, p)| {
            rank?;
            let w = above
                .map(|a| !robust::separable((rb[a].max_regret, mc[a]), (rb[p].max_regret, mc[p])));
            above = Some(p);
            w
        })
        .collect()
}

/// A probability as a percentage of runs, one decimal: `0.315` -> `31.5%` (rounded as every
/// table rounds, [`crate::report::percent`]: half away from zero on the value's decimal).
fn percent(x: f64) -> String {
    format!("{}%", crate::report::percent(x, 1))
}

/// A difference of probabilities in percentage points, one decimal: `0.38` -> `38.0 pp`.
fn points(x: f64) -> String {
    format!("{} pp", crate::report::percent(x, 1))
}

/// The rows of one outcome's table in print order: the policies ranked (rank from 1), then
/// the status quo (rank `None`), which is shown for reference and not ranked. The status quo
/// still counts as an option when finding each future's best policy (doing nothing is one).
fn print_order(
    rb: &[robust::Robustness],
    dir: Direction,
    status_quo: Option<usize>,
) -> Vec<(Option<usize>, usize)> {
    let mut rows: Vec<(Option<usize>, usize)> = robust::rank(rb, dir)
        .into_iter()
        .filter(|&p| Some(p) != status_quo)
        .enumerate()
        .map(|(r, p)| (Some(r + 1), p))
        .collect();
    rows.extend(status_quo.map(|p| (None, p)));
    rows
}

/// What a robustness table and its page are made of: `policies` over `futures` futures,
/// for each (outcome, values) of `tables` the values `values[p][f]` (policies x futures),
/// probabilities between 0 and 1; `runs[p][f]`, the runs behind each probability (policies x
/// futures; empty when unknown), for the Monte Carlo error ([`robust::mc_errors`]); the
/// satisficing `thresholds`; the status quo's index and what it is (`the base scenario as it
/// is`), and `status_quo_note`, how it was chosen (a line under the header, the end of the
/// page's lead paragraph).
#[derive(Debug, Clone, Copy)]
pub struct Robustness<'a> {
    pub policies: &'a [String],
    pub futures: usize,
    pub tables: &'a [(&'a str, Vec<Vec<f64>>)],
    pub runs: &'a [Vec<f64>],
    pub thresholds: &'a [(String, f64)],
    pub status_quo: Option<(usize, &'a str)>,
    pub status_quo_note: Option<&'a str>,
}

/// The robustness table of `r` ([`Robustness`]). The text and the page show probabilities
/// as percentages of runs and regrets in percentage points; the CSV keeps probabilities (as
/// every deter CSV), with `rank` empty and `status_quo` 1 on the status quo's row.
pub fn robustness_table(r: &Robustness<'_>) -> RobustnessReport {
    let Robustness {
        policies,
        futures,
        tables,
        runs,
        thresholds,
        status_quo,
        status_quo_note,
    } = *r;
    // The status quo's index, and what it is (`the base scenario as it is`).
    let (status_quo, label) = status_quo.map_or((None, ""), |(q, l)| (Some(q), l));
    let mut table = String::new();
    let mut csv = String::from(
        "outcome,rank,policy,futures,mean,p10,p90,max_regret,p90_regret,threshold,satisficing,status_quo,\
         one_future_probability_mc95_halfwidth,max_regret_mc95_halfwidth,within_mc_error_of_above\n",
    );
    let ranked = policies.len() - usize::from(status_quo.is_some());
    let _ = writeln!(
        table,
        "Robustness of {ranked} {}{} across {futures} futures: each outcome's probability over \
         the horizon (% of runs), its mean and 10th-90th percentile over futures; regret: \
         percentage points (pp) behind the best policy in the same future; ranked by maximum \
         regret",
        if ranked == 1 { "policy" } else { "policies" },
        if status_quo.is_some() {
            " and the status quo"
        } else {
            ""
        },
    );
    if let Some(q) = status_quo {
        let _ = writeln!(
            table,
            "Status quo `{}` ({label}): shown under each ranking for reference, \
             not ranked; it counts as an option when finding each future's best",
            policies[q]
        );
    }
    if let Some(note) = status_quo_note {
        let _ = writeln!(table, "{note}");
    }
    if let Some(line) = context_note(tables) {
        let _ = writeln!(table, "{line}");
    }
    let _ = writeln!(table, "{}", mc_note(runs));
    let column = "the column headed <=THRESHOLD (>= for an outcome where higher is better)";
    if let Some(line) = satisficing_note(tables, thresholds, column) {
        let _ = writeln!(table, "{line}");
    }
    for (o, m) in tables.iter().filter(|(o, _)| !is_context(o)) {
        let o = *o;
        let dir = Direction::of_outcome(o);
        let threshold = thresholds.iter().rev().find(|(n, _)| n == o).map(|t| t.1);
        let rb = robust::robustness(m, dir, threshold);
        let mc = (!runs.is_empty()).then(|| robust::mc_errors(m, runs, dir));
        let order = print_order(&rb, dir, status_quo);
        let within = within_mc_error(&order, &rb, mc.as_deref());
        let w = policies.iter().map(String::len).max().unwrap_or(6).max(6);
        let sat_head = threshold.map_or(String::new(), |t| {
            format!(
                "  {:>10}",
                format!(
                    "{}{}",
                    if dir == Direction::LowerIsBetter {
                        "<="
                    } else {
                        ">="
                    },
                    percent(t)
                )
            )
        });
        let _ = writeln!(
            table,
            "\n{} ({} is better)\n  {:<4} {:<w$} {:>7} {:>7} {:>7} {:>13} {:>10} {:>7} {:>10}{sat_head}",
            outcome_label(o),
            if dir == Direction::LowerIsBetter {
                "lower"
            } else {
                "higher"
            },
            "rank",
            "policy",
            "mean",
            "p10",
            "p90",
            ONE_FUTURE_MC,
            "max regret",
            "MC +-",
            "p90 regret"
        );
        for (i, &(rank, p)) in order.iter().enumerate() {
            let r = &rb[p];
            let e = mc.as_ref().map(|e| e[p]);
            let sat = r.satisficing.map_or(String::new(), |s| {
                format!("  {:>10}", crate::report::share_percent(s))
            });
            let shown_rank = match (rank, within[i]) {
                (Some(r), Some(true)) => format!("{r}~"),
                (Some(r), _) => r.to_string(),
                (None, _) => "-".to_string(),
            };
            let _ = writeln!(
                table,
                "  {:<4} {:<w$} {:>7} {:>7} {:>7} {:>13} {:>10} {:>7} {:>10}{sat}{}",
                shown_rank,
                policies[p],
                crate::report::share_percent(r.mean),
                crate::report::share_percent(r.p10),
                crate::report::share_percent(r.p90),
                e.map_or("-".into(), |e| plus_minus(e.probability)),
                points(r.max_regret),
                e.map_or("-".into(), |e| plus_minus(e.max_regret)),
                points(r.p90_regret),
                if rank.is_none() {
                    "  (status quo, not ranked)"
                } else {
                    ""
                }
            );
            let _ = writeln!(
                csv,
                "{o},{},{},{futures},{},{},{},{},{},{},{},{},{},{},{}",
                rank.map_or(String::new(), |r| r.to_string()),
                csv_field(&policies[p]),
                csv_number(r.mean),
                csv_number(r.p10),
                csv_number(r.p90),
                csv_number(r.max_regret),
                csv_number(r.p90_regret),
                threshold.map_or(String::new(), |t| t.to_string()),
                r.satisficing.map_or(String::new(), csv_number),
                u8::from(rank.is_none()),
                e.map_or(String::new(), |e| csv_number(e.probability)),
                e.map_or(String::new(), |e| csv_number(e.max_regret)),
                within[i].map_or(String::new(), |w| u8::from(w).to_string()),
            );
        }
        if within.contains(&Some(true)) {
            let _ = writeln!(
                table,
                "  ~ its max regret is within Monte Carlo error of the policy ranked above: \
                 the order of the two is not established (more runs per future would settle it)"
            );
        }
    }
    RobustnessReport {
        table,
        csv,
        html: None,
    }
}

/// A self-contained HTML page of the robustness table of `r`: per outcome, the mean over
/// futures with the 10th-90th percentile range, and the 90th-percentile regret with a whisker
/// to the maximum, policies in rank order and the status quo last, for reference. `source`
/// names the results file; `r.status_quo_note` ends the lead paragraph.
#[cfg(feature = "html")]
pub fn robustness_html(r: &Robustness<'_>, source: &str) -> String {
    let Robustness {
        policies,
        futures,
        tables,
        runs,
        thresholds,
        status_quo,
        status_quo_note,
    } = *r;
    let (status_quo, label) = status_quo.map_or((None, ""), |(q, l)| (Some(q), l));
    let ranked = policies.len() - usize::from(status_quo.is_some());
    let body = html! {
        h1 { "Robustness across futures" }
        p class="lead" {
            (ranked) " " (if ranked == 1 { "policy" } else { "policies" }) " in " (futures)
            " futures of " code { (source) } ": each outcome's probability over the horizon (% of runs); \
             regret is the gap to the best policy in the same future, in percentage points (pp)."
            @if let Some(q) = status_quo {
                " The status quo " code { (policies[q]) } " (" (label) ") is shown last in each \
                 table for reference and is not ranked; it counts as an option when finding each \
                 future's best."
            }
            @if let Some(n) = status_quo_note { " " (n) }
        }
        @if let Some(line) = context_note(tables) {
            p { (line) }
        }
        p { (mc_note(runs)) }
        @if let Some(line) = satisficing_note(tables, thresholds, "the satisficing column (its threshold in brackets)") {
            p { (line) }
        }
        @for (o, m) in tables.iter().filter(|(o, _)| !is_context(o)) {
            (robustness_section(policies, o, m, runs, thresholds, status_quo))
        }
        (signature())
    };
    page("deter: robustness across futures", body)
}

/// The page's last line: the engine's version and the date.
#[cfg(feature = "html")]
fn signature() -> maud::Markup {
    html! {
        p class="lead" {
            "deter " (crate::ENGINE_VERSION) " " (PreEscaped("&middot;")) " " (crate::report::html::today())
        }
    }
}

/// The section of outcome `o` of the robustness page: both charts and the table.
#[cfg(feature = "html")]
fn robustness_section(
    policies: &[String],
    o: &str,
    m: &[Vec<f64>],
    runs: &[Vec<f64>],
    thresholds: &[(String, f64)],
    status_quo: Option<usize>,
) -> maud::Markup {
    let dir = Direction::of_outcome(o);
    let threshold = thresholds.iter().rev().find(|(n, _)| n == o).map(|t| t.1);
    let rb = robust::robustness(m, dir, threshold);
    let order = print_order(&rb, dir, status_quo);
    let mc = (!runs.is_empty()).then(|| robust::mc_errors(m, runs, dir));
    let within = within_mc_error(&order, &rb, mc.as_deref());
    let label = |rank: Option<usize>, p: usize| match rank {
        Some(_) => policies[p].clone(),
        None => format!("{} (status quo)", policies[p]),
    };
    let labels: Vec<String> = order.iter().map(|&(r, p)| label(r, p)).collect();
    // Bars in print order: (bar, whisker low, whisker high) of each policy.
    let bars = |f: &dyn Fn(&robust::Robustness) -> (f64, f64, f64)| -> Vec<charts::Bar<'_>> {
        order
            .iter()
            .zip(&labels)
            .map(|(&(_, p), l)| {
                let (p, lo, hi) = f(&rb[p]);
                charts::Bar {
                    label: l,
                    p,
                    lo,
                    hi,
                }
            })
            .collect()
    };
    let value_bars = bars(&|r| (r.mean, r.p10, r.p90));
    let regret_bars = bars(&|r| (r.p90_regret, r.p90_regret, r.max_regret));
    let better = if dir == Direction::LowerIsBetter {
        "lower"
    } else {
        "higher"
    };
    html! {
        section id=(o) {
            h2 { (outcome_label(o)) " (" (better) " is better)" }
            figure class="chart" {
                (PreEscaped(charts::probability_bars(&format!("{o} over futures"), &value_bars)))
                figcaption { "Bars: the mean over futures; whiskers: 10th to 90th percentile." }
            }
            figure class="chart" {
                (PreEscaped(charts::probability_bars(&format!("regret, {o}"), &regret_bars)))
                figcaption {
                    "Bars: 90th-percentile regret; whiskers: up to the maximum regret \
                     (minimax regret ranks by it)."
                }
            }
            table {
                tr {
                    th { "rank" } th { "policy" }
                    @for h in ["mean", "p10", "p90", ONE_FUTURE_MC, "max regret", "MC +-", "p90 regret", "satisficing"] {
                        th class="n" { (h) }
                    }
                }
                @for (i, &(rank, p)) in order.iter().enumerate() {
                    @let r = &rb[p];
                    @let e = mc.as_ref().map(|e| e[p]);
                    tr {
                        td {
                            @if let Some(rank) = rank { (rank) } @else { (PreEscaped("&ndash;")) }
                            @if within[i] == Some(true) { "~" }
                        }
                        td { (label(rank, p)) }
                        td class="n" { (crate::report::share_percent(r.mean)) }
                        @for x in [r.p10, r.p90] { td class="n" { (crate::report::share_percent(x)) } }
                        td class="n" { (e.map_or("-".into(), |e| plus_minus(e.probability))) }
                        td class="n" { (points(r.max_regret)) }
                        td class="n" { (e.map_or("-".into(), |e| plus_minus(e.max_regret))) }
                        td class="n" { (points(r.p90_regret)) }
                        td class="n" {
                            @if let (Some(x), Some(t)) = (r.satisficing, threshold) {
                                (crate::report::share_percent(x)) " ("
                                (if dir == Direction::LowerIsBetter { "<=" } else { ">=" })
                                " " (percent(t)) ")"
                            }
                        }
                    }
                }
            }
        }
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LXF: &str = "point,policy,future,a,runs,use_of_force_p,war_p,disputes
0,none,0,0.5,10,0.3,0.1,2
1,none,1,0.7,10,0.1,0.2,x
2,envoy,0,0.5,10,0.2,0.1,1
3,envoy,1,0.7,10,0.15,0.7,3
";

    fn discover_lxf(
        column: &str,
        policy: Option<&str>,
        inputs: Option<&[String]>,
    ) -> DiscoverError {
        let r = Results::parse(LXF.as_bytes()).unwrap();
        discover(
            &r,
            Condition {
                column: column.into(),
                op: Op::Above,
                value: 0.2,
            },
            policy,
            inputs,
            prim::PrimOptions {
                alpha: 0.05,
                min_mass: 0.05,
            },
            1,
            prim::Selection::F1,
            &Completeness::Complete,
        )
        .unwrap_err()
    }

    /// The analyses' refusals carry what the command line shows as fields: the name at
    /// fault and its did-you-mean apart from the message, a cell's file, line, column and
    /// column name; no caller parses a message.
    #[test]
    fn refusals_carry_the_suggestion_and_the_cell_as_fields() {
        let e = discover_lxf("use_of_force", Some("envoi"), None);
        let DiscoverError::Policy(Refusal::Unknown {
            name,
            message,
            suggestion,
        }) = e
        else {
            panic!("{e:?}")
        };
        assert_eq!(name, "envoi");
        assert_eq!(
            message,
            "`envoi` is not a policy of the results (none, envoy)"
        );
        assert_eq!(suggestion.as_deref(), Some("envoy"));
        let e = discover_lxf("use_of_force", None, Some(&["b".to_string()]));
        assert!(
            matches!(&e, DiscoverError::Inputs(Refusal::Unknown { name, suggestion: None, .. }) if name == "b"),
            "{e:?}"
        );
        let e = discover_lxf("use_of_forse", None, None);
        assert_eq!(
            e.to_string(),
            "`use_of_forse` is not an outcome of this results file; outcomes: \
             `use_of_force`, `war`, `regret_OUTCOME`, any column after `runs`; did you mean \
             `use_of_force`?"
        );
        // `disputes`' cell `x` on line 3, column 25 (a column of counts, refused where it is
        // used): the diagnostic, not its text.
        let DiscoverError::Outcome(Refusal::Cell(d)) = discover_lxf("disputes", None, None) else {
            panic!()
        };
        assert_eq!(
            (d.file.as_str(), d.line, d.col, d.path.as_str()),
            ("results", 3, 25, "column `disputes`")
        );
        // A share column holding no number is refused when the file is read, at its cell.
        let damaged = LXF.replacen("0.1,0.2,x", "0.1,x,2", 1);
        let e = Results::parse(damaged.as_bytes()).unwrap_err();
        assert!(
            e.to_string().starts_with("results:3:21: column `war_p`:"),
            "{e}"
        );
        let r = Results::parse(LXF.as_bytes()).unwrap();
        let e = robustness(
            &r,
            &[("war_p".into(), 0.1)],
            "r",
            (None, None),
            &Completeness::Complete,
        )
        .unwrap_err();
        assert!(
            matches!(&e, RobustnessError::Threshold(Refusal::Unknown { name, suggestion: Some(s), .. }) if name == "war_p" && s == "war"),
            "{e:?}"
        );
    }

    #[test]
    fn conditions_parse() {
        let c = Condition::parse("regret_use_of_force >= 0.05").unwrap();
        assert_eq!(
            (c.column.as_str(), c.op, c.value),
            ("regret_use_of_force", Op::AtLeast, 0.05)
        );
        assert_eq!(Condition::parse("war<0.1").unwrap().op, Op::Below);
        assert!(Condition::parse("war = 0.1").is_err());
        assert!(Condition::parse("> 0.1").is_err());
        assert!(Condition::parse("war > x").is_err());
        assert!(Condition::parse("war > inf").is_err());
    }

    #[test]
    fn csv_numbers_carry_no_float_noise() {
        assert_eq!(csv_number(0.050000000000000044), "0.05");
        assert_eq!(csv_number(0.9799999999999977), "0.98");
        assert_eq!(csv_number(0.1 + 0.2), "0.3");
        assert_eq!(csv_number(-0.0), "0");
        assert_eq!(csv_number(0.0), "0");
        assert_eq!(csv_number(1.0), "1");
        // Values that need their digits keep them (12 significant digits).
        assert_eq!(csv_number(0.123456789012), "0.123456789012");
        assert_eq!(csv_number(1.0 / 3.0), "0.333333333333");
        assert_eq!(csv_number(2.5e-7), "0.00000025");
    }

    #[test]
    fn numbers_print_with_four_significant_digits() {
        assert_eq!(fmt(0.213456), "0.2135");
        assert_eq!(fmt(12.5), "12.5");
        assert_eq!(fmt(1234.0), "1234");
        assert_eq!(fmt(0.0), "0");
        assert_eq!(fmt(999_999.0), "999999");
        assert_eq!(fmt(1.7e308), "1.7e308");
        assert_eq!(fmt(-2.0e6), "-2e6");
        assert_eq!(fmt(f64::MAX), "1.798e308");
    }
}
