//! Human-readable summary for the terminal.

use std::fmt::Write;

use super::{MetricOut, Outcomes, Report};

const EVENT_LABELS: [&str; 6] = [
    "any crisis opportunity",
    "threat (MID >= 2)",
    "display of force (>= 3)",
    "use of force (>= 4)",
    "war (5)",
    "deterrence held",
];

fn pct(x: f64) -> String {
    format!("{:5.1}%", 100.0 * x)
}

fn bar(p: f64, width: usize) -> String {
    let filled = (p.clamp(0.0, 1.0) * width as f64).round() as usize;
    format!("{}{}", "#".repeat(filled), ".".repeat(width - filled))
}

fn outcomes(out: &mut String, o: &Outcomes) {
    let _ = writeln!(
        out,
        "  {:<26} {:>6}  95% CI (Wilson)",
        "probability over horizon", "p"
    );
    for ((_, p), label) in o.entries().iter().zip(EVENT_LABELS) {
        let _ = writeln!(
            out,
            "  {:<26} {}  [{}, {}]  {}",
            label,
            pct(p.p),
            pct(p.lo),
            pct(p.hi),
            bar(p.p, 20)
        );
    }
}

fn num(x: f64) -> String {
    if x == 0.0 {
        "0".into()
    } else if x.abs() >= 100.0 {
        format!("{x:.0}")
    } else if x.abs() >= 1.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.3}")
    }
}

fn metric(out: &mut String, label: &str, m: &MetricOut) {
    let _ = writeln!(
        out,
        "  {:<26} {:>9} {:>9} {:>9} {:>9}",
        label,
        num(m.mean),
        num(m.p05),
        num(m.p50),
        num(m.p95)
    );
}

/// Render the report as aligned text.
pub fn to_table(r: &Report, source: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "deter {} | {} ({source})",
        r.engine_version, r.scenario
    );
    let _ = writeln!(
        out,
        "{} runs, seed {}, horizon {} years | {:.2} s, {:.0} runs/s on {} thread{}",
        r.runs,
        r.seed,
        r.horizon_years,
        r.timing.wall_seconds,
        r.timing.runs_per_second,
        r.timing.threads,
        if r.timing.threads == 1 { "" } else { "s" }
    );
    let _ = writeln!(out);
    let _ = writeln!(out, "Region-wide");
    outcomes(&mut out, &r.outcomes);
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "  {:<26} {:>9} {:>9} {:>9} {:>9}",
        "per run", "mean", "p5", "p50", "p95"
    );
    metric(&mut out, "crisis opportunities", &r.metrics.crises);
    metric(&mut out, "disputes (MID >= 2)", &r.metrics.disputes);
    let t = &r.metrics.years_to_first_use_of_force;
    let tm = MetricOut {
        mean: t.mean,
        sd: t.sd,
        p05: t.p05,
        p50: t.p50,
        p95: t.p95,
    };
    metric(&mut out, "years to first use of force", &tm);
    let _ = writeln!(
        out,
        "    (censored at {} years: no use of force in {:.1}% of runs)",
        r.horizon_years,
        100.0 * t.censored_share
    );
    metric(&mut out, "GDP lost (bn)", &r.metrics.gdp_lost);
    metric(
        &mut out,
        "final local balance M_A/M_T",
        &r.metrics.final_balance,
    );
    for rv in &r.rivalries {
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "Rivalry {} ({} -> {})",
            rv.id, rv.challenger, rv.target
        );
        if r.rivalries.len() > 1 {
            outcomes(&mut out, &rv.outcomes);
            let _ = writeln!(out);
            let _ = writeln!(
                out,
                "  {:<26} {:>9} {:>9} {:>9} {:>9}",
                "per run", "mean", "p5", "p50", "p95"
            );
            metric(&mut out, "crisis opportunities", &rv.metrics.crises);
            metric(&mut out, "disputes (MID >= 2)", &rv.metrics.disputes);
            metric(&mut out, "GDP lost (bn)", &rv.metrics.gdp_lost);
            metric(
                &mut out,
                "final local balance M_A/M_T",
                &rv.metrics.final_balance,
            );
        } else {
            let _ = writeln!(
                out,
                "  (the only rivalry: its probabilities and distributions are the region-wide ones above)"
            );
        }
        let l = &rv.deterrence_levels;
        let _ = writeln!(
            out,
            "  which level deters (share of the challenger's expected cost): military {:.0}%, political {:.0}%, economic {:.0}%",
            100.0 * l.military,
            100.0 * l.political,
            100.0 * l.economic
        );
        let s = &rv.crisis_outcomes.shares;
        let _ = writeln!(
            out,
            "  crises ended in: no challenge {:.1}%, challenger backed down {:.1}%, target conceded {:.1}%, force {:.1}%, war {:.1}%",
            100.0 * s["general_deterrence"],
            100.0 * s["immediate_deterrence"],
            100.0 * s["coercion_success"],
            100.0 * s["failure_limited"],
            100.0 * s["failure_war"]
        );
        let m = &rv.mechanisms;
        if m.commitments.invoked > 0 {
            let _ = writeln!(
                out,
                "  allied commitments honoured at use of force: {:.1}% of {}",
                100.0 * m.commitments.honoured.p,
                m.commitments.invoked
            );
        }
        if m.sanctions.invoked > 0 {
            let _ = writeln!(
                out,
                "  sanctions imposed {} times; challenger backed down after {:.1}%",
                m.sanctions.invoked,
                100.0 * m.sanctions.honoured.p
            );
        }
    }
    out
}
