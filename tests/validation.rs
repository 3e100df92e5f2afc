//! Validation: the stylized facts of the deterrence literature (docs/VALIDATION.md, after
//! docs/VALIDATION.md), each checked by simulation.
//!
//! Every comparison uses common random numbers: both arms run the same seed and the same run
//! indices, so run `i` of each arm draws from the same RNG stream. Effects are estimated per
//! run and their 95% intervals come from the sampling distribution:
//! - paired differences of per-run quantities: mean difference +- z * sd / sqrt(n);
//! - ratios of sums (shares of invoked commitments, challenges per opportunity, changes of a
//!   rate): the linearised (delta-method) estimator with runs as clusters, because events in
//!   one run share that run's draws and are not independent;
//! - external benchmarks (Correlates of War, Hufbauer et al.): Wilson intervals, combined with
//!   the model's interval by Newcombe's square-and-add rule.
//!
//! No tolerance is tuned: each assertion is "the 95% interval excludes zero (or contains the
//! benchmark)". Facts the current calibration does not reproduce are `#[ignore]`d with the
//! reason, and listed in docs/VALIDATION.md with their numbers; run them with
//! `cargo test --release --test validation -- --include-ignored --nocapture`.

use std::path::Path;

use deter::calibrate::EventType;
use deter::calibrate::record::load_record;
use deter::engine::{RunPlan, Worker};
use deter::model::crisis::contest_success;
use deter::model::{Compiled, CrisisOutcome, RivalryRecord};
use deter::outputs::count;
use deter::scenario::{self, Actor, ChangeOp, ParamRef, Scenario};
use deter::stats::{Z95, wilson};
use rayon::prelude::*;

/// Runs per arm (docs/VALIDATION.md asks for at least 10,000).
const RUNS: u64 = 10_000;
/// The baseline's seed (scenarios/western-balkans-2024.toml).
const SEED: u64 = 20_230_924;

/// What a test needs from one run of the scenario's first rivalry.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct Run {
    crises: f64,
    disputes: f64,
    force: f64,
    force_crises: f64,
    war_crises: f64,
    /// Crises whose highest level was a threat (MID 2), of which the target conceded.
    threat_crises: f64,
    conceded: f64,
    /// Crises whose highest level was a display of force (MID 3).
    display_crises: f64,
    /// Faits accomplis (disputes that began with a use of force).
    faits_accomplis: f64,
    /// Of the faits accomplis, those that became war and those sanctioned.
    fa_wars: f64,
    fa_sanctioned: f64,
    invoked: f64,
    honoured: f64,
    /// Of the invoked commitments, those at which the casus foederis arose (force against
    /// the protected target), and of them those honoured.
    casus_foederis: f64,
    cf_honoured: f64,
    sanctioned: f64,
    sanctions_succeeded: f64,
    after_concession: (f64, f64),
    after_firm: (f64, f64),
}

/// The environment variable naming settings applied to every scenario the readings load
/// (`path=value` pairs separated by commas, e.g. `model.fait_accompli=1`): unset, every
/// reading runs on the scenarios as they are. It lets every reading of this file be measured
/// on one configuration that is not the default (docs/VALIDATION.md, "The fait accompli's
/// leads"), without changing a reading.
const SETTINGS_VAR: &str = "DETER_VALIDATION_SET";

/// Load the scenario at `path` (which must be valid) and apply the settings of
/// [`SETTINGS_VAR`], if any.
fn load(path: &Path) -> Scenario {
    with_settings(
        scenario::load_file(path)
            .unwrap_or_else(|d| panic!("{}: the scenario is not valid: {d}", path.display())),
    )
}

/// `s` with the settings of [`SETTINGS_VAR`] applied, if any.
fn with_settings(mut s: Scenario) -> Scenario {
    if let Ok(settings) = std::env::var(SETTINGS_VAR) {
        for pair in settings.split(',').filter(|p| !p.trim().is_empty()) {
            let (key, value) = pair
                .split_once('=')
                .unwrap_or_else(|| panic!("{SETTINGS_VAR}: `{pair}` is not path=value"));
            let value: f64 = value
                .trim()
                .parse()
                .unwrap_or_else(|e| panic!("{SETTINGS_VAR}: `{pair}`: {e}"));
            set(&mut s, key.trim(), value);
        }
    }
    s
}

fn baseline() -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/western-balkans-2024.toml");
    load(&path)
}

/// Whether the protectors move twice under `settings` or those of [`SETTINGS_VAR`]
/// (`model.protector_moves_twice` non-zero, the later setting winning).
fn moves_twice(settings: &[(&str, f64)]) -> bool {
    let key = "model.protector_moves_twice";
    if let Some((_, v)) = settings.iter().rev().find(|(k, _)| *k == key) {
        return *v != 0.0;
    }
    std::env::var(SETTINGS_VAR).is_ok_and(|all| {
        all.split(',')
            .filter_map(|p| p.split_once('='))
            .rfind(|(k, _)| k.trim() == key)
            .is_some_and(|(_, v)| v.trim().parse::<f64>().is_ok_and(|x| x != 0.0))
    })
}

/// The settings of a measurement as printed after its label: nothing if there are none (the
/// readings at the scenario's values print as they always did).
fn tagged(settings: &[(&str, f64)]) -> String {
    if settings.is_empty() {
        String::new()
    } else {
        format!(" {settings:?}")
    }
}

/// Set each (path, value) of `settings` in `s`, in order.
fn apply(s: &mut Scenario, settings: &[(&str, f64)]) {
    for &(path, value) in settings {
        set(s, path, value);
    }
}

fn set(s: &mut Scenario, path: &str, value: f64) {
    let r = ParamRef::resolve(path, s).unwrap_or_else(|e| panic!("{e}"));
    s.set(r, value).unwrap_or_else(|e| panic!("{path}: {e}"));
}

fn scale(s: &mut Scenario, path: &str, factor: f64) {
    let r = ParamRef::resolve(path, s).unwrap_or_else(|e| panic!("{e}"));
    let v = s.get(r) * factor;
    s.set(r, v).unwrap_or_else(|e| panic!("{path}: {e}"));
}

/// Simulate runs 0..n of `s` under `seed`, one record per run (rivalry 0), in run order.
/// Blocks of runs go to rayon workers; run `i` always draws from stream `i`.
fn simulate(s: &Scenario, seed: u64, n: u64) -> Vec<Run> {
    simulate_with(s, seed, n, |r| summarise(&r.rivalries[0]))
}

/// As [`simulate`], but every rivalry of the run summed into one [`Run`] (counts only: the
/// memory pairs are summed too, the level is the run's highest).
fn simulate_all_rivalries(s: &Scenario, seed: u64, n: u64) -> Vec<Run> {
    simulate_with(s, seed, n, |r| {
        r.rivalries
            .iter()
            .map(summarise)
            .fold(Run::default(), |a, b| Run {
                crises: a.crises + b.crises,
                disputes: a.disputes + b.disputes,
                force: a.force.max(b.force),
                force_crises: a.force_crises + b.force_crises,
                war_crises: a.war_crises + b.war_crises,
                threat_crises: a.threat_crises + b.threat_crises,
                conceded: a.conceded + b.conceded,
                display_crises: a.display_crises + b.display_crises,
                faits_accomplis: a.faits_accomplis + b.faits_accomplis,
                fa_wars: a.fa_wars + b.fa_wars,
                fa_sanctioned: a.fa_sanctioned + b.fa_sanctioned,
                invoked: a.invoked + b.invoked,
                honoured: a.honoured + b.honoured,
                casus_foederis: a.casus_foederis + b.casus_foederis,
                cf_honoured: a.cf_honoured + b.cf_honoured,
                sanctioned: a.sanctioned + b.sanctioned,
                sanctions_succeeded: a.sanctions_succeeded + b.sanctions_succeeded,
                after_concession: (
                    a.after_concession.0 + b.after_concession.0,
                    a.after_concession.1 + b.after_concession.1,
                ),
                after_firm: (
                    a.after_firm.0 + b.after_firm.0,
                    a.after_firm.1 + b.after_firm.1,
                ),
            })
    })
}

/// `n` runs of `s` from `seed`, each run's record summarised by `summary`, in run order (in
/// parallel blocks; the runs and their order do not depend on the threads).
fn simulate_with<T: Send + Clone>(
    s: &Scenario,
    seed: u64,
    n: u64,
    summary: impl Fn(&deter::model::RunRecord) -> T + Sync,
) -> Vec<T> {
    const BLOCK: u64 = 1_000;
    let c = Compiled::new(s);
    let plan = RunPlan {
        seed,
        first: 0,
        count: n,
        stream_offset: 0,
    };
    let blocks: Vec<Vec<T>> = (0..n.div_ceil(BLOCK))
        .into_par_iter()
        .map(|b| {
            let mut w = Worker::new(&c);
            (b * BLOCK..n.min((b + 1) * BLOCK))
                .map(|i| {
                    w.run_range(&c, &plan, i, 1);
                    summary(w.last_record())
                })
                .collect()
        })
        .collect();
    blocks.concat()
}

fn summarise(r: &RivalryRecord) -> Run {
    let o = r.outcomes;
    let f = |x: u32| f64::from(x);
    Run {
        crises: f(r.crises),
        disputes: f(r.disputes),
        force: f(u32::from(r.max_level >= 4)),
        force_crises: f(o[3] + o[4]),
        war_crises: f(o[4]),
        threat_crises: f(r.counts[count::THREATS]),
        conceded: f(o[CrisisOutcome::CoercionSuccess as usize]),
        display_crises: f(r.counts[count::DISPLAYS]),
        faits_accomplis: f(r.faits_accomplis),
        fa_wars: f(r.fait_accompli_wars),
        fa_sanctioned: f(r.fait_accompli_sanctions),
        invoked: f(r.commitments_invoked),
        honoured: f(r.commitments_honoured),
        casus_foederis: f(r.casus_foederis),
        cf_honoured: f(r.casus_foederis_honoured),
        sanctioned: f(r.sanctions_imposed),
        sanctions_succeeded: f(r.sanctions_succeeded),
        after_concession: (f(r.after_concession.0), f(r.after_concession.1)),
        after_firm: (f(r.after_firm.0), f(r.after_firm.1)),
    }
}

/// An estimate with its 95% interval.
#[derive(Debug, Clone, Copy)]
struct Est {
    value: f64,
    lo: f64,
    hi: f64,
}

impl std::fmt::Display for Est {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:.4} [{:.4}, {:.4}]", self.value, self.lo, self.hi)
    }
}

fn mean_sd(z: &[f64]) -> (f64, f64) {
    let n = z.len() as f64;
    let m = z.iter().sum::<f64>() / n;
    let v = z.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0);
    (m, v.sqrt())
}

/// Mean of per-run values with its normal 95% interval.
fn mean_ci(z: &[f64]) -> Est {
    let (m, sd) = mean_sd(z);
    let half = Z95 * sd / (z.len() as f64).sqrt();
    Est {
        value: m,
        lo: m - half,
        hi: m + half,
    }
}

/// Paired difference of a per-run quantity, arm b minus arm a (common random numbers).
fn paired_diff(a: &[Run], b: &[Run], f: impl Fn(&Run) -> f64) -> Est {
    let d: Vec<f64> = a.iter().zip(b).map(|(x, y)| f(y) - f(x)).collect();
    mean_ci(&d)
}

/// Ratio of sums sum(y) / sum(x) over runs, with the cluster (run) linearised interval.
fn ratio(runs: &[Run], y: impl Fn(&Run) -> f64, x: impl Fn(&Run) -> f64) -> Est {
    let sy: f64 = runs.iter().map(&y).sum();
    let sx: f64 = runs.iter().map(&x).sum();
    let r = sy / sx;
    let xbar = sx / runs.len() as f64;
    let z: Vec<f64> = runs.iter().map(|u| (y(u) - r * x(u)) / xbar).collect();
    let (_, sd) = mean_sd(&z);
    let half = Z95 * sd / (runs.len() as f64).sqrt();
    Est {
        value: r,
        lo: r - half,
        hi: r + half,
    }
}

/// Difference of two ratios of sums, (sum y1 / sum x1) - (sum y2 / sum x2), over the same
/// runs (paired arms, or two measures within one arm), with the linearised interval.
fn ratio_diff(
    r1: &[Run],
    y1: impl Fn(&Run) -> f64,
    x1: impl Fn(&Run) -> f64,
    r2: &[Run],
    y2: impl Fn(&Run) -> f64,
    x2: impl Fn(&Run) -> f64,
) -> Est {
    let n = r1.len() as f64;
    let (sy1, sx1): (f64, f64) = (r1.iter().map(&y1).sum(), r1.iter().map(&x1).sum());
    let (sy2, sx2): (f64, f64) = (r2.iter().map(&y2).sum(), r2.iter().map(&x2).sum());
    let (q1, q2) = (sy1 / sx1, sy2 / sx2);
    let z: Vec<f64> = r1
        .iter()
        .zip(r2)
        .map(|(u, v)| (y1(u) - q1 * x1(u)) / (sx1 / n) - (y2(v) - q2 * x2(v)) / (sx2 / n))
        .collect();
    let (_, sd) = mean_sd(&z);
    let half = Z95 * sd / n.sqrt();
    let d = q1 - q2;
    Est {
        value: d,
        lo: d - half,
        hi: d + half,
    }
}

/// Relative change of a total, sum f(b) / sum f(a) - 1, paired over runs.
fn relative_change(a: &[Run], b: &[Run], f: impl Fn(&Run) -> f64 + Copy) -> Est {
    let sa: f64 = a.iter().map(f).sum();
    let sb: f64 = b.iter().map(f).sum();
    let r = sb / sa;
    let abar = sa / a.len() as f64;
    let z: Vec<f64> = a
        .iter()
        .zip(b)
        .map(|(x, y)| (f(y) - r * f(x)) / abar)
        .collect();
    let (_, sd) = mean_sd(&z);
    let half = Z95 * sd / (a.len() as f64).sqrt();
    Est {
        value: r - 1.0,
        lo: r - 1.0 - half,
        hi: r - 1.0 + half,
    }
}

/// Newcombe (1998) interval for p1 - p2 from two independent estimates with 95% intervals.
fn newcombe(a: Est, b: Est) -> Est {
    let d = a.value - b.value;
    Est {
        value: d,
        lo: d - ((a.value - a.lo).powi(2) + (b.hi - b.value).powi(2)).sqrt(),
        hi: d + ((a.hi - a.value).powi(2) + (b.value - b.lo).powi(2)).sqrt(),
    }
}

fn wilson_est(k: u64, n: u64) -> Est {
    let w = wilson(k, n);
    Est {
        value: w.p,
        lo: w.lo,
        hi: w.hi,
    }
}

fn disputes(r: &Run) -> f64 {
    r.disputes
}

fn force(r: &Run) -> f64 {
    r.force
}

/// Group 1 (Huth & Russett 1984; Huth 1988): raising the target side's in-theatre capability
/// (KFOR x2, x4, then Kosovo's own budget x2) lowers P(use of force) at every step. Disputes
/// (threats) are printed, not asserted: in the crisis game a threat costs little and is
/// deterred less than force (group 2).
#[test]
fn local_balance_lowers_challenges_and_use_of_force() {
    let base = baseline();
    let arm = |kfor: f64, own: f64| {
        let mut s = base.clone();
        scale(&mut s, "deployment.KFOR.capability", kfor);
        scale(&mut s, "country.XKX.military.budget", own);
        simulate(&s, SEED, RUNS)
    };
    let arms = [arm(1.0, 1.0), arm(2.0, 1.0), arm(4.0, 1.0), arm(4.0, 2.0)];
    for (k, pair) in arms.windows(2).enumerate() {
        let dd = paired_diff(&pair[0], &pair[1], disputes);
        let df = paired_diff(&pair[0], &pair[1], force);
        eprintln!("local balance step {k}: disputes/run {dd}, P(use of force) {df}");
        if k == 2 {
            // Kosovo's own force is about 2% of the target side once KFOR is x4: doubling it
            // is not a doubling of the in-theatre capability; printed, not asserted
            // (docs/VALIDATION.md, group 1).
            continue;
        }
        assert!(df.hi < 0.0, "step {k}: use of force did not fall: {df}");
    }
}

/// Group 1: a distant patron of the target (a tie, no pact, no part in a deployment, a token
/// presence in theatre) changes P(use of force) by less than 10% relative, however strong
/// (Huth & Russett 1984; Huth 1988): a nuclear great power (capability 500, `strategic = 1`,
/// ten times the baseline's US contribution) tied to Kosovo at 0.8, with a liaison-size
/// presence of 0.1 capability units in theatre (`in_theatre` 0.0002; after its tie about 5%
/// of the target side's standing local force), against no patron at all. The arms must
/// differ (with nothing at all in theatre the patron is pruned and the arms are
/// bit-identical: that inertness is asserted in the next test). Threshold fixed before
/// measuring: 10% relative. The previous arms (capability 50 -> 500 at `in_theatre` 0.002)
/// moved the patron's force in theatre from 0.1 to 1.0 capability units, three times
/// Kosovo's own army: a forces-in-theatre effect (-14.5%), not a distant patron's; printed.
#[test]
fn distant_patron_with_no_forces_in_theatre_barely_matters() {
    let src = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/western-balkans-2024.toml"),
    )
    .unwrap();
    let patron = |capability: f64, in_theatre: f64| {
        let with = src
            .replacen(
                "ties = { USA = 0.8, TUR = 0.5, DEU = 0.6 }",
                "ties = { USA = 0.8, TUR = 0.5, DEU = 0.6, FRA = 0.8 }",
                1,
            )
            .replacen(
                "[[power]]",
                &format!(
                    "[[power]]\nid = \"FRA\"\ncapability = {capability:?}\nin_theatre = {in_theatre:?}\nstrategic = 1.0\n\n[[power]]"
                ),
                1,
            );
        assert_ne!(with, src);
        with_settings(scenario::parse_str(&with, "distant.toml").expect("valid"))
    };
    let none = simulate(&baseline(), SEED, RUNS);
    let distant = simulate(&patron(500.0, 0.0002), SEED, RUNS);
    let changed = none.iter().zip(&distant).filter(|(x, y)| x != y).count();
    assert!(
        changed > 0,
        "the patron changed no run: the check is hollow"
    );
    let rf = relative_change(&none, &distant, force);
    let (a, b) = (
        simulate(&patron(50.0, 0.002), SEED, RUNS),
        simulate(&patron(500.0, 0.002), SEED, RUNS),
    );
    eprintln!(
        "distant patron (500, 0.1 units in theatre) against none: {changed} runs differ; \
         P(use of force) relative {rf}; in-theatre force 0.1 -> 1.0 units (50 -> 500 at 0.002): {}",
        relative_change(&a, &b, force)
    );
    assert!(
        rf.lo > -0.1 && rf.hi < 0.1,
        "a distant patron changed use of force by 10% or more: {rf}"
    );
}

/// Group 1, second half: forces in theatre matter. A tie with nothing at all in theatre is
/// inert (bit-identical runs, however strong the patron), and tenfold US capability with
/// the baseline's small presence (0.02) lowers P(use of force).
#[test]
fn forces_in_theatre_lower_use_of_force_and_a_bare_tie_is_inert() {
    let src = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/western-balkans-2024.toml"),
    )
    .unwrap();
    let with = src
        .replacen(
            "ties = { USA = 0.8, TUR = 0.5, DEU = 0.6 }",
            "ties = { USA = 0.8, TUR = 0.5, DEU = 0.6, FRA = 0.8 }",
            1,
        )
        .replacen(
            "[[power]]",
            "[[power]]\nid = \"FRA\"\ncapability = 500.0\nin_theatre = 0.0\nstrategic = 1.0\n\n[[power]]",
            1,
        );
    assert_ne!(with, src);
    let tied = with_settings(scenario::parse_str(&with, "tied.toml").expect("valid"));
    assert!(
        simulate(&tied, SEED, RUNS) == simulate(&baseline(), SEED, RUNS),
        "a tie with nothing in theatre changed a run"
    );

    let present = baseline();
    let mut present_strong = present.clone();
    scale(&mut present_strong, "power.USA.capability", 10.0);
    let c = simulate(&present, SEED, RUNS);
    let e = simulate(&present_strong, SEED, RUNS);
    let dp = paired_diff(&c, &e, force);
    eprintln!("patron in theatre (0.02) x10: P(use of force) {dp}");
    assert!(
        dp.hi < 0.0,
        "forces in theatre did not lower use of force: {dp}"
    );
}

fn with_kosovo_in_nato(mut s: Scenario) -> Scenario {
    let xkx = s.country_index("XKX").expect("XKX");
    let nato = s
        .alliances
        .iter()
        .position(|a| a.id == "NATO")
        .expect("NATO");
    s.alliances[nato].members.push(Actor::Country(xkx));
    s
}

/// Fact 2: a defensive pact protecting the target lowers challenges against it.
#[test]
fn defensive_pact_lowers_challenges() {
    let a = simulate(&baseline(), SEED, RUNS);
    let b = simulate(&with_kosovo_in_nato(baseline()), SEED, RUNS);
    let d = paired_diff(&a, &b, disputes);
    let f = paired_diff(&a, &b, force);
    eprintln!("Kosovo in NATO: disputes/run {d}, P(use of force) {f}");
    assert!(d.hi < 0.0, "the pact did not lower challenges: {d}");
    assert!(f.hi < 0.0, "the pact did not lower uses of force: {f}");
}

/// Group 2 (Fuhrmann & Sechser 2014; Leeds 2003): a defensive pact with a great power that has
/// a strategic deterrent (the United States, `strategic = 1`) at least halves P(use of force)
/// against the protege, and lowers P(threat) by less (low-level disputes are deterred less than
/// violence). Reading, fixed before measuring: the relative change of P(use of force) has its
/// interval below -0.5, and that of P(threat) lies wholly above it.
#[test]
fn a_pact_with_a_nuclear_great_power_halves_use_of_force_and_threats_less() {
    let threat = |r: &Run| f64::from(u8::from(r.disputes > 0.0));
    let a = simulate(&baseline(), SEED, RUNS);
    let b = simulate(&with_kosovo_in_nato(baseline()), SEED, RUNS);
    let rf = relative_change(&a, &b, force);
    let rt = relative_change(&a, &b, threat);
    eprintln!("Kosovo in NATO: P(use of force) relative {rf}; P(threat) relative {rt}");
    assert!(rf.hi <= -0.5, "use of force not halved: {rf}");
    assert!(rt.lo > rf.hi, "threats fell as much as force: {rt} vs {rf}");
}

/// Group 2: a deployment of zero capability changes nothing, to the bit: an eFP-like force
/// of capability 0 with four contributors, added to the baseline.
#[test]
fn a_zero_capability_deployment_changes_nothing() {
    let base = baseline();
    let mut with = base.clone();
    let host = with.country_index("XKX").unwrap();
    let contributors = ["USA", "DEU", "TUR", "ALB"]
        .iter()
        .map(|id| with.actor(id).unwrap())
        .collect();
    let mut params = scenario::DeploymentParams::defaults();
    params.capability = 0.0;
    with.deployments.push(scenario::Deployment {
        id: "ZERO".into(),
        name: "zero-capability battlegroup".into(),
        host,
        contributors,
        params,
    });
    let a = simulate(&base, SEED, RUNS);
    let b = simulate(&with, SEED, RUNS);
    assert_eq!(a, b, "a zero-capability deployment changed runs");
}

/// Group 2: a deployment that cannot fight alongside the host (interoperability 0) changes
/// nothing, to the bit, even when its contributors also contribute to a later deployment
/// there: it must not count them as already counted and so drop them from the later force's
/// coalition. Here an inert force with KFOR's contributors is listed before KFOR.
#[test]
fn a_deployment_of_zero_interoperability_changes_nothing_even_sharing_contributors() {
    let base = baseline();
    let mut with = base.clone();
    let kfor = &base.deployments[0];
    let mut params = kfor.params;
    params.capability = 50.0;
    params.interoperability = 0.0;
    with.deployments.insert(
        0,
        scenario::Deployment {
            id: "INERT".into(),
            name: "force that cannot fight with the host".into(),
            host: kfor.host,
            contributors: kfor.contributors.clone(),
            params,
        },
    );
    let a = simulate(&base, SEED, RUNS / 5);
    let b = simulate(&with, SEED, RUNS / 5);
    let changed = a.iter().zip(&b).filter(|(x, y)| x != y).count();
    assert!(
        changed == 0,
        "an inert deployment changed {changed} of {} runs",
        a.len()
    );
}

/// A figure `x` times the decimal factor `m * 10^e` as an author rewriting the file would
/// write it: the exact product of the decimal `x` is written as (its shortest round-trip
/// representation) and the factor, read back as a double. 1000 is `(1, 3)`, 0.92 `(92, -2)`.
fn times_decimal(x: f64, (m, e): (u128, i32)) -> f64 {
    let written = format!("{x:e}");
    let (digits, exponent) = written.split_once('e').unwrap();
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let mantissa: u128 = format!("{whole}{fraction}").parse().unwrap();
    let exponent = exponent.parse::<i32>().unwrap() - fraction.len() as i32 + e;
    format!("{}e{exponent}", mantissa * m).parse().unwrap()
}

/// `s` with every currency figure (GDPs, budgets and given capabilities of countries,
/// capabilities of powers and deployments, policies' values set or added to one of them)
/// rescaled by `by`; derived values follow (`Scenario::derive`).
fn rescaled(s: &Scenario, by: impl Fn(f64) -> f64) -> Scenario {
    let mut out = s.clone();
    for c in out.countries.iter_mut() {
        c.economic.gdp = by(c.economic.gdp);
        c.military.budget = by(c.military.budget);
        if c.capability_given {
            c.military.capability = by(c.military.capability);
        }
    }
    for p in out.powers.iter_mut() {
        p.params.capability = by(p.params.capability);
    }
    for d in out.deployments.iter_mut() {
        d.params.capability = by(d.params.capability);
    }
    let mut policy_figures = 0;
    for p in out.policies.iter_mut() {
        for ch in p.changes.iter_mut() {
            if ch.target.spec().unit.starts_with("currency") {
                ch.op = match ch.op {
                    ChangeOp::Set(v) => ChangeOp::Set(by(v)),
                    ChangeOp::Add(v) => ChangeOp::Add(by(v)),
                    op => op,
                };
                policy_figures += 1;
            }
        }
    }
    out.derive();
    eprintln!(
        "  rescaled {} countries, {} powers, {} deployments, {policy_figures} policy values",
        out.countries.len(),
        out.powers.len(),
        out.deployments.len()
    );
    out
}

/// A rescaling of one currency figure.
type Rescale = Box<dyn Fn(f64) -> f64>;

/// Every rivalry's whole record of every run of `s`, GDP lost aside (printed exactly, as
/// Debug prints every f64 by its shortest round-trip form), and the runs' GDP lost summed.
fn records_and_gdp_lost(s: &Scenario, runs: u64) -> (Vec<String>, f64) {
    let per_run = simulate_with(s, SEED, runs, |r| {
        let mut rivalries = r.rivalries.clone();
        let lost: f64 = rivalries.iter().map(|x| x.gdp_lost).sum();
        for x in rivalries.iter_mut() {
            x.gdp_lost = 0.0;
        }
        (format!("{rivalries:?}"), lost)
    });
    let lost = per_run.iter().map(|(_, l)| l).sum();
    (per_run.into_iter().map(|(r, _)| r).collect(), lost)
}

/// Group 6, units invariance: scaling every currency figure of a scenario (GDPs, budgets,
/// capabilities of countries, powers and deployments, policies' currency values) by the same
/// factor changes no run's record, to the bit, and its GDP lost only by that factor. Three
/// factors: 1024 (exact in binary), 1000 (billions to millions) and 0.92 (one currency to
/// another), the last two written out as exact decimals, as an author rewriting the file
/// would; on the baseline and on the Mediu overlay (a policy sets a deployment's capability).
/// The model reads every figure as its exact quotient by the reference GDP (docs/MODEL.md
/// 7.3), so the three give the same bits.
#[test]
fn scaling_every_currency_figure_changes_nothing() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let files = ["western-balkans-2024.toml", "mediu-tri-level.toml"];
    let runs = RUNS / 5;
    for file in files {
        let base = load(&root.join(file));
        let (records, lost) = records_and_gdp_lost(&base, runs);
        assert!(lost > 0.0, "{file}: the comparison covers GDP lost");
        let factors: [(&str, f64, Rescale); 3] = [
            ("x1024", 1024.0, Box::new(|x| x * 1024.0)),
            ("x1000", 1000.0, Box::new(|x| times_decimal(x, (1, 3)))),
            ("x0.92", 0.92, Box::new(|x| times_decimal(x, (92, -2)))),
        ];
        for (name, k, by) in factors {
            let scaled = rescaled(&base, by);
            for (x, y) in base.countries.iter().zip(&scaled.countries) {
                assert_ne!(
                    x.economic.gdp, y.economic.gdp,
                    "{file} {name}: {} rescaled",
                    x.id
                );
            }
            let (scaled_records, scaled_lost) = records_and_gdp_lost(&scaled, runs);
            let changed = records
                .iter()
                .zip(&scaled_records)
                .filter(|(a, b)| a != b)
                .count();
            assert_eq!(
                changed, 0,
                "{file} {name}: {changed} of {runs} runs changed"
            );
            let expected = lost * k;
            assert!(
                (scaled_lost - expected).abs() <= 1e-12 * expected,
                "{file} {name}: GDP lost {scaled_lost}, expected {expected}"
            );
            eprintln!(
                "{file} {name}: {runs} runs identical, GDP lost x{}",
                scaled_lost / lost
            );
        }
    }
}

fn nato_reliability() -> f64 {
    let s = baseline();
    let nato = s.alliances.iter().find(|a| a.id == "NATO").expect("NATO");
    nato.params.reliability
}

/// Kosovo in NATO with KFOR removed, `settings` (path, value) applied to the baseline first.
fn nato_only_commitments(concentration: f64, settings: &[(&str, f64)]) -> Vec<Run> {
    let mut b = baseline();
    apply(&mut b, settings);
    let mut s = with_kosovo_in_nato(b);
    set(&mut s, "deployment.KFOR.capability", 0.0);
    set(
        &mut s,
        "alliance.NATO.reliability_concentration",
        concentration,
    );
    simulate(&s, SEED, RUNS)
}

/// Group 2: protectors honour about 75% of invoked commitments (Leeds 2003), as their own
/// decision at node 4 of the crisis game (Kosovo in NATO, KFOR removed so that only the pact
/// is invoked). Reading, fixed before measuring: the 95% interval lies within 0.75 +- 0.10.
#[test]
fn allies_honour_invoked_commitments_at_the_pact_reliability() {
    let share = nato_honoured(&[]);
    assert!(
        share.lo >= 0.65 && share.hi <= 0.85,
        "honoured share {share} is not about 0.75"
    );
}

/// The honoured share of invoked NATO commitments (Kosovo in NATO, KFOR removed) with
/// `settings` applied to the baseline (printed).
fn nato_honoured(settings: &[(&str, f64)]) -> Est {
    let runs = nato_only_commitments(20.0, settings);
    let share = ratio(&runs, |r| r.honoured, |r| r.invoked);
    let invoked: f64 = runs.iter().map(|r| r.invoked).sum();
    eprintln!(
        "honoured share of {invoked} invoked NATO commitments{}: {share} (prior mean {})",
        tagged(settings),
        nato_reliability()
    );
    share
}

/// Fact 3: after the target backs down, the next challenge is more likely than after it
/// stood firm (Huth 1988; Weisiger & Yarhi-Milo 2015). Concessions are rare in the baseline
/// (about 1 crisis in 90) and the effect small (about 1.5 points), so this fact needs 200,000
/// runs to be resolved; at 40,000 the interval still includes zero.
#[test]
fn backing_down_invites_the_next_challenge() {
    let runs = simulate(&baseline(), SEED, 20 * RUNS);
    let d = ratio_diff(
        &runs,
        |r| r.after_concession.1,
        |r| r.after_concession.0,
        &runs,
        |r| r.after_firm.1,
        |r| r.after_firm.0,
    );
    let c = ratio(&runs, |r| r.after_concession.1, |r| r.after_concession.0);
    let f = ratio(&runs, |r| r.after_firm.1, |r| r.after_firm.0);
    eprintln!("P(challenge) next after concession {c}, after firmness {f}, difference {d}");
    assert!(d.lo > 0.0, "backing down did not invite challenges: {d}");
}

fn doubled_local_balance(mut s: Scenario) -> Scenario {
    // M_T = own K q r + tie-weighted US presence + KFOR: doubling each term doubles M_T.
    scale(&mut s, "country.XKX.military.budget", 2.0);
    scale(&mut s, "deployment.KFOR.capability", 2.0);
    scale(&mut s, "power.USA.in_theatre", 2.0);
    s
}

/// Fact 4: doubling challenger-target trade lowers the dispute rate by about 20%
/// (elasticity about -0.32: Polachek 1980; Oneal & Russett 1999), and by less than doubling
/// the target's local effective capability does.
#[test]
fn doubling_trade_lowers_disputes_less_than_the_local_balance() {
    let base = baseline();
    let mut trade = base.clone();
    scale(&mut trade, "rivalry.SRB-XKX.trade", 2.0);
    let balance = doubled_local_balance(base.clone());
    let a = simulate(&base, SEED, RUNS);
    let t = simulate(&trade, SEED, RUNS);
    let b = simulate(&balance, SEED, RUNS);
    let rt = relative_change(&a, &t, disputes);
    let rb = relative_change(&a, &b, disputes);
    // (sum t - sum b) / sum a: positive when trade lowers disputes less than the balance.
    let gap = ratio_diff(&t, disputes, |_| 1.0, &b, disputes, |_| 1.0);
    let abar = a.iter().map(disputes).sum::<f64>() / a.len() as f64;
    eprintln!(
        "doubling trade: disputes {rt}; doubling M_T: disputes {rb}; gap/run {gap} (base {abar:.3})"
    );
    assert!(rt.hi < 0.0, "doubling trade did not lower disputes: {rt}");
    assert!(
        gap.lo > 0.0,
        "trade effect not smaller than the balance effect: {gap}"
    );
}

/// Fact 4, magnitude: the reduction from doubling trade is about 20% (2^-0.32 = 0.80).
#[test]
fn doubling_trade_lowers_disputes_by_about_a_fifth() {
    let base = baseline();
    let mut trade = base.clone();
    scale(&mut trade, "rivalry.SRB-XKX.trade", 2.0);
    let rt = relative_change(
        &simulate(&base, SEED, RUNS),
        &simulate(&trade, SEED, RUNS),
        disputes,
    );
    let target = 2f64.powf(-0.32) - 1.0;
    eprintln!("doubling trade: disputes {rt}; literature {target:.3}");
    assert!(
        rt.lo <= target && rt.hi >= target,
        "{rt} excludes {target:.3}"
    );
}

/// Fact 4: sanctions succeed in about a third of episodes (Hufbauer et al. 2007: 34% of
/// about 200). Success here: the sanctioned challenger backs down below use of force.
#[test]
fn sanctions_succeed_in_about_a_third_of_episodes() {
    let d = sanctions_success(&[]);
    assert!(d.lo <= 0.0 && d.hi >= 0.0, "{d}");
}

/// The baseline's share of sanctions episodes that succeed, with `settings` applied, minus
/// Hufbauer et al.'s (printed).
fn sanctions_success(settings: &[(&str, f64)]) -> Est {
    let mut b = baseline();
    apply(&mut b, settings);
    let runs = simulate(&b, SEED, RUNS);
    let model = ratio(&runs, |r| r.sanctions_succeeded, |r| r.sanctioned);
    let hsee = wilson_est(68, 200);
    let d = newcombe(model, hsee);
    eprintln!(
        "sanctions success{}: model {model}, Hufbauer et al. {hsee}, difference {d}",
        tagged(settings)
    );
    d
}

/// Fact 5: a few percent of disputes reach war (Correlates of War: about 95 wars against
/// 2,400 militarized interstate disputes, 1816-2014, 3.96% [3.25, 4.81]).
///
/// What the share is made of. A MID is coded once, at its highest hostility level (Jones,
/// Bremer & Singer 1996), as the model counts a crisis (docs/MODEL.md 7.9, 7.12), and the
/// bundled records count crises the same way and match MID5's disputes where MID5 covers their
/// years (docs/HISTORY.md): the unit is the same. The share of disputes that reach war is
/// P(a dispute reaches force or war) x P(war | it does). The first factor is the mix of
/// low-level disputes: it depends on the population of dyads (a target with a protector in
/// theatre has many disputes that stop at a display: the Serbia -> Kosovo record, seven of
/// eight) and on what a dataset records of threats and displays (the MID coding requires an
/// explicit threat by a government and finds displays in its sources; many MIDs begin with
/// a use of force, Jones, Bremer & Singer 1996). In the MID data about two thirds of disputes
/// reach a use of force or war (from 60% to 70% taken as the range when this reading was
/// fixed, from the MID 2.1 and MID4 tables, Jones, Bremer & Singer 1996, Palmer et al. 2015,
/// quoted from memory; checked afterwards against the Correlates of War dyadic MID data,
/// version 4.02 (Maoz et al. 2019), each dispute at its highest level over its dyads: 1,647 of
/// 2,371 disputes of 1816-2014, 0.695, with 102 wars, so P(war given force or war) 0.062
/// [0.051, 0.075], inside the benchmark, which was not changed), against a few percent of the
/// baseline's disputes. The second factor is the top of the ladder, Fearon's step, which the
/// model claims to capture. So the fact is read with the composition matched: the share of
/// disputes that reach war *given the MID data's composition*, which is the Correlates of
/// War share divided by the MID share that reaches force or war, 0.0396 / 0.65 = 0.061,
/// interval [0.0325 / 0.70, 0.0481 / 0.60] = [0.046, 0.080].
///
/// Reading, fixed before measuring (this version; the reading before it, the share of all
/// disputes over the same pooled cases, is printed, not asserted): over the disputes of the
/// four bundled historical cases pooled (Serbia -> Kosovo 2008, Russia -> Georgia 2004,
/// Russia -> Ukraine 2013, Russia -> the Baltic states 2014, every rivalry, each at its own
/// values and seed, 10,000 runs each), P(war | the dispute reaches a use of force or war),
/// with its interval (runs as clusters), and the benchmark above have a difference whose 95%
/// interval (Newcombe) includes 0. Printed per case, not asserted: the model's disputes by
/// highest level (2, of which the target conceded; 3; 4; 5) and the record's crises by
/// highest level (primary reading, from the bundled record); the baseline dyad's.
/// Holds since a war reveals the target's resolve (`model.war_revelation` 1, docs/MODEL.md
/// 7.6): 0.072 [0.071, 0.073] against 0.061 [0.046, 0.080]; until then 0.092 [0.090, 0.093]
/// (ignored, not reproduced), since a rivalry's later wars started from its first's
/// uncertainty (docs/VALIDATION.md, "The top of the ladder: what a war reveals").
#[test]
fn a_few_percent_of_disputes_reach_war() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/history");
    let mut runs = Vec::new();
    let mut recorded = [0usize; 6];
    for (file, record) in HISTORICAL_CASES {
        let (r, levels) = historical_case(&dir, file, record);
        for (all, l) in recorded.iter_mut().zip(levels) {
            *all += l;
        }
        runs.extend(r);
    }
    let (disputes, forced) = (
        recorded[2..].iter().sum::<usize>(),
        recorded[4] + recorded[5],
    );
    eprintln!(
        "the four records pooled: {disputes} crises at threat or more, {} at a threat, {forced} at force or war, {} war; war share {:.3}, P(war | force or war) {:.3}",
        recorded[2],
        recorded[5],
        recorded[5] as f64 / disputes as f64,
        recorded[5] as f64 / forced as f64
    );
    let base = simulate(&baseline(), SEED, RUNS);
    eprintln!("the baseline dyad: {}", composition(&base));
    let all = ratio(&runs, |r| r.war_crises, |r| r.disputes);
    let cow = wilson_est(95, 2400);
    eprintln!(
        "war share of all disputes (the reading before this version): four cases pooled {all}, COW {cow}, difference {}; the baseline dyad {}",
        newcombe(all, cow),
        ratio(&base, |r| r.war_crises, |r| r.disputes)
    );
    eprintln!(
        "war share of disputes that reach a display or more (threat-only crises left out; printed, not asserted): four cases pooled {}",
        ratio(&runs, |r| r.war_crises, |r| r.disputes - r.threat_crises)
    );
    let model = ratio(&runs, |r| r.war_crises, |r| r.force_crises);
    let bench = Est {
        value: cow.value / MID_FORCE_SHARE.1,
        lo: cow.lo / MID_FORCE_SHARE.2,
        hi: cow.hi / MID_FORCE_SHARE.0,
    };
    let d = newcombe(model, bench);
    eprintln!(
        "P(war | force or war): four cases pooled {model}, COW share / MID share at force or war {bench}, difference {d}; the baseline dyad {}",
        ratio(&base, |r| r.war_crises, |r| r.force_crises)
    );
    // Printed, not asserted: the same with the fait accompli offered (`model.fait_accompli`
    // 1; docs/MODEL.md 7.7 and section 11).
    let mut seized = Vec::new();
    for file in [
        "serbia-kosovo-2008.toml",
        "russia-georgia-2004.toml",
        "russia-ukraine-2013.toml",
        "russia-baltic-2014.toml",
    ] {
        let mut s = load(&dir.join(file));
        set(&mut s, "model.fait_accompli", 1.0);
        let r = simulate_all_rivalries(&s, s.meta.seed, RUNS);
        eprintln!(
            "with the fait accompli, {file}: {}; faits accomplis {}",
            composition(&r),
            ratio(&r, |u| u.faits_accomplis, |u| u.disputes)
        );
        seized.extend(r);
    }
    let mut b = baseline();
    set(&mut b, "model.fait_accompli", 1.0);
    let fb = simulate(&b, SEED, RUNS);
    eprintln!(
        "with the fait accompli, the baseline dyad: {}",
        composition(&fb)
    );
    let fm = ratio(&seized, |r| r.war_crises, |r| r.force_crises);
    eprintln!(
        "with the fait accompli: four cases pooled {}; P(war | force or war) minus the benchmark {}; faits accomplis among the disputes {}; war share of all disputes {}",
        composition(&seized),
        newcombe(fm, bench),
        ratio(&seized, |r| r.faits_accomplis, |r| r.disputes),
        ratio(&seized, |r| r.war_crises, |r| r.disputes)
    );
    assert!(d.lo <= 0.0 && d.hi >= 0.0, "{d}");
}

/// The four bundled historical cases (scenarios/history), each with its record.
const HISTORICAL_CASES: [(&str, &str); 4] = [
    ("serbia-kosovo-2008.toml", "serbia-kosovo.record.toml"),
    ("russia-georgia-2004.toml", "russia-georgia.record.toml"),
    ("russia-ukraine-2013.toml", "russia-ukraine.record.toml"),
    ("russia-baltic-2014.toml", "russia-baltic.record.toml"),
];

/// One historical case of `dir`: the scenario `file` at its own values and seed, every
/// rivalry, [`RUNS`] runs (printed: its disputes by highest level), and its record's crises
/// by highest MID level (index 0 to 5; printed from 2 up), read from the bundled record
/// `record` as `deter calibrate` reads it (events sharing a dispute id are one crisis).
fn historical_case(dir: &Path, file: &str, record: &str) -> (Vec<Run>, [usize; 6]) {
    let s = load(&dir.join(file));
    let r = simulate_all_rivalries(&s, s.meta.seed, RUNS);
    eprintln!("{file}: {}", composition(&r));
    let rec = load_record(&dir.join(record)).expect("valid record");
    let kinds: Vec<Option<EventType>> = rec.events.iter().map(|e| Some(e.kind)).collect();
    let mut levels = [0usize; 6];
    for (level, _) in rec.crises(&kinds) {
        levels[usize::from(level)] += 1;
    }
    eprintln!(
        "  its record ({}-{}): crises at threat {}, display {}, use of force {}, war {}",
        rec.first_year, rec.last_year, levels[2], levels[3], levels[4], levels[5]
    );
    (r, levels)
}

/// Goliath's curse, the mix of low-level disputes: few disputes stop at a threat. In the
/// model a weak target with no protector concedes to most threats (coercion succeeds at MID
/// level 2), while the four bundled records have one crisis in 23 whose highest level is a
/// threat, not conceded (Georgia and Ukraine resisted every time), and in the dyadic MID data
/// 4.02 (Maoz et al. 2019) 3.0% of disputes stop at a threat (70 of 2,371, each dispute at
/// its highest level over its dyads). Compellent threats by much stronger challengers
/// succeed less often than by states closer to parity (Sechser 2010, "Goliath's Curse:
/// Coercive Threats and Asymmetric Power", International Organization 64(4): 627-660):
/// a target that yields to a state able to come back anticipates further demands.
///
/// Reading R1, fixed before measuring: pooled over the four bundled historical cases
/// (scenarios/history: Serbia -> Kosovo 2008, Russia -> Georgia 2004, Russia -> Ukraine
/// 2013, Russia -> the Baltic states 2014; every rivalry, each at its own values and its own
/// seed, 10,000 runs each, as `a_few_percent_of_disputes_reach_war` pools them), the share
/// of disputes whose highest level is a threat (MID 2: the target conceded or the challenger
/// backed down after the threat), with its interval from runs as clusters, and the four
/// records' share (crises whose highest level is a threat over crises at a threat or more,
/// read from the bundled records with the same counting as that test; Wilson 95%) have a
/// Newcombe 95% difference interval that includes 0. Printed per case, not asserted: the
/// model's share (and the concessions among the disputes) and the record's.
#[test]
fn few_disputes_stop_at_a_threat() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/history");
    let (mut runs, mut threats, mut crises) = (Vec::new(), 0u64, 0u64);
    for (file, record) in HISTORICAL_CASES {
        let (r, levels) = historical_case(&dir, file, record);
        let (t, n) = (levels[2] as u64, levels[2..].iter().sum::<usize>() as u64);
        eprintln!(
            "  {file}: threat-only share of disputes: model {} (conceded {}), record {t} of {n}",
            ratio(&r, |u| u.threat_crises, |u| u.disputes),
            ratio(&r, |u| u.conceded, |u| u.disputes),
        );
        threats += t;
        crises += n;
        runs.extend(r);
    }
    let model = ratio(&runs, |u| u.threat_crises, |u| u.disputes);
    let record = wilson_est(threats, crises);
    let d = newcombe(model, record);
    eprintln!(
        "threat-only share of disputes, four cases pooled: model {model} (conceded {}), the four records {threats} of {crises} {record}, difference {d}",
        ratio(&runs, |u| u.conceded, |u| u.disputes)
    );
    assert!(d.lo <= 0.0 && d.hi >= 0.0, "{d}");
}

/// The two historical cases whose target had no protector (Russia -> Georgia 2004, Russia ->
/// Ukraine 2013), each with its record.
const UNPROTECTED_CASES: [(&str, &str); 2] = [
    ("russia-georgia-2004.toml", "russia-georgia.record.toml"),
    ("russia-ukraine-2013.toml", "russia-ukraine.record.toml"),
];

/// The lowest rungs against a weak target with no protector, R2: some displays of force stop
/// short of force. In the records Russia's displays against Georgia (2 of the 4 crises,
/// 2004-2008) and Ukraine (1 of 6, 2013-2022) ended without a use of force; in the dyadic MID
/// data 4.02 (Maoz et al. 2019) 27.6% of disputes stop at a display, 654 of the 2,301 at a
/// display or more. A display is a costly move that tests what force would take (Fearon
/// 1997; Slantchev 2005), so a challenger that displays does not always go on.
///
/// Reading R2, fixed before measuring: pooled over the two cases (every rivalry, each at its
/// own values and seed, [`RUNS`] runs each), the share of the disputes at a display or more
/// whose highest level is a display (runs as clusters) and the two records' share (crises at
/// a display over crises at a display or more, read as `a_few_percent_of_disputes_reach_war`
/// reads them; Wilson 95%) have a Newcombe 95% difference interval that includes 0. Printed
/// per case, not asserted: display-topped crises per run and the record's.
#[test]
fn weak_unprotected_targets_see_displays_that_stop_short_of_force() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/history");
    let (mut runs, mut displays, mut above) = (Vec::new(), 0u64, 0u64);
    for (file, record) in UNPROTECTED_CASES {
        let (r, levels) = historical_case(&dir, file, record);
        let (d, n) = (levels[3] as u64, levels[3..].iter().sum::<usize>() as u64);
        eprintln!(
            "  {file}: display-topped crises per run {:.3} (record {d}); share of the disputes at a display or more {} (record {d} of {n})",
            r.iter().map(|u| u.display_crises).sum::<f64>() / r.len() as f64,
            ratio(&r, |u| u.display_crises, |u| u.disputes - u.threat_crises),
        );
        displays += d;
        above += n;
        runs.extend(r);
    }
    let model = ratio(
        &runs,
        |u| u.display_crises,
        |u| u.disputes - u.threat_crises,
    );
    let record = wilson_est(displays, above);
    let d = newcombe(model, record);
    eprintln!(
        "display-topped share of the disputes at a display or more, Georgia and Ukraine pooled: model {model}, the two records {displays} of {above} {record}, difference {d}"
    );
    assert!(d.lo <= 0.0 && d.hi >= 0.0, "{d}");
}

/// The lowest rungs against a weak target with no protector, R3: the uses of force stay near
/// the records. A mechanism that keeps weak targets from conceding must not do it by turning
/// their concessions into uses of force (Goliath's curse alone does: docs/VALIDATION.md).
/// The records: 2 crises at force or war against Georgia (2004-2008), 5 against Ukraine
/// (2013-2022, one of them the 2022 war).
///
/// Reading R3, fixed before measuring: for each of the two cases (every rivalry, its own
/// values and seed, [`RUNS`] runs), the record's number of crises at force or war is not a
/// tail event of the model's per-run count: P(count >= record) and P(count <= record) have
/// Wilson 95% intervals with lower ends above 0.05 (the reading of the Serbia -> Kosovo
/// displays). Printed: the model's mean per run.
#[test]
fn uses_of_force_against_weak_unprotected_targets_are_not_a_tail_event() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/history");
    let mut failed = Vec::new();
    for (file, record) in UNPROTECTED_CASES {
        let (r, levels) = historical_case(&dir, file, record);
        let observed = (levels[4] + levels[5]) as f64;
        let n = r.len() as u64;
        let at_least = wilson_est(
            r.iter().filter(|u| u.force_crises >= observed).count() as u64,
            n,
        );
        let at_most = wilson_est(
            r.iter().filter(|u| u.force_crises <= observed).count() as u64,
            n,
        );
        eprintln!(
            "  {file}: crises at force or war: record {observed}; model mean {:.2} per run; P(count >= record) {at_least}, P(count <= record) {at_most}",
            r.iter().map(|u| u.force_crises).sum::<f64>() / n as f64
        );
        if at_least.lo <= 0.05 || at_most.lo <= 0.05 {
            failed.push(format!(
                "{file}: P(>= {observed}) {at_least}, P(<= {observed}) {at_most}"
            ));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("; "));
}

/// Target-initiated triggers against the four records (docs/VALIDATION.md, "Target-initiated
/// triggers against the records", whose reading was fixed before measuring): for each case,
/// the record's `trigger` events over its years and the model's crisis triggers by the target
/// per run, summed over the record's rivalries and years ([`RUNS`] runs at the file's values
/// and seed); P(count >= record) and P(count <= record) have Wilson 95% intervals with lower
/// ends above 0.05. No detection thinning: a target's law, tariff or police operation is
/// public. The rates are inputs set from the records (the default from Kosovo's; 0 where a
/// record codes none: the Baltic states, Ukraine), so this checks those inputs against the
/// records they were read from, and the default against Georgia's, not a prediction.
#[test]
fn target_initiated_triggers_are_not_a_tail_event() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/history");
    let mut failed = Vec::new();
    for (file, record) in HISTORICAL_CASES {
        let rec = load_record(&dir.join(record)).expect("valid record");
        let observed = rec
            .events
            .iter()
            .filter(|e| e.kind == EventType::Trigger)
            .count() as u64;
        let s = load(&dir.join(file));
        assert_eq!(s.meta.start.year, rec.first_year, "{file}");
        assert_eq!(s.meta.horizon_years as usize, rec.years(), "{file}");
        let rivalries: Vec<usize> = rec
            .rivalries
            .iter()
            .map(|id| {
                s.rivalries
                    .iter()
                    .position(|r| &r.id == id)
                    .expect("the record's rivalry")
            })
            .collect();
        let counts = simulate_with(&s, s.meta.seed, RUNS, |record| {
            rivalries
                .iter()
                .flat_map(|&k| &record.rivalries[k].yearly_counts)
                .map(|year| u64::from(year[count::TARGET_TRIGGERS]))
                .sum::<u64>()
        });
        let at_least = wilson_est(
            counts.iter().filter(|&&k| k >= observed).count() as u64,
            RUNS,
        );
        let at_most = wilson_est(
            counts.iter().filter(|&&k| k <= observed).count() as u64,
            RUNS,
        );
        let mean = counts.iter().sum::<u64>() as f64 / RUNS as f64;
        eprintln!(
            "  {file}: target-initiated triggers {}-{}: record {observed}; model mean {mean:.2} per run; P(count >= record) {at_least}, P(count <= record) {at_most}",
            rec.first_year, rec.last_year
        );
        if at_least.lo <= 0.05 || at_most.lo <= 0.05 {
            failed.push(format!(
                "{file}: P(>= {observed}) {at_least}, P(<= {observed}) {at_most}"
            ));
        }
    }
    assert!(failed.is_empty(), "a tail event: {}", failed.join("; "));
}

/// The share of MIDs whose highest hostility level is a use of force or war: (low, central,
/// high) of the range taken from the MID 2.1 and MID4 tables (Jones, Bremer & Singer 1996;
/// Palmer et al. 2015) when the reading was fixed; the dyadic MID data 4.02 (Maoz et al. 2019)
/// give 0.695 (`a_few_percent_of_disputes_reach_war`).
const MID_FORCE_SHARE: (f64, f64, f64) = (0.60, 0.65, 0.70);

/// Disputes by highest MID level, as shares of all disputes with their intervals (runs as
/// clusters), and disputes per run.
fn composition(r: &[Run]) -> String {
    let of = |f: fn(&Run) -> f64| ratio(r, f, |u| u.disputes);
    format!(
        "{:.2} disputes per run; threat {} (the target conceded {}), display {}, use of force {}, war {}; P(war | force or war) {}",
        r.iter().map(|u| u.disputes).sum::<f64>() / r.len() as f64,
        of(|u| u.threat_crises),
        of(|u| u.conceded),
        of(|u| u.display_crises),
        of(|u| u.force_crises - u.war_crises),
        of(|u| u.war_crises),
        ratio(r, |u| u.war_crises, |u| u.force_crises)
    )
}

/// Fact 5, the weak form that holds: war is a rare outcome of a dispute (well under a tenth,
/// above zero) in the baseline.
#[test]
fn war_is_a_rare_outcome_of_disputes() {
    let runs = simulate(&baseline(), SEED, RUNS);
    let model = ratio(&runs, |r| r.war_crises, |r| r.disputes);
    let force_share = ratio(&runs, |r| r.force_crises, |r| r.disputes);
    eprintln!("war share of disputes {model}; use of force or war {force_share}");
    assert!(model.lo > 0.0, "no war at all: {model}");
    // War is the top rung of the ladder: rarer than use of force, which is itself a minority.
    assert!(model.hi < force_share.lo, "{model} vs {force_share}");
    assert!(force_share.hi < 0.5, "{force_share}");
}

/// Fact 5: P(war | use of force) rises with the uncertainty c_hat and falls with the
/// challenger's cost (Fearon 1995). The rise holds where Fearon's risk-return trade-off is
/// interior, as in the baseline; beyond, the bound of the whole issue makes war fall with c_hat
/// (`q / c_hat`: a target whose cost of war is larger on average fights less; docs/MODEL.md
/// 7.6). So the uncertainty arm lowers c_hat (x0.5) and reads that war falls with it.
#[test]
fn war_given_force_rises_with_uncertainty_and_falls_with_cost() {
    let (du, dc) = war_given_force_statics(&[]);
    assert!(du.lo > 0.0, "P(war | force) did not rise with c_hat: {du}");
    assert!(
        dc.hi < 0.0,
        "P(war | force) did not fall with the cost: {dc}"
    );
}

/// The two comparative statics of [`war_given_force_rises_with_uncertainty_and_falls_with_cost`]
/// on the baseline with `settings` applied: (base - c_hat x0.5, war_cost x1.5 - base).
fn war_given_force_statics(settings: &[(&str, f64)]) -> (Est, Est) {
    let mut base = baseline();
    apply(&mut base, settings);
    let mut certain = base.clone();
    scale(&mut certain, "model.war_uncertainty", 0.5);
    let mut costly = base.clone();
    scale(&mut costly, "model.war_cost", 1.5);
    // Uses of force are rare in the costly arm: 30,000 runs per arm give the cost effect
    // (about -0.1) an interval narrower than its size.
    let n = 3 * RUNS;
    let a = simulate(&base, SEED, n);
    let u = simulate(&certain, SEED, n);
    let c = simulate(&costly, SEED, n);
    let w = |r: &Run| r.war_crises;
    let f = |r: &Run| r.force_crises;
    let du = ratio_diff(&a, w, f, &u, w, f);
    let dc = ratio_diff(&c, w, f, &a, w, f);
    eprintln!(
        "P(war | force){}: base {}, c_hat x0.5 {}, war_cost x1.5 {}; differences base - c_hat x0.5 {du}, war_cost x1.5 - base {dc}",
        tagged(settings),
        ratio(&a, w, f),
        ratio(&u, w, f),
        ratio(&c, w, f)
    );
    (du, dc)
}

/// Fact 5: a use of force against a weak target with no protector rarely becomes war (the
/// MID record has no war among Russia's seven level-4 disputes with Georgia and Ukraine,
/// 2004-2014; Russia -> Ukraine 2013-2022 has one war among five crises at level 4 or 5):
/// a target that would lose badly accepts a limited fait accompli rather than fight (Fearon
/// 1995, the bound of the whole issue; Tarar 2016; Altman 2017). Reading, fixed from the
/// record before measuring: in the Russia -> Georgia 2004 and Russia -> Ukraine 2013
/// scenarios (their own seeds, 10,000 runs each), P(war | use of force) has its 95% interval
/// below 0.2 (one in five), below the baseline's (the war probability falls with the local
/// balance against the target), and below the same scenario's with the bound switched off
/// (`war_resistance` 1000: the target's gain from war is the whole issue, the interior
/// formula alone, as before this version).
#[test]
fn force_against_a_weak_unprotected_target_rarely_becomes_war() {
    let w = |r: &Run| r.war_crises;
    let f = |r: &Run| r.force_crises;
    let base = simulate(&baseline(), SEED, RUNS);
    let base_share = ratio(&base, w, f);
    for file in ["russia-georgia-2004.toml", "russia-ukraine-2013.toml"] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios/history")
            .join(file);
        let s = load(&path);
        let mut unbounded = s.clone();
        set(&mut unbounded, "model.war_resistance", 1000.0);
        let a = simulate(&s, s.meta.seed, RUNS);
        let b = simulate(&unbounded, s.meta.seed, RUNS);
        let share = ratio(&a, w, f);
        let d = ratio_diff(&b, w, f, &a, w, f);
        eprintln!(
            "{file}: P(war | force) {share}; without the bound {}; difference {d}; baseline {base_share}",
            ratio(&b, w, f)
        );
        assert!(share.hi < 0.2, "{file}: P(war | force) {share}");
        assert!(
            share.hi < base_share.lo,
            "{file}: {share} vs baseline {base_share}"
        );
        assert!(d.lo > 0.0, "{file}: the bound changes nothing: {d}");
    }
}

/// Fact 5: a satisfied challenger (dissatisfaction 0) almost never challenges, even against
/// the weak defender of the baseline (Zagare & Kilgour 2000; Quackenbush 2010). "Almost
/// never" is read as: at least ten times less often per opportunity than the dissatisfied
/// baseline challenger. Why the model has it: every gain of a challenge scales with the
/// value of revision `V = S D (1 + n)`, the target's concession and the domestic reward of a
/// display in a reaction crisis alike (docs/MODEL.md 7.6), while a dispute costs trade even
/// when nothing is gained; with `D = 0` a challenge is worth less than nothing and only the
/// challenger's logit noise makes it. (Until the reward of reaction displays, the ratio was
/// 0.124 [0.121, 0.128] and this test was ignored. It holds now mainly because the
/// dissatisfied challenger challenges more, 0.34 -> 0.44 per opportunity; the satisfied
/// one's rate fell only from 0.043 to 0.040, with the dearer trade cost of a dispute.)
#[test]
fn satisfied_challenger_almost_never_challenges() {
    let base = baseline();
    let mut satisfied = base.clone();
    set(&mut satisfied, "rivalry.SRB-XKX.dissatisfaction", 0.0);
    let a = simulate(&base, SEED, RUNS);
    let s = simulate(&satisfied, SEED, RUNS);
    let pa = ratio(&a, disputes, |r| r.crises);
    let ps = ratio(&s, disputes, |r| r.crises);
    // ratio ps / pa with its interval: linearise log ps - log pa over paired runs.
    let (na, ns) = (
        a.iter().map(disputes).sum::<f64>(),
        s.iter().map(disputes).sum::<f64>(),
    );
    let (ca, cs) = (
        a.iter().map(|r| r.crises).sum::<f64>(),
        s.iter().map(|r| r.crises).sum::<f64>(),
    );
    let z: Vec<f64> = a
        .iter()
        .zip(&s)
        .map(|(x, y)| (y.disputes / ns - y.crises / cs) - (x.disputes / na - x.crises / ca))
        .collect();
    let n = z.len() as f64;
    let (_, sd) = mean_sd(&z);
    let half = Z95 * sd * n.sqrt();
    let r = ps.value / pa.value;
    let (lo, hi) = (r * (-half).exp(), r * half.exp());
    let any = mean_ci(
        &s.iter()
            .map(|r| f64::from(u8::from(r.disputes > 0.0)))
            .collect::<Vec<_>>(),
    );
    eprintln!(
        "P(challenge | opportunity): dissatisfied {pa}, satisfied {ps}; ratio {r:.4} [{lo:.4}, {hi:.4}]; \
         satisfied: P(any challenge in 10 years) {any}"
    );
    assert!(
        hi < 0.1,
        "a satisfied challenger challenges too often: ratio {r} [{lo}, {hi}]"
    );
}

/// Fact 5: as the decisiveness m -> 0 the contest is a coin flip, p -> 0.5.
#[test]
fn decisiveness_to_zero_gives_a_coin_flip() {
    for (ma, mt) in [(5.0, 3.2), (1.0, 100.0), (1e4, 1e-3)] {
        for m in [1e-1, 1e-2, 1e-3, 1e-6] {
            let p = contest_success(ma, mt, m);
            // |p - 1/2| <= m |ln(M_A / M_T)| / 4: the logistic has slope at most 1/4.
            let bound = m * (ma / mt).ln().abs() / 4.0;
            assert!((p - 0.5).abs() <= bound + 1e-15, "m {m}: p {p}");
        }
        assert_eq!(contest_success(ma, mt, 0.0), 0.5);
    }
    // Model 2: with m = 0 the local balance no longer decides who prevails, but capabilities
    // still act through punishment (the coalition's capability in the challenger's war cost)
    // and the protectors' cost of fighting, so runs are not identical (docs/MODEL.md 7.5).
}

/// Sub-model check: crisis opportunities are Poisson with mean lambda (1 + kappa T) x horizon
/// when tension is constant (no volatility, no challenges to make it jump).
#[test]
fn crisis_opportunities_are_poisson() {
    let mut s = baseline();
    set(&mut s, "rivalry.SRB-XKX.tension", 0.45);
    set(&mut s, "rivalry.SRB-XKX.baseline_tension", 0.45);
    set(&mut s, "rivalry.SRB-XKX.tension_volatility", 0.0);
    set(&mut s, "model.status_quo_value", 10.0);
    // The rivalry's own arrivals only: no target-initiated triggers, no non-state incidents.
    set(&mut s, "rivalry.SRB-XKX.opportunity_rate", 0.6);
    set(&mut s, "rivalry.SRB-XKX.target_trigger_rate", 0.0);
    set(&mut s, "rivalry.SRB-XKX.nonstate_rate", 0.0);
    let runs = simulate(&s, SEED, RUNS);
    assert!(runs.iter().all(|r| r.disputes == 0.0));
    let mu = 0.6 * (1.0 + 1.0 * 0.45) * 10.0;
    let counts: Vec<f64> = runs.iter().map(|r| r.crises).collect();
    let (m, sd) = mean_sd(&counts);
    let n = counts.len() as f64;
    // Poisson: Var(mean) = mu / n; Var(s^2) = mu / n + 2 mu^2 / (n - 1).
    let mean_half = Z95 * (mu / n).sqrt();
    let var_half = Z95 * (mu / n + 2.0 * mu * mu / (n - 1.0)).sqrt();
    eprintln!(
        "Poisson: expected {mu:.3}, mean {m:.4} (+-{mean_half:.4}), variance {:.4} (+-{var_half:.4})",
        sd * sd
    );
    assert!((m - mu).abs() <= mean_half, "mean {m} vs {mu}");
    assert!(
        (sd * sd - mu).abs() <= var_half,
        "variance {} vs {mu}",
        sd * sd
    );
}

/// Not a fact: the paired effects quoted in docs/POLICY-BRIEF.md, each bundled proposal
/// against the baseline on the same seed and run indices. Run with
/// `cargo test --release --test validation policy_brief -- --ignored --nocapture`.
#[test]
#[ignore = "prints the policy brief's paired effects; not a check"]
fn policy_brief_paired_effects() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let base = simulate(&baseline(), SEED, RUNS);
    let threat = |r: &Run| f64::from(u8::from(r.disputes > 0.0));
    let war = |r: &Run| f64::from(u8::from(r.war_crises > 0.0));
    for name in [
        "mediu-tri-level",
        "lunic-coordinated-procurement",
        "shea-special-envoy",
        "serbia-eastern-pivot",
        "kosovo-nato-path",
        "combined-proposals",
    ] {
        let s = load(&dir.join(format!("{name}.toml")));
        let runs = simulate(&s, SEED, RUNS);
        eprintln!(
            "{name}: P(threat) {}; P(use of force) {}; P(war) {}; disputes/run {}; relative {}",
            paired_diff(&base, &runs, threat),
            paired_diff(&base, &runs, force),
            paired_diff(&base, &runs, war),
            paired_diff(&base, &runs, disputes),
            relative_change(&base, &runs, disputes),
        );
    }
}

/// The baseline keeps the patterns of the Serbia -> Kosovo record it was set to (docs/MODEL.md
/// section 8; docs/HISTORY.md, 2008-2024): a use of force by state forces is a minority
/// outcome of a decade, well under a coin flip; war is rarer still; displays of force come
/// several times a decade (about 3.5 observed; the section's verdict accepts 2.5 to 4.5). A
/// guard for changes of defaults: a configuration can keep every other reading and still put
/// the baseline's P(use of force) above one half. Reading, fixed before measuring, with the
/// section's own bounds: P(use of force over the 10 years) has its Wilson 95% interval below
/// 0.5; P(war) has its interval below P(use of force)'s; the mean number of crises whose highest
/// level is a display per decade has its 95% interval inside [2.5, 4.5].
#[test]
fn the_baseline_keeps_the_patterns_of_the_record() {
    let s = baseline();
    assert_eq!(s.meta.horizon_years, 10, "the reading is per decade");
    let runs = simulate(&s, SEED, RUNS);
    let n = runs.len() as u64;
    let force = wilson_est(runs.iter().filter(|r| r.force > 0.0).count() as u64, n);
    let war = wilson_est(runs.iter().filter(|r| r.war_crises > 0.0).count() as u64, n);
    let displays = mean_ci(&runs.iter().map(|r| r.display_crises).collect::<Vec<_>>());
    eprintln!(
        "P(use of force over the decade) {force}; P(war) {war}; displays per decade {displays}"
    );
    assert!(
        force.hi < 0.5,
        "use of force is no minority outcome: {force}"
    );
    assert!(
        war.hi < force.lo,
        "war is not rarer than use of force: {war} vs {force}"
    );
    assert!(
        displays.lo >= 2.5 && displays.hi <= 4.5,
        "displays per decade outside [2.5, 4.5]: {displays}"
    );
}

/// Every bundled scenario (the baseline and each proposal's overlay) reads and validates.
#[test]
fn bundled_scenarios_are_valid() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("scenarios/") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "toml") {
            let s =
                scenario::load_file(&path).unwrap_or_else(|d| panic!("{}: {d}", path.display()));
            assert!(!s.rivalries.is_empty(), "{}", path.display());
            n += 1;
        }
    }
    assert!(n >= 7, "expected the baseline and six overlays, found {n}");
}

/// Group 7 (Shapley 1953): the three-level attribution sums to the total effect of removing all
/// three levels, exactly (integer sums of six times the per-run values), for every outcome and
/// entity; printed for docs/VALIDATION.md and docs/POLICY-BRIEF.md.
#[test]
fn the_three_level_attribution_is_efficient() {
    let s = baseline();
    let c = Compiled::new(&s).with_attribution();
    let plan = RunPlan {
        seed: SEED,
        first: 0,
        count: 2_000,
        stream_offset: 0,
    };
    let agg = deter::engine::run(&c, &plan, deter::engine::Hooks::default()).unwrap();
    let t = agg.attribution.as_ref().expect("the attribution is on");
    let ids: Vec<&str> = s.rivalries.iter().map(|r| r.id.as_str()).collect();
    let a = deter::report::attribution::AttributionOut::build(t, agg.runs, &ids);
    let mut text = String::new();
    deter::report::attribution::table_section(&mut text, &a, s.meta.horizon_years, None);
    eprintln!("{text}");
    for (e, ent) in t.entities.iter().enumerate() {
        for (k, x) in ent.iter().enumerate() {
            assert_eq!(
                x.shapley6.iter().sum::<i64>(),
                6 * (x.present[0] as i64 - x.present[7] as i64),
                "entity {e} event {k}"
            );
        }
    }
    // The scenario as it is, the all-present variant, is the plain run: same counts.
    let plain = simulate(&baseline(), SEED, 2_000);
    let force = plain.iter().filter(|r| force(r) > 0.0).count() as u64;
    let k = deter::outputs::event_index("use_of_force").unwrap();
    assert_eq!(t.entities[1][k].present[7], force);
}

/// Fact 1, Baltic-type dyad (tests/data/baltic-type.toml: a challenger about fifty times
/// stronger locally, a pact with a nuclear great power, a small stationed force). Reading,
/// fixed before measuring: over the documented prior ranges below, the largest total-order
/// Sobol' index of P(use of force) among the force-posture levers (the challenger's theatre
/// share, the stationed force's capability, the protector's reinforcement) is at least 0.1,
/// and its 95% bootstrap interval excludes 0. Computed by the sweep machinery's Saltelli design
/// and estimator (`deter sweep`, fixed seed, common random numbers); the total-order indices
/// are recomputed here from the per-point results with Jansen's estimator, and the design is
/// checked (each A_B^i row differs from its A row in parameter i only).
/// Command: `cargo test --release --test validation posture_levers -- --nocapture`.
#[test]
fn posture_levers_carry_a_total_order_index_in_a_baltic_type_dyad() {
    let dir = tempfile::tempdir().unwrap();
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/baltic-type.toml");
    let params = [
        ("rivalry.RUS-EST.challenger_share", "lever", 0.1, 0.5),
        ("deployment.EFP.capability", "lever", 0.5, 5.0),
        ("power.USA.reinforcement", "lever", 0.02, 0.3),
        ("rivalry.RUS-EST.dissatisfaction", "uncertainty", 0.2, 0.6),
        ("model.rationality", "uncertainty", 5.0, 15.0),
    ];
    let mut text = format!(
        "base = {:?}\nruns = 200\nseed = 11\ndesign = \"saltelli\"\npoints = 32\ncommon_random_numbers = true\n",
        base.display().to_string()
    );
    for (path, role, lo, hi) in params {
        text += &format!(
            "\n[[parameter]]\npath = \"{path}\"\nrole = \"{role}\"\nrange = [{lo}, {hi}]\n"
        );
    }
    let file = dir.path().join("baltic.toml");
    std::fs::write(&file, text).unwrap();
    let out = dir.path().join("baltic.csv");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_deter"))
        .args([
            "sweep",
            file.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    // Per-point results, in design order: per base row j, A, B, then A_B^i for i = 0..d.
    let csv = std::fs::read_to_string(&out).unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let y_col = col("use_of_force_p");
    let rows: Vec<Vec<f64>> = lines
        .map(|l| {
            l.split(',')
                .map(|x| x.parse::<f64>().unwrap_or(f64::NAN))
                .collect()
        })
        .collect();
    let d = params.len();
    let w = d + 2;
    assert_eq!(rows.len(), 32 * w);
    let x = |r: &Vec<f64>, i: usize| r[col(params[i].0)];
    for j in 0..32 {
        let (a, b) = (&rows[j * w], &rows[j * w + 1]);
        for i in 0..d {
            let ab = &rows[j * w + 2 + i];
            for k in 0..d {
                let expect = if k == i { x(b, k) } else { x(a, k) };
                assert_eq!(x(ab, k), expect, "row {j}, A_B^{i}, parameter {k}");
            }
        }
    }
    let y: Vec<f64> = rows.iter().map(|r| r[y_col]).collect();
    let fa: Vec<f64> = (0..32).map(|j| y[j * w]).collect();
    let fb: Vec<f64> = (0..32).map(|j| y[j * w + 1]).collect();
    let all: Vec<f64> = fa.iter().chain(&fb).copied().collect();
    let mean = all.iter().sum::<f64>() / all.len() as f64;
    let var = all.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / all.len() as f64;
    let jansen: Vec<f64> = (0..d)
        .map(|i| {
            (0..32)
                .map(|j| (fa[j] - y[j * w + 2 + i]).powi(2))
                .sum::<f64>()
                / (2.0 * 32.0 * var)
        })
        .collect();
    // The machinery's table: outcome,rank,parameter,role,S1,S1_lo,S1_hi,ST,ST_lo,ST_hi.
    let table = std::fs::read_to_string(dir.path().join("baltic.sensitivity.csv")).unwrap();
    let mut best: Option<(&str, f64, f64)> = None;
    for line in table.lines().filter(|l| l.starts_with("use_of_force,")) {
        let f: Vec<&str> = line.split(',').collect();
        let i = params.iter().position(|p| p.0 == f[2]).unwrap();
        let (st, st_lo) = (f[7].parse::<f64>().unwrap(), f[8].parse::<f64>().unwrap());
        assert!(
            (st - jansen[i]).abs() < 1e-9,
            "{}: table ST {st}, recomputed {}",
            f[2],
            jansen[i]
        );
        eprintln!("{}: ST {st:.3} [{st_lo:.3}, {}]", f[2], f[9]);
        if params[i].1 == "lever" && best.is_none_or(|b| st > b.1) {
            best = Some((params[i].0, st, st_lo));
        }
    }
    let (name, st, lo) = best.expect("posture levers in the table");
    eprintln!("Baltic-type dyad: largest posture-lever ST {st:.3} ({name}), lower bound {lo:.3}");
    assert!(st >= 0.1 && lo > 0.0, "{name}: ST {st} [{lo}, ...]");
}

/// The fait accompli (docs/MODEL.md 7.7, offered with `model.fait_accompli` 1): a threat warns
/// the target and its protectors, a fait accompli does not, so reinforcements from afar cannot
/// contest it and forces already in theatre can (Shlapak & Johnson 2016: a tripwire in the
/// Baltic states, because reinforcements cannot arrive in time; Altman 2017). In the
/// Baltic-type dyad with the fait accompli offered, three arms on common random numbers (the
/// same seed and runs): as is (EFP 1.5 capability units stationed); a tripwire, EFP's
/// capability raised by 3 units (0.9 x 3 = 2.7 units in theatre at its interoperability 0.9);
/// and the same 2.7 units as the great power's reinforcement from afar (its `reinforcement`
/// raised by 2.7 / (sqrt(1.0 x 0.9) x 90), so that the protectors' reinforcement `R` of
/// docs/MODEL.md 7.5 rises by the same 2.7 units in both arms). Reading, fixed before
/// measuring: the paired difference of faits accomplis per run, tripwire minus reinforcement,
/// has its 95% interval below 0 (the tripwire deters the fait accompli more). Printed, not
/// asserted: each arm against the dyad as is, and P(use of force). Measured (docs/VALIDATION.md):
/// faits accomplis per run 1.78 as is, 0.82 with the tripwire, 1.80 with the reinforcement;
/// tripwire minus reinforcement -0.97 [-1.00, -0.95]; the reinforcement from afar raises them
/// a little (+0.013 [0.006, 0.020]: it makes the threat's use of force worse, not the fait
/// accompli's).
#[test]
fn a_tripwire_deters_the_fait_accompli_more_than_reinforcement_from_afar() {
    let mut base = baltic_type();
    set(&mut base, "model.fait_accompli", 1.0);
    let added = 0.9 * 3.0;
    let mut tripwire = base.clone();
    set(&mut tripwire, "deployment.EFP.capability", 1.5 + 3.0);
    let mut afar = base.clone();
    set(
        &mut afar,
        "power.USA.reinforcement",
        0.1 + added / (0.9f64.sqrt() * 60.0 * 1.5),
    );
    let (b, t, r) = (
        simulate(&base, SEED, RUNS),
        simulate(&tripwire, SEED, RUNS),
        simulate(&afar, SEED, RUNS),
    );
    let fa = |u: &Run| u.faits_accomplis;
    // paired_diff(x, y, f) is f(y) - f(x), run by run.
    let d = paired_diff(&r, &t, fa);
    let mean = |x: &[Run]| mean_ci(&x.iter().map(fa).collect::<Vec<_>>());
    eprintln!(
        "Baltic-type with the fait accompli: faits accomplis per run as is {}, tripwire {}, reinforcement from afar {}; tripwire - as is {}, reinforcement - as is {}, tripwire - reinforcement {d}; P(use of force) as is {}, tripwire - as is {}, reinforcement - as is {}",
        mean(&b),
        mean(&t),
        mean(&r),
        paired_diff(&b, &t, fa),
        paired_diff(&b, &r, fa),
        mean_ci(&b.iter().map(force).collect::<Vec<_>>()),
        paired_diff(&b, &t, force),
        paired_diff(&b, &r, force),
    );
    assert!(
        d.hi < 0.0,
        "the tripwire did not deter the fait accompli more than reinforcement from afar: {d}"
    );
}

fn baltic_type() -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/baltic-type.toml");
    load(&path)
}

/// Group 2 where the local balance is hopeless (Snyder 1961; Fuhrmann & Sechser 2014): in the
/// Baltic-type dyad (a challenger about ten times stronger in theatre even at its 0.3 theatre
/// share, so denial is near zero), the pact with a nuclear great power still at least halves
/// P(use of force) against no pact (the pact's treaty weight 0; the stationed force stays), and
/// lowers P(threat) by less. Deterrence by punishment does not depend on winning locally: the
/// committed coalition's punishment is added to the challenger's cost of war, not scaled by its
/// local odds (docs/MODEL.md 7.6). Reading, fixed before measuring: the relative change of
/// P(use of force) has its interval below -0.5, and that of P(threat) lies wholly above it.
#[test]
fn a_pact_with_a_nuclear_great_power_deters_where_the_local_balance_is_hopeless() {
    let (rf, rt) = pact_where_hopeless(&[]);
    assert!(rf.hi <= -0.5, "use of force not halved: {rf}");
    assert!(rt.lo > rf.hi, "threats fell as much as force: {rt} vs {rf}");
}

/// The relative changes of P(use of force) and P(threat) with the pact in the Baltic-type
/// dyad with `settings` applied (printed).
fn pact_where_hopeless(settings: &[(&str, f64)]) -> (Est, Est) {
    let mut with = baltic_type();
    apply(&mut with, settings);
    let mut without = with.clone();
    set(&mut without, "alliance.PACT.reliability", 0.0);
    let threat = |r: &Run| f64::from(u8::from(r.disputes > 0.0));
    let a = simulate(&without, SEED, RUNS);
    let b = simulate(&with, SEED, RUNS);
    let rf = relative_change(&a, &b, force);
    let rt = relative_change(&a, &b, threat);
    let pa = mean_ci(&a.iter().map(force).collect::<Vec<_>>());
    let pb = mean_ci(&b.iter().map(force).collect::<Vec<_>>());
    eprintln!(
        "Baltic-type{}: P(use of force) no pact {pa}, pact {pb}; relative {rf}; P(threat) relative {rt}",
        tagged(settings)
    );
    (rf, rt)
}

/// The Russia -> Baltic states case at its scenario's values (scenarios/history/
/// russia-baltic-2014.toml, 2014-2024, the three rivalries together): the record has no war
/// and no use of force beyond two small incidents (docs/HISTORY.md). Reading, fixed
/// before measuring: the record's "no war" must not be a tail event, i.e. the 95% interval of
/// P(war in any of the three rivalries within the 11 years) lies below one half, and the
/// protectors' honoured share of invoked commitments is about 0.75 (within 0.75 +- 0.10,
/// Leeds 2003), emerging from their decision as in the Kosovo-in-NATO check. Model 2's first
/// form gave P(war) about 0.9 and an honoured share about 0.47.
#[test]
fn the_baltic_record_of_no_war_is_not_a_tail_event() {
    let (war, share) = baltic_record(&[]);
    assert!(
        war.hi < 0.5,
        "the record's no war is a tail event: P(war) {war}"
    );
    assert!(
        share.lo >= 0.65 && share.hi <= 0.85,
        "honoured share {share} is not about 0.75"
    );
}

/// P(war in any of the three rivalries) and the honoured share of invoked commitments in the
/// Russia -> Baltic states case with `settings` applied (printed).
fn baltic_record(settings: &[(&str, f64)]) -> (Est, Est) {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/history/russia-baltic-2014.toml");
    let mut s = load(&path);
    apply(&mut s, settings);
    let c = Compiled::new(&s);
    let plan = RunPlan {
        seed: s.meta.seed,
        first: 0,
        count: RUNS,
        stream_offset: 0,
    };
    let mut w = Worker::new(&c);
    let (mut wars, mut invoked, mut honoured) = (0u64, Vec::new(), Vec::new());
    for i in 0..RUNS {
        w.run_range(&c, &plan, i, 1);
        let rec = w.last_record();
        wars += u64::from(rec.rivalries.iter().any(|r| r.max_level >= 5));
        invoked.push(
            rec.rivalries
                .iter()
                .map(|r| f64::from(r.commitments_invoked))
                .sum::<f64>(),
        );
        honoured.push(
            rec.rivalries
                .iter()
                .map(|r| f64::from(r.commitments_honoured))
                .sum::<f64>(),
        );
    }
    let war = wilson_est(wars, RUNS);
    let runs: Vec<Run> = invoked
        .iter()
        .zip(&honoured)
        .map(|(&i, &h)| Run {
            invoked: i,
            honoured: h,
            ..Run::default()
        })
        .collect();
    let share = ratio(&runs, |r| r.honoured, |r| r.invoked);
    eprintln!(
        "Russia -> Baltic states 2014-2024{}: P(war) {war}; honoured share {share}",
        tagged(settings)
    );
    (war, share)
}

/// The runs of the two cases whose honoured shares the alliance readings assert, with
/// `settings` applied: NATO (as [`nato_honoured`]: Kosovo in NATO, KFOR removed, rivalry
/// SRB-XKX, the baseline's seed) and the Russia -> Baltic states case (as [`baltic_record`]:
/// its own seed, the three rivalries summed per run).
fn alliance_cases(settings: &[(&str, f64)]) -> [(&'static str, Vec<Run>); 2] {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/history/russia-baltic-2014.toml");
    let mut baltic = load(&path);
    apply(&mut baltic, settings);
    let seed = baltic.meta.seed;
    [
        ("NATO", nato_only_commitments(20.0, settings)),
        (
            "Russia -> Baltic states 2014-2024",
            simulate_all_rivalries(&baltic, seed, RUNS),
        ),
    ]
}

/// The honoured share of invoked commitments and the honoured share at the casus foederis
/// (docs/VALIDATION.md, "The honoured share at the casus foederis") in the two cases of
/// [`alliance_cases`] with `settings` applied; printed with the counts, their paired
/// difference, and the selection: the share of honoured and of not-honoured invocations that
/// went on to a casus foederis. Returns each case's runs.
fn casus_foederis_shares(settings: &[(&str, f64)]) -> Vec<Vec<Run>> {
    alliance_cases(settings)
        .into_iter()
        .map(|(label, runs)| {
            let sum = |f: fn(&Run) -> f64| runs.iter().map(f).sum::<f64>();
            let (invoked, casus) = (sum(|r| r.invoked), sum(|r| r.casus_foederis));
            // Every casus foederis is an invoked commitment, every honoured one honoured (but
            // with the protectors moving twice, where a protector that stayed out at node 4
            // can fight at the casus foederis, docs/MODEL.md 7.7).
            let twice = moves_twice(settings);
            for r in &runs {
                assert!(r.casus_foederis <= r.invoked);
                assert!(twice || r.cf_honoured <= r.honoured);
                assert!(r.cf_honoured <= r.casus_foederis);
            }
            // The node-4 share (the readings') and the share at the casus foederis.
            let node4 = ratio(&runs, |r| r.honoured, |r| r.invoked);
            let at_casus = ratio(&runs, |r| r.cf_honoured, |r| r.casus_foederis);
            let d = ratio_diff(
                &runs,
                |r| r.cf_honoured,
                |r| r.casus_foederis,
                &runs,
                |r| r.honoured,
                |r| r.invoked,
            );
            let after_honoured = ratio(&runs, |r| r.cf_honoured, |r| r.honoured);
            let after_not = ratio(
                &runs,
                |r| r.casus_foederis - r.cf_honoured,
                |r| r.invoked - r.honoured,
            );
            eprintln!(
                "{label}{}: honoured share of {invoked} invoked commitments {}; at the casus \
                 foederis ({casus} of them) {}; difference {d}; casus foederis after an honoured \
                 invocation {after_honoured}, after one not honoured {after_not}",
                tagged(settings),
                node4,
                at_casus,
            );
            runs
        })
        .collect()
}

/// The honoured share at the casus foederis (docs/VALIDATION.md, "The honoured share at the
/// casus foederis", whose reading was fixed before measuring): at the defaults and the
/// restraint points of the earlier rules, in NATO and the Baltic case, both shares printed
/// ([`casus_foederis_shares`]) and, at each point after the defaults, each share's paired
/// change against the defaults (the same seed and runs). Asserts only that each casus foederis
/// is an invoked commitment. Measured at the defaults (3 December 2026, the Baltic case with
/// its forward presence): 0.0040 [0.0029, 0.0051] (NATO) and 0.0335 [0.0283, 0.0388] (the
/// Baltic states), against 0.7300 and 0.6784 at node 4.
#[test]
#[ignore = "prints the honoured share at the casus foederis at seventeen points; a measurement, not a check"]
fn the_honoured_share_at_the_casus_foederis() {
    const COST: f64 = 0.2;
    let points: [&[(&str, f64)]; 17] = [
        &[],
        &[("model.protector_restraint", 0.5)],
        &[("model.protector_restraint", 1.0)],
        &[("model.protector_restraint", 2.0)],
        &[
            ("model.protector_restraint", 1.0),
            ("model.restraint_cost", COST),
        ],
        &[
            ("model.protector_restraint", 1.0),
            ("model.restraint_cost", COST),
            ("model.display_cost_factor", 0.4),
            ("model.dispute_trade_share", 0.7),
            ("model.rationality_protector", 7.0),
        ],
        &[
            ("model.protector_restraint", 1.0),
            ("model.restraint_cost", COST),
            ("model.display_cost_factor", 0.4),
            ("model.dispute_trade_share", 0.75),
            ("model.rationality_protector", 7.0),
        ],
        &[
            ("model.protector_restraint", 1.0),
            ("model.restraint_cost", COST),
            ("model.display_cost_factor", 0.4),
            ("model.dispute_trade_share", 0.75),
            ("model.treaty_cost", 0.45),
        ],
        &[
            ("model.protector_restraint", 0.05),
            ("model.display_cost_factor", 0.0),
            ("model.dispute_trade_share", 0.7875),
        ],
        &[
            ("model.protector_restraint", 0.05),
            ("model.display_cost_factor", 0.05),
            ("model.dispute_trade_share", 0.7125),
        ],
        &[
            ("model.protector_restraint", 0.1),
            ("model.display_cost_factor", 0.0),
            ("model.dispute_trade_share", 0.925),
        ],
        &[
            ("model.protector_restraint", 0.1),
            ("model.display_cost_factor", 0.05),
            ("model.dispute_trade_share", 0.8125),
        ],
        &[
            ("model.protector_restraint", 0.1),
            ("model.display_cost_factor", 0.1),
            ("model.dispute_trade_share", 0.7125),
        ],
        &[
            ("model.protector_restraint", 0.15),
            ("model.display_cost_factor", 0.05),
            ("model.dispute_trade_share", 0.925),
        ],
        &[
            ("model.protector_restraint", 0.15),
            ("model.display_cost_factor", 0.1),
            ("model.dispute_trade_share", 0.8125),
        ],
        &[
            ("model.protector_restraint", 0.2),
            ("model.display_cost_factor", 0.1),
            ("model.dispute_trade_share", 0.925),
        ],
        &[
            ("model.fait_accompli", 1.0),
            ("model.casus_foederis_cost", 0.5),
            ("model.fait_accompli_resistance", 0.5),
        ],
    ];
    let defaults = casus_foederis_shares(points[0]);
    for settings in &points[1..] {
        for (base, runs) in defaults.iter().zip(casus_foederis_shares(settings)) {
            let change =
                |y: fn(&Run) -> f64, x: fn(&Run) -> f64| ratio_diff(&runs, y, x, base, y, x);
            eprintln!(
                "  change against the defaults: invoked share {}; casus foederis share {}",
                change(|r| r.honoured, |r| r.invoked),
                change(|r| r.cf_honoured, |r| r.casus_foederis),
            );
        }
    }
}

/// Displays of force against the Serbia -> Kosovo record (issue: the baseline's displays
/// should be plausible against the record; an earlier review found the record in the 1-2%
/// tail of a hindcast). The unit is the crisis at its highest level, as the model counts it
/// (docs/MODEL.md 7.12: `displays` are crises whose highest level was a display) and the
/// record's crises are counted (docs/HISTORY.md, rule 10): the two displays of the 2022
/// plates-and-barricades crisis are one crisis at level 3. Both counts are read from the
/// bundled record (primary reading), not by hand: the crises whose highest level is a display
/// over the record's years (2008-2024), and those among them that reached it in 2019-2023
/// (the cluster of Serbian alerts).
///
/// Reading, fixed before measuring: on `scenarios/history/serbia-kosovo-2008.toml` at its own
/// values, dated inputs (docs/HISTORY.md) and seed (10,000 runs, the rivalry SRB-XKX,
/// per-year counts of the run), for each of the two counts, the predictive probability of a
/// count at least as large as the record's and that of a count at most as large (each tail)
/// have Wilson 95% intervals (the Monte Carlo error) whose lower ends are above 0.05: the
/// record is not a tail event of the hindcast. The simulated counts are the model's own events; printed, not asserted, the
/// same tails when each simulated crisis enters the record with the calibration's detection
/// probability for threats and displays, 0.8 (docs/HISTORY.md, observation model; exact
/// binomial thinning of each run's count). The two counts are two tests (the same readings,
/// measured together first): the whole record's holds, the cluster's does not.
#[test]
fn the_serbia_kosovo_record_of_displays_is_not_a_tail_event() {
    let failed = serbia_kosovo_display_tails(None, "", false);
    assert!(failed.is_none(), "a tail event: {}", failed.unwrap());
}

/// The second count of [`the_serbia_kosovo_record_of_displays_is_not_a_tail_event`]: the
/// record's crises with a display as their highest level in 2019-2023; the same reading.
#[test]
#[ignore = "not reproduced: the record has five crises with a display in 2019-2023; the hindcast driven by its recorded inputs (KFOR, the tariffs, both budgets, arms purchases) has a mean of 1.23 in those years and P(count >= 5) 0.0086 [0.0070, 0.0106] (at the earlier defaults: 0.0041 from 2008's values alone, and 0.0082 with Kosovo's cohesion at its range's top under its Vetevendosje governments, the one recorded input the target's triggers have a parameter for, whose sized step is zero); over 2008-2024 the record's six are not a tail (P(>= 6) 0.177 [0.170, 0.185], P(<= 6) 0.912 [0.907, 0.918]); the challenger's memory of its defeats (model.defeat_memory 0.12, off by default) reproduces it but fails four readings that hold, and so does that memory wiped by each concession (model.defeat_memory_reset 1: P(count >= 5) 0.244, baseline displays 5.49 a decade against [2.5, 4.5]); a recent dispute raising the crisis hazard (model.dispute_recency 1, off by default) reaches it barely (P(count >= 5) 0.0543 [0.0500, 0.0589]) through more crises, not Serbia's answer, and fails the baseline's displays (4.57 a decade) and the trade reading (-0.233); an audience cost of inaction in reaction crises (model.reaction_inaction_cost 0.12, off by default) clears it (P(count >= 5) 0.0581 [0.0537, 0.0629]) with Serbia's answer per reaction event at the record's 0.43, but in every period, and fails the baseline's displays (4.63 a decade) and both trade readings (-0.098; the trade reading fails from 0.03) (docs/VALIDATION.md)"]
fn the_cluster_of_serbian_displays_is_not_a_tail_event() {
    // Printed beside the reading: the reaction events of each period and the crises with a
    // display per such event (what a term on Serbia's answer to a crisis moves).
    let failed = serbia_kosovo_display_tails(Some(2019..=2023), "", true);
    assert!(failed.is_none(), "a tail event: {}", failed.unwrap());
}

/// Kosovo's governments led by Vetevendosje (Kurti's first, elected 3 February 2020 and
/// replaced by Hoti's on 3 June 2020; Kurti's second, elected 22 March 2021) as dated inputs of
/// the hindcast, for the cluster of [`the_cluster_of_serbian_displays_is_not_a_tail_event`].
/// No source or scenario value gives them a size other than zero (docs/VALIDATION.md, "A
/// recorded input behind Kosovo's moves or Serbia's answer"), so they are not in the hindcast;
/// printed here, with the verdict rules written before measuring: (a) the bound, Kosovo's
/// cohesion (the documented driver of its triggers) at its range's top, 1.0, under those
/// governments and back to the file's 0.8 under Hoti's; (b) what the target's moves alone would
/// need, `target_trigger_rate` times 2 and times 4 under the same governments.
#[test]
#[ignore = "prints the cluster's tails with Kosovo's Vetevendosje governments as dated inputs (cohesion at its range's top; the trigger rate times 2 and 4); diagnostics, not adopted"]
fn the_cluster_under_kosovos_vetevendosje_governments() {
    let governments = |path: &str, kurti: f64, hoti: f64| {
        [
            ("kurti-2020", "Kurti's first government", "2020-02", kurti),
            ("hoti-2020", "Hoti's government", "2020-06", hoti),
            ("kurti-2021", "Kurti's second government", "2021-03", kurti),
        ]
        .iter()
        .map(|(id, name, start, v)| {
            format!(
                "\n[[policy]]\nid = \"{id}\"\nname = \"{name}\"\nstart = \"{start}\"\nchanges = [{{ path = \"{path}\", set = {v:?} }}]\n"
            )
        })
        .collect::<String>()
    };
    for (label, extra) in [
        ("(0) the hindcast as it is", String::new()),
        (
            "(a) Kosovo's cohesion 1.0 under Vetevendosje",
            governments("country.XKX.political.cohesion", 1.0, 0.8),
        ),
        (
            "(b) target_trigger_rate x2 under Vetevendosje",
            governments("rivalry.SRB-XKX.target_trigger_rate", 0.6, 0.3),
        ),
        (
            "(b) target_trigger_rate x4 under Vetevendosje",
            governments("rivalry.SRB-XKX.target_trigger_rate", 1.2, 0.3),
        ),
    ] {
        eprintln!("{label}:");
        let failed = serbia_kosovo_display_tails(Some(2019..=2023), &extra, true);
        eprintln!(
            "{label}: {}",
            failed.map_or("not a tail event".to_string(), |f| format!(
                "a tail event: {f}"
            ))
        );
    }
}

/// The tails of [`the_serbia_kosovo_record_of_displays_is_not_a_tail_event`] for the crises
/// with a display as their highest level in `years` (all the record's years if `None`), on the
/// hindcast with the TOML `extra` (dated policies) appended to its file: prints them (with
/// `moves`, also the mean target-initiated triggers and non-state incidents before 2019 and in
/// 2019-2023 and the crises with a display per such event), and returns the failure, if any.
fn serbia_kosovo_display_tails(
    years: Option<std::ops::RangeInclusive<i32>>,
    extra: &str,
    moves_too: bool,
) -> Option<String> {
    const DETECT: f64 = 0.8;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/history");
    let rec = load_record(&dir.join("serbia-kosovo.record.toml")).expect("valid record");
    let years = years.unwrap_or(rec.first_year..=rec.last_year);
    assert!(*years.start() >= rec.first_year && *years.end() <= rec.last_year);
    let kinds: Vec<Option<EventType>> = rec.events.iter().map(|e| Some(e.kind)).collect();
    let observed = rec
        .crises(&kinds)
        .into_iter()
        .filter(|&(level, y)| level == 3 && years.contains(&(rec.first_year + y as i32)))
        .count() as u64;
    let events = rec
        .events
        .iter()
        .filter(|e| e.kind == EventType::Display && years.contains(&e.year))
        .count();
    let file = dir.join("serbia-kosovo-2008.toml");
    let s = if extra.is_empty() {
        load(&file)
    } else {
        let text = std::fs::read_to_string(&file).expect("the hindcast reads");
        with_settings(
            scenario::parse_str(&(text + extra), "serbia-kosovo-2008.toml")
                .unwrap_or_else(|d| panic!("the hindcast with {extra}: {d}")),
        )
    };
    assert_eq!(s.meta.start.year, rec.first_year);
    assert_eq!(s.meta.horizon_years as usize, rec.years());
    let rivalry = s
        .rivalries
        .iter()
        .position(|r| r.id == rec.rivalries[0])
        .expect("the record's rivalry");
    let c = Compiled::new(&s);
    let plan = RunPlan {
        seed: s.meta.seed,
        first: 0,
        count: RUNS,
        stream_offset: 0,
    };
    let mut w = Worker::new(&c);
    let mut sim = Vec::with_capacity(RUNS as usize);
    // The scan statistic of each run (the largest count in any SCAN_YEARS consecutive years).
    let mut scans = Vec::with_capacity(RUNS as usize);
    // Per period (before 2019, 2019-2023): target-initiated triggers, non-state incidents and
    // crises with a display, summed over the runs.
    let mut moves = [[0u64; 3]; 2];
    for i in 0..RUNS {
        w.run_range(&c, &plan, i, 1);
        let yearly = &w.last_record().rivalries[rivalry].yearly_counts;
        assert_eq!(yearly.len(), rec.years());
        let series: Vec<u64> = yearly
            .iter()
            .map(|counts| u64::from(counts[count::DISPLAYS]))
            .collect();
        scans.push(largest_window_count(&series, SCAN_YEARS));
        for (y, counts) in yearly.iter().enumerate() {
            let period = match rec.first_year + y as i32 {
                ..=2018 => 0,
                2019..=2023 => 1,
                _ => continue,
            };
            for (k, key) in [count::TARGET_TRIGGERS, count::NON_STATE, count::DISPLAYS]
                .into_iter()
                .enumerate()
            {
                moves[period][k] += u64::from(counts[key]);
            }
        }
        sim.push(
            years
                .clone()
                .map(|y| u64::from(yearly[(y - rec.first_year) as usize][count::DISPLAYS]))
                .sum::<u64>(),
        );
    }
    let at_least = wilson_est(sim.iter().filter(|&&x| x >= observed).count() as u64, RUNS);
    let at_most = wilson_est(sim.iter().filter(|&&x| x <= observed).count() as u64, RUNS);
    let mean = sim.iter().sum::<u64>() as f64 / RUNS as f64;
    // Over the runs: the count's variance over its mean, 1 for a Poisson count (its
    // overdispersion, printed; not a reading).
    let variance =
        sim.iter().map(|&x| (x as f64 - mean).powi(2)).sum::<f64>() / (RUNS as f64 - 1.0);
    let dispersion = variance / mean.max(1e-12);
    // Thinned: P(Binomial(n, DETECT) >= observed) and <= observed, averaged over the runs' n.
    let thin_ge = sim
        .iter()
        .map(|&n| binomial_at_least(n, DETECT, observed))
        .sum::<f64>()
        / RUNS as f64;
    let thin_le = sim
        .iter()
        .map(|&n| 1.0 - binomial_at_least(n, DETECT, observed + 1))
        .sum::<f64>()
        / RUNS as f64;
    eprintln!(
        "Serbia -> Kosovo, crises with a display as their highest level in {}-{}: record {observed} ({events} display events); model mean {mean:.2}, variance {variance:.2} (variance / mean {dispersion:.2}); P(count >= record) {at_least}, P(count <= record) {at_most}; with detection {DETECT}: {thin_ge:.4} and {thin_le:.4}",
        years.start(),
        years.end()
    );
    if moves_too {
        // The scan statistic (docs/VALIDATION.md, "The cluster's two statistical readings"):
        // printed beside the fixed window, not asserted.
        let record_scan = largest_window_count(&record_display_series(&rec), SCAN_YEARS);
        let n = scans.len() as u64;
        let ge = wilson_est(
            scans.iter().filter(|&&x| x >= record_scan).count() as u64,
            n,
        );
        let le = wilson_est(
            scans.iter().filter(|&&x| x <= record_scan).count() as u64,
            n,
        );
        eprintln!(
            "  the scan statistic, the largest count in any {SCAN_YEARS} consecutive years of {}-{}: record {record_scan}; model mean {:.2}; P(S >= record) {ge}, P(S <= record) {le}: {}",
            rec.first_year,
            rec.last_year,
            scans.iter().sum::<u64>() as f64 / n as f64,
            tail_verdict(ge.lo, le.lo)
        );
    }
    for (period, [triggers, incidents, displays]) in ["2008-2018", "2019-2023"]
        .iter()
        .zip(moves)
        .filter(|_| moves_too)
    {
        eprintln!(
            "  {period}: target-initiated triggers {:.2}, non-state incidents {:.2}, crises with a display {:.2} per run; {:.2} of them per trigger or incident",
            triggers as f64 / RUNS as f64,
            incidents as f64 / RUNS as f64,
            displays as f64 / RUNS as f64,
            displays as f64 / (triggers + incidents).max(1) as f64
        );
    }
    (at_least.lo <= 0.05 || at_most.lo <= 0.05)
        .then(|| format!("P(>= {observed}) {at_least}, P(<= {observed}) {at_most}"))
}

/// The scan statistic's window, in years: that of the cluster, 2019-2023.
const SCAN_YEARS: usize = 5;

/// The scan statistic of a series of yearly counts (Naus 1965; Glaz, Naus & Wallenstein 2001):
/// the largest sum of the counts of any `w` consecutive years (the whole series' sum if it is
/// shorter than `w`).
fn largest_window_count(counts: &[u64], w: usize) -> u64 {
    assert!(w > 0, "a window of at least one year");
    if counts.len() <= w {
        return counts.iter().sum();
    }
    counts
        .windows(w)
        .map(|x| x.iter().sum::<u64>())
        .max()
        .expect("at least one window")
}

/// The record's crises whose highest level was a display, per year of the record.
fn record_display_series(rec: &deter::calibrate::Record) -> Vec<u64> {
    let kinds: Vec<Option<EventType>> = rec.events.iter().map(|e| Some(e.kind)).collect();
    let mut series = vec![0u64; rec.years()];
    for (level, y) in rec.crises(&kinds) {
        if level == 3 {
            series[y] += 1;
        }
    }
    series
}

/// The verdict of a count's reading from the lower ends of its two tails' 95% intervals.
fn tail_verdict(ge_lo: f64, le_lo: f64) -> &'static str {
    if ge_lo > 0.05 && le_lo > 0.05 {
        "not a tail event (holds)"
    } else {
        "a tail event (fails)"
    }
}

/// The scan statistic on hand-made series, every count and window checked by hand: the
/// largest window at the start, one ending in the last year, a year with several crises, a
/// series no longer than the window, and the record's own (one display in 2011, five in
/// 2019-2023).
#[test]
fn the_scan_statistic_is_the_largest_count_of_any_window() {
    // Windows of 5 over 8 years: 3+0+1+0+0 = 4, 0+1+0+0+1 = 2, 1+0+0+1+0 = 2, 0+0+1+0+1 = 2.
    assert_eq!(largest_window_count(&[3, 0, 1, 0, 0, 1, 0, 1], 5), 4);
    // The last window (years 4..8) holds 0+2+0+1+1 = 4; the one before it 0+0+2+0+1 = 3.
    assert_eq!(largest_window_count(&[1, 0, 0, 0, 0, 2, 0, 1, 1], 5), 4);
    // Only the last year is non-zero: the window ending there must be counted.
    assert_eq!(largest_window_count(&[0, 0, 0, 0, 0, 0, 2], 5), 2);
    // Windows of 3: 0+4+0 = 4, 4+0+0 = 4, 0+0+3 = 3, 0+3+2 = 5.
    assert_eq!(largest_window_count(&[0, 4, 0, 0, 3, 2], 3), 5);
    // A series no longer than the window: its sum.
    assert_eq!(largest_window_count(&[1, 2], 5), 3);
    assert_eq!(largest_window_count(&[1, 2, 0, 0, 1], 5), 4);
    // The record's series: 2008-2024, one display in 2011, five in 2019-2023.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/history");
    let rec = load_record(&dir.join("serbia-kosovo.record.toml")).expect("valid record");
    let series = record_display_series(&rec);
    assert_eq!(series.iter().sum::<u64>(), 6, "{series:?}");
    let by_year = |y: i32| series[(y - rec.first_year) as usize];
    assert_eq!(by_year(2011), 1, "{series:?}");
    assert_eq!((2019..=2023).map(by_year).sum::<u64>(), 5, "{series:?}");
    assert_eq!(largest_window_count(&series, SCAN_YEARS), 5);
}

/// The file of the full calibration's posterior for
/// [`the_cluster_under_the_calibration_posteriors`].
const POSTERIOR_VAR: &str = "DETER_CLUSTER_POSTERIOR";
/// The file of the posterior calibrated with Serbia -> Kosovo held out.
const POSTERIOR_LOO_VAR: &str = "DETER_CLUSTER_POSTERIOR_LOO";
/// Parameter draws and runs per draw of the posterior hindcasts.
const POSTERIOR_DRAWS: u64 = 400;
const RUNS_PER_DRAW: u64 = 250;
/// The calibration's id of the Serbia -> Kosovo case (its case parameters' prefix).
const SERBIA_KOSOVO_CASE: &str = "serbia-kosovo";

/// The cluster's readings (A) and (B) of docs/VALIDATION.md ("The cluster's two statistical
/// readings"), printed beside the fixed-window test, never asserted: the hindcast
/// `scenarios/history/serbia-kosovo-2008.toml` under the calibration's posterior (file in
/// `DETER_CLUSTER_POSTERIOR`) and under the posterior with Serbia -> Kosovo held out
/// (`DETER_CLUSTER_POSTERIOR_LOO`), the draws of `deter run --posterior --draws 400 --runs
/// 250`; per draw, the share of runs at or beyond the record for the crises with a display in
/// 2019-2023, in 2008-2024, and the scan statistic of 5-year windows; each tail's mean over
/// the draws with the draws as clusters. Without the two variables it says so and does nothing.
/// A posterior calibrated with values fixed (its `# set` lines, e.g. alliance restraint on:
/// docs/VALIDATION.md, "Alliance restraint under the calibration") is read only with those
/// values set by `DETER_VALIDATION_SET`; otherwise the test fails naming them.
#[test]
#[ignore = "prints the cluster's posterior predictive tails and scan statistic; needs DETER_CLUSTER_POSTERIOR and DETER_CLUSTER_POSTERIOR_LOO (posterior.csv files of deter calibrate, docs/VALIDATION.md)"]
fn the_cluster_under_the_calibration_posteriors() {
    let (Ok(full), Ok(loo)) = (
        std::env::var(POSTERIOR_VAR),
        std::env::var(POSTERIOR_LOO_VAR),
    ) else {
        eprintln!(
            "not run: set {POSTERIOR_VAR} and {POSTERIOR_LOO_VAR} to the posterior.csv of `deter calibrate scenarios/history/calibrate.toml` and of the same with `--hold-out serbia-kosovo`"
        );
        return;
    };
    for (file, label) in [
        (full, "(i) the full posterior"),
        (loo, "(ii) the posterior with Serbia -> Kosovo held out"),
    ] {
        for case_columns in [false, true] {
            posterior_hindcast(Path::new(&file), label, case_columns, &[]);
        }
    }
}

/// Alliance restraint under the calibration (docs/VALIDATION.md, "Alliance restraint under
/// the calibration"), its conditions (b) and (c) for C1 (`a_R` 1, `restraint_cost` 0.2)
/// against C0 (restraint off), on posteriors this test makes with `deter calibrate` (the
/// bundled file, seed 14; each also with Serbia -> Kosovo held out): under C1's full
/// posterior the record's six displays in 2008-2024 are not a tail event (both tails' lower
/// ends above 0.05; 0.1222 [0.0989, 0.1455] measured), where under C0's they are; and the
/// cluster's fixed-window P(count >= 5) in 2019-2023 and its scan P(S >= 5) rise beyond Monte
/// Carlo noise under both posteriors (C1's lower end above C0's upper end; 0.0201 and 0.0592
/// against 0.0001 and 0.0006 measured, full). Condition (a), the readings at the point, is
/// the suite itself run with `DETER_VALIDATION_SET`.
#[test]
#[ignore = "four calibrations and four posterior hindcasts: about three minutes on two shared cores"]
fn alliance_restraint_under_the_calibration_keeps_the_record_out_of_the_tail() {
    const RESTRAINT: [(&str, f64); 2] = [
        ("model.protector_restraint", 1.0),
        ("model.restraint_cost", 0.2),
    ];
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/history/calibrate.toml");
    let out = std::env::temp_dir().join(format!("deter-restraint-cal-{}", std::process::id()));
    std::fs::create_dir_all(&out).expect("a temporary directory");
    let calibrate = |name: &str, hold_out: bool, settings: &[(&str, f64)]| {
        let dir = out.join(name);
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_deter"));
        cmd.arg("calibrate").arg(&file).arg("--out").arg(&dir);
        cmd.args(["--force", "--quiet"]);
        if hold_out {
            cmd.args(["--hold-out", SERBIA_KOSOVO_CASE]);
        }
        for (path, value) in settings {
            cmd.arg("--set").arg(format!("{path}={value}"));
        }
        let status = cmd.status().expect("deter calibrate starts");
        assert!(status.success(), "deter calibrate {name}: {status}");
        dir.join("posterior.csv")
    };
    let tails = |name: &str, hold_out: bool, settings: &[(&str, f64)]| {
        let posterior = calibrate(name, hold_out, settings);
        posterior_hindcast(&posterior, name, false, settings)
    };
    let (c0, c0_loo) = (tails("C0", false, &[]), tails("C0-loo", true, &[]));
    let (c1, c1_loo) = (
        tails("C1", false, &RESTRAINT),
        tails("C1-loo", true, &RESTRAINT),
    );
    let _ = std::fs::remove_dir_all(&out);
    // (b): the whole record (count 1) under C1's full posterior; under C0's it is a tail.
    let (ge, le) = c1[1];
    assert!(
        ge.lo > 0.05 && le.lo > 0.05,
        "C1: P(>= 6) {ge}, P(<= 6) {le}"
    );
    assert!(c0[1].0.lo <= 0.05, "C0: P(>= 6) {}", c0[1].0);
    // (c): the fixed window (count 0) and the scan (count 2), full and held out.
    for (what, a, b) in [("full", &c0, &c1), ("held out", &c0_loo, &c1_loo)] {
        for j in [0, 2] {
            assert!(
                b[j].0.lo > a[j].0.hi,
                "{what}, count {j}: C1 {} does not rise beyond C0 {}",
                b[j].0,
                a[j].0
            );
        }
    }
}

/// The hindcast's display counts under the posterior in `file` (see
/// [`the_cluster_under_the_calibration_posteriors`]), printed. With `case_columns` the
/// posterior's columns of the Serbia -> Kosovo case (its crisis and non-state rates) are set on
/// the record's rivalries too; without, they are skipped, as `deter run --posterior` does, and
/// the draws' runs are checked against `deter::run_nested`'s. `settings` are applied to the
/// hindcast after those of `DETER_VALIDATION_SET`. Returns, per count (2019-2023, 2008-2024,
/// the scan statistic), P(count >= record) and P(count <= record) with the draws as clusters.
fn posterior_hindcast(
    file: &Path,
    label: &str,
    case_columns: bool,
    settings: &[(&str, f64)],
) -> [(Est, Est); 3] {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/history");
    let rec = load_record(&dir.join("serbia-kosovo.record.toml")).expect("valid record");
    let mut s = load(&dir.join("serbia-kosovo-2008.toml"));
    apply(&mut s, settings);
    assert_eq!(s.meta.start.year, rec.first_year);
    assert_eq!(s.meta.horizon_years as usize, rec.years());
    let rivalry = s
        .rivalries
        .iter()
        .position(|r| r.id == rec.rivalries[0])
        .expect("the record's rivalry");
    let posterior = deter::read_posterior(file)
        .unwrap_or_else(|e| panic!("{}: not a posterior: {e}", file.display()));
    // A posterior calibrated with values fixed (`--set`, its `# set` lines, e.g. alliance
    // restraint on) is read only under them: DETER_VALIDATION_SET must carry them.
    let mismatches = deter::fixed_mismatches(&posterior, &s);
    assert!(
        mismatches.is_empty(),
        "set them with {SETTINGS_VAR}: {}",
        mismatches.join("; ")
    );
    let settings = deter::Settings {
        runs: Some(RUNS_PER_DRAW),
        ..deter::Settings::default()
    };
    let plan = deter::plan_nested(&s, Some(&posterior), &settings, Some(POSTERIOR_DRAWS))
        .unwrap_or_else(|e| panic!("the nested run's plan: {e}"));
    let draws = &plan.draws;
    let targets = deter::calibrate::nested::resolve(&draws.paths, &plan.scenario)
        .expect("the posterior's paths");
    let prefix = format!("{SERBIA_KOSOVO_CASE}/rivalry.*.");
    let case: Vec<(usize, String)> = draws
        .paths
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.strip_prefix(&prefix).map(|k| (i, k.to_string())))
        .filter(|_| case_columns)
        .collect();
    assert!(
        !case_columns || case.len() == 2,
        "the case's two rate columns in {:?}",
        draws.paths
    );
    let window = 2019..=2023;
    let observed = record_display_series(&rec);
    let records = [
        (
            "crises with a display as their highest level in 2019-2023",
            window
                .clone()
                .map(|y| observed[(y - rec.first_year) as usize])
                .sum::<u64>(),
        ),
        (
            "crises with a display as their highest level in 2008-2024",
            observed.iter().sum::<u64>(),
        ),
        (
            "the scan statistic S, the largest count in any 5 consecutive years of 2008-2024",
            largest_window_count(&observed, SCAN_YEARS),
        ),
    ];
    // Per draw: per count, runs at or above and at or below the record, and the count's sum;
    // runs with a use of force (the cross-check); crises whose highest level was a threat
    // (printed: what a calibration's pooled statistic `threat_or_display` counts with the
    // displays; the bundled calibration counts them apart).
    let per_draw: Vec<([[u64; 3]; 3], u64, u64)> = (0..draws.len())
        .into_par_iter()
        .map(|d| {
            let row = &draws.rows[d];
            let mut sd = deter::calibrate::nested::with_draw(&plan.scenario, &targets, row, d)
                .expect("the draw's values");
            for (i, key) in &case {
                for r in &rec.rivalries {
                    set(&mut sd, &format!("rivalry.{r}.{key}"), row[*i]);
                }
            }
            let c = Compiled::new(&sd);
            let rp = RunPlan {
                seed: plan.seed,
                first: 0,
                count: plan.runs,
                stream_offset: d as u64 * plan.runs,
            };
            let mut w = Worker::new(&c);
            let mut tally = [[0u64; 3]; 3];
            let (mut force, mut threats) = (0u64, 0u64);
            for i in 0..plan.runs {
                w.run_range(&c, &rp, i, 1);
                let run = w.last_record();
                force += u64::from(run.rivalries.iter().any(|r| r.max_level >= 4));
                let yearly = &run.rivalries[rivalry].yearly_counts;
                threats += yearly
                    .iter()
                    .map(|counts| u64::from(counts[count::THREATS]))
                    .sum::<u64>();
                let series: Vec<u64> = yearly
                    .iter()
                    .map(|counts| u64::from(counts[count::DISPLAYS]))
                    .collect();
                let in_window: u64 = window
                    .clone()
                    .map(|y| series[(y - rec.first_year) as usize])
                    .sum();
                let counts = [
                    in_window,
                    series.iter().sum(),
                    largest_window_count(&series, SCAN_YEARS),
                ];
                for ((t, &n), (_, r)) in tally.iter_mut().zip(&counts).zip(&records) {
                    t[0] += u64::from(n >= *r);
                    t[1] += u64::from(n <= *r);
                    t[2] += n;
                }
            }
            (tally, force, threats)
        })
        .collect();
    let r = plan.runs as f64;
    if !case_columns {
        // The draws and streams are those of the nested run: its per-draw P(use of force) is
        // this loop's, draw by draw.
        let nested = deter::run_nested(
            &s,
            Some(&posterior),
            &settings,
            Some(POSTERIOR_DRAWS),
            deter::Control::default(),
        )
        .expect("the nested run");
        let k = deter::outputs::EVENTS
            .iter()
            .position(|e| e.key == "use_of_force")
            .expect("the outcome");
        for (d, (_, force, _)) in per_draw.iter().enumerate() {
            assert_eq!(
                nested.per_draw[k][d],
                *force as f64 / r,
                "draw {d}: the nested run's P(use of force) differs from this loop's"
            );
        }
    }
    let way = if case_columns {
        "the case's crisis and non-state rates drawn too"
    } else {
        "the case's rates at the file's values, as deter run --posterior"
    };
    let kinds: Vec<Option<EventType>> = rec.events.iter().map(|e| Some(e.kind)).collect();
    let record_threats = rec.crises(&kinds).iter().filter(|c| c.0 == 2).count();
    eprintln!(
        "Serbia -> Kosovo under {label} ({}), {way}: {} draws x {} runs; crises with a threat as their highest level in 2008-2024: record {record_threats}, model mean {:.2}",
        file.display(),
        draws.len(),
        plan.runs,
        per_draw.iter().map(|p| p.2).sum::<u64>() as f64 / (draws.len() as f64 * r)
    );
    let mut tails = Vec::with_capacity(records.len());
    for (j, (what, record)) in records.iter().enumerate() {
        let share = |side: usize| -> Vec<f64> {
            per_draw
                .iter()
                .map(|(t, _, _)| t[j][side] as f64 / r)
                .collect()
        };
        let (ge, le) = (mean_ci(&share(0)), mean_ci(&share(1)));
        let pooled = |side: usize| {
            wilson_est(
                per_draw.iter().map(|(t, _, _)| t[j][side]).sum(),
                draws.len() as u64 * plan.runs,
            )
        };
        let mean =
            per_draw.iter().map(|(t, _, _)| t[j][2]).sum::<u64>() as f64 / (draws.len() as f64 * r);
        eprintln!(
            "  {what}: record {record}; model mean {mean:.2}; P(count >= record) {ge} (pooled Wilson {}), P(count <= record) {le} (pooled Wilson {}): {}",
            pooled(0),
            pooled(1),
            tail_verdict(ge.lo, le.lo)
        );
        tails.push((ge, le));
    }
    tails.try_into().expect("three counts")
}

/// P(Binomial(n, p) >= k), by summing the probability mass function.
fn binomial_at_least(n: u64, p: f64, k: u64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if k > n {
        return 0.0;
    }
    let mut pmf = (1.0 - p).powi(n as i32); // P(X = 0)
    let mut below = 0.0;
    for j in 0..k {
        below += pmf;
        pmf *= (n - j) as f64 / (j + 1) as f64 * p / (1.0 - p);
    }
    (1.0 - below).max(0.0)
}

/// The benchmark of `a_few_percent_of_disputes_reach_war`: the Correlates of War share of
/// disputes that reach war over the MID share at force or war.
fn cow_benchmark() -> Est {
    let cow = wilson_est(95, 2400);
    Est {
        value: cow.value / MID_FORCE_SHARE.1,
        lo: cow.lo / MID_FORCE_SHARE.2,
        hi: cow.hi / MID_FORCE_SHARE.0,
    }
}

/// The reading of `a_few_percent_of_disputes_reach_war` with `settings` applied to each of
/// the four historical cases (their own values and seeds, every rivalry, 10,000 runs each):
/// pooled P(war | force or war) and its difference from [`cow_benchmark`] (printed, with the
/// composition and the share of faits accomplis among the disputes).
fn pooled_war_given_force(settings: &[(&str, f64)]) -> (Est, Est) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/history");
    let mut runs = Vec::new();
    for file in [
        "serbia-kosovo-2008.toml",
        "russia-georgia-2004.toml",
        "russia-ukraine-2013.toml",
        "russia-baltic-2014.toml",
    ] {
        let mut s = load(&dir.join(file));
        apply(&mut s, settings);
        let r = simulate_all_rivalries(&s, s.meta.seed, RUNS);
        eprintln!(
            "{settings:?} {file}: {}; faits accomplis {}",
            composition(&r),
            ratio(&r, |u| u.faits_accomplis, |u| u.disputes)
        );
        runs.extend(r);
    }
    let model = ratio(&runs, |r| r.war_crises, |r| r.force_crises);
    let d = newcombe(model, cow_benchmark());
    eprintln!(
        "{settings:?} four cases pooled: {}; P(war | force or war) {model} minus the benchmark {}: {d}",
        composition(&runs),
        cow_benchmark()
    );
    (model, d)
}

/// With the fait accompli offered (`model.fait_accompli` 1), the protector's cost of
/// abandoning an ally that was attacked, against one that was only threatened (new
/// `model.casus_foederis_cost`, default 0: the same cost). Leeds (2003) measures allies'
/// reliability, about 0.75, when the casus foederis arises, that is after an attack (Leeds,
/// Long & Mitchell 2000 code it from the treaties' terms); abandoning an ally then is what
/// costs a state its reputation as an ally (Gibler 2008; Crescenzi et al. 2012). With the
/// move on and `treaty_cost` alone (0.15, calibrated on commitments invoked at displays),
/// the protector commits after 42% of the Baltic-type dyad's faits accomplis and two readings
/// fail; raising `treaty_cost` to 0.5 restores them and overshoots the Kosovo-in-NATO
/// honoured share (0.93), whose commitments are invoked at displays.
///
/// Reading, fixed before measuring: with `model.fait_accompli` 1 and `casus_foederis_cost`
/// at some value of the grid {0.1, 0.2, 0.35, 0.5, 1} (stake units per unit of treaty
/// weight, added to `treaty_cost` after a fait accompli), the three readings hold as stated
/// in their own tests: `a_pact_with_a_nuclear_great_power_deters_where_the_local_balance_is_hopeless`,
/// `the_baltic_record_of_no_war_is_not_a_tail_event` and
/// `allies_honour_invoked_commitments_at_the_pact_reliability`. Expected: the first two
/// improve with the cost and the third moves little (its commitments are invoked at
/// displays). Every value of the grid is printed.
#[test]
fn with_the_fait_accompli_a_casus_foederis_cost_keeps_the_pact_readings() {
    let mut holds = Vec::new();
    for cost in [0.1, 0.2, 0.35, 0.5, 1.0] {
        let settings = [
            ("model.fait_accompli", 1.0),
            ("model.casus_foederis_cost", cost),
        ];
        let (rf, rt) = pact_where_hopeless(&settings);
        let (war, baltic) = baltic_record(&settings);
        let nato = nato_honoured(&settings);
        let ok = rf.hi <= -0.5
            && rt.lo > rf.hi
            && war.hi < 0.5
            && baltic.lo >= 0.65
            && baltic.hi <= 0.85
            && nato.lo >= 0.65
            && nato.hi <= 0.85;
        eprintln!("casus_foederis_cost {cost}: the three readings hold: {ok}");
        if ok {
            holds.push(cost);
        }
    }
    assert!(
        !holds.is_empty(),
        "no value of the grid keeps the three readings"
    );
    eprintln!("the three readings hold at casus_foederis_cost {holds:?}");
}

/// With the fait accompli offered (`model.fait_accompli` 1), a target facing a done deed
/// fights to reverse it with a smaller chance of not losing than against a use of force after
/// a threat (new `model.fait_accompli_resistance`, default 1: the same chance): its forces
/// were not mobilised (a fait accompli gives no warning) and it must attack to undo the
/// seizure; most faits accomplis do not lead to war (Altman 2017). Against an unprotected
/// target (Georgia, Ukraine) the fait accompli otherwise meets the same balance as a threat's
/// use of force, so its war share is the same and the Correlates of War reading fails (0.082
/// with the move on).
///
/// Reading, fixed before measuring: with `model.fait_accompli` 1 and `fait_accompli_resistance`
/// at some value of the grid {0.75, 0.5, 0.25}, the reading of
/// `a_few_percent_of_disputes_reach_war` holds as stated there (the 95% interval of the
/// difference between the four cases' pooled P(war | force or war) and the benchmark 0.061
/// [0.046, 0.080] includes 0). Expected: the pooled share falls with the factor, mostly in
/// Ukraine and Georgia (where the bound of the whole issue binds), little in the baseline's
/// dyad (where it does not). Every value of the grid is printed.
#[test]
fn with_the_fait_accompli_a_done_deed_is_fought_over_less() {
    let mut holds = Vec::new();
    for factor in [0.75, 0.5, 0.25] {
        let (_, d) = pooled_war_given_force(&[
            ("model.fait_accompli", 1.0),
            ("model.fait_accompli_resistance", factor),
        ]);
        let ok = d.lo <= 0.0 && d.hi >= 0.0;
        eprintln!("fait_accompli_resistance {factor}: the reading holds: {ok}");
        if ok {
            holds.push(factor);
        }
    }
    assert!(
        !holds.is_empty(),
        "no value of the grid meets the benchmark"
    );
    eprintln!("the reading holds at fait_accompli_resistance {holds:?}");
}

/// Readings 3 and 4 of the fait accompli's section (docs/VALIDATION.md, "The fait accompli's
/// leads") on each path, printed, not asserted: with the move on (`model.fait_accompli` 1,
/// then also `casus_foederis_cost` 0.5 and `fait_accompli_resistance` 0.5), in the baseline
/// (its seed, 10,000 runs; 30,000 for the comparative statics, as their reading), the share
/// of sanctions episodes imposed on a fait accompli and the success of the others; P(war |
/// fait accompli) and P(war | use of force after a threat) at the baseline's values, with
/// `war_uncertainty` x0.5 and with `war_cost` x1.5, and their differences.
#[test]
#[ignore = "prints the sanctions and the war share of each path with the fait accompli offered; not a check"]
fn with_the_fait_accompli_sanctions_and_war_on_each_path() {
    let fa_war = |r: &Run| r.fa_wars;
    let fa = |r: &Run| r.faits_accomplis;
    let threat_war = |r: &Run| r.war_crises - r.fa_wars;
    let threat_force = |r: &Run| r.force_crises - r.faits_accomplis;
    for settings in [
        &[("model.fait_accompli", 1.0)][..],
        &[
            ("model.fait_accompli", 1.0),
            ("model.casus_foederis_cost", 0.5),
            ("model.fait_accompli_resistance", 0.5),
        ][..],
    ] {
        let mut b = baseline();
        apply(&mut b, settings);
        let runs = simulate(&b, SEED, RUNS);
        eprintln!(
            "{settings:?}: sanctions episodes imposed on a fait accompli {}; success of the others {} (Hufbauer et al. {}); success of all {}",
            ratio(&runs, |r| r.fa_sanctioned, |r| r.sanctioned),
            ratio(
                &runs,
                |r| r.sanctions_succeeded,
                |r| r.sanctioned - r.fa_sanctioned
            ),
            wilson_est(68, 200),
            ratio(&runs, |r| r.sanctions_succeeded, |r| r.sanctioned),
        );
        let mut certain = b.clone();
        scale(&mut certain, "model.war_uncertainty", 0.5);
        let mut costly = b.clone();
        scale(&mut costly, "model.war_cost", 1.5);
        let n = 3 * RUNS;
        let (a, u, c) = (
            simulate(&b, SEED, n),
            simulate(&certain, SEED, n),
            simulate(&costly, SEED, n),
        );
        for (path, w, f) in [
            (
                "fait accompli",
                &fa_war as &dyn Fn(&Run) -> f64,
                &fa as &dyn Fn(&Run) -> f64,
            ),
            ("threat's use of force", &threat_war, &threat_force),
        ] {
            eprintln!(
                "{settings:?}, P(war | {path}): base {}, c_hat x0.5 {}, war_cost x1.5 {}; base - c_hat x0.5 {}, war_cost x1.5 - base {}; share of the uses of force: base {}, war_cost x1.5 {}",
                ratio(&a, w, f),
                ratio(&u, w, f),
                ratio(&c, w, f),
                ratio_diff(&a, w, f, &u, w, f),
                ratio_diff(&c, w, f, &a, w, f),
                ratio(&a, f, |r| r.force_crises),
                ratio(&c, f, |r| r.force_crises),
            );
        }
    }
}
