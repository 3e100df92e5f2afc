//! Human-readable summary for the terminal.

use std::fmt::Write;

use super::{MetricOut, Metrics, Outcomes, Report, YearOut};
use crate::outputs::{COUNTS, EVENTS, METRICS};

/// A cost composition in words: whole percents by the largest-remainder method (the three
/// add up to 100), or why it is undefined.
fn level_words(l: Option<&super::LevelsOut>) -> String {
    match l {
        Some(l) => {
            let [m, p, e] = l.rounded(100);
            format!("military {m}%, political {p}%, economic {e}%")
        }
        None => super::COST_COMPOSITION_UNDEFINED.to_string(),
    }
}

/// A share or probability in percent at one decimal, never printed as 0 or 100 unless it is
/// ([`super::percent_of_share`]), right-aligned in five characters ("100.0", ">99.9").
fn share(x: f64) -> String {
    format!("{:>6}", super::share_percent(x))
}

/// A share of crises in percent at one decimal, where a share that is neither 0 nor 1 is
/// never printed as one: "<0.1" for 7 wars in 162,298 crises (it read "war 0.0%"), ">99.9"
/// for a share that rounds to 100.0.
fn share_of_crises(x: f64) -> String {
    super::percent_of_share(x, 1)
}

fn bar(p: f64, width: usize) -> String {
    let filled = (p.clamp(0.0, 1.0) * width as f64).round() as usize;
    format!("{}{}", "#".repeat(filled), ".".repeat(width - filled))
}

/// Width of the label column of the outcome and metric tables.
const LABEL: usize = 33;

/// The interval note printed under every table of probabilities.
pub const INTERVAL_NOTE: &str = "Monte Carlo 95% interval (Wilson): more runs narrow it; it says nothing about the model's assumptions.";

/// What MID means, printed where the abbreviation is first used.
pub const MID_NOTE: &str =
    "MID level: militarised interstate dispute hostility level (Jones, Bremer and Singer 1996).";

/// The outcome table: the events first, then the crisis opportunity (context, not an event
/// of deterrence failing), each as a share of runs over the horizon with its interval.
/// `rivalries`: whether any rivalry's section follows (the note on "no challenge" points to
/// them; with none it says only what a crisis opportunity is).
fn outcomes(out: &mut String, o: &Outcomes, horizon_years: u32, rivalries: bool) {
    let _ = writeln!(
        out,
        "  {:<LABEL$} {:>6}  Monte Carlo 95% interval",
        format!("event, {}", over_horizon(horizon_years)),
        "share"
    );
    let rows: Vec<_> = o.entries().zip(&EVENTS).collect();
    // An event that holds throughout the horizon (deterrence held: no use of force in any
    // month) is not "at least once": it gets its own heading, after the others.
    let (throughout, rows): (Vec<_>, Vec<_>) =
        rows.into_iter().partition(|(_, e)| e.throughout.is_some());
    let (context, events): (Vec<_>, Vec<_>) =
        rows.into_iter().partition(|(_, e)| e.key == "crisis");
    let n_once = events.len() + context.len();
    for (i, ((_, p), e)) in events
        .into_iter()
        .chain(context)
        .chain(throughout)
        .enumerate()
    {
        if i == n_once {
            let _ = writeln!(
                out,
                "  event, throughout the {horizon_years} year{}",
                plural(horizon_years as u64)
            );
        }
        let _ = writeln!(
            out,
            "  {:<LABEL$} {}  [{}, {}]  {}",
            e.label,
            share(p.p),
            share(p.lo),
            share(p.hi),
            bar(p.p, 20)
        );
    }
    let _ = writeln!(
        out,
        "  (crisis opportunity: a moment when the challenger could escalate, whether or not it did{})",
        if rivalries {
            "; per rivalry below, \"no challenge\" is the share of its opportunities that passed without any militarised action"
        } else {
            ""
        }
    );
}

/// "at least once in 10 years": the window of a horizon probability.
fn over_horizon(years: u32) -> String {
    format!("at least once in {years} year{}", plural(years as u64))
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// `n` with thousands separators and the noun in agreement: `count(1, "alliance",
/// "alliances")` is "1 alliance", `count(25762, "run", "runs")` is "25,762 runs". Every
/// count printed to a terminal goes through it.
pub fn count(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

/// 1234567 -> "1,234,567".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `x` with `decimals` decimals, its integer part grouped by [`thousands`]: 1075.4 with one
/// decimal -> "1,075.4". For means of counts printed for people (never in JSON or CSV).
pub fn thousands_decimal(x: f64, decimals: usize) -> String {
    let text = format!("{x:.decimals$}");
    let (sign, digits) = text.strip_prefix('-').map_or(("", text.as_str()), |d| ("-", d));
    let (int, frac) = digits.split_once('.').map_or((digits, None), |(i, f)| (i, Some(f)));
    match int.parse::<u64>() {
        Ok(n) => match frac {
            Some(f) => format!("{sign}{}.{f}", thousands(n)),
            None => format!("{sign}{}", thousands(n)),
        },
        // inf, NaN: as printed.
        Err(_) => text.clone(),
    }
}

/// A reason an interval is undefined, for people: the count after "n = " grouped by
/// [`thousands`] ("undefined (no variation among n = 10,000 runs)"). JSON and CSV keep the
/// reason as the statistics word it, "n = 10000".
pub fn readable_reason(reason: &str) -> String {
    let mut out = String::with_capacity(reason.len() + 4);
    let mut rest = reason;
    while let Some(at) = rest.find("n = ") {
        let (head, tail) = rest.split_at(at + 4);
        out.push_str(head);
        let end = tail.find(|c: char| !c.is_ascii_digit()).unwrap_or(tail.len());
        match tail[..end].parse::<u64>() {
            Ok(n) => out.push_str(&thousands(n)),
            Err(_) => out.push_str(&tail[..end]),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// Every distribution metric, in table order.
fn metrics(out: &mut String, m: &Metrics, currency: &str) {
    for (k, ((_, d), def)) in m.entries().zip(&METRICS).enumerate() {
        let label = crate::outputs::metric_label(def, currency);
        if m.defined(k) {
            metric(out, &label, d);
        } else {
            let _ = writeln!(out, "  {} (no rivalry: no value)", column(&label, LABEL));
        }
    }
}

/// `label` padded to `width`; one longer than that (a long currency unit) on a line of its
/// own, the columns after it on the next, so the numbers stay under their headers.
fn column(label: &str, width: usize) -> String {
    if label.chars().count() > width {
        format!("{label}\n  {:<width$}", "")
    } else {
        format!("{label:<width$}")
    }
}

/// Per year: the share of runs with each event in the year, and by the year's end.
fn yearly_table(out: &mut String, years: &[YearOut]) {
    if years.is_empty() {
        return;
    }
    let width = |k: &str| k.len().max(6);
    for (title, pick) in [
        (
            "in the year",
            (|y: &YearOut| &y.events_in_year) as fn(&YearOut) -> &Outcomes,
        ),
        ("by the year's end", |y: &YearOut| &y.events_by_end),
    ] {
        let _ = writeln!(out);
        let _ = write!(out, "  {:<32}", format!("share of runs {title}"));
        for e in &EVENTS {
            let _ = write!(out, " {:>w$}", e.key, w = width(e.key));
        }
        let _ = writeln!(out);
        for y in years {
            let _ = write!(out, "  {:<32}", y.label());
            for (key, p) in pick(y).entries() {
                let _ = write!(out, " {:>w$}", share(p.p).trim(), w = width(key));
            }
            let _ = writeln!(out);
        }
    }
    let _ = writeln!(out);
    let _ = write!(out, "  {:<32}", "mean count per run in the year");
    for c in &COUNTS {
        let _ = write!(out, " {:>w$}", c.key, w = width(c.key));
    }
    let _ = writeln!(out);
    for y in years {
        let _ = write!(out, "  {:<32}", y.label());
        for (key, c) in y.counts.entries() {
            let _ = write!(out, " {:>w$}", count_mean(c.mean), w = width(key));
        }
        let _ = writeln!(out);
    }
    let _ = writeln!(
        out,
        "  (each crisis counted once, at its highest MID level; non-state incidents are not MID levels)"
    );
}

/// A mean count with three decimals (per-year counts are mostly below one).
fn count_mean(x: f64) -> String {
    format!("{x:.3}")
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
    metric_with(out, label, m, num);
}

/// A metric's row, each of its four numbers written by `fmt`.
fn metric_with(out: &mut String, label: &str, m: &MetricOut, fmt: fn(f64) -> String) {
    let _ = writeln!(
        out,
        "  {} {:>9} {:>9} {:>9} {:>9}",
        column(label, LABEL),
        fmt(m.mean),
        fmt(m.p05),
        fmt(m.p50),
        fmt(m.p95)
    );
}

/// Years to first use of force, at two decimals in every column and every table (its
/// quantiles are months / 12, so 0.92 is month 11; [`num`]'s precision by magnitude gave
/// "0.917" beside "2.75" in one row).
pub(crate) fn years(x: f64) -> String {
    format!("{x:.2}")
}

/// A metric's mean as the tables print it: [`years`] for years to first use of force,
/// [`num`] for the others.
pub(crate) fn metric_mean(key: &str, x: f64) -> String {
    if key == crate::outputs::YEARS_TO_FORCE {
        years(x)
    } else {
        num(x)
    }
}

/// One line under the table's header listing the `--set` what-ifs applied before the run,
/// each with the value the scenario had (empty without them), e.g.
/// `What-ifs (--set): model.war_cost = 1 (file: 0.8)`.
pub fn overrides_line(label: &str, overrides: &[crate::scenario::overrides::Applied]) -> String {
    if overrides.is_empty() {
        return String::new();
    }
    let items: Vec<String> = crate::scenario::overrides::in_effect(overrides)
        .map(|(_, o)| {
            let (value, replaced) = o.shown();
            format!("{} = {value} ({}: {replaced})", o.path, o.replaced_source())
        })
        .collect();
    format!("{label}: {}\n", items.join("; "))
}

/// How many of B's changes the comparison's table lists before counting the others.
const CHANGES_SHOWN: usize = 8;

/// The line under a comparison's header saying what B changes relative to A when they are two
/// files (the JSON's `changes`; with one file the what-ifs line says it): "B changes relative
/// to A: power.EUF (A: absent; B: EU force); model.war_cost (A: 1; B: 1.5)", the first
/// [`CHANGES_SHOWN`], then how many more and where they all are.
fn changes_line(changes: &[crate::scenario::diff::Change]) -> String {
    if changes.is_empty() {
        return "B changes relative to A: nothing (the two validated scenarios have the same \
                entities, policies and parameter values)\n"
            .into();
    }
    // A value as a reader takes it in: a date (a policy's `start`, a decimal year in the
    // JSON) as its month, a number at four significant digits (the JSON keeps every digit).
    let side = |what: &str, v: &serde_json::Value| match v {
        serde_json::Value::Null => "absent".to_string(),
        serde_json::Value::String(t) => crate::scenario::printable(t).into_owned(),
        serde_json::Value::Number(n) => match n.as_f64() {
            Some(x) if what.ends_with(".start") && x.is_finite() => {
                crate::scenario::year_month_of(x).to_string()
            }
            Some(x) if x.is_finite() => {
                let rounded: f64 = format!("{x:.3e}").parse().unwrap_or(x);
                rounded.to_string()
            }
            _ => n.to_string(),
        },
        other => other.to_string(),
    };
    let mut items: Vec<String> = changes
        .iter()
        .take(CHANGES_SHOWN)
        .map(|ch| {
            format!(
                "{} (A: {}; B: {})",
                crate::scenario::printable(&ch.what),
                side(&ch.what, &ch.a),
                side(&ch.what, &ch.b)
            )
        })
        .collect();
    if changes.len() > CHANGES_SHOWN {
        items.push(format!(
            "and {} more (all in --format json `changes`, or --report)",
            changes.len() - CHANGES_SHOWN
        ));
    }
    format!("B changes relative to A: {}\n", items.join("; "))
}

/// One line under the table's header listing the scenario's dated policies, each with the
/// month it took effect (or why it never did), e.g. `Policies: forward-presence from 2026-07
/// over 1 year; economic-deterrence from 2026-01`. Empty without policies unless `always`
/// (a comparison's side without any, beside one with some: `none`).
pub fn policies_line(label: &str, policies: &[super::PolicyOut], always: bool) -> String {
    if policies.is_empty() {
        return if always {
            format!("{label}: none\n")
        } else {
            String::new()
        };
    }
    let items: Vec<String> = policies
        .iter()
        .map(|p| crate::scenario::printable(&p.brief()).into_owned())
        .collect();
    format!("{label}: {}\n", items.join("; "))
}

/// The timing after the runs line of a table (informative: never compared): "1.23 s, 81,300
/// runs/s on 2 threads"; for merged shards, which ran apart each on its own threads, their
/// summed wall times are compute time, not an elapsed time: "3 shards: total compute time
/// 1.23 s; threads per shard 1, 2, 1".
pub fn timing_words(
    wall_seconds: f64,
    runs_per_second: f64,
    threads: usize,
    shard_threads: Option<&[usize]>,
) -> String {
    match shard_threads {
        Some(each) => format!(
            "{} shard{}: total compute time {:.2} s; threads per shard {}",
            each.len(),
            plural(each.len() as u64),
            wall_seconds,
            each.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        None => format!(
            "{:.2} s, {} runs/s on {} thread{}",
            wall_seconds,
            thousands(runs_per_second.round() as u64),
            threads,
            plural(threads as u64)
        ),
    }
}

/// After the timing words, when the pool had fewer threads than asked: " (5 asked; the
/// system would not start more)". Empty otherwise.
pub fn threads_asked_words(asked: Option<usize>) -> String {
    asked.map_or(String::new(), |n| {
        format!(" ({n} asked; the system would not start more)")
    })
}

/// Render the report as aligned text.
pub fn to_table(r: &Report, source: &str, yearly: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "deter {} | {} ({})",
        r.engine_version,
        crate::scenario::printable(&r.scenario),
        // A file name can hold any character but `/` and NUL: an escape or a bidi override
        // in it must not drive the terminal or reorder the line.
        crate::scenario::printable(source)
    );
    let timing = timing_words(
        r.timing.wall_seconds,
        r.timing.runs_per_second,
        r.timing.threads,
        r.timing.shard_threads.as_deref(),
    ) + &threads_asked_words(r.timing.threads_asked);
    let _ = writeln!(
        out,
        "{} run{}, seed {}, horizon {} year{} | {timing}",
        thousands(r.runs),
        plural(r.runs),
        r.seed,
        r.horizon_years,
        plural(u64::from(r.horizon_years)),
    );
    out.push_str(&overrides_line("What-ifs (--set)", &r.overrides));
    out.push_str(&policies_line("Policies", &r.policies, false));
    let _ = writeln!(out);
    let _ = writeln!(out, "Region-wide");
    outcomes(
        &mut out,
        &r.outcomes,
        r.horizon_years,
        !r.rivalries.is_empty(),
    );
    let _ = writeln!(out);
    metrics_header(&mut out, r.horizon_years);
    metrics(&mut out, &r.metrics, &r.currency);
    let t = &r.metrics.years_to_first_use_of_force;
    let tm = MetricOut {
        mean: t.mean,
        sd: t.sd,
        p05: t.p05,
        p50: t.p50,
        p95: t.p95,
    };
    metric_with(&mut out, "years to first use of force", &tm, years);
    let _ = writeln!(
        out,
        "    (censored at {}: no use of force in {}% of runs)",
        super::years(r.horizon_years),
        super::percent_of_share(t.censored_share, 1)
    );
    if r.rivalries.len() > 1 {
        // The region-wide balance is no regional sum or mean: each run's largest over the
        // rivalries (docs/OUTPUT.md, `final_balance`).
        let _ = writeln!(
            out,
            "    (final balance, region-wide: in each run the largest M_A/M_T of the {} rivalries, the most challenger-favourable; each rivalry's is under it below)",
            r.rivalries.len()
        );
    }
    if yearly {
        yearly_table(&mut out, &r.yearly);
    }
    for rv in &r.rivalries {
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "Rivalry {} ({} -> {})",
            rv.id, rv.challenger, rv.target
        );
        if r.rivalries.len() > 1 {
            outcomes(&mut out, &rv.outcomes, r.horizon_years, true);
            let _ = writeln!(out);
            metrics_header(&mut out, r.horizon_years);
            metrics(&mut out, &rv.metrics, &r.currency);
            if yearly {
                yearly_table(&mut out, &rv.yearly);
            }
        } else {
            let _ = writeln!(
                out,
                "  (the only rivalry: its probabilities and distributions are the region-wide ones above)"
            );
        }
        let _ = writeln!(
            out,
            "  challenger's expected cost of challenging, by level: {}",
            level_words(rv.cost_composition.as_ref())
        );
        let _ = writeln!(
            out,
            "    (how the cost is composed, not how much deterrence each level provides)"
        );
        let c = &rv.crisis_outcomes;
        let s = &c.shares;
        let n: u64 = c.counts.values().sum();
        let _ = writeln!(
            out,
            "  per crisis opportunity ({} in all runs), it ended with: no challenge {}%, challenger backed down {}%, target conceded {}%, force {}%, war {}%",
            thousands(n),
            share_of_crises(s["general_deterrence"]),
            share_of_crises(s["immediate_deterrence"]),
            share_of_crises(s["coercion_success"]),
            share_of_crises(s["failure_limited"]),
            share_of_crises(s["failure_war"])
        );
        let m = &rv.mechanisms;
        if let Some(h) = &m.commitments.honoured {
            // Said as the sanctions line below says its crises: what was counted, over all
            // runs, then the share (docs/OUTPUT.md, `commitments`).
            let _ = writeln!(
                out,
                "  crises that reached the protectors' decision whether to commit ({} in all runs): they committed in {}% (docs/MODEL.md 7.7)",
                thousands(m.commitments.invoked),
                super::percent_of_share(h.p, 1)
            );
        }
        if let Some(h) = &m.sanctions.honoured {
            let at_display = &m.sanctions_at_display;
            let at_force = m.sanctions.invoked - at_display.invoked;
            let after_display = match &at_display.honoured {
                Some(d) => format!(
                    "{} at a display of force, after which the challenger backed down in {}%",
                    thousands(at_display.invoked),
                    super::percent_of_share(d.p, 1)
                ),
                None => "none at a display of force".to_string(),
            };
            let _ = writeln!(
                out,
                "  crises with sanctions imposed ({} in all runs): {after_display}; {} at a use of force, too late to back down",
                thousands(m.sanctions.invoked),
                thousands(at_force),
            );
            let _ = writeln!(
                out,
                "    over all of them the challenger backed down in {}% (the share Hufbauer et al. 2007 count as sanctions' success)",
                super::percent_of_share(h.p, 1)
            );
            let _ = writeln!(
                out,
                "    (what followed sanctions within the model, not the effect of sanctions against no sanctions: use deter compare)"
            );
        }
    }
    attribution_lines(&mut out, r);
    let _ = writeln!(out);
    let _ = writeln!(out, "{INTERVAL_NOTE}");
    let _ = writeln!(
        out,
        "{MID_NOTE} M_A/M_T: challenger's over target's whole military capability, allies included (not the share each side commits to the theatre, which the crisis uses)."
    );
    if yearly {
        yearly_legend(&mut out);
    }
    let _ = writeln!(
        out,
        "How to read these numbers (what one run is, what they do not mean): README.md, \"How to read the output\"."
    );
    out
}

/// The yearly tables' columns in words, printed once under the notes when `--yearly` shows
/// them: the columns are headed by their keys (the labels would not fit across a terminal),
/// each key said here from the one declaration of events and counts.
fn yearly_legend(out: &mut String) {
    let events: Vec<String> = EVENTS
        .iter()
        .map(|e| format!("{} = {}", e.key, e.label))
        .collect();
    let counts: Vec<String> = COUNTS
        .iter()
        .map(|c| format!("{} = {}", c.key, c.meaning))
        .collect();
    let _ = writeln!(
        out,
        "Yearly tables: shares of runs (in the year: the event happened during that year; by the year's end: at any time up to it); deterrence_held: no use of force in the year, or so far. Columns: {}.",
        events.join("; ")
    );
    let _ = writeln!(
        out,
        "Yearly counts (mean per run in the year): {}. Each yearly value's Monte Carlo 95% interval: --format json or csv (docs/OUTPUT.md).",
        counts.join("; ")
    );
}

/// The line shown when the attribution was switched off.
const ATTRIBUTION_OFF: &str = "Which level deters: not computed (--no-attribution); without the flag, run and compare attribute every probability to the defenders' military, political and economic levels.";

/// The attribution section of a run's table (`report::attribution`), or a line saying it was
/// switched off.
fn attribution_lines(out: &mut String, r: &Report) {
    match &r.attribution {
        Some(a) => {
            let only = (r.rivalries.len() == 1).then(|| r.rivalries[0].id.as_str());
            super::attribution::table_section(out, a, r.horizon_years, only);
        }
        None => {
            let _ = writeln!(out);
            let _ = writeln!(out, "{ATTRIBUTION_OFF}");
        }
    }
}

/// Add ANSI colour to a table from this module: headings bold, probability bars cyan, rows
/// whose difference excludes zero yellow. Only for terminals (the caller decides).
pub fn colorize(text: &str) -> String {
    const BOLD: &str = "\x1b[1m";
    const CYAN: &str = "\x1b[36m";
    const DIM: &str = "\x1b[2m";
    const YELLOW: &str = "\x1b[33m";
    const RESET: &str = "\x1b[0m";
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for line in text.lines() {
        if !line.is_empty() && !line.starts_with(' ') {
            let _ = writeln!(out, "{BOLD}{line}{RESET}");
        } else if line.ends_with(" *") {
            let _ = writeln!(out, "{YELLOW}{line}{RESET}");
        } else {
            // A trailing bar of at least 10 '#' and '.' characters.
            let start = line.rfind(|c| c != '#' && c != '.').map_or(0, |i| i + 1);
            if line.len() - start >= 10 {
                let (head, bar) = line.split_at(start);
                let fill = bar.trim_end_matches('.');
                let rest = &bar[fill.len()..];
                let _ = writeln!(out, "{head}{CYAN}{fill}{RESET}{DIM}{rest}{RESET}");
            } else {
                let _ = writeln!(out, "{line}");
            }
        }
    }
    out
}

fn pp(x: f64) -> String {
    super::percent_signed(x, 2)
}

/// A comparison's interval in percentage points at two decimals, "[-1.23, +0.45]", or
/// "[within +-0.005]" when both ends round to zero ([`super::tiny_interval`]).
fn pp_bracket(lo: f64, hi: f64) -> String {
    match super::tiny_interval(lo, hi, 2) {
        Some(t) => format!("[{t}]"),
        None => format!("[{}, {}]", pp(lo), pp(hi)),
    }
}

/// Render a comparison as aligned text: per entity, every outcome's P(A), P(B), the paired
/// difference in percentage points with its 95% interval, and the tri-level shift.
pub fn comparison_to_table(c: &super::compare::ComparisonReport, a: &str, b: &str) -> String {
    let mut out = String::new();
    let currency = comparison_currency(c);
    let _ = writeln!(out, "deter {} | compare", c.engine_version);
    let _ = writeln!(
        out,
        "  A: {} ({})",
        crate::scenario::printable(&c.a.scenario),
        crate::scenario::printable(a)
    );
    let _ = writeln!(
        out,
        "  B: {} ({})",
        crate::scenario::printable(&c.b.scenario),
        crate::scenario::printable(b)
    );
    let _ = writeln!(
        out,
        "{} paired run{} (common random numbers), seed {}, horizon {} year{} | {:.2} s, {} pairs/s on {} thread{}{}",
        thousands(c.runs),
        plural(c.runs),
        c.seed,
        c.a.horizon_years,
        plural(u64::from(c.a.horizon_years)),
        c.timing.wall_seconds,
        thousands(c.timing.runs_per_second.round() as u64),
        c.timing.threads,
        plural(c.timing.threads as u64),
        threads_asked_words(c.timing.threads_asked)
    );
    out.push_str(&overrides_line("A what-ifs (--set)", &c.a.overrides));
    out.push_str(&overrides_line(
        "B what-ifs (--set, --set-b)",
        &c.b.overrides,
    ));
    if a != b {
        out.push_str(&changes_line(&c.changes));
    }
    let any = !c.a.policies.is_empty() || !c.b.policies.is_empty();
    out.push_str(&policies_line("A policies", &c.a.policies, any));
    out.push_str(&policies_line("B policies", &c.b.policies, any));
    // With one rivalry in both scenarios, its section would repeat the region's.
    let single = c.rivalries.len() == 1 && c.a.rivalries.len() == 1 && c.b.rivalries.len() == 1;
    let shown = if single { 0 } else { c.rivalries.len() };
    for e in std::iter::once(&c.region).chain(&c.rivalries[..shown]) {
        let _ = writeln!(out);
        if e.entity == "region" && single {
            let _ = writeln!(
                out,
                "Region-wide (= rivalry {}, the only one)",
                c.rivalries[0].entity
            );
        } else if e.entity == "region" {
            let _ = writeln!(out, "Region-wide");
        } else {
            let _ = writeln!(out, "Rivalry {}", e.entity);
        }
        let _ = writeln!(
            out,
            "  {:<33} {:>6} {:>6} {:>8}  {:<18} {:<18}",
            format!("share of runs, {}", over_horizon(c.a.horizon_years)),
            "P(A)",
            "P(B)",
            "B-A (pp)",
            "paired MC 95%",
            "unpaired MC 95%"
        );
        // An event that holds throughout the horizon (deterrence held) is not "at least
        // once": it comes last, under its own heading.
        let (throughout, once): (Vec<_>, Vec<_>) = e
            .outcomes
            .iter()
            .zip(&EVENTS)
            .partition(|(_, e)| e.throughout.is_some());
        let n_once = once.len();
        for (i, (o, e)) in once.into_iter().chain(throughout).enumerate() {
            if i == n_once {
                let _ = writeln!(
                    out,
                    "  share of runs, throughout the {} year{}",
                    c.a.horizon_years,
                    plural(u64::from(c.a.horizon_years))
                );
            }
            let label = e.label;
            let _ = writeln!(
                out,
                "  {:<33} {} {} {:>8}  {:<18} {:<18}{}",
                label,
                share(o.p_a),
                share(o.p_b),
                pp(o.diff),
                o.paired.as_ref().map_or_else(
                    || readable_reason(o.undefined.as_deref().unwrap_or_default()),
                    |i| pp_bracket(i.lo, i.hi)
                ),
                o.unpaired.as_ref().map_or_else(
                    || readable_reason(o.undefined.as_deref().unwrap_or_default()),
                    |i| pp_bracket(i.lo, i.hi)
                ),
                if o.excludes_zero {
                    " *".to_string()
                } else if o.unchanged_in_every_run() {
                    format!("   {}", super::UNCHANGED)
                } else {
                    String::new()
                }
            );
        }
        let _ = writeln!(
            out,
            "  {:<33} {:>6} {:>6} {:>8}  {:<18}",
            "per run (mean)", "A", "B", "B-A", "paired MC 95%"
        );
        for m in &e.metrics {
            let label = metric_label(m.metric, &currency);
            let _ = writeln!(
                out,
                "  {} {:>6} {:>6} {:>8}  {:<18}{}",
                column(&label, 33),
                metric_mean(m.metric, m.mean_a),
                metric_mean(m.metric, m.mean_b),
                format!("{:+.3}", m.diff),
                m.paired.as_ref().map_or_else(
                    || readable_reason(m.undefined.as_deref().unwrap_or_default()),
                    |i| format!("[{:+.3}, {:+.3}]", i.lo, i.hi)
                ),
                if m.excludes_zero {
                    " *".to_string()
                } else if m.unchanged_in_every_run() {
                    format!("   {}", super::UNCHANGED)
                } else {
                    String::new()
                }
            );
        }
        if let Some(why) = &c.gdp_lost_not_compared {
            let _ = writeln!(out, "  {why}");
        }
        // The mean is censored, as `run` says under its own line: without the note it reads
        // as the mean over the runs that saw force.
        let _ = writeln!(out, "    {}", censored_note(c.a.horizon_years));
        let l = &e.cost_composition;
        match (&l.a, &l.b, &l.shift) {
            (Some(la), Some(lb), Some(shift)) => {
                // Each side in whole percents by the largest-remainder method (each adds up
                // to 100).
                let (a, b) = (la.rounded(100), lb.rounded(100));
                let _ = writeln!(
                    out,
                    "  expected cost by level (composition, not deterrence), A -> B: military {}% -> {}% ({} pp), political {}% -> {}% ({} pp), economic {}% -> {}% ({} pp)",
                    a[0],
                    b[0],
                    super::percent_signed(shift.military, 1),
                    a[1],
                    b[1],
                    super::percent_signed(shift.political, 1),
                    a[2],
                    b[2],
                    super::percent_signed(shift.economic, 1)
                );
            }
            (la, lb, _) => {
                // One side (or both) undefined: no shift to read.
                let _ = writeln!(
                    out,
                    "  expected cost by level (composition, not deterrence): A {}; B {}; no shift",
                    level_words(la.as_ref()),
                    level_words(lb.as_ref())
                );
            }
        }
    }
    if let Some(shift) = &c.attribution_shift {
        let only = single.then(|| c.rivalries[0].entity.as_str());
        super::attribution::shift_table_section(&mut out, shift, c.a.horizon_years, only);
    } else {
        let _ = writeln!(out);
        let _ = writeln!(out, "{ATTRIBUTION_OFF}");
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "* the paired 95% interval excludes zero. Method: {}.",
        c.method
    );
    // A comparison's intervals are of differences, by the method named above (the run's
    // note names Wilson, the interval of one probability).
    let _ = writeln!(
        out,
        "MC 95%: Monte Carlo 95% interval of the difference (the method above; unpaired: \
         Newcombe's hybrid score interval of two independent proportions): more runs narrow \
         it; it says nothing about the model's assumptions. pp: percentage points. {MID_NOTE}"
    );
    // Padding of the last column leaves trailing spaces: drop them.
    out.lines().map(|l| format!("{}\n", l.trim_end())).collect()
}

/// The note under a comparison's years to first use of force: its mean is censored.
pub(super) fn censored_note(horizon_years: u32) -> String {
    format!(
        "(years to first use of force: censored at {}, a run without any use of force counts \
         {horizon_years}; the share of such runs is deterrence held)",
        super::years(horizon_years)
    )
}

/// The header line of a per-run metrics block ("per run, over N years", mean and quantiles).
fn metrics_header(out: &mut String, horizon_years: u32) {
    let _ = writeln!(
        out,
        "  {:<LABEL$} {:>9} {:>9} {:>9} {:>9}",
        format!(
            "per run, over {} year{}",
            horizon_years,
            plural(u64::from(horizon_years))
        ),
        "mean",
        "p5",
        "p50",
        "p95"
    );
}

/// The words a compared per-run metric is shown under, in the table and on the HTML page:
/// its [`METRICS`] label ("crisis opportunities" for `crises`), "years to first use of force"
/// for [`crate::outputs::YEARS_TO_FORCE`], else the key in words.
pub(crate) fn metric_label(key: &str, currency: &str) -> String {
    METRICS
        .iter()
        .find(|m| m.key == key)
        .map(|m| crate::outputs::metric_label(m, currency))
        .unwrap_or_else(|| key.replace('_', " "))
}

/// The money unit of a comparison's labels: the scenarios' one, or both when they differ
/// ("A: EUR m; B: USD bn").
pub(crate) fn comparison_currency(c: &super::compare::ComparisonReport) -> String {
    if c.a.currency == c.b.currency {
        c.a.currency.clone()
    } else {
        format!("A: {}; B: {}", c.a.currency, c.b.currency)
    }
}

#[cfg(test)]
mod tests {
    use super::share_of_crises;

    /// A share of crises neither 0 nor 1 is never printed as either: 7 wars in 162,298 crises
    /// read "war 0.0%".
    #[test]
    fn a_share_of_crises_neither_none_nor_all_is_never_printed_as_either() {
        assert_eq!(share_of_crises(7.0 / 162_298.0), "<0.1");
        assert_eq!(share_of_crises(0.0), "0.0");
        assert_eq!(share_of_crises(1.0 - 7.0 / 162_298.0), ">99.9");
        assert_eq!(share_of_crises(1.0), "100.0");
        assert_eq!(share_of_crises(0.05), "5.0");
    }
}
