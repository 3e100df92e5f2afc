"""docs/MODEL.md is complete enough to re-implement the model: an independent implementation
written from the docs alone (tools/reimplementation/model2.py, numpy; its guesses and how each
was resolved are in tools/reimplementation/GAPS.md) gives deter's distributions.

Reading, fixed before measuring (1 December 2026): five files (the baseline
scenarios/western-balkans-2024.toml and the four records in scenarios/history/), 20,000 runs a
side: deter at each file's own seed with `--no-attribution`, model2.py at seed 1. Compared per
file: P(threat), P(display), P(use of force), P(war), P(non-state incident) (Newcombe's hybrid
score interval of the difference, Newcombe 1998 method 10) and the means per run of crises,
disputes and GDP lost (normal interval of the difference). 8 comparisons x 5 files = 40, read
family-wise at 95% by Bonferroni: each interval at z = 3.227 (two-sided 0.05 / 40) must
contain 0.

Power check (same reading): the same comparison of the baseline against model2.py with one
documented parameter moved in model2.py only must find at least one difference; without it a
comparison that never fails would pass. Written first with `model.war_cost` 0.8 -> 1.0, which
found one (mean disputes, interval [+0.016, +0.160]); 0.8 -> 1.2 found three. Kept, as less
fragile: `model.status_quo_value` 0.25 -> 0.30 (six of eight: P(threat), P(display), P(use of
force), P(war), disputes, GDP lost). So the test sees a 20% move of the value of the status quo
and barely a 25% move of the cost of war.

Both sides are seeded, so the test is deterministic; it fails when the code and the docs'
model part ways (update docs/MODEL.md and model2.py together).
"""

import json
import math
import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
MODEL2 = ROOT / "tools" / "reimplementation" / "model2.py"
FILES = [
    ROOT / "scenarios" / "western-balkans-2024.toml",
    ROOT / "scenarios" / "history" / "serbia-kosovo-2008.toml",
    ROOT / "scenarios" / "history" / "russia-georgia-2004.toml",
    ROOT / "scenarios" / "history" / "russia-ukraine-2013.toml",
    ROOT / "scenarios" / "history" / "russia-baltic-2014.toml",
]
RUNS = 20_000
EVENTS = ("threat", "display", "use_of_force", "war", "non_state_incident")
MEANS = ("crises", "disputes", "gdp_lost")
COMPARISONS = len(FILES) * (len(EVENTS) + len(MEANS))
# Two-sided 0.05 / 40 = 0.00125: z = Phi^-1(1 - 0.000625).
Z = 3.2272


def wilson(count: int, n: int) -> tuple[float, float]:
    p = count / n
    den = 1 + Z * Z / n
    centre = (p + Z * Z / (2 * n)) / den
    half = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / den
    return centre - half, centre + half


def newcombe(c1: int, n1: int, c2: int, n2: int) -> tuple[float, float]:
    p1, p2 = c1 / n1, c2 / n2
    l1, u1 = wilson(c1, n1)
    l2, u2 = wilson(c2, n2)
    d = p1 - p2
    return d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + math.sqrt(
        (u1 - p1) ** 2 + (p2 - l2) ** 2
    )


def deter_json(path: pathlib.Path, tmp: pathlib.Path) -> dict:
    binary = os.environ.get("DETER_BIN") or str(ROOT / "target" / "release" / "deter")
    if not os.path.exists(binary):
        pytest.fail(f"the deter binary is needed for this comparison: {binary} (set DETER_BIN)")
    out = tmp / f"deter-{path.stem}.json"
    subprocess.run(
        [binary, "run", str(path), "--runs", str(RUNS), "--format", "json",
         "--no-attribution", "--quiet", "--out", str(out)],
        check=True, capture_output=True,
    )
    return json.loads(out.read_text())


def model2_json(path: pathlib.Path, tmp: pathlib.Path, *extra: str) -> dict:
    out = tmp / f"model2-{path.stem}{'-'.join(extra)}.json".replace("=", "_")
    subprocess.run(
        [sys.executable, str(MODEL2), str(path), "--runs", str(RUNS), "--seed", "1",
         "--out", str(out), *extra],
        check=True, capture_output=True,
    )
    return json.loads(out.read_text())


def disagreements(d: dict, m: dict) -> list[str]:
    """Every comparison of the reading whose interval excludes 0, in words."""
    n1, n2 = d["runs"], m["runs"]
    found = []
    for ev in EVENTS:
        c1, c2 = d["outcomes"][ev]["count"], m["outcomes"][ev]["count"]
        lo, hi = newcombe(c1, n1, c2, n2)
        if not lo <= 0 <= hi:
            found.append(f"P({ev}) {c1 / n1:.4f} vs {c2 / n2:.4f}: [{lo:+.4f}, {hi:+.4f}]")
    for name in MEANS:
        a, b = d["metrics"][name], m["metrics"][name]
        diff = a["mean"] - b["mean"]
        se = math.sqrt(a["sd"] ** 2 / n1 + b["sd"] ** 2 / n2)
        if abs(diff) > Z * se:
            found.append(f"mean {name} {a['mean']:.4f} vs {b['mean']:.4f}: "
                         f"[{diff - Z * se:+.4f}, {diff + Z * se:+.4f}]")
    return found


def test_the_docs_reimplementation_gives_deters_distributions(tmp_path):
    assert COMPARISONS == 40
    failures = []
    for path in FILES:
        for line in disagreements(deter_json(path, tmp_path), model2_json(path, tmp_path)):
            failures.append(f"{path.relative_to(ROOT)}: {line}")
    assert not failures, "deter and the docs' re-implementation disagree:\n" + "\n".join(failures)


def test_the_comparison_finds_a_moved_parameter(tmp_path):
    baseline = FILES[0]
    found = disagreements(
        deter_json(baseline, tmp_path),
        model2_json(baseline, tmp_path, "--set", "model.status_quo_value=0.3"),
    )
    assert len(found) >= 3, f"status_quo_value 0.25 -> 0.30 in the re-implementation only: {found}"
