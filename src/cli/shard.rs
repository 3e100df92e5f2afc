//! `deter run FILE --shard K/N`: simulate one contiguous block of the runs and write a
//! partial file for `deter merge` (see src/shard/ and docs/CLUSTER.md).

use std::time::Instant;

use super::{
    CANCEL, CliError, RunArgs, emit, load_scenario, progress_bar, scenario_hash, validate_runs,
};
use crate::engine::{self, Hooks, RNG_NAME, RunPlan};
use crate::model::Compiled;
use crate::output;
use crate::report::finite;
use crate::shard::partial::{
    self, AggregatePart, FORMAT, FORMAT_VERSION, Header, Overrides, Part, ShardHeader, Source,
    Timing,
};
use crate::shard::{Kind, PartialFile, ShardSpec};

pub fn run_shard(args: &RunArgs, spec: ShardSpec) -> Result<(), CliError> {
    let shard = spec
        .resolve(|name| std::env::var(name).ok())
        .map_err(CliError::Usage)?;
    let [file] = args.files.as_slice() else {
        return Err(CliError::Usage(format!(
            "--shard takes one scenario file, not {}; shard each file separately",
            args.files.len()
        )));
    };
    if let Some(out) = &args.out {
        output::check_writable(out, &args.files).map_err(CliError::Usage)?;
    }
    let scenario = load_scenario(file, args.horizon_years)?;
    // Read the text now, right after validating it, to embed it in the partial file.
    let text = std::fs::read_to_string(file)
        .map_err(|e| CliError::Failure(format!("cannot read `{}`: {e}", file.display())))?;
    let runs = args.runs.unwrap_or(scenario.meta.runs);
    validate_runs(runs)?;
    let seed = args.seed.unwrap_or(scenario.meta.seed);
    let compiled = Compiled::new(&scenario);
    let threads = if args.threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        args.threads
    };

    let (first, end) = shard.range(runs);
    let bar = progress_bar(end - first, args.quiet);
    let tick = |n: u64| bar.inc(n);
    let hooks = Hooks {
        cancel: Some(&CANCEL),
        progress: Some(&tick),
    };
    // Run i of the invocation draws from stream i, whichever shard simulates it.
    let plan = RunPlan {
        seed,
        first,
        count: end - first,
        stream_offset: 0,
    };
    let started = Instant::now();
    let aggregate = engine::with_threads(threads, || engine::run(&compiled, &plan, hooks));
    let wall = started.elapsed().as_secs_f64();
    bar.finish_and_clear();
    let aggregate = aggregate.map_err(|_| CliError::Interrupted)?;

    let file = PartialFile {
        header: Header {
            format: FORMAT.into(),
            format_version: FORMAT_VERSION,
            engine_version: crate::ENGINE_VERSION.into(),
            engine_build: partial::engine_build(),
            rng: RNG_NAME.into(),
            kind: Kind::Run,
            sha256: scenario_hash(&scenario),
            overrides: Overrides {
                horizon_years: args.horizon_years,
            },
            seed,
            runs,
            points: 1,
            units: runs,
            shard: ShardHeader {
                k: shard.k(),
                n: shard.n(),
                first,
                end,
            },
        },
        timing: Timing {
            wall_seconds: finite(wall.max(0.0)),
            threads,
        },
        parts: if end > first {
            vec![Part {
                point: 0,
                first_run: first,
                aggregate: AggregatePart::from_aggregate(&aggregate),
            }]
        } else {
            Vec::new()
        },
        source: Source {
            path: file.display().to_string(),
            absolute_path: std::path::absolute(file)
                .unwrap_or_else(|_| file.clone())
                .display()
                .to_string(),
            text,
        },
    };
    emit(args.out.as_deref(), &file.to_bytes())
}
