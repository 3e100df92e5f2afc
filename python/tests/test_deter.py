"""The deter Python package: same numbers as the command line, tidy tables, errors, Ctrl-C.

The CLI comparisons need the `deter` binary: DETER_BIN, else target/release/deter at the
repository root (built by `cargo test --release` or `cargo build --release`). Without it
these tests fail, on purpose: a missing comparison must not pass.
"""

import _thread
import io
import json
import os
import pathlib
import subprocess
import threading
import time

import pandas as pd
import pytest

import deter

ROOT = pathlib.Path(__file__).resolve().parents[2]
BASELINE = ROOT / "scenarios" / "western-balkans-2024.toml"
ENVOY = ROOT / "scenarios" / "shea-special-envoy.toml"
GRID = ROOT / "scenarios" / "sweeps" / "kosovo-budget-x-nato.toml"


def cli(*args: str) -> bytes:
    binary = os.environ.get("DETER_BIN") or str(ROOT / "target" / "release" / "deter")
    if not os.path.exists(binary):
        pytest.fail(f"the deter binary is needed for this comparison: {binary} (set DETER_BIN)")
    out = subprocess.run([binary, *args], capture_output=True, check=True)
    return out.stdout


def without_timing(report: dict) -> dict:
    report = dict(report)
    report.pop("timing")
    return report


def test_run_equals_the_cli_json():
    py = deter.run(BASELINE, runs=3000, seed=11, threads=2).to_dict()
    cl = json.loads(cli("run", str(BASELINE), "--runs", "3000", "--seed", "11", "--format", "json", "-q"))
    assert without_timing(py) == without_timing(cl)


def test_run_with_set_equals_the_cli_with_set():
    sets = {"rivalry.SRB-XKX.monitoring": 0.7, "model.war_cost": 1.0}
    py = deter.run(str(BASELINE), runs=2000, seed=3, set=sets).to_dict()
    cl = json.loads(
        cli(
            "run", str(BASELINE), "--runs", "2000", "--seed", "3", "--format", "json", "-q",
            "--set", "rivalry.SRB-XKX.monitoring=0.7", "--set", "model.war_cost=1.0",
        )
    )
    assert without_timing(py) == without_timing(cl)
    assert py["overrides"] == [
        {"path": "rivalry.SRB-XKX.monitoring", "value": 0.7, "replaced": 0.4},
        {"path": "model.war_cost", "value": 1.0, "replaced": 0.8},
    ]


def test_run_names_the_policies_as_the_cli_json_does():
    mediu = ROOT / "scenarios" / "mediu-tri-level.toml"
    result = deter.run(mediu, runs=200, seed=5, attribution=False)
    cl = json.loads(cli("run", str(mediu), "--runs", "200", "--seed", "5", "--no-attribution", "--format", "json", "-q"))
    assert result.to_dict()["policies"] == cl["policies"]
    assert [p["id"] for p in result.policies] == [
        "joint-defence", "forward-presence", "defence-shares", "resilience", "economic-deterrence"
    ]
    assert result.policies[1]["in_effect_from"] == "2026-07"
    assert deter.run(BASELINE, runs=100, seed=5, attribution=False).policies == []


def test_compare_equals_the_cli_json():
    py = deter.compare(BASELINE, ENVOY, runs=2000, seed=5).to_dict()
    cl = json.loads(cli("compare", str(BASELINE), str(ENVOY), "--runs", "2000", "--seed", "5", "--format", "json", "-q"))
    for side in ("a", "b"):
        py[side].pop("timing")
        cl[side].pop("timing")
    assert without_timing(py) == without_timing(cl)


def _unchanged_from_the_json(d: dict) -> dict:
    """The differences of a comparison's JSON that are 0 in every run, recomputed here by the
    rule of docs/OUTPUT.md: an outcome with an interval and no discordant pair; a mean or an
    attribution shift that is 0 with the paired interval the point 0."""
    point0 = lambda x, value: x[value] == 0 and x["paired95_lo"] == 0 and x["paired95_hi"] == 0
    out = {"outcomes": set(), "metrics": set(), "attribution_shift": set()}
    for e in [d["region"], *d["rivalries"]]:
        for o in e["outcomes"]:
            if "undefined" not in o and o["a_only"] == 0 and o["b_only"] == 0:
                out["outcomes"].add((e["entity"], o["outcome"]))
        for m in e["metrics"]:
            if point0(m, "diff"):
                out["metrics"].add((e["entity"], m["metric"]))
    for e in (d.get("attribution_shift") or {"entities": []})["entities"]:
        for outcome, x in e["events"].items():
            for level in ("all", "military", "political", "economic"):
                if point0(x["removing_all" if level == "all" else level], "shift"):
                    out["attribution_shift"].add((e["entity"], outcome, level))
    return out


def _flagged(c) -> dict:
    keys = {"outcomes": ["scope", "outcome"], "metrics": ["scope", "metric"],
            "attribution_shift": ["scope", "outcome", "level"]}
    return {
        table: set(map(tuple, getattr(c, table).loc[
            getattr(c, table).unchanged_in_every_run, keys[table]].values.tolist()))
        for table in keys
    }


def test_compare_flags_the_differences_unchanged_in_every_run_as_the_cli_does():
    # `deter compare`'s table says "unchanged in every run" beside a difference that is 0 in
    # every run (a crisis opportunity in every run of both sides); deter.compare's tables
    # carried nothing to tell it from a difference that merely rounds to 0. Now a column
    # `unchanged_in_every_run` in its three tables, checked against the JSON by the rule of
    # docs/OUTPUT.md and counted against the command line's table.
    args = dict(runs=300, seed=5)
    same = deter.compare(BASELINE, BASELINE, **args)
    for table in ("outcomes", "metrics", "attribution_shift"):
        column = getattr(same, table).unchanged_in_every_run
        assert column.dtype == bool and len(column) > 0 and column.all(), table
    what_if = {"rivalry.SRB-XKX.monitoring": 0.6}
    c = deter.compare(BASELINE, BASELINE, set_b=what_if, **args)
    want = _unchanged_from_the_json(c.to_dict())
    assert _flagged(c) == want
    for table in ("outcomes", "attribution_shift"):
        column = getattr(c, table).unchanged_in_every_run
        assert column.any() and not column.all(), (table, want[table])
    # The command line's table says it once per flagged row of the region (it shows the
    # region alone for a scenario of one rivalry), in the differences and the shifts.
    table = cli("compare", str(BASELINE), str(BASELINE), "--runs", "300", "--seed", "5",
                "--set-b", "rivalry.SRB-XKX.monitoring=0.6", "-q").decode()
    region = sum(1 for rows in want.values() for row in rows if row[0] == "region")
    assert table.count("unchanged in every run") == region, table
    # Without the attribution, no shift to flag; the others unchanged.
    plain = deter.compare(BASELINE, BASELINE, set_b=what_if, attribution=False, **args)
    assert plain.attribution_shift.empty
    assert _flagged(plain)["outcomes"] == want["outcomes"]


def test_merge_with_per_run_rows_equals_the_cli_and_the_unsharded_run(tmp_path):
    # The shards carry their per-run rows; `deter.merge(per_run=...)` writes the file
    # `deter merge --per-run` writes, byte for byte the unsharded `deter run --per-run`, and
    # the report `deter merge --format json` gives.
    common = ["--runs", "300", "--seed", "7", "--horizon-years", "4", "--no-attribution", "-q"]
    whole = tmp_path / "whole.csv"
    cl = json.loads(cli("run", str(BASELINE), *common, "--format", "json", "--per-run", str(whole)))
    parts = []
    for k in range(3):
        part = tmp_path / f"part-{k}.json"
        cli("run", str(BASELINE), *common, "--shard", f"{k}/3", "--out", str(part), "--per-run-rows")
        parts.append(part)
    merged_cli = tmp_path / "merged-cli.csv"
    cl_merged = json.loads(cli("merge", *map(str, parts), "--format", "json", "-q", "--per-run", str(merged_cli)))
    rows = tmp_path / "merged.csv"
    py = deter.merge(list(reversed(parts)), per_run=rows)
    assert rows.read_bytes() == merged_cli.read_bytes() == whole.read_bytes()
    assert without_timing(py.to_dict()) == without_timing(cl_merged) == without_timing(cl)
    assert len(pd.read_csv(rows)) >= 300
    # Without per_run: the same report, no file.
    assert without_timing(deter.merge(parts).to_dict()) == without_timing(cl)
    # Shards without rows: refused, naming the first, nothing written.
    bare = tmp_path / "bare-0.json"
    cli("run", str(BASELINE), *common, "--shard", "0/1", "--out", str(bare))
    none = tmp_path / "none.csv"
    with pytest.raises(ValueError, match="the shard carries no per-run rows"):
        deter.merge([bare], per_run=none)
    assert not none.exists()
    with pytest.raises(ValueError, match="missing"):
        deter.merge(parts[:2])


def test_sweep_streams_rows_while_it_runs():
    # One thread, and the library waits for each row to be taken: when the first row
    # arrives, at most the first two of the 12 points can have been simulated. A sweep that
    # handed over its rows at the end would have run all 12 x 2,000 runs by then.
    seen = []
    df = deter.sweep(GRID, threads=1, on_row=lambda row, done: seen.append((row, done)))
    total = 12 * 2000
    assert [r["point"] for r, _ in seen] == list(range(12))
    first_done = seen[0][1]
    assert 2000 <= first_done <= 2 * 2000 < total, first_done
    assert [d for _, d in seen] == sorted(d for _, d in seen)
    # The callback's rows are the DataFrame's rows.
    for (row, _), (_, rec) in zip(seen, df.iterrows()):
        assert row["use_of_force_p"] == rec["use_of_force_p"]
        assert row["use_of_force_mc95_lo"] == rec["use_of_force_mc95_lo"]


def test_a_callback_that_raises_stops_the_sweep():
    class Enough(Exception):
        pass

    calls = []

    def stop(row, done):
        calls.append(done)
        raise Enough()

    with pytest.raises(Enough):
        deter.sweep(GRID, threads=1, on_row=stop)
    assert len(calls) == 1


def test_sweep_equals_the_cli_csv(tmp_path):
    df = deter.sweep(GRID, threads=2)
    out = tmp_path / "grid.csv"
    cli("sweep", str(GRID), "--out", str(out), "-q")
    expected = pd.read_csv(out)
    pd.testing.assert_frame_equal(df, expected)
    assert len(df) == 12  # 4 budgets x 3 reliabilities


def test_path_toml_text_and_dict_give_the_same_result():
    # A scenario with no `extends` so that its text stands alone.
    text = BASELINE.read_text()
    assert "extends" not in text
    import tomllib

    by_path = deter.run(BASELINE, runs=500, seed=1).to_dict()
    by_text = deter.run(text, runs=500, seed=1).to_dict()
    by_dict = deter.run(tomllib.loads(text), runs=500, seed=1).to_dict()
    assert without_timing(by_path) == without_timing(by_text)
    # The dict goes through TOML again: same validated scenario, same hash, same numbers.
    assert without_timing(by_path) == without_timing(by_dict)


def test_results_do_not_depend_on_threads():
    one = deter.run(BASELINE, runs=1500, seed=9, threads=1).to_dict()
    two = deter.run(BASELINE, runs=1500, seed=9, threads=2).to_dict()
    assert without_timing(one) == without_timing(two)


def test_outcomes_table_is_tidy_and_recomputes_from_counts():
    r = deter.run(BASELINE, runs=1000, seed=2)
    o = r.outcomes
    assert list(o.columns) == ["scope", "outcome", "probability", "mc95_lo", "mc95_hi", "runs_with_event", "runs"]
    scopes = ["region"] + [x["id"] for x in r.to_dict()["rivalries"]]
    assert o.shape == (len(deter.OUTCOMES) * len(scopes), 7)
    assert list(o.outcome.unique()) == list(deter.OUTCOMES)
    assert list(o.scope.unique()) == scopes
    # The probability is the share of runs with the event, recomputed here.
    assert (o.probability == o.runs_with_event / o.runs).all()
    assert ((o.mc95_lo <= o.probability) & (o.probability <= o.mc95_hi)).all()
    assert o.set_index(["scope", "outcome"]).loc[("region", "deterrence_held"), "probability"] == pytest.approx(
        1 - o.set_index(["scope", "outcome"]).loc[("region", "use_of_force"), "probability"]
    )


def test_attribution_table_is_tidy_and_its_shares_add_up():
    r = deter.run(BASELINE, runs=600, seed=2, horizon_years=4)
    a = r.attribution
    assert list(a.columns) == [
        "scope", "outcome", "level", "change", "paired95_lo", "paired95_hi", "p_as_is", "p_all_removed", "runs"
    ]
    scopes = ["region"] + [x["id"] for x in r.to_dict()["rivalries"]]
    assert a.shape == (len(scopes) * len(deter.OUTCOMES) * 4, 9)
    # Sorted: a partial key into an unsorted MultiIndex is a PerformanceWarning ("indexing
    # past lexsort depth"), an error under python/pyproject.toml's filterwarnings.
    t = a.set_index(["scope", "outcome", "level"]).sort_index()
    for scope in scopes:
        for outcome in deter.OUTCOMES:
            x = t.loc[(scope, outcome)]
            # Efficiency: the three shares add up to removing all three, which is the change
            # between the two probabilities; the run itself is the "as is" variant.
            assert x.loc[["military", "political", "economic"], "change"].sum() == pytest.approx(x.loc["all", "change"], abs=1e-12)
            assert x.loc["all", "change"] == pytest.approx(x.loc["all", "p_all_removed"] - x.loc["all", "p_as_is"], abs=1e-12)
    o = r.outcomes.set_index(["scope", "outcome"])
    assert t.loc[("region", "use_of_force", "all"), "p_as_is"] == o.loc[("region", "use_of_force"), "probability"]
    # Switched off: no rows, and the plain numbers are the same.
    off = deter.run(BASELINE, runs=600, seed=2, horizon_years=4, attribution=False)
    assert off.attribution.empty
    assert off.outcomes.equals(r.outcomes)
    c = deter.compare(BASELINE, ENVOY, runs=300, seed=5, horizon_years=3)
    s = c.attribution_shift
    assert s.shape == (len(c.a.attribution), 9)
    assert ((s["shift"] - (s["b"] - s["a"])).abs() < 1e-12).all()


def test_metrics_and_yearly_tables_are_long():
    r = deter.run(BASELINE, runs=500, seed=2, horizon_years=4)
    m = r.metrics
    assert list(m.columns) == ["scope", "metric", "statistic", "value"]
    region = m[m.scope == "region"].set_index(["metric", "statistic"]).value
    assert region[("crises", "mean")] == r.to_dict()["metrics"]["crises"]["mean"]
    b = r.bands
    assert list(b.columns) == ["scope", "year", "quantity", "statistic", "value"]
    assert sorted(b.year.unique()) == [2025, 2026, 2027, 2028]
    assert set(b.quantity) == {"tension", "balance"}


def test_yearly_probabilities_are_tidy_and_consistent():
    r = deter.run(BASELINE, runs=2000, seed=4)
    y = r.yearly
    assert list(y.columns) == [
        "scope", "year", "outcome", "window", "probability", "mc95_lo", "mc95_hi", "runs_with_event", "runs",
    ]
    scopes = 1 + len(r.to_dict()["rivalries"])
    assert len(y) == r.to_dict()["horizon_years"] * len(deter.OUTCOMES) * 2 * scopes
    assert (y.probability == y.runs_with_event / y.runs).all()
    uf = y[(y.scope == "region") & (y.outcome == "use_of_force")].pivot(index="year", columns="window", values="probability")
    # Cumulative: never decreasing, at least each year's own share, ending at the horizon's value.
    assert uf.by_end.is_monotonic_increasing
    assert (uf.by_end >= uf.in_year).all()
    last = uf.by_end.iloc[-1]
    horizon = r.outcomes.set_index(["scope", "outcome"]).loc[("region", "use_of_force"), "probability"]
    assert last == horizon
    # P(by end of year t) <= sum of the in-year shares up to t (union bound).
    assert (uf.by_end <= uf.in_year.cumsum() + 1e-12).all()


def test_scenario_error_for_one_problem():
    bad = BASELINE.read_text().replace("monitoring = 0.4 ", "monitoring = 1.4 ", 1)
    with pytest.raises(deter.ScenarioError) as e:
        deter.run(bad)
    err = e.value
    assert isinstance(err, ValueError)
    assert err.key.endswith(".monitoring")
    line = bad[: bad.index("monitoring = 1.4")].count("\n") + 1
    assert err.line == line
    assert err.column == len("monitoring = ") + 1
    assert "expected a number in [0, 1]" in err.message
    assert len(err.problems) == 1
    assert f"<toml>:{line}:" in str(err)


def test_scenario_error_lists_several_problems_and_did_you_mean():
    with pytest.raises(deter.ScenarioError) as e:
        deter.validate(BASELINE, set=["rivalry.SRB-XKX.monitorin=0.7", "model.war_cost=20"])
    err = e.value
    assert err.key == ["rivalry.SRB-XKX.monitorin", "model.war_cost"]
    assert err.line == [1, 1]
    assert err.column == [1, len("model.war_cost=") + 1]
    assert isinstance(err.message, list) and "not a parameter" in err.message[0]
    assert err.problems[0].help == "did you mean `rivalry.SRB-XKX.monitoring`?"
    assert "[0, 10]" in err.message[1]


def test_missing_file_is_a_scenario_error():
    with pytest.raises(deter.ScenarioError) as e:
        deter.run("no/such/file.toml")
    assert e.value.line == 0
    assert "cannot read" in e.value.message


def test_a_file_of_another_kind_is_named_as_the_command_line_names_it():
    # A sweep file given to deter.run (a scenario file to deter.sweep) was read as the wrong
    # kind: "missing the [scenario] table" and a list of unknown keys, where `deter run`
    # says what the file is and what reads it.
    for fn, path, words, help_ in [
        (deter.run, GRID, "this is a sweep file; `deter.run` takes a scenario file",
         "`deter.sweep(FILE)` runs it"),
        (lambda p: deter.compare(BASELINE, p), GRID,
         "this is a sweep file; `deter.compare` takes a scenario file", "`deter.sweep(FILE)` runs it"),
        (deter.sweep, BASELINE, "this is a scenario file; `deter.sweep` takes a sweep file",
         "`deter.run` and `deter.compare` run it"),
    ]:
        with pytest.raises(deter.ScenarioError) as e:
            fn(path)
        assert len(e.value.problems) == 1, str(e.value)
        assert e.value.line == 0
        assert words in e.value.message, e.value.message
        assert e.value.problems[0].help == help_


def test_validate_checks_every_file_kind_as_the_command_line_does():
    # `deter validate` accepts sweep, calibration and record files; `deter.validate` refused
    # them ("this is a sweep file; `deter.validate` takes a scenario file").
    binary = _binary()
    for path, kind in [
        (GRID, "sweep"),
        (str(ROOT / "scenarios/history/serbia-kosovo.record.toml"), "historical record"),
    ]:
        cl = subprocess.run([binary, "validate", path], capture_output=True, check=True)
        line = cl.stdout.decode().strip()
        v = deter.validate(path)
        assert v["kind"] == kind, v
        assert line == f"{path}: ok ({v['summary']})", (line, v)
    # A sweep file's warnings: UserWarnings in the words `deter validate` prints.
    path = WARN / "sweep-varies-a-policy-parameter.toml"
    cl = subprocess.run([binary, "validate", str(path)], capture_output=True, check=True)
    with pytest.warns(UserWarning) as caught:
        deter.validate(path)
    assert "".join(str(w.message) + "\n" for w in caught) == cl.stderr.decode()
    assert all(w.filename == __file__ for w in caught)
    with pytest.raises(ValueError, match="set= applies to scenario files"):
        deter.validate(GRID, set=["model.war_cost=1"])
    assert deter.validate(BASELINE)["kind"] == "scenario"


def test_validate_returns_a_summary_with_the_parameter_paths():
    v = deter.validate(BASELINE)
    assert v["rivalries"] >= 1
    assert "rivalry.SRB-XKX.monitoring" in v["parameters"]


def test_bad_arguments_are_value_errors():
    with pytest.raises(ValueError, match="runs"):
        deter.run(BASELINE, runs=0)
    with pytest.raises(TypeError):
        deter.run(42)


def test_ctrl_c_raises_keyboard_interrupt_and_stops_the_run():
    # A billion runs would take hours: only cancellation can end this call.
    timer = threading.Timer(1.0, _thread.interrupt_main)
    timer.start()
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        deter.run(BASELINE, runs=10**9, threads=2)
    took = time.monotonic() - started
    timer.join()
    print(f"interrupted after {took:.2f} s (signal at 1.0 s)")


def test_the_gil_is_released_during_a_run():
    ticks = 0
    done = threading.Event()

    def work():
        deter.run(BASELINE, runs=40_000, seed=1, threads=1)
        done.set()

    t = threading.Thread(target=work)
    t.start()
    while not done.is_set():
        ticks += 1
        time.sleep(0.001)
    t.join()
    # This thread kept running Python while the run was in flight.
    assert ticks > 10


def test_stubs_name_every_native_function():
    import deter._native as native

    stub = (pathlib.Path(deter.__file__).parent / "_native.pyi").read_text()
    for name in ("run", "compare", "run_nested", "compare_nested", "sweep", "merge", "merge_nested", "validate"):
        assert callable(getattr(native, name))
        assert f"def {name}(" in stub


def test_run_nested_equals_the_cli_and_labels_its_intervals(tmp_path):
    priors = tmp_path / "priors.toml"
    priors.write_text(
        BASELINE.read_text()
        + '\n[[uncertain]]\npath = "model.war_cost"\nrange = [0.3, 1.5]\n'
        + 'distribution = "log-uniform"\n'
    )
    r = deter.run_nested(priors, draws=6, runs=200, seed=5, horizon_years=4)
    args = ["run", str(priors), "--draws", "6", "--runs", "200", "--seed", "5"]
    args += ["--horizon-years", "4", "--format", "json", "--quiet"]
    assert r.to_dict() == json.loads(cli(*args))
    assert list(r.outcomes.columns) == [
        "outcome", "mean", "param90_lo", "param90_hi", "mc_error",
        "mc95_lo", "mc95_hi", "parametric_share",
    ]
    assert r.draws.shape == (6, 1 + 1 + len(r.outcomes))
    # The mean is the average of the per-draw probabilities (recomputed here).
    war = r.outcomes.set_index("outcome").loc["war"]
    assert abs(r.draws["war"].mean() - war["mean"]) < 1e-12
    assert war.param90_lo <= war["mean"] <= war.param90_hi
    with pytest.raises(ValueError, match=r"^`draws` 2: nothing is uncertain: give a posterior or declare \[\[uncertain\]\] priors in the scenario$"):
        deter.run_nested(BASELINE, draws=2, runs=10)


def test_run_nested_names_the_policies_with_the_month_of_each_draw(tmp_path):
    priors = tmp_path / "priors.toml"
    priors.write_text(
        f"extends = {json.dumps(str(ENVOY))}\n"
        + '\n[[uncertain]]\npath = "policy.special-envoy.start"\nrange = [2023.0, 2037.0]\n'
    )
    r = deter.run_nested(priors, draws=8, runs=4, seed=5)
    args = ["run", str(priors), "--draws", "8", "--runs", "4", "--seed", "5"]
    cl = json.loads(cli(*args, "--format", "json", "--quiet"))
    assert r.policies == cl["policies"]
    (envoy,) = r.policies
    assert envoy["id"] == "special-envoy" and envoy["in_effect_from"] == "2026-01"
    # Each draw's month from its decimal year (nearest month; before 2025-01: 2025-01; from
    # 2035-01 on: never), recomputed here.
    def month(x):
        m = max(round(x * 12), 2025 * 12)
        return None if m >= 2035 * 12 else f"{m // 12:04d}-{m % 12 + 1:02d}"
    assert envoy["in_effect_from_per_draw"] == [month(x) for x in r.draws["policy.special-envoy.start"]]


def _posterior(path: pathlib.Path) -> pathlib.Path:
    """A small posterior.csv as deter calibrate writes it: two shared columns, one case column
    (`ID/PATH`, which nested runs do not set), weights and distances."""
    rows = [(0.3, 0.5, 2.0, 0.1), (0.9, 0.7, 1.0, 0.3), (1.4, 0.3, 0.5, 0.6)]
    lines = ["# deter calibrate: posterior draws", "# seed = 1"]
    lines.append("draw,model.war_cost,alliance.NATO.reliability,serbia-kosovo/rivalry.*.opportunity_rate,weight,distance")
    for i, (w, r, o, wt) in enumerate(rows):
        lines.append(f"{i},{w},{r},{o},{wt},0")
    path.write_text("\n".join(lines) + "\n")
    return path


def _cli_error(*args: str) -> str:
    """The first line of the CLI's refusal (exit 2), without its `error: ` label: the
    library's one-line message for the same fault."""
    binary = os.environ.get("DETER_BIN") or str(ROOT / "target" / "release" / "deter")
    out = subprocess.run([binary, *args], capture_output=True, text=True)
    assert out.returncode == 2, out
    return out.stderr.splitlines()[0].replace(": error: ", ": ", 1)


def test_merge_nested_equals_run_nested_and_the_cli(tmp_path):
    # Shards of a nested run written by the CLI, with a posterior (5 draws x 40 runs in 3
    # shards: draws split between shards) and with [[uncertain]] priors (2 draws in 3
    # shards: more shards than draws): `deter.merge_nested`, parts in any order, gives what
    # `deter.run_nested` gives for the unsharded run, which is the CLI's merged JSON and the
    # unsharded `deter run --format json`, byte for byte.
    post = _posterior(tmp_path / "posterior.csv")
    priors = tmp_path / "priors.toml"
    priors.write_text(
        BASELINE.read_text()
        + '\n[[uncertain]]\npath = "model.war_cost"\nrange = [0.3, 1.5]\n'
    )
    for name, scenario, posterior, draws in (
        ("post", BASELINE, post, 5),
        ("priors", priors, None, 2),
    ):
        nested = ["run", str(scenario), "--draws", str(draws), "--runs", "40", "--seed", "9"]
        nested += ["--horizon-years", "4", "-q"]
        if posterior is not None:
            nested += ["--posterior", str(posterior)]
        whole = cli(*nested, "--format", "json")
        parts = []
        for k in range(3):
            part = tmp_path / f"{name}-{k}.json"
            cli(*nested, "--shard", f"{k}/3", "--out", str(part))
            parts.append(part)
        merged_cli = cli("merge", *map(str, parts), "--format", "json", "-q")
        assert merged_cli == whole
        py = deter.merge_nested(list(reversed(parts)))
        assert isinstance(py, deter.NestedResult)
        r = deter.run_nested(
            scenario, posterior=posterior, draws=draws, runs=40, seed=9, horizon_years=4
        )
        assert py.to_dict() == r.to_dict() == json.loads(whole)
        assert (py.draws_count, py.runs_per_draw, py.seed) == (draws, 40, 9)
        pd.testing.assert_frame_equal(py.draws, r.draws)
        pd.testing.assert_frame_equal(py.outcomes, r.outcomes)
        # A missing shard is refused, naming what is missing.
        with pytest.raises(ValueError, match="missing"):
            deter.merge_nested(parts[:2])
    # Each merge refuses the other's shards, naming the other function.
    plain = []
    for k in range(3):
        part = tmp_path / f"plain-{k}.json"
        cli("run", str(BASELINE), "--runs", "60", "--horizon-years", "4", "--no-attribution", "-q",
            "--shard", f"{k}/3", "--out", str(part))
        plain.append(part)
    with pytest.raises(ValueError, match=r"^these are shards of a nested run: merge them with `merge_nested`$"):
        deter.merge(parts)
    with pytest.raises(ValueError, match=r"^these are not the shards of a nested run: merge them with `merge`"):
        deter.merge_nested(plain)
    # A plain/nested mix: refused at the first file of the other kind, in the library's
    # message (the CLI's, file:line:col and key path, without its `error:` label).
    mixed = [parts[0], plain[1], parts[2]]
    want = _cli_error("merge", *map(str, mixed))
    assert 'header.kind: the file does not belong with' in want and 'its kind is "run", not "nested"' in want
    with pytest.raises(ValueError) as e:
        deter.merge_nested(mixed)
    assert str(e.value) == want
    with pytest.raises(ValueError) as e:
        deter.merge(mixed)
    assert str(e.value) == want
    mixed = [plain[0], parts[1], plain[2]]
    want = _cli_error("merge", *map(str, mixed))
    assert 'its kind is "nested", not "run"' in want
    for merge in (deter.merge, deter.merge_nested):
        with pytest.raises(ValueError) as e:
            merge(mixed)
        assert str(e.value) == want


def test_compare_nested_equals_the_cli_json(tmp_path):
    # Priors in both files (the same prior for one path), a posterior, set and set_b: the
    # Python call and the command line give the same JSON, byte for byte once parsed.
    prior = '\n[[uncertain]]\npath = "model.rationality"\nrange = [2.0, 12.0]\n'
    a = tmp_path / "a.toml"
    b = tmp_path / "b.toml"
    a.write_text(BASELINE.read_text() + prior)
    b.write_text(ENVOY.read_text().replace('extends = "western-balkans-2024.toml"', f'extends = "{BASELINE}"') + prior)
    post = _posterior(tmp_path / "posterior.csv")
    # The envoy's dated policy overrides set_b='s monitoring: said as the CLI says it.
    with pytest.warns(UserWarning, match="the scenario's policy `special-envoy` changes") as said:
        c = deter.compare_nested(
            a, b, posterior=post, draws=5, runs=150, seed=9, horizon_years=5,
            set={"model.war_uncertainty": 3.0}, set_b=["rivalry.SRB-XKX.monitoring=0.6"],
            threads=2,
        )
    assert all("set_b=" in str(w.message) for w in said), [str(w.message) for w in said]
    args = ["compare", str(a), str(b), "--posterior", str(post), "--draws", "5", "--runs", "150"]
    args += ["--seed", "9", "--horizon-years", "5", "--set", "model.war_uncertainty=3.0"]
    args += ["--set-b", "rivalry.SRB-XKX.monitoring=0.6", "--format", "json", "--quiet"]
    cl = json.loads(cli(*args))
    assert c.to_dict() == cl
    assert cl["kind"] == "nested_comparison" and cl["draws"] == 5 and cl["runs_per_draw"] == 150
    # The tables are the JSON's: one row per outcome, one per draw; effects recomputed here.
    assert list(c.effects["outcome"]) == [e["outcome"] for e in cl["effects"]]
    # Columns in reading order, as run_nested's outcomes (they came in the JSON's sorted
    # order: effect_mean, mc95_hi, mc95_lo, ..., outcome in the middle).
    assert list(c.effects.columns) == [
        "outcome", "mean_a", "mean_b", "effect_mean", "param90_lo", "param90_hi",
        "param90_undefined", "mc_error", "parametric_share_of_variance", "se_mean",
        "mc95_lo", "mc95_hi", "mc95_undefined",
        "share_of_draws_b_lower", "share_of_draws_b_higher",
    ]
    assert set(deter.OUTCOMES) <= set(c.effects["outcome"])
    assert c.draws.shape == (5, 1 + len(cl["parameters"]["paths"]) + len(cl["effects"]))
    # The posterior's case column is drawn but not applied, and said so (the JSON's
    # `parameters.applied`); the priors' and shared columns are applied.
    assert c.not_applied == ["serbia-kosovo/rivalry.*.opportunity_rate"]
    assert "serbia-kosovo/rivalry.*.opportunity_rate" in c.draws.columns
    n = deter.run_nested(a, posterior=post, draws=3, runs=20, seed=9, horizon_years=2)
    assert n.not_applied == ["serbia-kosovo/rivalry.*.opportunity_rate"]
    assert dict(zip(n.to_dict()["parameters"]["paths"], n.to_dict()["parameters"]["applied"])) == {
        "model.war_cost": True,
        "alliance.NATO.reliability": True,
        "serbia-kosovo/rivalry.*.opportunity_rate": False,
        "model.rationality": True,
    }
    for e in cl["effects"]:
        row = c.effects.set_index("outcome").loc[e["outcome"]]
        assert abs(c.draws[e["outcome"]].mean() - row["effect_mean"]) < 1e-12
        assert abs(row["mean_b"] - row["mean_a"] - row["effect_mean"]) < 1e-12
        lower = sum(x < 0 for x in e["per_draw"]) / 5
        assert row["share_of_draws_b_lower"] == lower
    # Threads do not matter; the default seed is A's.
    with pytest.warns(UserWarning, match="the scenario's policy `special-envoy` changes"):
        one_thread = deter.compare_nested(
            a, b, posterior=post, draws=5, runs=150, seed=9, horizon_years=5,
            set={"model.war_uncertainty": 3.0}, set_b=["rivalry.SRB-XKX.monitoring=0.6"],
            threads=1,
        )
    assert one_thread.to_dict() == cl
    d = deter.compare_nested(a, b, draws=2, runs=20, horizon_years=2)
    assert d.seed == json.loads(cli("compare", str(a), str(b), "--draws", "2", "--runs", "20",
                                    "--horizon-years", "2", "--format", "json", "--quiet"))["seed"]


def test_compare_nested_refuses_what_the_cli_refuses(tmp_path):
    # A scenario compared with itself under priors: exactly zero effect in every draw.
    a = tmp_path / "a.toml"
    a.write_text(BASELINE.read_text() + '\n[[uncertain]]\npath = "model.war_cost"\nrange = [0.3, 1.5]\n')
    same = deter.compare_nested(a, a, draws=3, runs=50, horizon_years=2)
    assert all(x == 0 for per in same.to_dict()["effects"] for x in per["per_draw"])
    with pytest.raises(ValueError, match=r"^`draws` 2: nothing is uncertain: give a posterior or declare \[\[uncertain\]\] priors in the scenario$"):
        deter.compare_nested(BASELINE, ENVOY, draws=2, runs=10)
    b = tmp_path / "b.toml"
    b.write_text(BASELINE.read_text() + '\n[[uncertain]]\npath = "model.war_cost"\nrange = [0.3, 2.0]\n')
    with pytest.raises(ValueError):
        deter.compare_nested(a, b, draws=2, runs=10)
    with pytest.raises(deter.ScenarioError):
        deter.compare_nested(a, a, set={"model.war_cots": 1.0}, draws=2, runs=10)


def _fixed_posterior(path: pathlib.Path) -> pathlib.Path:
    """The posterior of :func:`_posterior` as a calibration that fixed two values writes it
    (``# set = PATH=VALUE`` lines): one the bundled scenario has at another value (the fait
    accompli is off by default), one it does not have."""
    text = _posterior(path).read_text().splitlines()
    text[1:1] = ["# set = model.fait_accompli=1", "# set = model.no_such_thing=2"]
    path.write_text("\n".join(text) + "\n")
    return path


def _cli_warnings(*args: str) -> list:
    """The `warning: ` lines `deter` prints to stderr, without that prefix."""
    binary = os.environ.get("DETER_BIN") or str(ROOT / "target" / "release" / "deter")
    if not os.path.exists(binary):
        pytest.fail(f"the deter binary is needed for this comparison: {binary} (set DETER_BIN)")
    out = subprocess.run([binary, *args], capture_output=True, check=True)
    return [line[len("warning: "):] for line in out.stderr.decode().splitlines() if line.startswith("warning: ")]


def test_run_nested_warns_of_fixed_values_the_scenario_lacks_as_the_cli_does(tmp_path):
    post = _fixed_posterior(tmp_path / "posterior.csv")
    with pytest.warns(UserWarning) as caught:
        deter.run_nested(BASELINE, posterior=post, draws=2, runs=20, seed=3)
    got = [str(w.message) for w in caught]
    want = _cli_warnings("run", str(BASELINE), "--posterior", str(post), "--draws", "2", "--runs", "20", "-q")
    assert got == want
    assert len(got) == 2
    assert got[0] == (
        f"{post}:2: these draws were calibrated with `model.fait_accompli=1` fixed but this scenario has "
        "model.fait_accompli = 0: add --set model.fait_accompli=1 to run under the conditions "
        "of the calibration"
    )
    assert "model.no_such_thing=2" in got[1]
    # At the caller's line, not inside the package.
    assert all(w.filename == __file__ for w in caught)
    # The fixed value set: only the parameter the scenario does not have is left.
    with pytest.warns(UserWarning) as caught:
        deter.run_nested(BASELINE, posterior=post, draws=2, runs=20, seed=3, set={"model.fait_accompli": 1})
    assert [str(w.message) for w in caught] == [got[1]]
    # compare_nested warns for each side, as `deter compare --posterior` does.
    with pytest.warns(UserWarning) as caught:
        deter.compare_nested(BASELINE, ENVOY, posterior=post, draws=2, runs=20, seed=3)
    want = _cli_warnings(
        "compare", str(BASELINE), str(ENVOY), "--posterior", str(post), "--draws", "2", "--runs", "20", "-q",
    )
    assert [str(w.message) for w in caught] == want
    assert [w[:3] for w in want] == ["A: ", "A: ", "B: ", "B: "]


WARN = ROOT / "tests" / "warn"


@pytest.mark.parametrize(
    "name",
    [
        "intra-alliance-rivalry.toml",
        "budget-above-gdp.toml",
        "capability-vs-budget.toml",
        "policy-after-horizon.toml",
        "policy-before-start.toml",
        "policy-changes-a-path-twice.toml",
        "policy-on-a-gated-key.toml",
        "alliance-without-members.toml",
    ],
)
def test_scenario_warnings_are_user_warnings_in_the_cli_words(name):
    # `deter validate` and `deter run` print them; the package was silent (break8).
    path = WARN / name
    binary = os.environ.get("DETER_BIN") or str(ROOT / "target" / "release" / "deter")
    if not os.path.exists(binary):
        pytest.fail(f"the deter binary is needed for this comparison: {binary} (set DETER_BIN)")
    cl = subprocess.run([binary, "validate", str(path)], capture_output=True, check=True)
    want = cl.stderr.decode()
    assert "warning: " in want
    for call in (
        lambda: deter.validate(path),
        lambda: deter.run(path, runs=10, seed=1, attribution=False),
    ):
        with pytest.warns(UserWarning) as caught:
            call()
        got = "".join(str(w.message) + "\n" for w in caught)
        assert got == want
        # At the caller's line, not inside the package.
        assert all(w.filename == __file__ for w in caught)
    # A valid scenario without warnings issues none.
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        deter.validate(BASELINE)


def test_different_horizons_are_refused_naming_the_keyword_not_the_flag():
    base = (WARN / "sweep-base.toml").read_text()
    short = base.replace("[scenario]", "[scenario]\nhorizon_years = 4", 1)
    assert short != base
    with pytest.raises(ValueError) as e:
        deter.compare(base, short, runs=10)
    assert str(e.value) == (
        "the scenarios have different horizons (10 and 4 years); common random numbers need "
        "the same horizon (use `horizon_years`)"
    )


@pytest.mark.parametrize(
    "edit",
    [
        ("model.war_cost,", "model.war_cots,"),  # an unknown column: at its header cell
        ("\n1,0.9,", "\n1,abc,"),  # a cell that is no number
        ("\n1,0.9,", "\n1,99,"),  # a value out of its parameter's range
    ],
)
def test_a_posterior_fault_is_the_cli_message_as_a_scenario_error(tmp_path, edit):
    # An unknown column was "parameter `X` of the draws: ..." with no file:line:col, and
    # every posterior fault a bare ValueError (break8).
    post = _posterior(tmp_path / "posterior.csv")
    post.write_text(post.read_text().replace(*edit, 1))
    binary = os.environ.get("DETER_BIN") or str(ROOT / "target" / "release" / "deter")
    if not os.path.exists(binary):
        pytest.fail(f"the deter binary is needed for this comparison: {binary} (set DETER_BIN)")
    for call, args in (
        (
            lambda: deter.run_nested(BASELINE, posterior=post, draws=2, runs=10),
            ["run", str(BASELINE), "--posterior", str(post), "--draws", "2", "--runs", "10", "-q"],
        ),
        (
            lambda: deter.compare_nested(BASELINE, ENVOY, posterior=post, draws=2, runs=10),
            ["compare", str(BASELINE), str(ENVOY), "--posterior", str(post), "--draws", "2", "--runs", "10", "-q"],
        ),
    ):
        cl = subprocess.run([binary, *args], capture_output=True)
        assert cl.returncode == 2
        with pytest.raises(deter.ScenarioError) as e:
            call()
        assert str(e.value) + "\n" == cl.stderr.decode()
        assert e.value.line > 0 and e.value.column > 0
        assert isinstance(e.value, ValueError)


def test_a_posterior_that_is_a_directory_is_the_cli_message_as_a_scenario_error(tmp_path):
    # A directory given as the posterior raised OSError (the library's I/O error) while a
    # malformed file raised ScenarioError; the command line refuses both as bad input (exit 2)
    # with one message: Python raises that message as a ScenarioError for both.
    binary = os.environ.get("DETER_BIN") or str(ROOT / "target" / "release" / "deter")
    if not os.path.exists(binary):
        pytest.fail(f"the deter binary is needed for this comparison: {binary} (set DETER_BIN)")
    folder = tmp_path / "draws"
    folder.mkdir()
    for call, args in (
        (
            lambda: deter.run_nested(BASELINE, posterior=folder, draws=2, runs=10),
            ["run", str(BASELINE), "--posterior", str(folder), "--draws", "2", "--runs", "10", "-q"],
        ),
        (
            lambda: deter.compare_nested(BASELINE, ENVOY, posterior=folder, draws=2, runs=10),
            ["compare", str(BASELINE), str(ENVOY), "--posterior", str(folder), "--draws", "2", "--runs", "10", "-q"],
        ),
    ):
        cl = subprocess.run([binary, *args], capture_output=True)
        assert cl.returncode == 2
        assert f"{folder}: error: cannot read file" in cl.stderr.decode()
        with pytest.raises(deter.ScenarioError) as e:
            call()
        assert str(e.value) + "\n" == cl.stderr.decode()
        assert isinstance(e.value, ValueError)


def test_a_missing_input_file_is_one_exception_in_the_cli_words_whatever_its_kind(tmp_path):
    # A missing posterior raised OSError (with the library's words), a missing partial file
    # OSError ("FILE: cannot read file: ..."), a missing scenario or sweep file
    # deter.ScenarioError; the command line refuses each as bad input (exit 2) with one
    # message, "FILE: error: cannot read file: No such file or directory (os error 2)". Each
    # is now deter.MissingFileError, in those words: a ScenarioError (as every bad input)
    # and a FileNotFoundError (as Python's own functions raise for a missing file).
    binary = os.environ.get("DETER_BIN") or str(ROOT / "target" / "release" / "deter")
    if not os.path.exists(binary):
        pytest.fail(f"the deter binary is needed for this comparison: {binary} (set DETER_BIN)")
    missing = str(tmp_path / "missing")
    part = tmp_path / "part-0.json"
    subprocess.run(
        [binary, "run", str(BASELINE), "--runs", "10", "--shard", "0/2", "--out", str(part), "-q"],
        check=True,
    )
    cases = [
        (lambda m: deter.validate(m), lambda m: ["validate", m]),
        (lambda m: deter.run(m, runs=10), lambda m: ["run", m, "--runs", "10", "-q"]),
        (lambda m: deter.compare(BASELINE, m, runs=10), lambda m: ["compare", str(BASELINE), m, "--runs", "10", "-q"]),
        (lambda m: deter.sweep(m, runs=10), lambda m: ["sweep", m, "--runs", "10", "-q"]),
        (
            lambda m: deter.run_nested(BASELINE, posterior=m, draws=2, runs=10),
            lambda m: ["run", str(BASELINE), "--posterior", m, "--draws", "2", "--runs", "10", "-q"],
        ),
        (
            lambda m: deter.compare_nested(BASELINE, ENVOY, posterior=m, draws=2, runs=10),
            lambda m: ["compare", str(BASELINE), str(ENVOY), "--posterior", m, "--draws", "2", "--runs", "10", "-q"],
        ),
        (lambda m: deter.merge([part, m]), lambda m: ["merge", str(part), m]),
        (lambda m: deter.merge_nested([part, m]), lambda m: ["merge", str(part), m]),
    ]
    for ext in ("toml", "csv", "json"):
        m = f"{missing}.{ext}"
        for call, args in cases:
            cl = subprocess.run([binary, *args(m)], capture_output=True)
            assert cl.returncode == 2, args(m)
            want = cl.stderr.decode()
            assert want == f"{m}: error: cannot read file: No such file or directory (os error 2)\n1 error found\n"
            with pytest.raises(deter.MissingFileError) as e:
                call(m)
            err = e.value
            assert str(err) + "\n" == want, args(m)
            assert isinstance(err, deter.ScenarioError) and isinstance(err, FileNotFoundError)
            assert (err.errno, err.filename) == (2, m)
            assert (err.line, err.column, err.key) == (0, 0, "")
            assert err.message == "cannot read file: No such file or directory (os error 2)"
    # A file named inside another (a scenario's `extends`) is a fault of that file, located
    # there: a ScenarioError, not a missing input.
    overlay = tmp_path / "overlay.toml"
    overlay.write_text('extends = "nowhere.toml"\n')
    with pytest.raises(deter.ScenarioError) as e:
        deter.validate(overlay)
    assert not isinstance(e.value, FileNotFoundError)
    assert e.value.line == 1


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"runs": -1}, "`runs` -1: expected an integer in [1, 1000000000000]"),
        ({"runs": 2**64}, "`runs` 18446744073709551616: expected an integer in [1, 1000000000000]"),
        ({"seed": -1}, "`seed` -1: expected an integer in [0, 9223372036854775807]"),
        ({"threads": -2}, "`threads` -2: expected an integer in [0, 1024] (0 = one per core)"),
        ({"horizon_years": -1}, "`horizon_years` -1: expected an integer in [1, 200]"),
        ({"horizon_years": 2**32}, "`horizon_years` 4294967296: expected an integer in [1, 200]"),
    ],
)
def test_an_integer_argument_the_native_layer_cannot_hold_is_a_value_error_naming_it(kwargs, message):
    # It was an OverflowError naming no argument ("can't convert negative int to unsigned");
    # the words are those the library gives a value out of range (`seed` 2**63 below).
    with pytest.raises(ValueError) as e:
        deter.run(BASELINE, **{"runs": 10, **kwargs})
    assert str(e.value) == message
    with pytest.raises(ValueError) as e:
        deter.compare(BASELINE, ENVOY, **{"runs": 10, **kwargs})
    assert str(e.value) == message
    with pytest.raises(ValueError) as e:
        deter.run(BASELINE, runs=10, seed=2**63)
    assert str(e.value) == "`seed` 9223372036854775808: expected an integer in [0, 9223372036854775807]"
    with pytest.raises(ValueError) as e:
        deter.run_nested(BASELINE, draws=-1, runs=10)
    assert str(e.value) == "`draws` -1: expected an integer in [1, 1000000]"


def test_sweep_warnings_are_user_warnings_in_the_cli_words():
    # `deter sweep` prints them before it runs; the package was silent (break8).
    path = WARN / "sweep-varies-a-policy-parameter.toml"
    binary = os.environ.get("DETER_BIN") or str(ROOT / "target" / "release" / "deter")
    if not os.path.exists(binary):
        pytest.fail(f"the deter binary is needed for this comparison: {binary} (set DETER_BIN)")
    cl = subprocess.run([binary, "validate", str(path)], capture_output=True, check=True)
    want = cl.stderr.decode()
    assert "overrides the values this sweep gives it" in want
    with pytest.warns(UserWarning) as caught:
        deter.sweep(path, threads=1)
    assert "".join(str(w.message) + "\n" for w in caught) == want
    assert all(w.filename == __file__ for w in caught)


# ---------------------------------------------------------------- python9: the CLI's arguments


def test_sweep_runs_seed_and_horizon_equal_the_cli_flags(tmp_path):
    # `deter sweep --runs --seed --horizon-years` replace the sweep file's; the same keywords
    # of the package did not exist. Compared with the CLI's results file itself.
    df = deter.sweep(GRID, runs=300, seed=17, horizon_years=4, threads=2)
    out = tmp_path / "grid.csv"
    cli("sweep", str(GRID), "--runs", "300", "--seed", "17", "--horizon-years", "4", "--out", str(out), "-q")
    expected = pd.read_csv(out)
    pd.testing.assert_frame_equal(df, expected)
    assert (expected["runs"] == 300).all() and len(expected) == 12
    # Each argument matters: another seed, another horizon give other rows (the CLI's too).
    other = tmp_path / "other.csv"
    for flags in (["--seed", "18", "--horizon-years", "4"], ["--seed", "17", "--horizon-years", "5"]):
        cli("sweep", str(GRID), "--runs", "300", *flags, "--out", str(other), "-q")
        assert not pd.read_csv(other).equals(expected), flags


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"runs": 0}, "`runs` 0: expected an integer in [1, 1000000000000]"),
        ({"runs": -1}, "`runs` -1: expected an integer in [1, 1000000000000]"),
        ({"runs": 10**12 + 1}, "`runs` 1000000000001: expected an integer in [1, 1000000000000]"),
        ({"seed": -1}, "`seed` -1: expected an integer in [0, 9223372036854775807]"),
        ({"seed": 2**63}, "`seed` 9223372036854775808: expected an integer in [0, 9223372036854775807]"),
        ({"horizon_years": 0}, "`horizon_years` 0: expected an integer in [1, 200]"),
        ({"horizon_years": 201}, "`horizon_years` 201: expected an integer in [1, 200]"),
        ({"horizon_years": 2**32}, "`horizon_years` 4294967296: expected an integer in [1, 200]"),
        ({"until_ci": 0.7}, "`until_ci` 0.7: expected a half-width in (0, 0.5)"),
        ({"until_ci": 0.1, "max_runs": 0}, "`max_runs` 0: expected an integer in [1, 1000000000000]"),
        ({"resume": True}, None),
    ],
)
def test_sweep_refuses_a_bad_setting_naming_the_keyword_as_run_does(kwargs, message):
    # The CLI's ranges (`deter sweep --runs 0` says "--runs:1:1: error: expected an integer
    # in [1, 1000000000000], found 0"), named as the keyword; nothing runs.
    rows = []
    with pytest.raises(ValueError) as e:
        deter.sweep(GRID, threads=1, on_row=lambda row, done: rows.append(row), **kwargs)
    if message is None:
        assert "`resume`" in str(e.value) and "`out`" in str(e.value)
    else:
        assert str(e.value) == message
    assert not isinstance(e.value, deter.ScenarioError)
    assert rows == []
    binary = os.environ.get("DETER_BIN") or str(ROOT / "target" / "release" / "deter")
    flag = {k: "--" + k.replace("_", "-") for k in kwargs}
    if message is not None and "--resume" not in flag.values():
        args = [x for k, v in kwargs.items() for x in (flag[k], str(v))]
        cl = subprocess.run([binary, "sweep", str(GRID), *args, "-q"], capture_output=True)
        assert cl.returncode == 2, args
        # The same range, located in the flag's value as every flag's fault is: "`runs` 0:
        # expected RANGE" is "--runs:1:1: error: expected RANGE, found 0".
        key, rest = message[1:].split("` ", 1)
        value, said = rest.split(": ", 1)
        assert cl.stderr.decode().startswith(f"{flag[key]}:1:1: error: {said}, found {value}\n")


def _interrupted_sweep(out: pathlib.Path, after: int, **kwargs) -> list:
    """deter.sweep into `out`, stopped by its callback after `after` rows; the points seen."""

    class Enough(Exception):
        pass

    seen = []

    def stop(row, done):
        seen.append(row["point"])
        if len(seen) == after:
            raise Enough()

    with pytest.raises(Enough):
        deter.sweep(GRID, threads=1, out=out, on_row=stop, **kwargs)
    return seen


def test_sweep_resume_completes_the_results_as_the_cli_writes_them(tmp_path):
    args = dict(runs=200, seed=5, horizon_years=3)
    flags = ["--runs", "200", "--seed", "5", "--horizon-years", "3"]
    whole = tmp_path / "whole.csv"
    cli("sweep", str(GRID), *flags, "--out", str(whole), "-q")
    # Written as the CLI writes it, uninterrupted.
    written = tmp_path / "written.csv"
    df = deter.sweep(GRID, threads=2, out=written, **args)
    assert written.read_bytes() == whole.read_bytes()
    pd.testing.assert_frame_equal(df, pd.read_csv(whole))
    assert '"status":"complete"' in (tmp_path / "written.csv.sweep").read_text().replace(" ", "")

    # Stopped after 3 rows: the finished rows stay, the record says it is not complete.
    part = tmp_path / "part.csv"
    assert _interrupted_sweep(part, 3, **args) == [0, 1, 2]
    kept = part.read_text().splitlines()
    assert 1 + 3 <= len(kept) < 1 + 12
    assert whole.read_text().startswith(part.read_text())
    assert '"status":"running"' in (tmp_path / "part.csv.sweep").read_text().replace(" ", "")
    # The resume runs only the missing points and completes the file byte for byte.
    seen = []
    df = deter.sweep(GRID, threads=2, out=part, resume=True, on_row=lambda r, d: seen.append(r["point"]), **args)
    assert seen == list(range(len(kept) - 1, 12))
    assert part.read_bytes() == whole.read_bytes()
    pd.testing.assert_frame_equal(df, pd.read_csv(whole))

    # The command line resumes what the package left, and the other way round is the same file.
    part2 = tmp_path / "part2.csv"
    _interrupted_sweep(part2, 2, **args)
    cli("sweep", str(GRID), *flags, "--out", str(part2), "--resume", "-q")
    assert part2.read_bytes() == whole.read_bytes()


def test_sweep_resume_refuses_results_of_other_settings_in_the_cli_words(tmp_path):
    part = tmp_path / "part.csv"
    _interrupted_sweep(part, 2, runs=100, seed=5, horizon_years=2)
    before = part.read_bytes()
    with pytest.raises(ValueError) as e:
        deter.sweep(GRID, threads=1, out=part, resume=True, runs=100, seed=6, horizon_years=2)
    assert str(e.value) == (
        f"`{part}` was started with other sweep settings (seed, runs, design, parameters, base "
        f"scenario, `until_ci`, `max_runs` or the format; see `{part}.sweep`); choose another "
        "`out` (removing it would lose the rows it holds)"
    )
    assert part.read_bytes() == before
    cl = subprocess.run(
        [os.environ.get("DETER_BIN") or str(ROOT / "target" / "release" / "deter"), "sweep", str(GRID),
         "--runs", "100", "--seed", "6", "--horizon-years", "2", "--out", str(part), "--resume", "-q"],
        capture_output=True,
    )
    assert cl.returncode == 2
    # The command line locates it at the flag that differs from the one it was started with.
    assert f"--seed:1:1: error: expected --seed 5 (`{part}` was started with it), found `6`" in cl.stderr.decode()
    # No output over an input: the sweep file itself.
    copy = tmp_path / "grid.toml"
    copy.write_text(GRID.read_text().replace('"../western-balkans-2024.toml"', f'"{BASELINE}"'))
    text = copy.read_bytes()
    with pytest.raises(ValueError, match="input"):
        deter.sweep(copy, out=copy, runs=10)
    assert copy.read_bytes() == text


def test_sweep_horizon_warns_of_what_the_shorter_horizon_brings_as_the_cli_does():
    # `deter sweep --horizon-years` prints the base scenario's warnings that the shorter
    # horizon brings (its policy `calm` starts in 2027, after a 1-year horizon ends); the
    # policy then overrides no swept parameter, so that warning of the sweep's is not given;
    # the package issues the same, in the same words.
    sweep_file = WARN / "sweep-varies-a-policy-parameter.toml"
    binary = os.environ.get("DETER_BIN") or str(ROOT / "target" / "release" / "deter")
    cl = subprocess.run([binary, "sweep", str(sweep_file), "--horizon-years", "1", "--runs", "10", "-q"],
                        capture_output=True, check=True)
    want = cl.stderr.decode()
    assert "after the horizon ends" in want and "overrides the values this sweep gives it" not in want
    assert "`--horizon-years`" in want
    with pytest.warns(UserWarning) as caught:
        deter.sweep(sweep_file, threads=1, runs=10, horizon_years=1)
    # In the same words, the horizon named as the package's argument, not the CLI's flag.
    assert "".join(str(w.message) + "\n" for w in caught) == want.replace(
        "`--horizon-years`", "`horizon_years`"
    )
    assert all(w.filename == __file__ for w in caught)
    # At the base's own horizon, only the sweep's warning (as the CLI without the flag).
    with pytest.warns(UserWarning) as caught:
        deter.sweep(sweep_file, threads=1, runs=10)
    assert len(caught) == 1 and "after the horizon ends" not in str(caught[0].message)


def test_a_none_in_a_dict_scenario_is_a_scenario_error_at_its_key_path(tmp_path):
    # A None (TOML has no null) was "scenario mapping is not TOML-shaped: unsupported None
    # value", a plain ValueError without the key.
    import tomllib

    d = tomllib.loads(BASELINE.read_text())
    assert d["country"][0]["id"] == "SRB"
    d["country"][0]["military"]["readiness"] = None
    with pytest.raises(deter.ScenarioError) as e:
        deter.run(d, runs=10)
    err = e.value
    # The key path and expectation of the same key with a wrong value in a file, as `deter
    # validate` words it ("country[0].military.readiness: expected a number in [0, 1], found
    # string"): the Python index path of the dict.
    bad = BASELINE.read_text().replace("\nreadiness = 0.65 ", '\nreadiness = "x" ', 1)
    assert bad != BASELINE.read_text()
    binary = os.environ.get("DETER_BIN") or str(ROOT / "target" / "release" / "deter")
    (tmp_path / "bad.toml").write_text(bad)
    cl = subprocess.run([binary, "validate", str(tmp_path / "bad.toml")], capture_output=True)
    assert cl.returncode == 2
    assert "error: country[0].military.readiness: expected a number in [0, 1], found string" in cl.stderr.decode()
    assert err.key == "country[0].military.readiness"
    assert err.message == "expected a number in [0, 1], found None"
    assert "leave the key out" in err.problems[0].help
    assert "country[0].military.readiness: expected a number in [0, 1], found None" in str(err)
    assert "1970" not in str(err)
    # Several: each at its own path; in a nested table and in a list.
    d["model"] = {"war_cost": None}
    d["country"][0]["political"]["ties"]["RUS"] = None
    with pytest.raises(deter.ScenarioError) as e:
        deter.validate(d)
    keys = e.value.key
    assert "country[0].military.readiness" in keys and "model.war_cost" in keys
    assert any(k.endswith("ties.RUS") for k in keys)
    assert all(m.endswith("found None") for m in e.value.message)


def test_a_pandas_performance_warning_fails_the_tests():
    # python/pyproject.toml turns pandas' PerformanceWarning into an error, so a table built
    # column by column or indexed past its lexsort depth (as the attribution test did) cannot
    # come back unnoticed. Removing the setting turns this red.
    import warnings

    from pandas.errors import PerformanceWarning

    with pytest.raises(PerformanceWarning):
        warnings.warn("a fragmented frame", PerformanceWarning)


def test_run_and_compare_until_ci_equal_the_cli(tmp_path):
    # `deter run|compare --until-ci H --max-runs N` had no keyword; the library's compare
    # ignored the target and ran `runs` pairs.
    py = deter.run(BASELINE, seed=3, horizon_years=3, attribution=False, until_ci=0.015, max_runs=8000).to_dict()
    cl = json.loads(cli("run", str(BASELINE), "--seed", "3", "--horizon-years", "3", "--no-attribution",
                        "--until-ci", "0.015", "--max-runs", "8000", "--format", "json", "-q"))
    assert without_timing(py) == without_timing(cl)
    # Stopped by the target, after more than one block and before the cap.
    assert cl["stopping"]["reason"] == "target_reached"
    assert 1000 < cl["runs"] < 8000 and cl["runs"] % 1000 == 0, cl["runs"]
    py = deter.compare(BASELINE, ENVOY, seed=3, horizon_years=3, attribution=False, until_ci=0.015, max_runs=8000).to_dict()
    cl = json.loads(cli("compare", str(BASELINE), str(ENVOY), "--seed", "3", "--horizon-years", "3",
                        "--no-attribution", "--until-ci", "0.015", "--max-runs", "8000", "--format", "json", "-q"))
    for side in ("a", "b"):
        py[side].pop("timing")
        cl[side].pop("timing")
    assert without_timing(py) == without_timing(cl)
    assert cl["stopping"]["reason"] == "target_reached"
    assert 1000 < cl["runs"] < 8000, cl["runs"]
    with pytest.raises(ValueError) as e:
        deter.compare(BASELINE, ENVOY, runs=10, until_ci=0.5)
    assert str(e.value) == "`until_ci` 0.5: expected a half-width in (0, 0.5)"
    with pytest.raises(ValueError) as e:
        deter.run(BASELINE, runs=10, until_ci=0.1, max_runs=-3)
    assert str(e.value) == "`max_runs` -3: expected an integer in [1, 1000000000000]"


# ---------------------------------------------------------------- python11: errors as the CLI's


def _binary() -> str:
    binary = os.environ.get("DETER_BIN") or str(ROOT / "target" / "release" / "deter")
    if not os.path.exists(binary):
        pytest.fail(f"the deter binary is needed for this comparison: {binary} (set DETER_BIN)")
    return binary


def _as_dict_problems(cli_stderr: str, file: str) -> list:
    """`deter validate FILE`'s report as a dict's: each header `FILE:LINE:COL: error: ...` as
    `<dict>: error: ...`, its help line, without the excerpt of the file; the file's help of a
    NaN or an infinity ("not allowed: give a finite number") said of the dict and the header's key."""
    out, key = [], None
    for line in cli_stderr.splitlines():
        if line.startswith(file + ":"):
            rest = line[len(file) + 1:]
            out.append("<dict>: " + rest.split(": ", 1)[1])
            key = rest.split(": ")[2]
        elif line.lstrip() == "= help: `nan` and `inf` are not allowed: give a finite number":
            out.append("= help: `nan` and `inf` are not allowed in a scenario dict: "
                       f"give `{key}` a finite number")
        elif line.lstrip().startswith("= help: "):
            out.append(line.lstrip())
        elif line.endswith(" found") and "error" in line:
            out.append(line)
    return out


@pytest.mark.parametrize(
    "edit",
    [
        ("\nbudget = 2.", "\nbudget = nan # "),  # NaN: "found NaN" and the help line
        ("\nbudget = 2.", "\nbudget = inf # "),
        ("\nbudget = 2.", "\nbudget = -inf # "),
        ("\nreadiness = 0.65 ", "\nreadines = 0.65 "),  # unknown key: did-you-mean
        ("\nreadiness = 0.65 ", '\nreadiness = "high" '),  # wrong type
        ("\nreadiness = 0.65 ", "\nreadiness = 3.0 "),  # out of range
        ('\nname = "', '\nnamee = "'),  # missing key (and an unknown one)
        ("\nseed = ", "\nseed = 1180591620717411303424 # "),  # an integer past 64 bits
    ],
)
def test_a_dict_scenario_fault_is_named_at_its_key_path_in_the_files_words(tmp_path, edit):
    # A NaN or infinity in a dict was a plain ValueError ("scenario mapping: expected value at
    # line 1 column 1239"); every other fault was located at a line of the TOML the package
    # renders internally ("<dict>:21:1: ... 21 | budgte = 1.0"), which the caller never sees.
    # Now: the key path in the dict, no line and column, the file's words otherwise.
    import tomllib

    text = BASELINE.read_text()
    bad = text.replace(*edit, 1)
    assert bad != text
    path = tmp_path / "bad.toml"
    path.write_text(bad)
    cl = subprocess.run([_binary(), "validate", str(path)], capture_output=True)
    assert cl.returncode == 2
    want = _as_dict_problems(cl.stderr.decode(), str(path))
    assert want and want[0].startswith("<dict>: error: ")
    d = tomllib.loads(bad)
    for call in (lambda: deter.validate(d), lambda: deter.run(d, runs=10)):
        with pytest.raises(deter.ScenarioError) as e:
            call()
        err = e.value
        assert [line.lstrip() for line in str(err).splitlines()] == want
        assert all(p.line == 0 and p.column == 0 and p.file == "<dict>" for p in err.problems)
        assert all(p.key for p in err.problems)
        assert isinstance(err, ValueError)


def test_a_nan_in_a_dict_names_the_key_path_and_the_expectation():
    import tomllib

    d = tomllib.loads(BASELINE.read_text())
    d["country"][0]["military"]["budget"] = float("nan")
    d["model"] = {"war_cost": float("inf")}
    with pytest.raises(deter.ScenarioError) as e:
        deter.compare(d, BASELINE, runs=10)
    err = e.value
    assert sorted(err.key) == ["country[0].military.budget", "model.war_cost"]
    assert sorted(err.message) == [
        "expected a number in [0, 10] (stake units), found inf",
        "expected a number in [0, 1e5] (currency unit/yr), found NaN",
    ]
    # The help said "`nan` and `inf` are not allowed in input files": the caller gave no file.
    # Now it names the dict and the key, as the message does.
    assert [p.help for p in sorted(err.problems, key=lambda p: p.key)] == [
        "`nan` and `inf` are not allowed in a scenario dict: give `country[0].military.budget` "
        "a finite number",
        "`nan` and `inf` are not allowed in a scenario dict: give `model.war_cost` a finite number",
    ]
    assert "input file" not in str(err)


@pytest.mark.parametrize("value, found", [(float("nan"), "NaN"), (float("inf"), "inf"),
                                          (float("-inf"), "-inf")])
def test_a_nan_in_a_set_dict_names_the_keyword_and_the_key_not_a_file(value, found):
    # `set={"model.war_cost": nan}` was refused with the file's help line, "`nan` and `inf`
    # are not allowed in input files", though no file held the value. Now the help names the
    # keyword and the dict's key; the key path and expectation are those of the command
    # line's `--set` with the same value.
    binary = os.environ.get("DETER_BIN") or str(ROOT / "target" / "release" / "deter")
    cl = subprocess.run([binary, "validate", str(BASELINE), "--set", f"model.war_cost={value!r}"],
                        capture_output=True)
    assert cl.returncode == 2
    first = cl.stderr.decode().splitlines()[0]
    assert first.startswith("--set:1:16: error: model.war_cost: "), first
    said = first.split("error: model.war_cost: ", 1)[1]
    assert said == f"expected a number in [0, 10] (stake units), found {found}"
    for flag, call in [
        ("set=", lambda: deter.run(BASELINE, runs=10, set={"model.war_cost": value})),
        ("set=", lambda: deter.validate(BASELINE, set={"model.war_cost": value})),
        ("set_b=", lambda: deter.compare(BASELINE, BASELINE, runs=10,
                                         set_b={"model.war_cost": value})),
    ]:
        with pytest.raises(deter.ScenarioError) as e:
            call()
        err = e.value
        assert (err.key, err.message) == ("model.war_cost", said)
        assert err.problems[0].file == flag
        assert err.problems[0].help == (
            f"`nan` and `inf` are not allowed in `{flag}`: give `model.war_cost` a finite number"
        )
        assert "input file" not in str(err)


def test_a_dict_duplicate_names_the_first_definition_by_its_key_path():
    import tomllib

    d = tomllib.loads(BASELINE.read_text())
    d["country"][1]["id"] = d["country"][0]["id"]
    with pytest.raises(deter.ScenarioError) as e:
        deter.validate(d)
    first = e.value.problems[0]
    assert first.key == "country[1].id"
    assert first.message == "duplicate id `SRB` (first defined at `country[0].id`)"
    assert first.line == 0


def test_a_value_toml_cannot_hold_is_named_at_its_key_path():
    import tomllib

    d = tomllib.loads(BASELINE.read_text())
    d["country"][0]["military"]["readiness"] = {0.5}
    with pytest.raises(deter.ScenarioError) as e:
        deter.validate(d)
    assert e.value.key == "country[0].military.readiness"
    assert e.value.message == "expected a number in [0, 1], found set"


def test_a_dict_scenarios_warnings_name_the_key_path():
    import tomllib

    d = tomllib.loads((WARN / "policy-after-horizon.toml").read_text())
    with pytest.warns(UserWarning) as caught:
        deter.validate(d)
    texts = [str(w.message) for w in caught]
    assert any(
        t.startswith("<dict>: warning: policy[0].start: policy `late` starts 2040-01, after the horizon ends")
        for t in texts
    ), texts
    assert not any("|" in t for t in texts), texts


@pytest.mark.parametrize("kind", ["path", "text", "dict"])
def test_run_and_compare_warn_of_a_policy_after_the_horizon_they_run(kind):
    # The policy `late` starts 2040-01; the file's horizon ends 2035-01. With horizon_years=20
    # (to 2045-01) it takes effect: `deter run --horizon-years 20` does not warn, and the
    # package warned all the same ("... never takes effect"); with horizon_years=15 (to
    # 2040-01) both warn, in the same words.
    import tomllib
    import warnings

    path = WARN / "policy-after-horizon.toml"
    source = {"path": path, "text": path.read_text(), "dict": tomllib.loads(path.read_text())}[kind]
    binary = _binary()

    def late(call) -> list:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            call()
        return [str(w.message) for w in caught if "after the horizon ends" in str(w.message)]

    for h, expected in ((20, 0), (15, 1)):
        cl = subprocess.run(
            [binary, "run", str(path), "--horizon-years", str(h), "--runs", "10", "--format", "json"],
            capture_output=True, check=True,
        )
        assert cl.stderr.decode().count("after the horizon ends") == expected
        got = late(lambda: deter.run(source, runs=10, horizon_years=h, attribution=False))
        assert len(got) == expected, (h, got)
        if expected and kind == "path":
            assert "`--horizon-years`" not in got[0]
            assert got[0].replace("`horizon_years`", "`--horizon-years`") + "\n" in cl.stderr.decode()
        # A scenario compared with itself: its warning once, as `deter compare A A`.
        got = late(lambda: deter.compare(source, source, runs=10, horizon_years=h, attribution=False))
        assert len(got) == expected, (h, got)
    # Without horizon_years: the file's horizon.
    assert len(late(lambda: deter.run(source, runs=10, attribution=False))) == 1


@pytest.mark.parametrize(
    "kwargs, message, flags",
    [
        ({"threads": 5000}, "`threads` 5000: expected an integer in [0, 1024] (0 = one per core)",
         ["--threads", "5000"]),
        ({"until_ci": float("nan")}, "`until_ci` nan: expected a half-width in (0, 0.5)", ["--until-ci", "nan"]),
        ({"until_ci": -0.1}, "`until_ci` -0.1: expected a half-width in (0, 0.5)", ["--until-ci=-0.1"]),
        ({"max_runs": 5000}, "`max_runs` caps the runs of adaptive stopping: give `until_ci` with it (or use `runs`)",
         ["--max-runs", "5000"]),
    ],
)
def test_sweep_run_and_compare_refuse_an_argument_as_the_cli_refuses_its_flag(kwargs, message, flags):
    # `threads` past 1024 was "threads=5000: at most 1024 (0 or None = all cores)"; a NaN
    # `until_ci` "`until_ci` NaN" (the CLI: "--until-ci nan"); `max_runs` without `until_ci`
    # was silently ignored (the CLI refuses `--max-runs` without `--until-ci`).
    binary = _binary()
    cl = subprocess.run([binary, "sweep", str(GRID), *flags, "-q"], capture_output=True)
    assert cl.returncode == 2
    if "max_runs" not in kwargs:
        # The library's range, the flag's fault located in its value.
        (k,) = kwargs
        assert message.endswith(": " + _flag_range(cl.stderr.decode(), "--" + k.replace("_", "-")))
    else:
        assert "--until-ci" in cl.stderr.decode()
    rows = []
    for call in (
        lambda: deter.sweep(GRID, on_row=lambda r, d: rows.append(r), **kwargs),
        lambda: deter.run(BASELINE, runs=10, **kwargs),
        lambda: deter.compare(BASELINE, ENVOY, runs=10, **kwargs),
    ):
        with pytest.raises(ValueError) as e:
            call()
        assert str(e.value) == message
        assert not isinstance(e.value, deter.ScenarioError)
    assert rows == []


def test_sweep_settings_are_checked_before_the_file_is_read(tmp_path):
    # As `deter sweep MISSING --runs 0` refuses the flag: the setting, not the file.
    missing = tmp_path / "no-such-sweep.toml"
    cl = subprocess.run([_binary(), "sweep", str(missing), "--runs", "0", "-q"], capture_output=True)
    assert "--runs:1:1: error: expected an integer in [1, 1000000000000], found 0" in cl.stderr.decode()
    with pytest.raises(ValueError) as e:
        deter.sweep(missing, runs=0)
    assert str(e.value) == "`runs` 0: expected an integer in [1, 1000000000000]"
    with pytest.raises(ValueError) as e:
        deter.run(missing, runs=0)
    assert str(e.value) == "`runs` 0: expected an integer in [1, 1000000000000]"
    with pytest.raises(ValueError) as e:
        deter.run_nested(missing, draws=0)
    assert str(e.value) == "`draws` 0: expected an integer in [1, 1000000]"


@pytest.mark.parametrize("name", ["rows.json", "rows.jsonl", "rows.ndjson", "rows.html"])
def test_sweep_out_of_another_kind_is_refused_without_a_keyword_the_package_lacks(tmp_path, name):
    # `out="rows.json"` was refused with "... but `json` is false (CSV rows); pass `json`
    # true", a keyword deter.sweep does not have.
    out = tmp_path / name
    with pytest.raises(ValueError) as e:
        deter.sweep(GRID, out=out, runs=10)
    assert "`json`" not in str(e.value)
    assert str(e.value).startswith(f"`out` `{out}` names a")
    assert str(e.value).endswith("give it a .csv extension")
    assert not out.exists()


def test_a_policy_after_the_horizon_names_the_keyword_not_the_flag():
    # The help said `--horizon-years`, a flag Python has no use for.
    path = WARN / "sweep-base.toml"
    with pytest.warns(UserWarning) as caught:
        deter.run(path, runs=10, seed=1, horizon_years=1, attribution=False)
    text = "".join(str(w.message) for w in caught)
    assert "policy `calm` starts 2027-01, after the horizon ends" in text
    assert "lengthen `horizon_years` (1)" in text
    assert "--horizon-years" not in text


def test_an_empty_dict_scenario_speaks_of_the_dict():
    with pytest.raises(deter.ScenarioError) as e:
        deter.run({}, runs=10)
    text = str(e.value)
    assert "the dict is empty" in text
    assert "the file is empty" not in text


def _refusal(*args: str) -> str:
    """The CLI's stderr for `args`, which it must refuse (exit 2)."""
    out = subprocess.run([_binary(), *args], capture_output=True)
    assert out.returncode == 2, (args, out)
    return out.stderr.decode()


def _flag_range(stderr: str, flag: str) -> str:
    """What the CLI's refusal of `flag`'s value expected: its fault is located in the value,
    "FLAG:1:1: error: EXPECTED, found VALUE" then the excerpt; the library says EXPECTED after
    its keyword and the value ("`runs` 0: EXPECTED")."""
    first = stderr.splitlines()[0]
    head = f"{flag}:1:1: error: "
    assert first.startswith(head) and ", found " in first, stderr
    return first.removeprefix(head).rsplit(", found ", 1)[0]


@pytest.mark.parametrize(
    "name, flag, lo_hi",
    [
        ("runs", "--runs", "[1, 1000000000000]"),
        ("seed", "--seed", "[0, 9223372036854775807]"),
        ("threads", "--threads", "[0, 1024]"),
        ("horizon_years", "--horizon-years", "[1, 200]"),
    ],
)
def test_a_bool_for_an_integer_setting_is_refused_as_the_cli_refuses_the_flag(name, flag, lo_hi):
    # `True` is an int in Python: `runs=True` ran 1 run, `horizon_years=True` a 1-year
    # horizon, without a word. Refused as `deter run --runs true` is, in the library's words
    # with the keyword for the flag, before any work, by every function that takes it.
    cl = _refusal("run", str(BASELINE), flag, "true")
    assert lo_hi in cl
    for value in (True, False):
        want = f"`{name}` {value}: {_flag_range(cl, flag)}"
        calls = [
            lambda: deter.run(BASELINE, attribution=False, **{name: value}),
            lambda: deter.compare(BASELINE, ENVOY, attribution=False, **{name: value}),
            lambda: deter.run_nested(BASELINE, **{"draws": 2, "runs": 10, name: value}),
            lambda: deter.sweep(GRID, **{name: value}),
        ]
        for call in calls:
            with pytest.raises(ValueError) as e:
                call()
            assert str(e.value) == want
    for name, flag in (("max_runs", "--max-runs"), ("draws", "--draws")):
        with pytest.raises(ValueError) as e:
            if name == "draws":
                deter.run_nested(BASELINE, draws=True, runs=10)
            else:
                deter.run(BASELINE, until_ci=0.1, max_runs=True)
        assert str(e.value).startswith(f"`{name}` True: expected an integer in [1, ")


def test_a_string_value_in_a_set_dict_is_refused_as_set_refuses_it():
    # {"model.war_cost": "0.5"} ran with war_cost 0.5 (the string read as the number): a
    # string where a number is expected, refused as `--set 'model.war_cost="0.5"'` is, the
    # dict's key named.
    cl = _refusal("run", str(BASELINE), "--runs", "10", "--set", 'model.war_cost="0.5"')
    for call in (
        lambda: deter.run(BASELINE, runs=10, set={"model.war_cost": "0.5"}),
        lambda: deter.validate(BASELINE, set={"model.war_cost": "0.5"}),
        lambda: deter.compare(BASELINE, BASELINE, runs=10, set_b={"model.war_cost": "0.5"}),
    ):
        with pytest.raises(deter.ScenarioError) as e:
            call()
        assert e.value.key == "model.war_cost"
        origin = "set_b=" if "set_b" in str(e.value) else "set="
        assert str(e.value) + "\n" == cl.replace("--set:", f"{origin}:"), str(e.value)
    # A number given as one, and the text form, unchanged.
    assert deter.validate(BASELINE, set={"model.war_cost": 0.5})["overrides"][0]["value"] == 0.5
    assert deter.validate(BASELINE, set=["model.war_cost=0.5"])["overrides"][0]["value"] == 0.5


def test_an_empty_path_is_refused_as_the_cli_refuses_it(tmp_path):
    # `deter.run("")` said "cannot read file: No such file or directory" (and `deter run A ""`
    # too, `deter run ""` naming `[FILES]`): said to be empty, in the CLI's words, the
    # argument named by its keyword.
    cl = _refusal("run", "")
    assert cl == 'error: FILES "": expected a path, not an empty value\n'
    assert _refusal("run", str(BASELINE), "", "--runs", "10") == cl
    want = cl.strip().removeprefix("error: ")
    for name, call in (
        ("scenario", lambda: deter.run("")),
        ("scenario", lambda: deter.validate("")),
        ("scenario", lambda: deter.run_nested("")),
        ("a", lambda: deter.compare("", BASELINE)),
        ("b", lambda: deter.compare(BASELINE, "")),
        ("file", lambda: deter.sweep("")),
        ("out", lambda: deter.sweep(GRID, out="")),
        ("posterior", lambda: deter.run_nested(BASELINE, posterior="")),
    ):
        with pytest.raises(ValueError) as e:
            call()
        assert str(e.value) == want.replace("FILES", f"`{name}`"), name


@pytest.mark.parametrize("form", ["list", "dict"])
def test_a_policy_a_set_dates_after_the_horizon_is_warned_as_the_cli_warns(form):
    # `set=["policy.late.start=2050"]` moved the policy past the horizon without a word, while
    # `deter run --set` (and the same date in the file) warns: the same warnings, at the
    # text, the horizon named as given; one dated back inside the horizon loses the file's.
    import warnings

    path = WARN / "policy-after-horizon.toml"

    def said(call) -> list:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            call()
        return [str(w.message) for w in caught]

    for year, horizon in ((2050, None), (2050, 15), (2030, None), (2030, 15)):
        sets = {"list": [f"policy.late.start={year}"], "dict": {"policy.late.start": year}}[form]
        flags = ["--horizon-years", str(horizon)] if horizon else []
        stderr = subprocess.run(
            [_binary(), "run", str(path), "--runs", "5", "--no-attribution", "--format", "json",
             "--set", f"policy.late.start={year}", *flags],
            capture_output=True, check=True,
        ).stderr.decode()
        want = [
            w.replace("--set:", "set=:").replace("`--horizon-years`", "`horizon_years`")
            for w in _split(stderr)
        ]
        assert any("after the horizon ends" in w for w in want) == (year == 2050), want
        assert said(lambda: deter.run(path, runs=5, attribution=False, set=sets,
                                      horizon_years=horizon)) == want
        if horizon is None:
            assert said(lambda: deter.validate(path, set=sets)) == want
        # B of a comparison: at its `set_b=` text.
        got_b = said(lambda: deter.compare(path, path, runs=5, attribution=False, set_b=sets,
                                           horizon_years=horizon))
        assert [w for w in got_b if "policy.late.start" in w] == [
            w.replace("set=:", "set_b=:") for w in want if w.startswith("set=:")
        ]


def _split(stderr: str) -> list:
    """The warnings a command printed to stderr, one string each with its excerpt and help."""
    import re

    out: list = []
    for line in stderr.splitlines():
        if re.match(r"^[^ ]+?(:\d+:\d+)?: warning: ", line):
            out.append(line)
        elif out:
            out[-1] += "\n" + line
    return out


TEMPLATE = ROOT / "src" / "scenario" / "template.toml"


def test_a_posteriors_column_warnings_reach_python_in_the_cli_words(tmp_path):
    # `deter run --posterior` warns of a column a dated policy changes (from the policy's
    # start on it overrides each draw) and of a `--set` on a path a column draws (the draws
    # replace it); run_nested and compare_nested said neither. Now UserWarnings in the CLI's
    # words (`set=` / `set_b=` for `--set` / `--set-b`), at the caller's line.
    import shutil
    import warnings

    post = tmp_path / "posterior.csv"
    post.write_text(
        "# deter calibrate: posterior draws\n"
        "draw,country.BBB.military.budget_share,model.war_cost,weight,distance\n"
        "0,0.015,0.8,0.5,0\n1,0.025,1.2,0.5,0\n"
    )
    other = tmp_path / "other.toml"
    shutil.copy(TEMPLATE, other)
    small = ["--posterior", str(post), "--draws", "2", "--runs", "10", "--horizon-years", "5", "-q"]

    def said(call) -> list:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            call()
        assert all(w.filename == __file__ for w in caught), [w.filename for w in caught]
        return [str(w.message) for w in caught]

    def cli(*args: str) -> list:
        out = subprocess.run([_binary(), *args, *small], capture_output=True, check=True)
        return [
            w.replace("`--set-b`", "`set_b=`").replace("`--set`", "`set=`")
            for w in _split(out.stderr.decode())
        ]

    want = cli("run", str(TEMPLATE), "--set", "model.war_cost=0.5")
    column = [w for w in want if ": warning: column `" in w]
    assert len(column) == 2, want
    assert column[0].startswith(f"{post}:2:6: warning: column `country.BBB.military.budget_share`: ")
    assert "policy `target-defence` changes `country.BBB.military.budget_share` from 2027-01" in column[0]
    assert column[1].startswith(
        f"{post}:2:40: warning: column `model.war_cost`: this column draws `model.war_cost`: in every "
        "draw its values replace the value `model.war_cost=0.5` of `set=`"
    )
    assert said(lambda: deter.run_nested(TEMPLATE, posterior=post, draws=2, runs=10, horizon_years=5,
                                         set={"model.war_cost": 0.5})) == want
    # A comparison: said once for A and B alike; `set_b=` named as given.
    want = cli("compare", str(TEMPLATE), str(other), "--set-b", "model.war_cost=0.5")
    assert sum(": warning: column `" in w for w in want) == 2, want
    assert any("of `set_b=`" in w for w in want), want
    assert said(lambda: deter.compare_nested(TEMPLATE, other, posterior=post, draws=2, runs=10,
                                             horizon_years=5, set_b={"model.war_cost": 0.5})) == want


def test_a_value_set_on_a_path_a_prior_and_a_column_draw_is_one_warning_as_in_the_cli(tmp_path):
    # A value set on a path that both an [[uncertain]] prior and a posterior column draw was
    # warned twice: by the prior, whose help (remove the prior to run with the value) does not
    # hold while the column draws the path, and by the column. One warning now, at the column,
    # naming the prior, in run_nested and compare_nested as in `deter run|compare --posterior`.
    import warnings

    prior = tmp_path / "prior.toml"
    prior.write_text(
        TEMPLATE.read_text() + '\n[[uncertain]]\npath = "model.war_cost"\nrange = [0.2, 2.0]\n'
    )
    post = tmp_path / "posterior.csv"
    post.write_text(
        "# deter calibrate: posterior draws\n"
        "draw,model.war_cost,weight,distance\n0,0.8,0.5,0\n1,1.2,0.5,0\n"
    )
    small = ["--posterior", str(post), "--draws", "2", "--runs", "10", "--horizon-years", "5", "-q"]

    def said(call) -> list:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            call()
        return [str(w.message) for w in caught]

    def cli(*args: str) -> list:
        out = subprocess.run([_binary(), *args, *small], capture_output=True, check=True)
        return [
            w.replace("`--set-b`", "`set_b=`").replace("`--set`", "`set=`")
            for w in _split(out.stderr.decode())
        ]

    want = cli("run", str(prior), "--set", "model.war_cost=0.5")
    mentions = [w for w in want if "model.war_cost=0.5" in w]
    assert len(mentions) == 1, want
    assert mentions[0].startswith(
        f"{post}:2:6: warning: column `model.war_cost`: this column, in place of the [[uncertain]] "
        f"prior ({prior}:"
    ), mentions
    assert said(lambda: deter.run_nested(prior, posterior=post, draws=2, runs=10, horizon_years=5,
                                         set={"model.war_cost": 0.5})) == want
    want = cli("compare", str(prior), str(prior), "--set-b", "model.war_cost=0.5")
    assert sum("model.war_cost=0.5" in w for w in want) == 1, want
    assert said(lambda: deter.compare_nested(prior, prior, posterior=post, draws=2, runs=10,
                                             horizon_years=5, set_b={"model.war_cost": 0.5})) == want


_INT_RANGES = {
    "runs": "[1, 1000000000000]",
    "seed": "[0, 9223372036854775807]",
    "threads": "[0, 1024] (0 = one per core)",
    "horizon_years": "[1, 200]",
    "max_runs": "[1, 1000000000000]",
    "draws": "[1, 1000000]",
}


@pytest.mark.parametrize("name", sorted(_INT_RANGES))
@pytest.mark.parametrize("value", [True, False, -1, 2**64, 2**70, "10", 1.5])
def test_an_integer_setting_is_refused_once_in_the_librarys_words_by_every_function(name, value):
    # Each fault of an integer setting is checked once, by the native layer in the library's
    # words (the package had a second check of negatives and values past the native type):
    # a bool, a negative or an int no native type holds is a ValueError naming the keyword,
    # a string a TypeError naming the argument, in run, compare, run_nested, compare_nested
    # and sweep alike.
    calls = {
        "run": lambda **k: deter.run(BASELINE, attribution=False, **k),
        "compare": lambda **k: deter.compare(BASELINE, ENVOY, attribution=False, **k),
        "run_nested": lambda **k: deter.run_nested(BASELINE, **{"draws": 2, "runs": 10, **k}),
        "compare_nested": lambda **k: deter.compare_nested(BASELINE, ENVOY, **{"draws": 2, "runs": 10, **k}),
        "sweep": lambda **k: deter.sweep(GRID, **k),
    }
    takes = {
        "draws": ("run_nested", "compare_nested"),
        "max_runs": ("run", "compare", "sweep"),
    }.get(name, tuple(calls))
    extra = {"until_ci": 0.1} if name == "max_runs" else {}
    for f in takes:
        if isinstance(value, float):
            with pytest.raises(TypeError) as e:
                calls[f](**{name: value, **extra})
            assert str(e.value) == f"`{name}` 1.5: expected an integer in {_INT_RANGES[name]}", f
            continue
        if isinstance(value, str):
            with pytest.raises(TypeError) as e:
                calls[f](**{name: value, **extra})
            # Named as the keyword in the words of its range (PyO3's own words, "'str' object
            # cannot be interpreted as an integer", named no argument), as `--runs abc` is
            # refused.
            assert str(e.value) == f"`{name}` '10': expected an integer in {_INT_RANGES[name]}", f
            continue
        want = f"`{name}` {value}: expected an integer in {_INT_RANGES[name]}"
        with pytest.raises(ValueError) as e:
            calls[f](**{name: value, **extra})
        assert str(e.value) == want, f
        assert not isinstance(e.value, deter.ScenarioError)


def test_an_integer_setting_is_checked_where_the_cli_checks_its_flag():
    # `deter run "" --runs -1` refuses the empty path first, as it does with `--runs 0`. The
    # package checked a negative or oversized int itself before the path (a second check of
    # what the native layer checks), so `run("", runs=-1)` named `runs` where
    # `run("", runs=0)` named the path. One check now, in the native layer, after the path's.
    cl = _refusal("run", "", "--runs", "-1")
    assert cl == _refusal("run", "", "--runs", "0")
    want = cl.strip().removeprefix("error: ").replace("FILES", "`scenario`")
    for runs in (0, -1, 2**64, True):
        with pytest.raises(ValueError) as e:
            deter.run("", runs=runs)
        assert str(e.value) == want, runs
    with pytest.raises(ValueError) as e:
        deter.run_nested("", draws=-1, seed=2**64)
    assert str(e.value) == want


def _cli_stderr(*args: str) -> str:
    """What `deter ARGS` prints to stderr, which must refuse (exit 2)."""
    cl = subprocess.run([_binary(), *args], capture_output=True)
    assert cl.returncode == 2, cl
    return cl.stderr.decode()


def test_compare_nested_issues_as_warnings_before_bs_fault_as_the_cli_does(tmp_path):
    # compare_nested held A's warnings for after the posterior was read, and B's fault came
    # first: they were never issued, where `deter compare` says them before B's fault (and
    # deter.compare issues them).
    a = WARN / "budget-above-gdp.toml"
    bad = tmp_path / "bad.toml"
    bad.write_text("this is = = broken\n")
    cl = _cli_stderr("compare", str(a), str(bad), "--draws", "2", "--runs", "5")
    for call in (
        lambda: deter.compare_nested(a, bad, draws=2, runs=5),
        lambda: deter.compare(a, bad, runs=5),
    ):
        with pytest.warns(UserWarning) as caught:
            with pytest.raises(deter.ScenarioError) as e:
                call()
        said = "".join(str(w.message) + "\n" for w in caught)
        assert len(caught) == 2 and said + str(e.value) + "\n" == cl, (said, cl)


def test_a_sweep_refused_for_an_out_another_sweep_writes_names_the_argument(tmp_path):
    # The refusal said "choose another --out" to a Python caller, who has an argument `out`.
    import fcntl

    out = tmp_path / "r.csv"
    out.write_text("rows of a sweep in progress\n")
    with open(out, "r+") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(ValueError) as e:
            deter.sweep(GRID, out=out, runs=10, threads=1)
        cl = _cli_stderr("sweep", str(GRID), "--out", str(out), "--runs", "10", "-q")
    assert str(e.value) == (
        f"`{out}` is being written by another deter sweep right now; wait until it ends (then "
        "`resume` continues it if it was interrupted) or choose another `out`"
    )
    assert cl == (
        f"error: `{out}` is being written by another deter sweep right now; wait until it ends "
        "(then `--resume` continues it if it was interrupted) or choose another --out\n"
    )
    assert out.read_text() == "rows of a sweep in progress\n"


def test_validate_refuses_set_with_another_kind_of_file_before_reading_it_as_the_cli_does(tmp_path):
    # deter.validate checked the sweep file first (raising its faults) and refused `set=`
    # only after, in other words than `deter validate --set`, which refuses it first.
    broken = tmp_path / "grid.toml"
    broken.write_text(
        "bogus = 1\n" + GRID.read_text().replace('"../western-balkans-2024.toml"', f'"{BASELINE}"')
    )
    cl = _cli_stderr("validate", str(broken), "--set", "model.war_cost=1")
    with pytest.raises(ValueError) as e:
        deter.validate(broken, set=["model.war_cost=1"])
    assert not isinstance(e.value, deter.ScenarioError)
    # The command line locates it at the --set value (`--set:1:1: error: MESSAGE`, the value
    # underlined); the message is the same words.
    first = cl.splitlines()[0]
    assert first.startswith("--set:1:1: error: "), cl
    assert str(e.value) == first.removeprefix("--set:1:1: error: ").replace(
        "--set", "set="
    ).replace("`deter run set=`", "`deter.run(set=...)`")
    # Without `set=` the file's own fault is raised, as `deter validate` reports it.
    with pytest.raises(deter.ScenarioError, match="bogus"):
        deter.validate(broken)


def test_a_posterior_that_is_a_scenario_file_is_refused_as_the_cli_refuses_it():
    cl = _cli_stderr("compare", str(BASELINE), str(ENVOY), "--posterior", str(ENVOY), "--draws", "2", "--runs", "10")
    for call in (
        lambda: deter.run_nested(BASELINE, posterior=ENVOY, draws=2, runs=10),
        lambda: deter.compare_nested(BASELINE, ENVOY, posterior=ENVOY, draws=2, runs=10),
    ):
        with pytest.raises(deter.ScenarioError) as e:
            call()
        assert len(e.value.problems) == 1
        assert e.value.problems[0].help == "`deter.run` and `deter.compare` run it"
        assert str(e.value) + "\n" == cl.replace("`--posterior`", "`posterior=`").replace(
            "`deter run` and `deter compare` run it", "`deter.run` and `deter.compare` run it"
        )


def test_compare_of_scenarios_in_different_currency_units_warns_gdp_lost_is_not_compared(tmp_path):
    eur = tmp_path / "eur.toml"
    eur.write_text(f'extends = "{BASELINE}"\n[scenario]\ncurrency = "EUR bn"\n')
    want = [w for w in _cli_warnings("compare", str(BASELINE), str(eur), "--runs", "20", "-q") if "GDP lost" in w]
    assert len(want) == 1 and want[0].startswith("GDP lost is not compared"), want
    with pytest.warns(UserWarning) as caught:
        c = deter.compare(BASELINE, eur, runs=20)
    assert [str(w.message) for w in caught if "GDP lost" in str(w.message)] == want
    assert "gdp_lost" not in set(c.metrics["metric"])
    assert c.to_dict()["gdp_lost_not_compared"] == want[0]
    # One unit: GDP lost is a row, with its paired interval.
    c = deter.compare(BASELINE, ENVOY, runs=50, seed=3)
    row = c.metrics[(c.metrics["scope"] == "region") & (c.metrics["metric"] == "gdp_lost")]
    assert len(row) == 1 and row["paired95_lo"].iloc[0] <= row["diff"].iloc[0] <= row["paired95_hi"].iloc[0]


def test_a_nested_budget_is_refused_after_the_scenarios_warnings_as_the_cli_refuses_it(tmp_path):
    # run_nested and compare_nested refused a budget (draws x runs past the cap, or fewer than
    # 2 runs per draw) before reading the scenario, so its warnings were never issued, where
    # `deter run|compare --draws --runs` prints them first and then refuses the budget.
    a = tmp_path / "a.toml"
    a.write_text(
        f'extends = "{BASELINE}"\n[model]\ndispute_recency_decay = 0.7\n'
        '[[uncertain]]\npath = "model.war_cost"\nrange = [0.5, 1.5]\n'
    )
    b = tmp_path / "b.toml"
    b.write_text(f'extends = "{ENVOY}"\n[[uncertain]]\npath = "model.war_cost"\nrange = [0.5, 1.5]\n')
    for draws, runs in ((10**6, 10**7), (2, 1)):
        budget = ["--draws", str(draws), "--runs", str(runs)]
        for cl, call in (
            (_cli_stderr("run", str(a), *budget), lambda: deter.run_nested(a, draws=draws, runs=runs)),
            (
                _cli_stderr("compare", str(a), str(b), *budget),
                lambda: deter.compare_nested(a, b, draws=draws, runs=runs),
            ),
        ):
            assert "warning: model.dispute_recency_decay" in cl and "--runs:1:1: error: expected" in cl, cl
            with pytest.warns(UserWarning) as caught:
                with pytest.raises(ValueError) as e:
                    call()
            said = "".join(str(w.message) + "\n" for w in caught)
            # The command line locates the refusal at its flag; the library names its
            # argument: the same warning first, then the same bound.
            bound = "at most 1000000000000" if draws == 10**6 else "at least 2"
            assert len(caught) == 1 and cl.startswith(said), (said, cl)
            assert bound in str(e.value) and bound in cl[len(said) :], (str(e.value), cl)


def test_numpy_values_in_set_are_the_numbers_they_are():
    # Trial 15: `set=` refused a NumPy float64 (its repr under NumPy 2 is `np.float64(0.1)`)
    # and a NumPy bool (written `False`, no bool): each is now the value a plain float or
    # bool gives, run for run.
    import numpy as np

    for value in np.linspace(0.1, 0.9, 3):
        py = deter.run(BASELINE, runs=200, seed=3, set={"rivalry.SRB-XKX.monitoring": value})
        plain = deter.run(BASELINE, runs=200, seed=3, set={"rivalry.SRB-XKX.monitoring": float(value)})
        assert without_timing(py.to_dict()) == without_timing(plain.to_dict())
    off = deter.run(ENVOY, runs=200, seed=3, set={"policy.special-envoy.enabled": np.bool_(False)})
    plain = deter.run(ENVOY, runs=200, seed=3, set={"policy.special-envoy.enabled": False})
    assert without_timing(off.to_dict()) == without_timing(plain.to_dict())
    with pytest.raises(TypeError, match="`set` takes a mapping"):
        deter.run(BASELINE, runs=10, set=5)


def test_merge_refuses_what_deter_merge_refuses(tmp_path):
    # Trial 15: `per_run="x.json"` wrote CSV rows into a .json file (the CLI refuses it), and
    # a file that is not JSON at all raised ValueError, not the ScenarioError the docstring
    # names, without its help.
    common = ["--runs", "40", "--seed", "7", "--horizon-years", "2", "--no-attribution", "-q"]
    parts = []
    for k in range(2):
        part = tmp_path / f"p{k}.json"
        cli("run", str(BASELINE), *common, "--shard", f"{k}/2", "--out", str(part), "--per-run-rows")
        parts.append(part)
    rows = tmp_path / "x.json"
    with pytest.raises(ValueError, match="receives CSV rows"):
        deter.merge(parts, per_run=rows)
    assert not rows.exists()
    # A TOML name is refused as the CLI refuses it, said of the argument that named it.
    scenario = tmp_path / "scenario.toml"
    scenario.write_bytes(BASELINE.read_bytes())
    with pytest.raises(ValueError, match=r"^`per_run`: expected a file that is no TOML input"):
        deter.merge(parts, per_run=scenario)
    with pytest.raises(ValueError, match=r"`out`: expected a file that is no TOML input"):
        deter.sweep(GRID, out=scenario, runs=10)
    assert scenario.read_bytes() == BASELINE.read_bytes()
    text = tmp_path / "t1.py"
    text.write_text("import os\n")
    with pytest.raises(deter.ScenarioError) as e:
        deter.merge([text])
    assert "not a deter partial file" in str(e.value)
    assert "partial files are written by" in str(e.value)


def test_a_path_with_an_equals_sign_is_a_path_and_text_is_no_sweep_file(tmp_path):
    # Trial 15: a scenario file named `a=b.toml` was read as TOML text; a sweep given TOML
    # text said "cannot read file" of the text with its newlines escaped.
    named = tmp_path / "seed=7"
    named.mkdir()
    path = named / "a=b.toml"
    path.write_bytes(BASELINE.read_bytes())
    a = deter.run(str(path), runs=100, seed=3).to_dict()
    b = deter.run(BASELINE, runs=100, seed=3).to_dict()
    assert a["outcomes"] == b["outcomes"]
    with pytest.raises(ValueError, match="expected a path, found text of several lines"):
        deter.sweep("base = 'x'\n")


def test_keyword_types_are_refused_by_name():
    # Trial 15: `until_ci="0.01"` and `attribution="no"` gave PyO3's TypeErrors without the
    # keyword, and `until_ci=True` was read as 1 (refused as a half-width of 1).
    with pytest.raises(TypeError, match=r"`until_ci` '0.01': expected a number"):
        deter.run(BASELINE, runs=10, until_ci="0.01")
    with pytest.raises(TypeError, match=r"`until_ci` True: expected a number"):
        deter.run(BASELINE, runs=10, until_ci=True)
    with pytest.raises(TypeError, match=r"`attribution` 'no': expected True or False"):
        deter.run(BASELINE, runs=10, attribution="no")
    with pytest.raises(TypeError, match=r"`attribution` 'no': expected True or False"):
        deter.compare(BASELINE, ENVOY, runs=10, attribution="no")
    import numpy as np

    # NumPy's bool and float are taken as what they are.
    a = deter.run(BASELINE, runs=50, seed=1, attribution=np.bool_(False), until_ci=np.float64(0.2))
    b = deter.run(BASELINE, runs=50, seed=1, attribution=False, until_ci=0.2)
    assert without_timing(a.to_dict()) == without_timing(b.to_dict())
