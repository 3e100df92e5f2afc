//! `deter run FILE --posterior draws.csv`: nested Monte Carlo over parameter uncertainty
//! (src/calibrate/nested.rs, docs/CALIBRATION.md).

use std::path::Path;

use super::{CANCEL, CliError, RunArgs, emit, load_scenario_with_inputs, progress_bar};
use crate::calibrate::nested;
use crate::engine;

pub fn run_posterior(args: &RunArgs, posterior: &Path) -> Result<(), CliError> {
    if args.files.len() != 1 {
        return Err(CliError::Usage(
            "--posterior takes one scenario file; run the files one at a time".into(),
        ));
    }
    if let Some(out) = &args.output.out {
        crate::output::check_writable(out, &args.files).map_err(CliError::Usage)?;
    }
    let file = &args.files[0];
    let (mut scenario, _) = load_scenario_with_inputs(file, args.sim.horizon_years)?;
    crate::scenario::overrides::apply_texts(&mut scenario, &args.set, &file.display().to_string())
        .map_err(CliError::Input)?;
    let post = nested::read_posterior(posterior).map_err(CliError::Usage)?;
    let (draws, runs) = nested_budget(args.draws, args.sim.runs)?;
    let seed = args.sim.seed.unwrap_or(scenario.meta.seed);
    let bar = progress_bar(draws * runs, args.output.quiet);
    let progress = |n: u64| bar.inc(n);
    let result = engine::with_threads(args.sim.threads.threads, || {
        nested::run(
            &scenario,
            &post,
            draws,
            runs,
            seed,
            engine::Hooks {
                cancel: Some(&CANCEL),
                progress: Some(&progress),
            },
        )
    });
    bar.finish_and_clear();
    let n = match result {
        Err(engine::Interrupted) => return Err(CliError::Interrupted),
        Ok(Err(m)) => return Err(CliError::Usage(m)),
        Ok(Ok(n)) => n,
    };
    let name = &scenario.meta.name;
    let text = match args.output.format {
        super::Format::Json => nested::json(&n, name, &posterior.display().to_string()),
        super::Format::Table => nested::table(&n, name),
        _ => {
            return Err(CliError::Usage(
                "--posterior writes --format table or json".into(),
            ));
        }
    };
    emit(args.output.out.as_deref(), text.as_bytes())
}

/// `deter compare A B --posterior draws.csv`: the policy effect over parameter draws.
pub fn compare_posterior(
    args: &super::compare::CompareArgs,
    a: &crate::scenario::Scenario,
    b: &crate::scenario::Scenario,
    posterior: &Path,
    seed: u64,
) -> Result<(), CliError> {
    let post = nested::read_posterior(posterior).map_err(CliError::Usage)?;
    let (draws, runs) = nested_budget(args.draws, args.sim.runs)?;
    let bar = progress_bar(draws * runs, args.output.quiet);
    let progress = |n: u64| bar.inc(n);
    let result = engine::with_threads(args.sim.threads.threads, || {
        nested::compare(
            a,
            b,
            &post,
            draws,
            runs,
            seed,
            engine::Hooks {
                cancel: Some(&CANCEL),
                progress: Some(&progress),
            },
        )
    });
    bar.finish_and_clear();
    let c = match result {
        Err(engine::Interrupted) => return Err(CliError::Interrupted),
        Ok(Err(m)) => return Err(CliError::Usage(m)),
        Ok(Ok(c)) => c,
    };
    let (na, nb) = (&a.meta.name, &b.meta.name);
    let text = match args.output.format {
        super::Format::Json => nested::compare_json(&c, na, nb, &posterior.display().to_string()),
        _ => nested::compare_table(&c, na, nb),
    };
    emit(args.output.out.as_deref(), text.as_bytes())
}

/// `--draws` and `--runs` (per draw) of a nested run or comparison, checked once for both.
fn nested_budget(draws: u64, runs: Option<u64>) -> Result<(u64, u64), CliError> {
    if draws == 0 || draws > 1_000_000 {
        return Err(CliError::Usage(format!(
            "--draws {draws}: expected an integer in [1, 1000000]"
        )));
    }
    let runs = runs.unwrap_or(1000);
    if runs < 2 || draws.checked_mul(runs).is_none_or(|t| t > crate::MAX_RUNS) {
        return Err(CliError::Usage(format!(
            "--runs {runs} per draw: expected at least 2, and draws x runs at most {}",
            crate::MAX_RUNS
        )));
    }
    Ok((draws, runs))
}
