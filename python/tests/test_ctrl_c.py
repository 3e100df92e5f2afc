"""Ctrl-C (a KeyboardInterrupt) stops every long call of the package, as it stops `run`: the
call raises KeyboardInterrupt promptly and writes nothing.

The signal is sent by a timer to the main thread while the call works. The simulating calls
are given a billion runs (hours of work: only cancellation can end them); the merges are
timed uninterrupted first, then interrupted at a fifth of that time and must stop well
before they would have finished (a merge that ignored the signal would finish, write its
per-run file, and only then raise).
"""

import _thread
import os
import pathlib
import subprocess
import threading
import time

import pytest

import deter

ROOT = pathlib.Path(__file__).resolve().parents[2]
BASELINE = ROOT / "scenarios" / "western-balkans-2024.toml"
ENVOY = ROOT / "scenarios" / "shea-special-envoy.toml"
GRID = ROOT / "scenarios" / "sweeps" / "kosovo-budget-x-nato.toml"
PRIOR = '\n[[uncertain]]\npath = "model.war_cost"\nrange = [0.3, 1.5]\n'

# When the timer sends the signal to a simulating call, and how long it may take to stop:
# a billion runs would take hours, so any bound catches a call that ignores the signal.
SIGNAL_AT = 1.0
STOPS_WITHIN = 10.0


def cli(*args: str) -> None:
    binary = os.environ.get("DETER_BIN") or str(ROOT / "target" / "release" / "deter")
    if not os.path.exists(binary):
        pytest.fail(f"the deter binary writes the shards: {binary} (set DETER_BIN)")
    subprocess.run([binary, *args], capture_output=True, check=True)


def interrupted(call, after: float) -> float:
    """Seconds until `call()` raised KeyboardInterrupt, the signal sent `after` seconds in."""
    timer = threading.Timer(after, _thread.interrupt_main)
    started = time.monotonic()
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            call()
        return time.monotonic() - started
    finally:
        # A call that ended before the signal: no signal later, in another test.
        timer.cancel()
        timer.join()


@pytest.fixture(scope="module")
def priors(tmp_path_factory) -> pathlib.Path:
    path = tmp_path_factory.mktemp("priors") / "priors.toml"
    path.write_text(BASELINE.read_text() + PRIOR)
    return path


@pytest.mark.parametrize(
    "name",
    ["compare", "run_nested", "compare_nested", "sweep"],
)
def test_ctrl_c_stops_a_long_call_with_keyboard_interrupt(name, priors):
    rows = []
    calls = {
        "compare": lambda: deter.compare(BASELINE, ENVOY, runs=10**9, threads=2),
        "run_nested": lambda: deter.run_nested(priors, draws=10, runs=10**9, threads=2),
        "compare_nested": lambda: deter.compare_nested(
            priors, priors, draws=10, runs=10**9, threads=2
        ),
        "sweep": lambda: deter.sweep(
            GRID, runs=10**9, threads=2, on_row=lambda row, done: rows.append(row)
        ),
    }
    took = interrupted(calls[name], SIGNAL_AT)
    print(f"{name}: interrupted after {took:.2f} s (signal at {SIGNAL_AT} s)")
    assert took < SIGNAL_AT + STOPS_WITHIN
    # No point of a billion runs finished: the sweep handed over no row.
    assert rows == []


@pytest.fixture(scope="module")
def long_merges(tmp_path_factory, priors) -> dict:
    """Shards whose merge takes seconds: a run's 1,000,000 runs with their per-run rows in
    8 shards, and a nested run's 10,000 draws in 2 (a year's horizon: quick to simulate,
    as many rows and tallies to read)."""
    d = tmp_path_factory.mktemp("shards")
    run, nested = [], []
    for k in range(8):
        part = d / f"run-{k}.json"
        cli("run", str(BASELINE), "--runs", "1000000", "--horizon-years", "1", "-q",
            "--shard", f"{k}/8", "--out", str(part), "--per-run-rows")
        run.append(part)
    for k in range(2):
        part = d / f"nested-{k}.json"
        cli("run", str(priors), "--draws", "10000", "--runs", "2", "--horizon-years", "1",
            "-q", "--shard", f"{k}/2", "--out", str(part))
        nested.append(part)
    return {"run": run, "nested": nested}


@pytest.mark.parametrize(
    "name",
    ["merge", "merge with per_run", "merge_nested"],
)
def test_ctrl_c_stops_a_merge_promptly_and_writes_nothing(name, long_merges, tmp_path):
    out = tmp_path / "per-run.csv"
    call = {
        "merge": lambda: deter.merge(long_merges["run"]),
        "merge with per_run": lambda: deter.merge(long_merges["run"], per_run=out),
        "merge_nested": lambda: deter.merge_nested(long_merges["nested"]),
    }[name]
    started = time.monotonic()
    call()
    whole = time.monotonic() - started
    assert whole > 0.5, f"{name}: the merge took {whole:.2f} s, too short to interrupt"
    if out.exists():
        out.unlink()
    took = interrupted(call, whole / 5)
    print(f"{name}: {whole:.2f} s whole, interrupted after {took:.2f} s (signal at {whole / 5:.2f} s)")
    assert took < whole / 2, (took, whole)
    # Nothing written: no per-run file, no temporary file beside it.
    assert list(tmp_path.iterdir()) == []
