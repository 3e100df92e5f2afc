//! Tidy CSV exporter: one row per (file, scenario, entity, metric, statistic, value), documented in
//! docs/OUTPUT.md ("CSV"). Timing is left out, so the CSV of a run is reproducible byte for
//! byte; values are written with Rust's shortest round-trip formatting.

use std::io::Write;

use super::compare::ComparisonReport;
use super::{LevelsOut, MetricOut, Outcomes, ProbabilityOut, Report};
use crate::outputs::YEARS_TO_FORCE;

/// Column names, in order. `file` is the scenario file as given on the command line (for a
/// comparison `A.toml vs B.toml`): the key that tells rows apart when several scenarios,
/// even with the same name, share one table.
pub const HEADER: [&str; 6] = ["file", "scenario", "entity", "metric", "statistic", "value"];

/// The rows of one table, streamed to `W` (memory or a file) as they are made. The first
/// error writing to `W` is kept and every later row skipped: the builders stay plain
/// sequences of rows, and [`Rows::finish`] returns the error.
struct Rows<'a, W: Write> {
    w: ::csv::Writer<W>,
    file: &'a str,
    scenario: &'a str,
    error: Option<std::io::Error>,
}

impl<'a, W: Write> Rows<'a, W> {
    fn new(w: W, file: &'a str, scenario: &'a str) -> Self {
        Self {
            w: ::csv::Writer::from_writer(w),
            file,
            scenario,
            error: None,
        }
    }

    fn row(&mut self, entity: &str, metric: &str, statistic: &str, value: String) {
        if self.error.is_none()
            && let Err(e) = self
                .w
                .write_record([self.file, self.scenario, entity, metric, statistic, &value])
        {
            self.error = Some(e.into());
        }
    }

    /// Flush the rows to `W`: the first error writing any of them, if one failed.
    fn finish(mut self) -> std::io::Result<()> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        self.w.flush()
    }

    fn f(&mut self, entity: &str, metric: &str, statistic: &str, x: f64) {
        self.row(entity, metric, statistic, format!("{x}"));
    }

    fn n(&mut self, entity: &str, metric: &str, statistic: &str, x: u64) {
        self.row(entity, metric, statistic, x.to_string());
    }

    fn prob(&mut self, entity: &str, metric: &str, p: &ProbabilityOut) {
        self.f(entity, metric, "p", p.p);
        self.f(entity, metric, "mc95_lo", p.lo);
        self.f(entity, metric, "mc95_hi", p.hi);
        self.n(entity, metric, "count", p.count);
    }

    /// A share that may be undefined (n = 0): no `p`, `mc95_lo`, `mc95_hi` rows then (a pivot
    /// reads them as missing; every value cell stays numeric), only `count` 0, never p = 0
    /// with [0, 1].
    fn prob_opt(&mut self, entity: &str, metric: &str, p: Option<&ProbabilityOut>) {
        match p {
            Some(p) => self.prob(entity, metric, p),
            None => self.n(entity, metric, "count", 0),
        }
    }

    fn outcomes(&mut self, entity: &str, o: &Outcomes) {
        for (key, p) in o.entries() {
            self.prob(entity, key, p);
        }
    }

    fn metric(&mut self, entity: &str, metric: &str, m: &MetricOut) {
        self.f(entity, metric, "mean", m.mean);
        // Undefined for fewer than two runs: no row, as a share of nothing has none.
        if let Some(sd) = m.sd {
            self.f(entity, metric, "sd", sd);
        }
        self.f(entity, metric, "p05", m.p05);
        self.f(entity, metric, "p50", m.p50);
        self.f(entity, metric, "p95", m.p95);
    }

    #[allow(clippy::too_many_arguments)]
    fn entity(
        &mut self,
        entity: &str,
        outcomes: &Outcomes,
        metrics: &super::Metrics,
        levels: Option<&super::LevelsOut>,
        escalation: &[f64; 6],
        crisis: &super::CrisisOutcomesOut,
        mech: &super::MechanismsOut,
    ) {
        self.outcomes(entity, outcomes);
        for (k, (key, m)) in metrics.entries().enumerate() {
            // A metric with no value (the final balance of no rivalry) has no rows.
            if metrics.defined(k) {
                self.metric(entity, key, m);
            }
        }
        let t = &metrics.years_to_first_use_of_force;
        let tm = MetricOut {
            mean: t.mean,
            sd: t.sd,
            p05: t.p05,
            p50: t.p50,
            p95: t.p95,
        };
        self.metric(entity, YEARS_TO_FORCE, &tm);
        self.f(entity, YEARS_TO_FORCE, "censored_share", t.censored_share);
        // Undefined (no challenge decision had a cost): no rows, as a share of nothing has
        // none elsewhere.
        if let Some(levels) = levels {
            for (level, share) in [
                ("military", levels.military),
                ("political", levels.political),
                ("economic", levels.economic),
            ] {
                self.f(entity, &format!("cost_composition_{level}"), "share", share);
            }
        }
        for (k, &s) in escalation.iter().enumerate() {
            self.f(entity, &format!("max_level_{k}"), "share", s);
        }
        for (key, &c) in &crisis.counts {
            let m = format!("crisis_outcome_{key}");
            self.n(entity, &m, "count", c);
            self.f(entity, &m, "share", crisis.shares[key]);
        }
        self.n(
            entity,
            "commitments_honoured",
            "n",
            mech.commitments.invoked,
        );
        self.prob_opt(
            entity,
            "commitments_honoured",
            mech.commitments.honoured.as_ref(),
        );
        self.n(entity, "sanctions_succeeded", "n", mech.sanctions.invoked);
        self.prob_opt(
            entity,
            "sanctions_succeeded",
            mech.sanctions.honoured.as_ref(),
        );
        self.n(
            entity,
            "sanctions_at_display_backed_down",
            "n",
            mech.sanctions_at_display.invoked,
        );
        self.prob_opt(
            entity,
            "sanctions_at_display_backed_down",
            mech.sanctions_at_display.honoured.as_ref(),
        );
        self.prob_opt(
            entity,
            "challenge_after_concession",
            mech.challenge_after_concession.as_ref(),
        );
        self.prob_opt(
            entity,
            "challenge_after_firmness",
            mech.challenge_after_firmness.as_ref(),
        );
    }

    /// Adaptive stopping (`--until-ci`), when it ran: entity `scenario`, metric `stopping`,
    /// the JSON's `stopping` in numbers (`target_reached` 1 or 0 for its `reason`), so a CSV
    /// tells a run that met its target from one that reached the cap.
    fn stopping(&mut self, s: Option<&super::StoppingOut>) {
        let Some(s) = s else { return };
        self.f("scenario", "stopping", "target_half_width", s.target_half_width);
        self.n("scenario", "stopping", "max_runs", s.max_runs);
        self.n(
            "scenario",
            "stopping",
            "target_reached",
            u64::from(s.reason == "target_reached"),
        );
        self.f("scenario", "stopping", "widest_half_width", s.widest_half_width);
    }

    fn report(&mut self, r: &Report) {
        self.n("scenario", "runs", "value", r.runs);
        self.n("scenario", "seed", "value", r.seed);
        self.n(
            "scenario",
            "horizon_years",
            "value",
            u64::from(r.horizon_years),
        );
        self.stopping(r.stopping.as_ref());
        for (path, value, replaced) in effective_overrides(&r.overrides) {
            let m = format!("set_{path}");
            self.f("scenario", &m, "value", value);
            self.f("scenario", &m, "replaced", replaced);
        }
        policy_rows(self, &r.policies, "");
        self.entity(
            "region",
            &r.outcomes,
            &r.metrics,
            r.cost_composition.as_ref(),
            &r.escalation,
            &r.crisis_outcomes,
            &r.mechanisms,
        );
        self.yearly("region", &r.yearly);
        for rv in &r.rivalries {
            self.entity(
                &rv.id,
                &rv.outcomes,
                &rv.metrics,
                rv.cost_composition.as_ref(),
                &rv.escalation,
                &rv.crisis_outcomes,
                &rv.mechanisms,
            );
            self.yearly(&rv.id, &rv.yearly);
        }
        if let Some(a) = &r.attribution {
            for (entity, metric, statistic, value) in super::attribution::csv_cells(a) {
                self.row(&entity, &metric, statistic, value);
            }
        }
    }

    /// Per year: `<event>_in_<year>` and `<event>_by_<year>` (p, mc95_lo, mc95_hi, count), the
    /// counts `<count>_in_<year>` (mean, mc95_lo, mc95_hi, p50, p95, total), then the tension
    /// and balance bands where present.
    fn yearly(&mut self, entity: &str, yearly: &[super::YearOut]) {
        for y in yearly {
            for (key, p) in y.events_in_year.entries() {
                self.prob(entity, &format!("{key}_in_{}", y.year), p);
            }
            for (key, p) in y.events_by_end.entries() {
                self.prob(entity, &format!("{key}_by_{}", y.year), p);
            }
            for (key, c) in y.counts.entries() {
                let m = format!("{key}_in_{}", y.year);
                self.f(entity, &m, "mean", c.mean);
                self.f(entity, &m, "mc95_lo", c.mc95_lo);
                self.f(entity, &m, "mc95_hi", c.mc95_hi);
                self.f(entity, &m, "p50", c.p50);
                self.f(entity, &m, "p95", c.p95);
                self.n(entity, &m, "total", c.total);
            }
            for (name, b) in [("tension", &y.tension), ("balance", &y.balance)] {
                let Some(b) = b else { continue };
                let m = format!("{name}_{}", y.year);
                self.f(entity, &m, "p05", b.p05);
                self.f(entity, &m, "p25", b.p25);
                self.f(entity, &m, "p50", b.p50);
                self.f(entity, &m, "p75", b.p75);
                self.f(entity, &m, "p95", b.p95);
            }
        }
    }
}

/// The dated policies (entity `scenario`, metric `policy_<id>`): `applied` (1 if it took
/// effect within the horizon, else 0), `in_effect_from_year` and `in_effect_from_month` (the
/// calendar month it took effect; only when applied) and `ramp_years`; each statistic with
/// `suffix` (`_a`, `_b` in a comparison).
fn policy_rows<W: Write>(rows: &mut Rows<'_, W>, policies: &[super::PolicyOut], suffix: &str) {
    for p in policies {
        let m = format!("policy_{}", p.id);
        let applied = p.in_effect_from.as_deref();
        rows.n("scenario", &m, &format!("applied{suffix}"), u64::from(applied.is_some()));
        if let Some((y, mo)) = applied.and_then(|d| d.split_once('-')) {
            let (y, mo): (f64, f64) = (y.parse().unwrap_or(0.0), mo.parse().unwrap_or(0.0));
            rows.f("scenario", &m, &format!("in_effect_from_year{suffix}"), y);
            rows.f("scenario", &m, &format!("in_effect_from_month{suffix}"), mo);
        }
        rows.f("scenario", &m, &format!("ramp_years{suffix}"), p.ramp_years);
    }
}

/// The `--set` what-ifs as they took effect, one per parameter path in the order of first
/// use: `(path, value, replaced)` with the last value set on the path and the value the
/// scenario had before the first. A path set twice thus gives one row pair, so (file,
/// entity, metric, statistic) stays a key.
fn effective_overrides(applied: &[crate::scenario::overrides::Applied]) -> Vec<(&str, f64, f64)> {
    let mut out: Vec<(&str, f64, f64)> = Vec::with_capacity(applied.len());
    for o in applied {
        match out.iter_mut().find(|(p, _, _)| *p == o.path) {
            Some(e) => e.1 = o.value,
            None => out.push((&o.path, o.value, o.replaced)),
        }
    }
    out
}

/// Rows written to memory.
fn in_memory(write: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> Vec<u8> {
    let mut out = Vec::new();
    write(&mut out).expect("writing to memory cannot fail");
    out
}

/// The header line of the table (a table is the header, then each report's rows).
pub fn header() -> Vec<u8> {
    in_memory(|w| write_header(w))
}

/// The header line, streamed to `w`.
pub fn write_header<W: Write>(w: W) -> std::io::Result<()> {
    let mut w = ::csv::Writer::from_writer(w);
    w.write_record(HEADER)?;
    w.flush()
}

/// One report's rows, without the header (for writing a table one scenario at a time),
/// streamed to `w` as they are made, never held whole. `file`: the scenario file as given.
pub fn write_report_rows<W: Write>(w: W, file: &str, r: &Report) -> std::io::Result<()> {
    let file = crate::output::csv_path(file);
    let mut rows = Rows::new(w, &file, &r.scenario);
    rows.report(r);
    rows.finish()
}

/// The table of one report streamed to `w`: the header, then its rows.
pub fn write_csv<W: Write>(mut w: W, file: &str, r: &Report) -> std::io::Result<()> {
    write_header(&mut w)?;
    write_report_rows(w, file, r)
}

/// A comparison: the file column is `A-file vs B-file` (as given), the scenario column
/// `A vs B`; statistics p_a, p_b, diff, paired95_lo, paired95_hi (paired), unpaired95_lo,
/// unpaired95_hi (or, where the sample cannot support an
/// interval, `interval_undefined_n` = the runs), excludes_zero (0 or 1), and for the
/// tri-level breakdown share_a, share_b, shift.
/// Streamed to `w` as its rows are made, never held whole.
pub fn write_comparison_csv<W: Write>(
    mut w: W,
    c: &ComparisonReport,
    file_a: &str,
    file_b: &str,
) -> std::io::Result<()> {
    write_header(&mut w)?;
    let name = format!("{} vs {}", c.a.scenario, c.b.scenario);
    let files = format!(
        "{} vs {}",
        crate::output::csv_path(file_a),
        crate::output::csv_path(file_b)
    );
    let mut rows = Rows::new(w, &files, &name);
    rows.n("scenario", "runs", "value", c.runs);
    rows.n("scenario", "seed", "value", c.seed);
    rows.stopping(c.stopping.as_ref());
    for (side, applied) in [("a", &c.a.overrides), ("b", &c.b.overrides)] {
        for (path, value, replaced) in effective_overrides(applied) {
            let m = format!("set_{path}");
            rows.f("scenario", &m, &format!("value_{side}"), value);
            rows.f("scenario", &m, &format!("replaced_{side}"), replaced);
        }
    }
    policy_rows(&mut rows, &c.a.policies, "_a");
    policy_rows(&mut rows, &c.b.policies, "_b");
    for e in std::iter::once(&c.region).chain(&c.rivalries) {
        let id = e.entity.as_str();
        for o in &e.outcomes {
            rows.f(id, o.outcome, "p_a", o.p_a);
            rows.f(id, o.outcome, "p_b", o.p_b);
            rows.f(id, o.outcome, "diff", o.diff);
            match (&o.paired, &o.unpaired) {
                (Some(p), Some(u)) => {
                    rows.f(id, o.outcome, "paired95_lo", p.lo);
                    rows.f(id, o.outcome, "paired95_hi", p.hi);
                    rows.f(id, o.outcome, "unpaired95_lo", u.lo);
                    rows.f(id, o.outcome, "unpaired95_hi", u.hi);
                }
                // No interval: say so with the sample size instead of a bound.
                _ => rows.n(id, o.outcome, "interval_undefined_n", c.runs),
            }
            rows.n(id, o.outcome, "excludes_zero", u64::from(o.excludes_zero));
            // The discordant pairs, as in the JSON: both 0 (with an interval) is an outcome
            // unchanged in every run.
            rows.n(id, o.outcome, "a_only", o.a_only);
            rows.n(id, o.outcome, "b_only", o.b_only);
        }
        for m in &e.metrics {
            rows.f(id, m.metric, "mean_a", m.mean_a);
            rows.f(id, m.metric, "mean_b", m.mean_b);
            rows.f(id, m.metric, "diff", m.diff);
            match &m.paired {
                Some(p) => {
                    rows.f(id, m.metric, "paired95_lo", p.lo);
                    rows.f(id, m.metric, "paired95_hi", p.hi);
                }
                None => rows.n(id, m.metric, "interval_undefined_n", c.runs),
            }
            rows.n(id, m.metric, "excludes_zero", u64::from(m.excludes_zero));
        }
        // A side whose composition is undefined (no challenge decision had a cost) has no
        // rows, nor has the shift.
        let l = &e.cost_composition;
        let shares = |x: Option<&LevelsOut>| x.map(|x| [x.military, x.political, x.economic]);
        for (k, level) in ["military", "political", "economic"].into_iter().enumerate() {
            let m = format!("cost_composition_{level}");
            for (statistic, v) in [
                ("share_a", shares(l.a.as_ref())),
                ("share_b", shares(l.b.as_ref())),
                ("shift", shares(l.shift.as_ref())),
            ] {
                if let Some(v) = v {
                    rows.f(id, &m, statistic, v[k]);
                }
            }
        }
    }
    if let Some(shift) = &c.attribution_shift {
        for (entity, metric, statistic, value) in super::attribution::shift_csv_cells(shift) {
            rows.row(&entity, &metric, statistic, value);
        }
    }
    rows.finish()
}
