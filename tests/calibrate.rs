//! Calibration: the ABC-SMC recovers a known posterior, passes simulation-based calibration,
//! is deterministic for a seed (any thread count, resumed or not), and `deter calibrate`
//! reads the bundled cases, refuses bad files with a located message and writes its outputs.

use std::path::Path;

use deter::calibrate::abc::{self, Hooks, Settings, State};
use deter::calibrate::output::{Provenance, parse_state, state_json};
use deter::calibrate::sbc::{binomial_interval, rank_of, rank_uniformity};
use deter::calibrate::{load_calibration, load_record};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Poisson};
use statrs::distribution::{Continuous, ContinuousCDF, Gamma};

/// The toy model: theta ~ Uniform(0, 10) (theta = 10 u), n = 5 Poisson(theta) observations
/// summarised by their sum S ~ Poisson(5 theta), a sufficient statistic. With distance
/// |S - s_obs| and a final tolerance of 0, ABC samples the exact posterior
/// Gamma(s_obs + 1, rate 5) truncated to [0, 10].
const N_OBS: f64 = 5.0;
const THETA_MAX: f64 = 10.0;

fn poisson_sum(theta: f64, seed: u64) -> f64 {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let lambda = N_OBS * theta;
    if lambda <= 0.0 {
        return 0.0;
    }
    Poisson::new(lambda).expect("lambda > 0").sample(&mut rng)
}

fn toy_settings(particles: usize, seed: u64) -> Settings {
    Settings {
        particles,
        max_generations: 30,
        quantile: 0.5,
        min_acceptance: 0.0,
        target_tolerance: 0.0,
        max_attempts_per_particle: 100_000,
        seed,
    }
}

fn toy_posterior(s_obs: f64, particles: usize, seed: u64) -> State {
    let sim =
        move |u: &[f64], sim_seed: u64| (poisson_sum(THETA_MAX * u[0], sim_seed) - s_obs).abs();
    let mut state = State::new(toy_settings(particles, seed), 1);
    abc::run(&mut state, &sim, Hooks::default(), |_| {}).expect("not cancelled");
    state
}

#[test]
fn abc_smc_recovers_the_exact_posterior_of_a_poisson_rate() {
    let s_obs = 12.0;
    let state = toy_posterior(s_obs, 2000, 7);
    assert_eq!(state.stopped, Some(abc::Stop::TargetTolerance));
    assert_eq!(state.history.last().unwrap().tolerance, 0.0);
    let pop = state.population.as_ref().unwrap();
    assert!(pop.distances.iter().all(|&d| d == 0.0));
    let theta: Vec<f64> = pop.u.iter().map(|u| THETA_MAX * u).collect();
    let ess = pop.ess();
    assert!(ess > 500.0, "ESS {ess}");
    // The exact posterior, computed independently (truncation at 10 removes < 1e-12).
    let post = Gamma::new(s_obs + 1.0, N_OBS).unwrap();
    let (mean, sd) = ((s_obs + 1.0) / N_OBS, (s_obs + 1.0).sqrt() / N_OBS);
    let est: f64 = theta.iter().zip(&pop.weights).map(|(t, w)| t * w).sum();
    // Tolerance: 4 standard errors of a weighted mean with this ESS.
    assert!(
        (est - mean).abs() < 4.0 * sd / ess.sqrt(),
        "mean {est} vs {mean}"
    );
    for q in [0.05, 0.5, 0.95] {
        let exact = post.inverse_cdf(q);
        let got = abc::weighted_quantile(&theta, &pop.weights, q);
        // Standard error of a sample quantile: sqrt(q(1-q)/ESS) / density at the quantile.
        let se = (q * (1.0 - q) / ess).sqrt() / post.pdf(exact);
        assert!(
            (got - exact).abs() < 4.0 * se,
            "q{q}: {got} vs {exact} (se {se})"
        );
    }
}

/// Simulation-based calibration (Talts et al. 2018) on the toy model: 200 repeats, each with a
/// true theta from the prior, data from the model and an ABC posterior of 400 particles.
/// Ranks of the truth among L = 99 posterior draws are tested for uniformity with a 10-bin
/// chi-square (fail below p = 0.001, fixed before measuring), and the central 90% interval
/// must cover the truth a number of times inside the 99.9% binomial interval of
/// Binomial(200, 0.9), i.e. [166, 193].
#[test]
fn simulation_based_calibration_ranks_are_uniform_and_90_percent_intervals_cover() {
    let repeats = 200u64;
    let l = 99;
    let mut rng = ChaCha8Rng::seed_from_u64(2018);
    let mut ranks = Vec::new();
    let mut covered = 0u64;
    for k in 0..repeats {
        let theta = THETA_MAX * rand::RngExt::random::<f64>(&mut rng);
        let s = poisson_sum(theta, 1_000_000 + k);
        let state = toy_posterior(s, 400, 100 + k);
        let pop = state.population.as_ref().unwrap();
        let draws: Vec<f64> = abc::resample(&pop.weights, l, &mut rng)
            .into_iter()
            .map(|i| THETA_MAX * pop.u[i])
            .collect();
        ranks.push(rank_of(&draws, theta));
        let th: Vec<f64> = pop.u.iter().map(|u| THETA_MAX * u).collect();
        let (lo, hi) = (
            abc::weighted_quantile(&th, &pop.weights, 0.05),
            abc::weighted_quantile(&th, &pop.weights, 0.95),
        );
        covered += u64::from(lo <= theta && theta <= hi);
    }
    let (chi2, p) = rank_uniformity(&ranks, l, 10);
    assert!(p > 0.001, "rank histogram not uniform: chi2 {chi2}, p {p}");
    let (lo, hi) = binomial_interval(repeats, 0.9, 0.999);
    assert!(
        (lo..=hi).contains(&covered),
        "90% intervals covered the truth {covered} times of {repeats}, expected [{lo}, {hi}]"
    );
}

#[test]
fn a_resumed_calibration_equals_an_uninterrupted_one_for_any_thread_count() {
    let sim = |u: &[f64], seed: u64| (poisson_sum(THETA_MAX * u[0], seed) - 9.0).abs();
    let settings = Settings {
        max_generations: 6,
        ..toy_settings(300, 11)
    };
    let prov = Provenance {
        engine_version: "test".into(),
        seed: 11,
        calibration_sha256: "x".into(),
        besides_settings_sha256: "x'".into(),
        inputs: vec![("the record of case `a`".into(), "r".into())],
    };
    let whole = deter::engine::with_threads(1, || {
        let mut s = State::new(settings.clone(), 1);
        abc::run(&mut s, &sim, Hooks::default(), |_| {}).unwrap();
        s
    });
    let resumed = deter::engine::with_threads(2, || {
        let mut s = State::new(settings.clone(), 1);
        abc::step(&mut s, &sim, Hooks::default()).unwrap();
        abc::step(&mut s, &sim, Hooks::default()).unwrap();
        // Save and read back, as after Ctrl-C, then continue.
        let mut s = parse_state(&state_json(&s, &prov), &prov, &settings).unwrap();
        abc::run(&mut s, &sim, Hooks::default(), |_| {}).unwrap();
        s
    });
    assert_eq!(whole, resumed);
    // A state from another calibration is refused.
    let other = Provenance {
        calibration_sha256: "y".into(),
        ..prov.clone()
    };
    assert!(parse_state(&state_json(&whole, &prov), &other, &settings).is_err());
}

#[test]
fn cancelling_discards_the_generation_in_progress() {
    let sim = |u: &[f64], seed: u64| (poisson_sum(THETA_MAX * u[0], seed) - 9.0).abs();
    let mut s = State::new(toy_settings(100, 3), 1);
    abc::step(&mut s, &sim, Hooks::default()).unwrap();
    let before = s.clone();
    let flag = std::sync::atomic::AtomicBool::new(true);
    let hooks = Hooks {
        cancel: Some(&flag),
        progress: None,
    };
    assert!(abc::step(&mut s, &sim, hooks).is_err());
    assert_eq!(s, before);
}

mod common;
use common::{deter, refused, refused_for, root, succeeded, write};

#[test]
fn the_bundled_records_read_and_count_as_documented() {
    use deter::calibrate::observe::{Observation, Statistic};
    let dir = root().join("scenarios/history");
    let kosovo = load_record(&dir.join("serbia-kosovo.record.toml")).unwrap();
    assert_eq!((kosovo.first_year, kosovo.last_year), (2008, 2024));
    let count = |r: &deter::calibrate::Record, t| r.events.iter().filter(|e| e.kind == t).count();
    use deter::calibrate::EventType::*;
    // Events (incidents), as listed in docs/HISTORY.md.
    assert_eq!(count(&kosovo, UseOfForce), 1);
    assert_eq!(count(&kosovo, War), 0);
    assert_eq!(count(&kosovo, Threat) + count(&kosovo, Display), 8);
    // Crises (disputes) at their highest level, the calibration's statistics: the two 2022
    // displays are one crisis, so are the 2011 display and its trigger and riots.
    let crises = |r: &deter::calibrate::Record| {
        [
            Statistic::ThreatOrDisplay,
            Statistic::UseOfForce,
            Statistic::War,
        ]
        .map(|s| Observation::primary(r, s))
    };
    assert_eq!(crises(&kosovo), [7, 1, 0]);
    let georgia = load_record(&dir.join("russia-georgia.record.toml")).unwrap();
    // The August 2008 war is the highest level of MID5 dispute 4436, coded at level 4 by
    // MID5 (war is its alternative reading); the drone and the missile are in the same
    // dispute.
    assert_eq!(count(&georgia, War), 0);
    assert_eq!(count(&georgia, UseOfForce), 4);
    assert_eq!(crises(&georgia), [2, 2, 0]);
    assert_eq!(georgia.yearly(UseOfForce), vec![0, 0, 0, 2, 2]);
    // Per-year statistics: each crisis in the year it reached its highest level (the 2007-2010
    // dispute reached force with the 2007 missile), non-state incidents in their years.
    let per_year = |r: &deter::calibrate::Record| {
        [
            Statistic::NonState,
            Statistic::CrisisYears,
            Statistic::ForceYears,
        ]
        .map(|s| Observation::primary(r, s))
    };
    assert_eq!(per_year(&georgia), [1, 3, 1]);
    assert_eq!(per_year(&kosovo), [7, 7, 1]);
    let ukraine = load_record(&dir.join("russia-ukraine.record.toml")).unwrap();
    assert_eq!(crises(&ukraine), [1, 4, 1]);
    assert_eq!(per_year(&ukraine), [1, 5, 4]);
    let baltic = load_record(&dir.join("russia-baltic.record.toml")).unwrap();
    assert_eq!(crises(&baltic), [3, 2, 0]);
    let cal = load_calibration(&dir.join("calibrate.toml")).unwrap();
    assert_eq!(cal.cases.len(), 4);
    // The bundled calibration counts threats and displays apart, as the records code them
    // (docs/CALIBRATION.md, "Threats and displays apart"): a pooled count could not see a
    // posterior that puts the records' displays at a threat. Both kinds are recorded with the
    // probability docs/HISTORY.md gives them.
    assert_eq!(
        cal.statistics,
        [
            Statistic::Threat,
            Statistic::Display,
            Statistic::UseOfForce,
            Statistic::War,
            Statistic::NonState,
            Statistic::CrisisYears,
            Statistic::ForceYears,
        ]
    );
    use deter::calibrate::observe::{K_DISPLAY, K_THREAT};
    assert_eq!(
        [
            cal.observation.detect[K_THREAT],
            cal.observation.detect[K_DISPLAY]
        ],
        [0.8, 0.8]
    );
    assert_eq!(cal.cases[3].rivalries.len(), 3);
    // The Baltic case's crisis rate is set on its three rivalries, and on no other case.
    let rate = cal
        .parameters
        .iter()
        .position(|p| p.path == "russia-baltic/rivalry.*.opportunity_rate")
        .unwrap();
    let set: Vec<usize> = cal.cases.iter().map(|c| c.targets[rate].len()).collect();
    assert_eq!(set, vec![0, 0, 0, 3]);
}

/// One reading of a record draws every disputed event once and counts each crisis once, at
/// its highest level under that reading (recomputed here by enumeration).
#[test]
fn a_reading_counts_each_crisis_once_at_its_highest_level() {
    use deter::calibrate::observe::{Observation, Statistic};
    let dir = tempfile::tempdir().unwrap();
    let text = "[case]\nid = \"t\"\nname = \"t\"\nscenario = \"s.toml\"\nrivalries = [\"A-B\"]\n\
        first_year = 2000\nlast_year = 2001\n\
        [[event]]\ndate = \"2000-01\"\ndispute = \"d\"\ntype = \"display\"\nsummary = \"\"\nsource = \"\"\n\
        certainty = \"high\"\nverified = true\n\
        [[event]]\ndate = \"2000-03\"\ndispute = \"d\"\ntype = \"use_of_force\"\nsummary = \"\"\nsource = \"\"\n\
        certainty = \"low\"\nalternative = { type = \"none\", note = \"\" }\nverified = true\n\
        [[event]]\ndate = \"2001-01\"\ntype = \"threat\"\nsummary = \"\"\nsource = \"\"\n\
        certainty = \"high\"\nverified = true\n";
    let path = write(dir.path(), "t.record.toml", text);
    let r = load_record(&path).unwrap();
    let stats = [
        Statistic::ThreatOrDisplay,
        Statistic::UseOfForce,
        Statistic::War,
    ];
    // Primary: the dispute reaches force (one crisis), the threat is its own crisis.
    assert_eq!(stats.map(|s| Observation::primary(&r, s)), [1, 1, 0]);
    // Under the alternative (p = 0.5 for low certainty) the dispute is a display: [2, 0, 0].
    let obs = Observation::default();
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let n = 4000;
    let mut alt = 0;
    for _ in 0..n {
        match obs.read(&r, &stats, &mut rng).as_slice() {
            [1, 1, 0] => {}
            [2, 0, 0] => alt += 1,
            other => panic!("a reading that no enumeration gives: {other:?}"),
        }
    }
    // Binomial(4000, 0.5): 99.9% interval about 2000 +- 104.
    assert!((1896..=2104).contains(&alt), "{alt} of {n}");
}

fn tiny_calibration(dir: &Path, particles: u32) -> std::path::PathBuf {
    calibration_of(dir, particles, 3)
}

/// The calibration of [`tiny_calibration`] with `generations` generations.
fn calibration_of(dir: &Path, particles: u32, generations: u32) -> std::path::PathBuf {
    let history = root().join("scenarios/history");
    let text = format!(
        "seed = 5\nparticles = {particles}\nmax_generations = {generations}\npredictive_draws = 20\n\
         statistics = [\"threat_or_display\", \"use_of_force\", \"war\"]\n\
         cases = [\"{}\", \"{}\"]\n\
         [[parameter]]\npath = \"model.status_quo_value\"\nrange = [0.0, 1.0]\n\
         [[parameter]]\npath = \"model.war_cost\"\nrange = [0.1, 3.0]\ndistribution = \"log-uniform\"\n",
        history.join("serbia-kosovo.record.toml").display(),
        history.join("russia-georgia.record.toml").display()
    );
    write(dir, "tiny.toml", &text)
}

#[test]
fn deter_calibrate_is_deterministic_for_any_thread_count_and_writes_its_outputs() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tiny_calibration(tmp.path(), 40);
    let mut outs = Vec::new();
    for threads in ["1", "2"] {
        let out = tmp.path().join(format!("out{threads}"));
        deter()
            .args([
                "calibrate",
                file.to_str().unwrap(),
                "--quiet",
                "--threads",
                threads,
                "--out",
            ])
            .arg(&out)
            .assert()
            .success();
        outs.push(out);
    }
    for name in [
        "posterior.csv",
        "diagnostics.csv",
        "state.json",
        "report.html",
    ] {
        let a = std::fs::read(outs[0].join(name)).unwrap();
        let b = std::fs::read(outs[1].join(name)).unwrap();
        assert!(a == b, "{name} differs between 1 and 2 threads");
    }
    let post = std::fs::read_to_string(outs[0].join("posterior.csv")).unwrap();
    assert!(post.starts_with("# deter calibrate"));
    assert!(post.contains("# seed = 5\n") && post.contains("# calibration_sha256 = "));
    let rows: Vec<&str> = post.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(
        rows[0],
        "draw,model.status_quo_value,model.war_cost,weight,distance"
    );
    assert_eq!(rows.len(), 41);
    // Weights sum to 1; values inside the prior ranges.
    let mut total = 0.0;
    for r in &rows[1..] {
        let f: Vec<f64> = r.split(',').map(|x| x.parse().unwrap()).collect();
        assert!((0.0..=1.0).contains(&f[1]) && (0.1..=3.0).contains(&f[2]));
        total += f[3];
    }
    assert!((total - 1.0).abs() < 1e-9);
    let diag = std::fs::read_to_string(outs[0].join("diagnostics.csv")).unwrap();
    assert!(
        diag.contains(
            "generation,tolerance,simulations,accepted,acceptance_rate,ess\n0,inf,40,40,1,"
        )
    );
    // docs/CALIBRATION.md tells pandas users `comment="#"`: that drops whole lines only if
    // `#` never occurs inside a data line, and must drop the trailing `# stopped:` line too.
    for text in [&post, &diag] {
        for l in text.lines() {
            assert!(
                !l[1..].contains('#') || l.starts_with('#'),
                "`#` inside a data line: {l}"
            );
        }
    }
    assert!(diag.lines().last().unwrap().starts_with("# stopped: "));
    let docs = std::fs::read_to_string(root().join("docs/CALIBRATION.md")).unwrap();
    assert!(docs.contains("pd.read_csv(\"calibration/posterior.csv\", comment=\"#\")"));
    let html = std::fs::read_to_string(outs[0].join("report.html")).unwrap();
    assert!(html.contains("Posterior predictive check") && html.contains("<svg"));
    assert!(html.contains("Per year: posterior predictive and the record"));
    // --resume after a finished calibration changes nothing.
    deter()
        .args([
            "calibrate",
            file.to_str().unwrap(),
            "--quiet",
            "--resume",
            "--out",
        ])
        .arg(&outs[0])
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(outs[0].join("posterior.csv")).unwrap(),
        post
    );
}

/// `deter calibrate ARGS --quiet --out OUT`, sent SIGINT as soon as `saved` holds of OUT's
/// state.json (its bytes, or None while there is none): the process's output. Fails if the
/// calibration ends first or no such state comes within 120 s.
fn interrupted_once_a_state_is_saved(
    args: &[&str],
    out: &Path,
    saved: impl Fn(Option<Vec<u8>>) -> bool,
) -> std::process::Output {
    use std::time::{Duration, Instant};
    let mut child = std::process::Command::new(common::bin())
        .arg("calibrate")
        .args(args)
        .args(["--quiet", "--out"])
        .arg(out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while !saved(std::fs::read(out.join("state.json")).ok()) {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the calibration ended before a generation was saved"
        );
        assert!(start.elapsed() < Duration::from_secs(120), "no state.json");
        std::thread::sleep(Duration::from_millis(2));
    }
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    child.wait_with_output().unwrap()
}

/// Ctrl-C during `deter calibrate` keeps the finished generations (exit 130, no posterior);
/// `--resume`, with another thread count, then writes posterior.csv, diagnostics.csv,
/// state.json and report.html byte for byte as an uninterrupted run with one thread.
#[test]
fn an_interrupted_and_resumed_calibration_writes_the_same_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    // Large enough that the generations after the first take far longer than the polling
    // below: the signal arrives while a later generation runs.
    let file = calibration_of(tmp.path(), 1500, 4);
    let run = |out: &Path, threads: &str, resume: bool| {
        let mut c = deter();
        c.args([
            "calibrate",
            file.to_str().unwrap(),
            "--quiet",
            "--threads",
            threads,
        ]);
        if resume {
            c.arg("--resume");
        }
        c.arg("--out").arg(out).assert().success();
    };
    let whole = tmp.path().join("whole");
    run(&whole, "1", false);
    let cut = tmp.path().join("cut");
    let out = interrupted_once_a_state_is_saved(
        &[file.to_str().unwrap(), "--threads", "2"],
        &cut,
        |state| state.is_some(),
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{err}");
    // The exact command to continue, as an interrupted sweep prints it (polish8: it said
    // "continue with --resume"); run as printed, it completes the calibration.
    let command = err
        .split_once("run `")
        .and_then(|(_, r)| r.split_once("` to continue"))
        .map(|(c, _)| c.to_string())
        .unwrap_or_else(|| panic!("no command to continue in {err}"));
    assert_eq!(
        command,
        format!(
            "deter calibrate {} --out {} --threads 2 --resume",
            file.display(),
            cut.display()
        ),
        "{err}"
    );
    assert!(!cut.join("posterior.csv").exists());
    assert!(!cut.join("report.html").exists());
    // The same command again without --resume does not start afresh over the finished
    // generations (it did, replacing state.json without a word): refused before any work,
    // the state untouched, the way to continue and the way to start afresh both named.
    let state = std::fs::read(cut.join("state.json")).unwrap();
    let again = std::process::Command::new(common::bin())
        .args([
            "calibrate",
            file.to_str().unwrap(),
            "--quiet",
            "--threads",
            "2",
            "--out",
        ])
        .arg(&cut)
        .output()
        .unwrap();
    let again_err = common::stderr(&again);
    assert_eq!(again.status.code(), Some(2), "{again_err}");
    assert!(again_err.contains(&command), "{again_err}");
    assert!(again_err.contains("--force"), "{again_err}");
    assert_eq!(std::fs::read(cut.join("state.json")).unwrap(), state);
    let words: Vec<&str> = command.split(' ').collect();
    assert_eq!(words[0], "deter");
    deter().args(&words[1..]).arg("--quiet").assert().success();
    for name in [
        "posterior.csv",
        "diagnostics.csv",
        "state.json",
        "report.html",
    ] {
        let a = std::fs::read(whole.join(name)).unwrap();
        let b = std::fs::read(cut.join(name)).unwrap();
        assert!(a == b, "{name} differs after Ctrl-C and --resume");
    }
}

/// `deter calibrate --force` over another calibration's finished results, interrupted once it
/// has written its first state, leaves no posterior or report of the replaced calibration
/// beside its own state and diagnostics (they were left: a directory that read as one
/// calibration's posterior with another's state). Red if the stale outputs are kept.
#[test]
fn an_interrupted_forced_calibration_leaves_no_posterior_of_the_one_it_replaced() {
    let tmp = tempfile::tempdir().unwrap();
    let (dir_a, dir_b) = (tmp.path().join("a"), tmp.path().join("b"));
    std::fs::create_dir_all(&dir_a).unwrap();
    std::fs::create_dir_all(&dir_b).unwrap();
    let a = tiny_calibration(&dir_a, 40);
    // Large enough that its later generations outlast the polling below.
    let b = calibration_of(&dir_b, 1500, 4);
    let out = tmp.path().join("out");
    deter()
        .args([
            "calibrate",
            a.to_str().unwrap(),
            "--quiet",
            "--threads",
            "2",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let state_a = std::fs::read(out.join("state.json")).unwrap();
    let diagnostics_a = std::fs::read(out.join("diagnostics.csv")).unwrap();
    assert!(out.join("posterior.csv").exists() && out.join("report.html").exists());
    let done = interrupted_once_a_state_is_saved(
        &[b.to_str().unwrap(), "--threads", "2", "--force"],
        &out,
        |state| state.is_some_and(|s| s != state_a),
    );
    let err = String::from_utf8_lossy(&done.stderr);
    assert_eq!(done.status.code(), Some(130), "{err}");
    // The new calibration's state and diagnostics, and nothing of the one it replaced.
    let state_b = std::fs::read_to_string(out.join("state.json")).unwrap();
    assert!(state_b.as_bytes() != state_a.as_slice());
    assert!(std::fs::read(out.join("diagnostics.csv")).unwrap() != diagnostics_a);
    assert!(
        !out.join("posterior.csv").exists(),
        "the replaced calibration's posterior is left: {err}"
    );
    assert!(
        !out.join("report.html").exists(),
        "the replaced calibration's report is left: {err}"
    );
}

/// The full table of fault classes, in calibration and record files and through `deter
/// validate` as well, is in tests/hostile/input_core.rs.
#[test]
fn bad_calibration_files_are_refused_with_file_line_and_key() {
    let tmp = tempfile::tempdir().unwrap();
    let cases = [
        (
            "statistics = [\"wars\"]\ncases = []\n[[parameter]]\npath = \"model.war_cost\"\nrange = [0.1, 1.0]\n",
            "did you mean `war`?",
        ),
        (
            "statistics = [\"war\"]\ncases = [\"nope.toml\"]\n[[parameter]]\npath = \"model.war_cost\"\nrange = [0.1, 1.0]\n",
            "cannot read file",
        ),
        (
            "particles = 3\nstatistics = [\"war\"]\ncases = []\n[[parameter]]\npath = \"model.war_cost\"\nrange = [0.1, 1.0]\n",
            "bad2.toml:1:13: error: particles: expected an integer in [10, 100000], found 3",
        ),
        (
            "statistics = [\"war\"]\ncases = []\nparticels = 3\n[[parameter]]\npath = \"model.war_cost\"\nrange = [0.1, 1.0]\n",
            "bad3.toml:3:1: error: particels: unknown key `particels`",
        ),
        (
            "statistics = [\"war\"]\ncases = []\nparticels = 3\n[[parameter]]\npath = \"model.war_cost\"\nrange = [0.1, 1.0]\n",
            "help: did you mean `particles`?",
        ),
    ];
    for (i, (text, expect)) in cases.iter().enumerate() {
        let p = tmp.path().join(format!("bad{i}.toml"));
        std::fs::write(&p, text).unwrap();
        let out = deter()
            .args(["calibrate", p.to_str().unwrap(), "--quiet", "--out"])
            .arg(tmp.path().join("o"))
            .output()
            .unwrap();
        refused_for(&out, format_args!("case {i}"));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expect), "case {i}: {err}");
        assert!(err.contains(&format!("bad{i}.toml")), "case {i}: {err}");
    }
}

/// The full simulation-based calibration on the toy model (docs/VALIDATION.md): 1,000 repeats,
/// 400 particles each; the result is printed for the docs. Same criteria as the small version.
#[test]
#[ignore = "full SBC, about a minute in release: cargo test --release --test calibrate -- --ignored --nocapture"]
fn full_simulation_based_calibration() {
    let repeats = 1000u64;
    let l = 99;
    let mut rng = ChaCha8Rng::seed_from_u64(1804);
    let mut ranks = Vec::new();
    let mut covered = 0u64;
    for k in 0..repeats {
        let theta = THETA_MAX * rand::RngExt::random::<f64>(&mut rng);
        let s = poisson_sum(theta, 5_000_000 + k);
        let state = toy_posterior(s, 400, 10_000 + k);
        let pop = state.population.as_ref().unwrap();
        let draws: Vec<f64> = abc::resample(&pop.weights, l, &mut rng)
            .into_iter()
            .map(|i| THETA_MAX * pop.u[i])
            .collect();
        ranks.push(rank_of(&draws, theta));
        let th: Vec<f64> = pop.u.iter().map(|u| THETA_MAX * u).collect();
        let (lo, hi) = (
            abc::weighted_quantile(&th, &pop.weights, 0.05),
            abc::weighted_quantile(&th, &pop.weights, 0.95),
        );
        covered += u64::from(lo <= theta && theta <= hi);
    }
    let (chi2, p) = rank_uniformity(&ranks, l, 20);
    let (lo, hi) = binomial_interval(repeats, 0.9, 0.999);
    println!(
        "SBC toy: {repeats} repeats, rank chi-square (20 bins) {chi2:.1}, p = {p:.3}; \
         90% intervals covered {covered}/{repeats} (99.9% binomial interval [{lo}, {hi}])"
    );
    assert!(p > 0.001);
    assert!((lo..=hi).contains(&covered));
}

/// The crisis totals the small deter SBC and the fixed-budget diagnosis use.
const CRISIS_TOTALS: [&str; 3] = ["threat_or_display", "use_of_force", "war"];
/// The statistics of the full deter SBC: years with a crisis, years with a use of force or
/// war, and wars. Bounded by the case's years, so an exact match (tolerance 0) stays
/// reachable where crises are many (a low `status_quo_value`).
const YEAR_STATISTICS: [&str; 3] = ["crisis_years", "force_years", "war"];

/// What a simulation-based calibration on deter data found, per repeat.
struct DeterSbc {
    /// Rank of the truth among L = 99 posterior draws.
    ranks: Vec<usize>,
    /// The true value (unit coordinate = `status_quo_value`).
    truths: Vec<f64>,
    /// Whether the central 90% posterior interval covered the truth.
    covered: Vec<bool>,
    /// The last generation's tolerance.
    tolerances: Vec<f64>,
    simulations: u64,
}

impl DeterSbc {
    fn covered(&self) -> u64 {
        self.covered.iter().filter(|&&c| c).count() as u64
    }
}

/// Ranks pooled into 10 bins (L = 99: 10 ranks a bin).
fn rank_histogram(ranks: &[usize]) -> [usize; 10] {
    let mut h = [0; 10];
    for &r in ranks {
        h[(r / 10).min(9)] += 1;
    }
    h
}

/// Simulation-based calibration with data generated by deter itself: a true
/// `model.status_quo_value` from its prior (uniform on [0, 1]), one synthetic record per case
/// (Serbia -> Kosovo 2008, the Baltic states 2014) simulated at it through the observation
/// model, and the ABC posterior of `deter calibrate`'s simulator on `statistics`, with
/// `particles` particles, at most `generations` generations and `max_attempts` simulations
/// a particle. Fixed seeds.
fn deter_sbc(
    repeats: u64,
    particles: usize,
    generations: usize,
    statistics: &[&str],
    max_attempts: u64,
) -> DeterSbc {
    use deter::calibrate::EventType;
    use deter::calibrate::record::{Certainty, Event};
    let tmp = tempfile::tempdir().unwrap();
    let history = root().join("scenarios/history");
    let stats: Vec<String> = statistics.iter().map(|s| format!("\"{s}\"")).collect();
    let text = format!(
        "seed = 1\nparticles = {particles}\nmax_generations = {generations}\nmin_acceptance = 0.0\n\
         max_attempts_per_particle = {max_attempts}\nstatistics = [{}]\n\
         cases = [\"{}\", \"{}\"]\n\
         [[parameter]]\npath = \"model.status_quo_value\"\nrange = [0.0, 1.0]\n",
        stats.join(", "),
        history.join("serbia-kosovo.record.toml").display(),
        history.join("russia-baltic.record.toml").display()
    );
    let p = write(tmp.path(), "sbc.toml", &text);
    let base = load_calibration(&p).unwrap();
    let l = 99;
    let mut rng = ChaCha8Rng::seed_from_u64(2024);
    let mut out = DeterSbc {
        ranks: Vec::new(),
        truths: Vec::new(),
        covered: Vec::new(),
        tolerances: Vec::new(),
        simulations: 0,
    };
    for k in 0..repeats {
        let u_true = rand::RngExt::random::<f64>(&mut rng);
        let mut cal = base.clone();
        cal.settings.seed = 1000 + k;
        let values = deter::calibrate::cases::values(&cal, &[u_true]);
        // The synthetic record: per year, each recorded crisis at its highest level and each
        // non-state incident as an event of its own, coded with certainty.
        let (years, _) = deter::calibrate::cases::simulate_years(&cal, &values, 77_000 + k, true);
        for (case, per_year) in cal.cases.iter_mut().zip(&years) {
            let first = case.record.first_year;
            let kinds = [
                EventType::Threat,
                EventType::Display,
                EventType::UseOfForce,
                EventType::War,
                EventType::NonState,
            ];
            case.record.events = per_year
                .iter()
                .enumerate()
                .flat_map(|(y, counts)| {
                    let year = first + y as i32;
                    kinds.iter().zip(counts).flat_map(move |(&kind, &n)| {
                        (0..n).map(move |_| Event {
                            year,
                            month: 1,
                            date: format!("{year}-01"),
                            kind,
                            certainty: Certainty::High,
                            alternative: None,
                            summary: String::new(),
                            source: String::new(),
                            verified: true,
                            dispute: None,
                        })
                    })
                })
                .collect();
        }
        // The record reads back as the simulated statistics.
        assert_eq!(
            deter::calibrate::cases::observed(&cal),
            deter::calibrate::cases::simulate(&cal, &values, 77_000 + k, true).0
        );
        let sim = |u: &[f64], seed: u64| deter::calibrate::cases::distance(&cal, u, seed);
        let mut state = State::new(cal.settings.clone(), 1);
        abc::run(&mut state, &sim, Hooks::default(), |_| {}).unwrap();
        out.tolerances.push(state.history.last().unwrap().tolerance);
        out.simulations += state.simulations();
        let pop = state.population.as_ref().unwrap();
        let draws: Vec<f64> = abc::resample(&pop.weights, l, &mut rng)
            .into_iter()
            .map(|i| pop.u[i])
            .collect();
        out.ranks.push(rank_of(&draws, u_true));
        out.truths.push(u_true);
        let (lo, hi) = (
            abc::weighted_quantile(&pop.u, &pop.weights, 0.05),
            abc::weighted_quantile(&pop.u, &pop.weights, 0.95),
        );
        out.covered.push(lo <= u_true && u_true <= hi);
    }
    out
}

/// The small version: 60 repeats of 80 particles and 4 generations on the crisis totals. At
/// this budget many repeats end above tolerance 0, where ABC samples a wider posterior than
/// the exact one, so only coverage is read, one-sidedly: the central 90% intervals cover the
/// truth at least as often as the lower end of the 99.9% binomial interval.
#[test]
fn simulation_based_calibration_on_deter_data_covers_at_least_90_percent() {
    let repeats = 60;
    let r = deter_sbc(repeats, 80, 4, &CRISIS_TOTALS, 1000);
    let (lo, hi) = binomial_interval(repeats, 0.9, 0.999);
    let (chi2, p) = rank_uniformity(&r.ranks, 99, 10);
    assert!(
        r.covered() >= lo,
        "90% intervals covered {}/{repeats}, below {lo} (rank chi2 {chi2:.1}, p {p:.3}, upper {hi})",
        r.covered()
    );
}

/// The full version, run to the exact target: every repeat continues until its tolerance is 0
/// (at most 40 generations, a million simulations a particle), where the ABC posterior of
/// discrete statistics is the exact posterior given them; then the ranks must be uniform
/// (chi-square, fail below p = 0.001) and the coverage inside the two-sided 99.9% binomial
/// interval. A repeat that cannot reach 0 fails the test (the SBC would not test the exact
/// target).
#[test]
#[ignore = "full SBC on deter data, about an hour on two busy cores: cargo test --release --test calibrate full_deter_simulation_based_calibration -- --ignored --nocapture --exact"]
fn full_deter_simulation_based_calibration() {
    let repeats = 200;
    let r = deter_sbc(repeats, 100, 40, &YEAR_STATISTICS, 1_000_000);
    let (chi2, p) = rank_uniformity(&r.ranks, 99, 10);
    let (lo, hi) = binomial_interval(repeats, 0.9, 0.999);
    let exact = r.tolerances.iter().filter(|&&t| t == 0.0).count();
    let covered = r.covered();
    println!(
        "SBC deter: {repeats} repeats run to tolerance 0, rank chi-square (10 bins) {chi2:.1}, \
         p = {p:.4}; 90% intervals covered {covered}/{repeats} (99.9% binomial interval [{lo}, {hi}])"
    );
    println!(
        "rank histogram (10 bins) {:?}; {} simulations",
        rank_histogram(&r.ranks),
        r.simulations
    );
    assert_eq!(exact, repeats as usize, "repeats above tolerance 0");
    assert!(p > 0.001, "ranks not uniform: chi2 {chi2:.1}, p {p:.4}");
    assert!((lo..=hi).contains(&covered));
}

/// Why the fixed-budget version failed the rank test (docs/VALIDATION.md): the earlier full
/// test's design (300 repeats, 200 particles, 6 generations, crisis totals), with the ranks
/// split by whether the repeat's last tolerance is 0. Prints the histograms; asserts nothing
/// about them (a diagnosis, not a check).
#[test]
#[ignore = "diagnosis, about 8 minutes: cargo test --release --test calibrate deter_sbc_at_a_fixed_budget -- --ignored --nocapture"]
fn deter_sbc_at_a_fixed_budget_by_final_tolerance() {
    let repeats = 300;
    let r = deter_sbc(repeats, 200, 6, &CRISIS_TOTALS, 1000);
    let (chi2, p) = rank_uniformity(&r.ranks, 99, 10);
    println!(
        "all {repeats}: rank chi-square (10 bins) {chi2:.1}, p = {p:.4}, histogram {:?}, covered {}",
        rank_histogram(&r.ranks),
        r.covered()
    );
    for (name, exact) in [("tolerance 0", true), ("tolerance > 0", false)] {
        let pick: Vec<usize> = (0..r.ranks.len())
            .filter(|&i| (r.tolerances[i] == 0.0) == exact)
            .collect();
        let ranks: Vec<usize> = pick.iter().map(|&i| r.ranks[i]).collect();
        let mean_truth = pick.iter().map(|&i| r.truths[i]).sum::<f64>() / pick.len() as f64;
        let (c, q) = rank_uniformity(&ranks, 99, 10);
        println!(
            "{name}: {} repeats, mean true status_quo_value {mean_truth:.2}, histogram {:?}, \
             chi-square {c:.1}, p = {q:.4}, mean rank {:.1}",
            pick.len(),
            rank_histogram(&ranks),
            ranks.iter().sum::<usize>() as f64 / ranks.len().max(1) as f64
        );
    }
}

#[test]
fn a_held_out_case_is_only_predicted_and_unknown_ids_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tiny_calibration(tmp.path(), 20);
    let out = tmp.path().join("loo");
    deter()
        .args([
            "calibrate",
            file.to_str().unwrap(),
            "--quiet",
            "--hold-out",
            "serbia-kosovo",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("Serbia -&gt; Kosovo (held out)"));
    let bad = deter()
        .args([
            "calibrate",
            file.to_str().unwrap(),
            "--quiet",
            "--hold-out",
            "serbia-kosov",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    refused(&bad);
    // Located in the flag's value, with the message an unknown `[[parameter]] case` gets and
    // a did-you-mean on its own help line.
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains(
            "--hold-out:1:1: error: unknown case id `serbia-kosov`: the cases are serbia-kosovo, russia-georgia"
        ),
        "{err}"
    );
    assert!(
        err.contains("= help: did you mean `serbia-kosovo`?"),
        "{err}"
    );
    let far = deter()
        .args(["calibrate", file.to_str().unwrap(), "--quiet"])
        .args(["--hold-out", "baltic-states", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    refused(&far);
    let err = String::from_utf8_lossy(&far.stderr);
    assert!(
        err.contains("= help: the cases are serbia-kosovo, russia-georgia"),
        "{err}"
    );
    // Holding out every case leaves nothing to calibrate on.
    let all = deter()
        .args([
            "calibrate",
            file.to_str().unwrap(),
            "--quiet",
            "--hold-out",
            "serbia-kosovo",
            "--hold-out",
            "russia-georgia",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    refused(&all);
    // The same case twice is refused at the second, not read as once.
    let twice = deter()
        .args(["calibrate", file.to_str().unwrap(), "--quiet"])
        .args([
            "--hold-out",
            "serbia-kosovo",
            "--hold-out",
            "serbia-kosovo",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    refused(&twice);
    let err = String::from_utf8_lossy(&twice.stderr);
    assert!(
        err.contains("--hold-out:1:1: error: case `serbia-kosovo` is held out twice"),
        "{err}"
    );
    assert!(
        err.contains("= help: give each case to --hold-out once"),
        "{err}"
    );
}

/// A posterior over (status_quo_value, war_cost) with equal weights.
fn write_posterior(dir: &Path, rows: &[(f64, f64)]) -> std::path::PathBuf {
    let values: Vec<[f64; 2]> = rows.iter().map(|&(a, b)| [a, b]).collect();
    let rows: Vec<(&[f64], f64)> = values
        .iter()
        .map(|v| (&v[..], 1.0 / values.len() as f64))
        .collect();
    common::write_posterior(dir, &["model.status_quo_value", "model.war_cost"], &rows)
}

#[test]
fn nested_monte_carlo_with_one_draw_at_the_defaults_equals_a_plain_run() {
    use deter::calibrate::nested;
    let tmp = tempfile::tempdir().unwrap();
    // The baseline's own values (docs/MODEL.md defaults of status_quo_value and war_cost).
    let d = deter::scenario::ModelParams::defaults();
    let post = deter::read_posterior(&write_posterior(
        tmp.path(),
        &[(d.status_quo_value, d.war_cost)],
    ))
    .unwrap();
    let scenario =
        deter::scenario::load_file(&root().join("scenarios/western-balkans-2024.toml")).unwrap();
    let runs = 2000;
    let draws = nested::draw(Some(&post), &[], 1, 99);
    let n = nested::run(&scenario, &draws, runs, 99, deter::engine::Hooks::default())
        .unwrap()
        .unwrap();
    let compiled = deter::model::Compiled::new(&scenario);
    let plan = deter::engine::RunPlan {
        seed: 99,
        first: 0,
        count: runs,
        stream_offset: 0,
    };
    let agg = deter::engine::run(&compiled, &plan, deter::engine::Hooks::default()).unwrap();
    for (k, &c) in agg.region.events.iter().enumerate() {
        assert_eq!(n.per_draw[k], vec![c as f64 / runs as f64]);
    }
}

#[test]
fn deter_run_posterior_labels_both_intervals_and_is_thread_independent() {
    let tmp = tempfile::tempdir().unwrap();
    let post = write_posterior(tmp.path(), &[(0.05, 0.8), (0.3, 0.4), (0.6, 1.5)]);
    let scenario = root().join("scenarios/western-balkans-2024.toml");
    let mut jsons = Vec::new();
    for threads in ["1", "2"] {
        let out = deter()
            .args([
                "run",
                scenario.to_str().unwrap(),
                "--posterior",
                post.to_str().unwrap(),
            ])
            .args([
                "--draws",
                "6",
                "--runs",
                "300",
                "--format",
                "json",
                "--quiet",
                "--threads",
                threads,
            ])
            .output()
            .unwrap();
        succeeded(&out);
        jsons.push(out.stdout);
    }
    assert_eq!(jsons[0], jsons[1]);
    let v: serde_json::Value = serde_json::from_slice(&jsons[0]).unwrap();
    assert_eq!(v["draws"], 6);
    let war = v["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["outcome"] == "war")
        .unwrap();
    let (lo, hi) = (
        war["param90_lo"].as_f64().unwrap(),
        war["param90_hi"].as_f64().unwrap(),
    );
    let mean = war["mean"].as_f64().unwrap();
    assert!(lo <= mean && mean <= hi);
    let table = deter()
        .args([
            "run",
            scenario.to_str().unwrap(),
            "--posterior",
            post.to_str().unwrap(),
        ])
        .args(["--draws", "3", "--runs", "100", "--quiet"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(text.contains("90% interval over uncertain parameters"));
    assert!(text.contains("95% interval of the mean (draws x runs)"));
    // A damaged posterior is refused with its line number and exit 2.
    std::fs::write(&post, "draw,model.war_cost,weight,distance\n0,abc,1,0\n").unwrap();
    let bad = deter()
        .args([
            "run",
            scenario.to_str().unwrap(),
            "--posterior",
            post.to_str().unwrap(),
            "--quiet",
        ])
        .output()
        .unwrap();
    refused(&bad);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("posterior.csv:2:"));
}

/// A posterior edited in R and saved with `write.csv` has every column name in quotes
/// (`"draw","model.war_cost","weight","distance"`): it was refused as a header that is not
/// `draw,PATH...,weight,distance` with no word on why. The help now says the cells are in
/// quotes and how to write them without; a plain header gets no such help.
#[test]
fn a_posterior_with_quoted_column_names_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = root().join("scenarios/western-balkans-2024.toml");
    for (header, quoted) in [
        ("\"draw\",\"model.war_cost\",\"weight\",\"distance\"", true),
        ("draws,model.war_cost,weight,distance", false),
    ] {
        let post = write(
            tmp.path(),
            "posterior.csv",
            &format!("{header}\n0,0.5,1,0\n"),
        );
        let o = deter()
            .args(["run", scenario.to_str().unwrap(), "--posterior"])
            .arg(&post)
            .args(["--draws", "2", "--runs", "10", "--quiet"])
            .output()
            .unwrap();
        refused(&o);
        let err = String::from_utf8_lossy(&o.stderr);
        // Columns are read by name: `draws` is a column that names no parameter.
        let said = if quoted {
            "posterior.csv:1:1: error: expected a header `draw,PATH...,weight,distance`"
        } else {
            "posterior.csv:1:1: error: column `draws`: `draws` is not a parameter"
        };
        assert!(err.contains(said), "{err}");
        assert_eq!(
            err.contains("help: the cells are in quotes")
                && err.contains("write.csv(x, FILE, quote = FALSE, row.names = FALSE)"),
            quoted,
            "{err}"
        );
    }
}

#[test]
fn deter_compare_posterior_pairs_a_and_b_on_the_same_draws_and_streams() {
    let tmp = tempfile::tempdir().unwrap();
    let post = write_posterior(tmp.path(), &[(0.05, 0.8), (0.3, 0.4), (0.6, 1.5)]);
    let base = root().join("scenarios/western-balkans-2024.toml");
    let envoy = root().join("scenarios/shea-special-envoy.toml");
    let run = |a: &Path, b: &Path, threads: &str| {
        let out = deter()
            .args(["compare", a.to_str().unwrap(), b.to_str().unwrap()])
            .args([
                "--posterior",
                post.to_str().unwrap(),
                "--draws",
                "5",
                "--runs",
                "300",
            ])
            .args(["--format", "json", "--quiet", "--threads", threads])
            .output()
            .unwrap();
        succeeded(&out);
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    // A against itself: every draw's effect is exactly zero (same draws, same streams).
    let same = run(&base, &base, "2");
    for e in same["effects"].as_array().unwrap() {
        assert_eq!(e["effect_mean"], 0.0);
        assert_eq!(e["share_of_draws_b_lower"], 0.0);
        assert_eq!(e["param90_lo"], 0.0);
    }
    assert_eq!(run(&base, &envoy, "1"), run(&base, &envoy, "2"));
}

/// `--out` naming an existing file is refused before any simulation, exit 2, with the
/// message `deter sweep --plots` gives.
#[test]
fn an_out_path_that_is_a_file_is_refused_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let cal = tiny_calibration(dir.path(), 20);
    let out = write(dir.path(), "existing", "x");
    let o = deter()
        .args(["calibrate", cal.to_str().unwrap(), "--quiet", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    refused(&o);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.starts_with(&format!(
            "--out:1:1: error: expected a directory (created if missing), found `{}`, a file \
             that exists",
            out.display()
        )),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "x");
}

/// A posterior value out of its parameter's range is refused before any draw, at its file,
/// line and column, with the message of the same fault in a scenario file (it said
/// "parameter draw 0: ..." with no file, line or column, then no column), by `run` and
/// `compare`, in the form of every file kind's fault.
#[test]
fn a_posterior_value_out_of_range_is_located_at_its_file_line_and_column() {
    let tmp = tempfile::tempdir().unwrap();
    let post = write_posterior(tmp.path(), &[(0.05, 0.8), (0.3, 99.0), (0.6, 1.5)]);
    let base = root().join("scenarios/western-balkans-2024.toml");
    let shown = post.display().to_string();
    // The form of every file kind's fault, at the cell (`1,0.3,99,...`: column 7).
    let problem = "column `model.war_cost`: expected a number in [0, 10] (stake units), found 99";
    let want = format!("{shown}:4:7: error: {problem}");
    for args in [
        vec!["run", base.to_str().unwrap()],
        vec!["compare", base.to_str().unwrap(), base.to_str().unwrap()],
    ] {
        let out = deter()
            .args(&args)
            .args([
                "--posterior",
                &shown,
                "--draws",
                "3",
                "--runs",
                "10",
                "--quiet",
            ])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        // `deter compare A A` says first that it compares a file with itself.
        let first = err
            .lines()
            .find(|l| !l.starts_with("warning: A and B are the same file"));
        assert_eq!(first, Some(want.as_str()), "{args:?}: {err}");
    }
    // The library facade gives the same message.
    let scenario = deter::scenario::load_file(&base).unwrap();
    let p = deter::read_posterior(&post).unwrap();
    match deter::run_nested(
        &scenario,
        Some(&p),
        &Default::default(),
        Some(3),
        Default::default(),
    ) {
        // The same first line, then the help line of the fault in every file kind.
        Err(deter::Error::Invalid(m)) => {
            assert_eq!(m.lines().next().unwrap(), format!("{shown}:4:7: {problem}"));
            assert!(
                m.ends_with("\n = help: `model.war_cost`: Challenger's cost of war at parity (p = 1/2) against the target alone, as a share of the stake; its denial part scales with 2 (1 - p), and when a protector commits the punishment term is added: war_cost (2 (1 - p) + punishment C_P / (C_P + K_A) + strategic_punishment s_P), K_A the challenger's effective capability (stock x quality x readiness)."),
                "{m}"
            );
        }
        other => panic!("{:?}", other.map(|_| ())),
    }
}

/// `deter calibrate` reads each record once: the fingerprint (`calibration_sha256`) is taken
/// of the texts that were validated, not of a second read (a record edited in between was
/// fingerprinted as it was not calibrated; a record on a FIFO waited for a second writer
/// forever). Here a record is a FIFO written once, and the fingerprint is recomputed from
/// the files: SHA-256 of the calibration file's content's SHA-256, then per case a newline,
/// its record's content's SHA-256, a space and its scenario's fingerprint (a file's content:
/// its TOML table re-serialised, so that comments and layout change nothing).
#[cfg(target_os = "linux")]
#[test]
fn calibrate_reads_each_record_once_and_fingerprints_what_it_read() {
    use sha2::{Digest, Sha256};
    use std::io::Write;
    let hex = |b: &[u8]| -> String {
        Sha256::digest(b)
            .iter()
            .map(|x| format!("{x:02x}"))
            .collect()
    };
    let tmp = tempfile::tempdir().unwrap();
    let history = root().join("scenarios/history");
    std::fs::copy(
        history.join("serbia-kosovo-2008.toml"),
        tmp.path().join("serbia-kosovo-2008.toml"),
    )
    .unwrap();
    let record_text = std::fs::read(history.join("serbia-kosovo.record.toml")).unwrap();
    let record = tmp.path().join("serbia-kosovo.record.toml");
    common::make_fifo(&record);
    let cal_text = "seed = 5\nparticles = 10\nmax_generations = 1\npredictive_draws = 5\n\
         statistics = [\"threat_or_display\", \"use_of_force\", \"war\"]\n\
         cases = [\"serbia-kosovo.record.toml\"]\n\
         [[parameter]]\npath = \"model.status_quo_value\"\nrange = [0.0, 1.0]\n";
    let cal = write(tmp.path(), "cal.toml", cal_text);
    let out = tmp.path().join("out");
    let mut child = std::process::Command::new(common::bin())
        .arg("calibrate")
        .arg(&cal)
        .args(["--quiet", "--threads", "1", "--out"])
        .arg(&out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut writer = common::fifo_writer_once_read(&mut child, &record);
    assert!(record_text.len() < 60_000, "one write fits the pipe");
    writer.write_all(&record_text).unwrap();
    drop(writer);
    assert!(
        common::ends_within(&mut child, 12000),
        "deter calibrate waits on a record it has read: it reads it a second time"
    );
    let o = child.wait_with_output().unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // The fingerprint, recomputed from the files (the record from its bundled copy).
    let scenario = deter::load(&tmp.path().join("serbia-kosovo-2008.toml")).unwrap();
    // Each file's content: its table re-serialised (comments and layout aside).
    let content = |t: &str| toml::to_string(&t.parse::<toml::Table>().unwrap()).unwrap();
    let text = format!(
        "{}\n{} {}",
        hex(content(cal_text).as_bytes()),
        hex(content(std::str::from_utf8(&record_text).unwrap()).as_bytes()),
        scenario.fingerprint()
    );
    let want = format!("# calibration_sha256 = {}", hex(text.as_bytes()));
    let posterior = std::fs::read_to_string(out.join("posterior.csv")).unwrap();
    assert!(posterior.lines().any(|l| l == want), "{want}\n{posterior}");
}

/// The crises of a record by highest level, recounted here from its events without the
/// calibration's code: events sharing a `dispute` are one crisis, every other event its own;
/// a crisis is counted at its highest MID level (2 threat, 3 display, 4 use of force, 5 war)
/// in the year an event first reached it. Returns per year [threat, display, use of force,
/// war], with the event `alt` (if any) read as its alternative.
fn recount_crises(r: &deter::calibrate::Record, alt: Option<usize>) -> Vec<[u32; 4]> {
    use deter::calibrate::EventType;
    let level = |t: Option<EventType>| match t {
        Some(EventType::Threat) => 2u8,
        Some(EventType::Display) => 3,
        Some(EventType::UseOfForce) => 4,
        Some(EventType::War) => 5,
        _ => 0,
    };
    // (dispute id or the event's own index, highest level, year of reaching it)
    let mut crises: Vec<(String, u8, i32)> = Vec::new();
    for (i, e) in r.events.iter().enumerate() {
        let kind = if alt == Some(i) {
            e.alternative.expect("a disputed event")
        } else {
            Some(e.kind)
        };
        let l = level(kind);
        let id = e.dispute.clone().unwrap_or_else(|| format!("#{i}"));
        match crises.iter_mut().find(|(x, _, _)| *x == id) {
            Some(c) if l > c.1 => (c.1, c.2) = (l, e.year),
            Some(_) => {}
            None => crises.push((id, l, e.year)),
        }
    }
    let mut out = vec![[0u32; 4]; r.years()];
    for (_, l, y) in crises {
        if l >= 2 {
            out[(y - r.first_year) as usize][usize::from(l - 2)] += 1;
        }
    }
    out
}

/// `threat` and `display` count the record's crises whose highest level was a threat and a
/// display, in the year that level was reached, apart; `threat_or_display` is their sum. A
/// small hand-made record, recounted by [`recount_crises`] under its primary reading and
/// under its one disputed event's alternative; a sampled reading is one of the two, in the
/// proportion of the event's certainty.
#[test]
fn threats_and_displays_are_counted_apart_as_the_record_reads() {
    use deter::calibrate::observe::{Observation, Statistic};
    let dir = tempfile::tempdir().unwrap();
    let event = |date: &str, dispute: Option<&str>, kind: &str, extra: &str| {
        let d = dispute.map_or(String::new(), |d| format!("dispute = \"{d}\"\n"));
        format!(
            "[[event]]\ndate = \"{date}\"\n{d}type = \"{kind}\"\nsummary = \"\"\nsource = \"\"\n\
             certainty = \"high\"\nverified = true\n{extra}"
        )
    };
    let text = [
        "[case]\nid = \"t\"\nname = \"t\"\nscenario = \"s.toml\"\nrivalries = [\"A-B\"]\n\
         first_year = 2000\nlast_year = 2002\n"
            .to_string(),
        // 2000: a threat then a display in one dispute (a display crisis), a threat alone.
        event("2000-01", Some("a"), "threat", ""),
        event("2000-05", Some("a"), "display", ""),
        event("2000-06", None, "threat", ""),
        // 2001: two threats of one dispute (one threat crisis); a display that became force.
        event("2001-01", Some("b"), "threat", ""),
        event("2001-02", Some("b"), "threat", ""),
        event("2001-03", Some("c"), "display", ""),
        event("2001-04", Some("c"), "use_of_force", ""),
        // A dispute of 2001-2002 that reached its display in 2002.
        event("2001-11", Some("d"), "threat", ""),
        event("2002-02", Some("d"), "display", ""),
        // 2002: a display that may have been a threat only (low certainty); non-state violence.
        event("2002-05", None, "display", "")
            .replace("\"high\"", "\"low\"")
            .replace(
                "verified = true\n",
                "verified = true\nalternative = { type = \"threat\", note = \"\" }\n",
            ),
        event("2002-07", None, "non_state", ""),
    ]
    .concat();
    let path = write(dir.path(), "t.record.toml", &text);
    let r = load_record(&path).unwrap();
    let disputed = r.events.iter().position(|e| e.alternative.is_some());
    assert_eq!(disputed, Some(9));
    let primary = recount_crises(&r, None);
    let alternative = recount_crises(&r, disputed);
    // By hand: threats 2000 and 2001 (b); displays 2000 (a), 2002 (d and the disputed one).
    assert_eq!(primary, vec![[1, 1, 0, 0], [1, 0, 1, 0], [0, 2, 0, 0]]);
    assert_eq!(alternative, vec![[1, 1, 0, 0], [1, 0, 1, 0], [1, 1, 0, 0]]);
    let stats = [
        Statistic::Threat,
        Statistic::Display,
        Statistic::ThreatOrDisplay,
        Statistic::UseOfForce,
        Statistic::CrisisYears,
    ];
    let expected = |years: &[[u32; 4]]| -> Vec<u32> {
        let total = |k: usize| years.iter().map(|y| y[k]).sum::<u32>();
        let crisis_years = years.iter().filter(|y| y.iter().sum::<u32>() > 0).count() as u32;
        vec![
            total(0),
            total(1),
            total(0) + total(1),
            total(2),
            crisis_years,
        ]
    };
    let got: Vec<u32> = stats.iter().map(|&s| Observation::primary(&r, s)).collect();
    assert_eq!(got, expected(&primary));
    assert_eq!(got, [2, 3, 5, 1, 3]);
    let years = Observation::primary_years(&r);
    for (y, want) in years.iter().zip(&primary) {
        assert_eq!(y[..4], want[..], "per year");
    }
    let obs = Observation::default();
    let mut rng = ChaCha8Rng::seed_from_u64(8);
    let (n, mut alt) = (4000, 0);
    let alt_counts = expected(&alternative);
    for _ in 0..n {
        let reading = obs.read(&r, &stats, &mut rng);
        if reading == alt_counts {
            alt += 1;
        } else {
            assert_eq!(reading, expected(&primary), "a reading no recount gives");
        }
    }
    // Binomial(4000, 0.5): 99.9% interval about 2000 +- 104.
    assert!((1896..=2104).contains(&alt), "{alt} of {n}");
}

/// A calibration file over the bundled cases with `statistics`, every detection probability
/// 1 (or `detect`, as written), budget `particles` x 3 generations.
fn calibration_with(
    dir: &Path,
    name: &str,
    statistics: &str,
    detect: &str,
    particles: u32,
) -> std::path::PathBuf {
    let history = root().join("scenarios/history");
    let cases: Vec<String> = [
        "serbia-kosovo",
        "russia-georgia",
        "russia-ukraine",
        "russia-baltic",
    ]
    .iter()
    .map(|c| format!("\"{}\"", history.join(format!("{c}.record.toml")).display()))
    .collect();
    let text = format!(
        "seed = 9\nparticles = {particles}\nmax_generations = 3\npredictive_draws = 10\n\
         statistics = [{statistics}]\ncases = [{}]\n\
         [observation]\ndetect = {{ {detect} }}\n\
         [[parameter]]\npath = \"model.status_quo_value\"\nrange = [0.0, 1.0]\n\
         [[parameter]]\npath = \"model.rationality_target\"\nrange = [0.5, 20.0]\ndistribution = \"log-uniform\"\n",
        cases.join(", ")
    );
    write(dir, name, &text)
}

/// The simulated side of `threat` and `display`: one run per case, as recorded with every
/// detection probability 1, equals the engine's own per-year counts of the case's rivalries
/// (crises at a threat and at a display, recounted here from `yearly_counts`).
#[test]
fn the_simulated_threats_and_displays_are_the_engines_per_year_counts() {
    use deter::calibrate::cases;
    use deter::engine::{RunPlan, Worker};
    use deter::outputs::count;
    let dir = tempfile::tempdir().unwrap();
    let p = calibration_with(
        dir.path(),
        "c.toml",
        "\"threat\", \"display\", \"threat_or_display\", \"use_of_force\", \"war\", \"crisis_years\"",
        "threat = 1.0, display = 1.0, use_of_force = 1.0, war = 1.0, non_state = 1.0",
        10,
    );
    let cal = load_calibration(&p).unwrap();
    let (mut threats, mut displays) = (0, 0);
    for (k, u) in [[0.1, 0.9], [0.5, 0.5], [0.3, 0.1]].iter().enumerate() {
        let values = cases::values(&cal, u);
        for seed in 0..20u64 {
            let seed = seed + 100 * k as u64;
            let (sim, _) = cases::simulate(&cal, &values, seed, true);
            for (c, case) in cal.cases.iter().enumerate() {
                let compiled = cases::compile(case, &values);
                let mut w = Worker::new(&compiled);
                let plan = RunPlan {
                    seed,
                    first: c as u64,
                    count: 1,
                    stream_offset: 0,
                };
                w.run_range(&compiled, &plan, c as u64, 1);
                let rec = w.last_record();
                let per_year = |i: usize| -> Vec<u32> {
                    (0..case.record.years())
                        .map(|y| {
                            case.rivalries
                                .iter()
                                .map(|&r| rec.rivalries[r].yearly_counts.get(y).map_or(0, |x| x[i]))
                                .sum()
                        })
                        .collect()
                };
                let [t, d, f, w_] = [
                    count::THREATS,
                    count::DISPLAYS,
                    count::USES_OF_FORCE,
                    count::WARS,
                ]
                .map(per_year);
                let sum = |v: &[u32]| v.iter().sum::<u32>();
                let crisis_years = (0..t.len())
                    .filter(|&y| t[y] + d[y] + f[y] + w_[y] > 0)
                    .count() as u32;
                let want = vec![
                    sum(&t),
                    sum(&d),
                    sum(&t) + sum(&d),
                    sum(&f),
                    sum(&w_),
                    crisis_years,
                ];
                assert_eq!(sim[c], want, "case {c}, seed {seed}");
                threats += sum(&t);
                displays += sum(&d);
            }
        }
    }
    // Not vacuous: the runs had both kinds.
    assert!(
        threats > 0 && displays > 0,
        "{threats} threats, {displays} displays"
    );
}

/// `[observation] detect` takes `threat` and `display` apart; `threat_or_display` sets both
/// alike, so a file that gives `threat_or_display = 0.8` and one that gives `threat = 0.8,
/// display = 0.8` calibrate to the same bytes (their fingerprints aside).
#[test]
fn detect_threat_or_display_is_threat_and_display_alike() {
    let dir = tempfile::tempdir().unwrap();
    let stats = "\"threat_or_display\", \"use_of_force\", \"war\", \"crisis_years\"";
    let rest = "use_of_force = 0.95, war = 1.0, non_state = 0.9";
    let one = calibration_with(
        dir.path(),
        "one.toml",
        stats,
        &format!("threat_or_display = 0.7, {rest}"),
        30,
    );
    let two = calibration_with(
        dir.path(),
        "two.toml",
        stats,
        &format!("threat = 0.7, display = 0.7, {rest}"),
        30,
    );
    let three = calibration_with(
        dir.path(),
        "three.toml",
        stats,
        &format!("threat = 0.7, display = 0.9, {rest}"),
        30,
    );
    let a = load_calibration(&one).unwrap();
    let b = load_calibration(&two).unwrap();
    let c = load_calibration(&three).unwrap();
    assert_eq!(a.observation, b.observation);
    assert_eq!(a.observation.detect[..2], [0.7, 0.7]);
    assert_eq!(c.observation.detect[..2], [0.7, 0.9]);
    let body = |p: &Path, out: &str| -> String {
        deter()
            .args([
                "calibrate",
                p.to_str().unwrap(),
                "--quiet",
                "--threads",
                "2",
                "--out",
            ])
            .arg(dir.path().join(out))
            .assert()
            .success();
        let text = std::fs::read_to_string(dir.path().join(out).join("posterior.csv")).unwrap();
        text.lines()
            .filter(|l| !l.starts_with("# calibration_sha256"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let (x, y, z) = (body(&one, "o1"), body(&two, "o2"), body(&three, "o3"));
    assert_eq!(x, y);
    // The same draws with displays detected otherwise: another posterior (the test can fail).
    assert_ne!(x, z);
}

/// A misspelt statistic or detection key gets the did-you-mean of every unknown name; a
/// `detect` table giving `threat_or_display` with `threat` (or `display`) is refused at the
/// later key, naming the earlier one and what to write; exit 2.
#[test]
fn threat_and_display_names_are_checked_and_detect_may_not_give_one_kind_twice() {
    let tmp = tempfile::tempdir().unwrap();
    let head = "statistics = [\"threat\", \"display\"]\ncases = []\n[[parameter]]\npath = \"model.war_cost\"\nrange = [0.1, 1.0]\n";
    let cases = [
        (
            "statistics = [\"threats\"]\ncases = []\n".to_string(),
            vec![
                "m0.toml:1:15: error: statistics[0]: unknown value `threats`",
                "did you mean `threat`?",
            ],
        ),
        (
            "statistics = [\"displays\"]\ncases = []\n".to_string(),
            vec![
                "statistics[0]: unknown value `displays`",
                "did you mean `display`?",
            ],
        ),
        (
            format!("{head}[observation]\ndetect = {{ dispaly = 0.7 }}\n"),
            vec![
                "m2.toml:7:12: error: observation.detect.dispaly: unknown key `dispaly`",
                "did you mean `display`?",
            ],
        ),
        (
            format!("{head}[observation]\ndetect = {{ threat_or_display = 0.8, threat = 0.7 }}\n"),
            vec![
                "m3.toml:7:37: error: observation.detect.threat: `threat` and `threat_or_display` (line 7) both give the probability that crises ending at a threat are recorded",
                "give `threat_or_display` alone (it sets threats and displays alike) or `threat` and `display` apart",
            ],
        ),
        (
            format!("{head}[observation.detect]\ndisplay = 0.7\nthreat_or_display = 0.8\n"),
            vec![
                "m4.toml:8:1: error: observation.detect.threat_or_display: `threat_or_display` and `display` (line 7) both give the probability that crises ending at a display of force are recorded",
            ],
        ),
    ];
    for (i, (text, expect)) in cases.iter().enumerate() {
        let p = tmp.path().join(format!("m{i}.toml"));
        std::fs::write(&p, text).unwrap();
        let out = deter()
            .args(["validate", p.to_str().unwrap()])
            .output()
            .unwrap();
        refused_for(&out, format_args!("case {i}"));
        let err = String::from_utf8_lossy(&out.stderr);
        for e in expect {
            assert!(err.contains(e), "case {i}: {err}");
        }
    }
}

/// Every statistic of the one list (`Statistic::ALL`) has its row in docs/CALIBRATION.md's
/// table, and every detection key its place in docs/HISTORY.md's observation model.
#[test]
fn every_statistic_and_detection_key_is_documented() {
    use deter::calibrate::observe::Statistic;
    let calibration = std::fs::read_to_string(root().join("docs/CALIBRATION.md")).unwrap();
    for (name, _) in Statistic::ALL {
        assert!(
            calibration.contains(&format!("| `{name}` |")),
            "docs/CALIBRATION.md has no row for `{name}`"
        );
    }
    let history = std::fs::read_to_string(root().join("docs/HISTORY.md")).unwrap();
    let section = &history[history.find("## Observation model").unwrap()..];
    for name in Statistic::detect_keys() {
        assert!(
            section.contains(&format!("`{name}`")),
            "docs/HISTORY.md's observation model does not name `{name}`"
        );
    }
}

/// The calibration's name shows escaped on its report: markup and quotes are text.
#[test]
fn calibration_report_escapes_a_hostile_name() {
    let tmp = tempfile::tempdir().unwrap();
    let file = calibration_of(tmp.path(), 20, 1);
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, format!("name = \"Cal <script>&\\\"'\"\n{text}")).unwrap();
    let out = tmp.path().join("out");
    deter()
        .args(["calibrate", file.to_str().unwrap(), "--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(!html.contains("<script"), "raw markup on the page");
    assert!(html.contains("<title>Cal &lt;script&gt;&amp;&quot;'</title>"));
    assert!(html.contains("<h1>Calibration: Cal &lt;script&gt;&amp;&quot;'</h1>"));
}

/// `--resume` where no calibration has run says so and what to do, before it creates or
/// locks anything: the directory it names stays as it was (absent, or empty).
#[test]
fn resume_with_nothing_to_resume_says_so_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let cal = tiny_calibration(dir.path(), 20);
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    for out in [dir.path().join("absent"), empty.clone()] {
        let o = deter()
            .arg("calibrate")
            .arg(&cal)
            .arg("--out")
            .arg(&out)
            .arg("--resume")
            .output()
            .unwrap();
        let err = refused_for(&o, out.display());
        assert!(
            err.contains("does not exist: no calibration has run in")
                && err.contains("leave out --resume to start one"),
            "{err}"
        );
        assert!(!err.contains("cannot read"), "{err}");
    }
    assert!(!dir.path().join("absent").exists());
    assert_eq!(std::fs::read_dir(&empty).unwrap().count(), 0);
}

/// The command an interrupted calibration prints to continue, with a calibration file and an
/// output directory whose names hold a space, quotes, `$`, a backtick, `;` and a leading
/// `-`: a POSIX shell (`sh -c`) reads it back as the same words, and run so it completes the
/// calibration.
#[cfg(unix)]
#[test]
fn the_printed_resume_command_of_a_calibration_is_read_back_by_a_shell() {
    use std::time::{Duration, Instant};
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("a b $HOME 'q\" `c` ;&");
    std::fs::create_dir(&dir).unwrap();
    // Later generations take far longer than the polling below: the signal arrives while
    // one runs.
    let text = std::fs::read_to_string(calibration_of(tmp.path(), 1000, 4)).unwrap();
    let name = "c $x 'q\" `id`.toml";
    write(&dir, name, &text);
    let out = "-o `x` ;$y 'z\"";
    let mut child = std::process::Command::new(common::bin())
        .current_dir(&dir)
        .args([
            "calibrate",
            name,
            "--quiet",
            "--threads",
            "1",
            &format!("--out={out}"),
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while !dir.join(out).join("state.json").exists() {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the calibration ended before a generation was saved"
        );
        assert!(start.elapsed() < Duration::from_secs(120), "no state.json");
        std::thread::sleep(Duration::from_millis(2));
    }
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let o = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(130), "{err}");
    let start = err.find("run `").expect("a command to continue") + 5;
    let end = err.rfind("` to continue").expect("a command to continue");
    let command = &err[start..end];
    let rest = command
        .strip_prefix("deter ")
        .unwrap_or_else(|| panic!("{command}"));
    let script = format!("exec '{}' {rest}", common::bin().display());
    let o = std::process::Command::new("sh")
        .current_dir(&dir)
        .args(["-c", &script])
        .output()
        .unwrap();
    assert!(o.status.success(), "sh -c {script}: {o:?}");
    assert!(dir.join(out).join("posterior.csv").exists(), "{script}");
}

/// An output directory that holds the command's inputs (`deter calibrate FILE --out` the
/// directory of FILE or of a case, `--plots` the directory of the scenario) was written into
/// silently; nothing was replaced, so it is a warning, in the same words for every command,
/// and nothing is said for a directory of its own.
#[test]
fn an_output_directory_holding_the_inputs_is_warned_in_every_command() {
    let tmp = tempfile::tempdir().unwrap();
    let file = calibration_of(tmp.path(), 10, 1);
    let f = file.to_str().unwrap();
    let dir = tmp.path().to_str().unwrap();
    let warned = |args: &[&str], option: &str| -> String {
        let o = deter().args(args).output().unwrap();
        succeeded(&o);
        let err = String::from_utf8(o.stderr).unwrap();
        let want = format!("warning: {option} `{dir}` is the directory of the inputs (");
        assert!(err.contains(&want), "{args:?}: {err}");
        assert!(err.contains("(none of the inputs is replaced)"), "{err}");
        err
    };
    let err = warned(&["calibrate", f, "--out", dir, "-q"], "--out");
    assert!(
        err.contains("`tiny.toml`") && err.contains("`posterior.csv`"),
        "{err}"
    );
    assert!(tmp.path().join("posterior.csv").exists());
    // A scenario and its charts.
    let scenario = write(
        tmp.path(),
        "s.toml",
        &std::fs::read_to_string(root().join("scenarios/western-balkans-2024.toml")).unwrap(),
    );
    let s = scenario.to_str().unwrap();
    let err = warned(&["run", s, "--runs", "5", "--plots", dir, "-q"], "--plots");
    assert!(
        err.contains("`s.toml`") && err.contains("the charts"),
        "{err}"
    );
    warned(
        &[
            "compare",
            s,
            s,
            "--set-b",
            "model.war_cost=2",
            "--runs",
            "5",
            "--plots",
            dir,
            "-q",
        ],
        "--plots",
    );
    // A directory of its own: nothing said.
    let own = tmp.path().join("out");
    let o = deter()
        .args(["calibrate", f, "--out", own.to_str().unwrap(), "-q"])
        .output()
        .unwrap();
    succeeded(&o);
    assert!(!String::from_utf8_lossy(&o.stderr).contains("is the directory of the inputs"));
}

/// One reader of a file of draws: the same header variants through `deter run --posterior`
/// and a sweep's `futures` are accepted alike (columns by name: `weight` first, no
/// `weight`/`distance`, blanks after the commas), and a fault gets one message at the same
/// FILE:LINE:COL with the column's name in both. `--posterior` used to refuse the three
/// variants the sweep took ("expected a header `draw,PATH...,weight,distance`").
#[test]
fn run_and_sweep_read_a_file_of_draws_alike() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = root().join("scenarios/western-balkans-2024.toml");
    std::fs::copy(&scenario, tmp.path().join("base.toml")).unwrap();
    let cases: [(&str, &str, Option<&str>); 6] = [
        (
            "std",
            "draw,model.war_cost,weight,distance\n0,0.4,0.5,0.1\n1,0.6,0.5,0.2\n",
            None,
        ),
        (
            "wfirst",
            "draw,weight,model.war_cost\n0,0.5,0.4\n1,0.5,0.6\n",
            None,
        ),
        ("noweight", "draw,model.war_cost\n0,0.4\n1,0.6\n", None),
        (
            "spaces",
            "draw, model.war_cost, weight, distance\n0, 0.4, 0.5, 0.1\n1, 0.6, 0.5, 0.2\n",
            None,
        ),
        (
            "badcell",
            "draw,weight,model.war_cost\n0,0.5,0.4\n1,0.5,abc\n",
            Some("badcell.csv:3:7: column `model.war_cost`: expected a number in [0, 10]"),
        ),
        (
            "negweight",
            "model.war_cost, weight\n0.4, -1\n",
            Some("negweight.csv:2:6: column `weight`: expected a number >= 0, found -1"),
        ),
    ];
    for (name, body, fault) in cases {
        let post = write(tmp.path(), &format!("{name}.csv"), body);
        let sweep = write(
            tmp.path(),
            &format!("sw_{name}.toml"),
            &format!("base = \"base.toml\"\nruns = 5\nfutures = \"{name}.csv\"\n"),
        );
        let run = deter()
            .current_dir(tmp.path())
            .args(["run", "base.toml", "--posterior", &format!("{name}.csv")])
            .args(["--draws", "2", "--runs", "5", "--quiet"])
            .output()
            .unwrap();
        let sw = deter()
            .current_dir(tmp.path())
            .arg("sweep")
            .arg(&sweep)
            .arg("--quiet")
            .output()
            .unwrap();
        let _ = post;
        let (re, se) = (
            String::from_utf8_lossy(&run.stderr).to_string(),
            String::from_utf8_lossy(&sw.stderr).to_string(),
        );
        match fault {
            None => {
                assert!(run.status.success(), "{name}: run: {re}");
                assert!(sw.status.success(), "{name}: sweep: {se}");
            }
            Some(f) => {
                assert_eq!(run.status.code(), Some(2), "{name}: {re}");
                assert_eq!(sw.status.code(), Some(2), "{name}: {se}");
                let at = f.split_once(": ").unwrap();
                assert!(
                    re.contains(&format!("{}: error: {}", at.0, at.1)),
                    "{name}: run: {re}"
                );
                assert!(
                    se.contains(&format!("error: futures: {f}")),
                    "{name}: sweep: {se}"
                );
            }
        }
    }
}

/// A file of draws with a misspelt `draw`, `weight` or `distance` column was refused as a
/// column that names no parameter, with no did-you-mean (no parameter's path is close to
/// `weigth`); one of a calibration's case columns alone ran under `--posterior` (every draw
/// the scenario as it is, an "interval over uncertain parameters" of no parameter) and was
/// refused by a sweep's `futures`. Both commands say each alike, at the header, with the
/// column meant or what to add.
#[test]
fn a_misspelt_column_or_case_columns_alone_are_said_alike_by_run_and_sweep() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = root().join("scenarios/western-balkans-2024.toml");
    std::fs::copy(&scenario, tmp.path().join("base.toml")).unwrap();
    let cases: [(&str, &str, &str, &str); 5] = [
        (
            "weigth",
            "draw,model.war_cost,weigth\n0,0.4,1\n1,0.6,1\n",
            "weigth.csv:1:21: column `weigth`: `weigth` is not a parameter of this scenario",
            "did you mean `weight`?",
        ),
        (
            "upper",
            "Weight,model.war_cost\n1,0.4\n1,0.6\n",
            "upper.csv:1:1: column `Weight`: `Weight` is not a parameter of this scenario",
            "did you mean `weight`?",
        ),
        (
            "drwa",
            "drwa,model.war_cost\n0,0.4\n1,0.6\n",
            "drwa.csv:1:1: column `drwa`: `drwa` is not a parameter of this scenario",
            "did you mean `draw`?",
        ),
        (
            "distnace",
            "draw,model.war_cost,distnace\n0,0.4,0.1\n1,0.6,0.2\n",
            "distnace.csv:1:21: column `distnace`: `distnace` is not a parameter of this scenario",
            "did you mean `distance`?",
        ),
        (
            "cases",
            "draw,serbia-kosovo/model.war_cost,weight\n0,0.4,1\n1,0.6,1\n",
            "cases.csv:1:1: no parameter column (columns other than draw, weight, distance and \
             a calibration's case columns CASE/PATH, which describe a historical case and are \
             never set)",
            "every draw would be the scenario as it is: add a column of a parameter of the \
             scenario (`model.war_cost`), or run without the file of draws",
        ),
    ];
    for (name, body, fault, help) in cases {
        write(tmp.path(), &format!("{name}.csv"), body);
        let sweep = write(
            tmp.path(),
            &format!("sw_{name}.toml"),
            &format!("base = \"base.toml\"\nruns = 5\nfutures = \"{name}.csv\"\n"),
        );
        let run = deter()
            .current_dir(tmp.path())
            .args(["run", "base.toml", "--posterior", &format!("{name}.csv")])
            .args(["--draws", "2", "--runs", "5", "--quiet"])
            .output()
            .unwrap();
        let sw = deter()
            .current_dir(tmp.path())
            .arg("sweep")
            .arg(&sweep)
            .arg("--quiet")
            .output()
            .unwrap();
        let (re, se) = (
            String::from_utf8_lossy(&run.stderr).to_string(),
            String::from_utf8_lossy(&sw.stderr).to_string(),
        );
        assert_eq!(run.status.code(), Some(2), "{name}: run: {re}");
        assert_eq!(sw.status.code(), Some(2), "{name}: sweep: {se}");
        let at = fault.split_once(": ").unwrap();
        assert!(
            re.contains(&format!("{}: error: {}", at.0, at.1)),
            "{name}: run: {re}"
        );
        assert!(
            se.contains(&format!("error: futures: {fault}")),
            "{name}: sweep: {se}"
        );
        let help = format!("= help: {help}");
        assert!(re.contains(&help), "{name}: run: {re}");
        assert!(se.contains(&help), "{name}: sweep: {se}");
    }
}
