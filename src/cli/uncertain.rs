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
    let draws = args.draws;
    if draws == 0 || draws > 1_000_000 {
        return Err(CliError::Usage(format!(
            "--draws {draws}: expected an integer in [1, 1000000]"
        )));
    }
    let runs = args.sim.runs.unwrap_or(1000);
    if runs < 2 || draws.checked_mul(runs).is_none_or(|t| t > crate::MAX_RUNS) {
        return Err(CliError::Usage(format!(
            "--runs {runs} per draw: expected at least 2, and draws x runs at most {}",
            crate::MAX_RUNS
        )));
    }
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
            Some(&CANCEL),
            Some(&progress),
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
