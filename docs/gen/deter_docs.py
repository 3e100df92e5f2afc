"""Generated numbers in deter's docs: the helpers the docs' cog blocks call.

Every number the docs quote from a deter run is produced here from the command the doc shows,
run on the built binary (target/release/deter), so the command and the numbers cannot drift
apart. Regenerate everything with `python3 docs/gen/regenerate.py` (docs/gen/README.md).

- `run(cmd)` runs one command exactly as written in the doc (`deter ...` or
  `cargo run --release -- ...`; both run target/release/deter) in a scratch directory,
  target/docs-gen/, that links `scenarios` and `tests` of the repository (so `--out grid.csv`
  or `--out calibration` never write into the tree). Results are kept for the rest of the
  process: a command quoted by several docs runs once per regeneration.
- `json(cmd)` parses its stdout; `csv_rows(path)` reads a file it wrote.
- Output is byte-deterministic: deter's results depend only on the scenario, seed and runs;
  the one part that varies, the time and speed at the end of a table's header line
  (`| 1.72 s, 5,817 runs/s on 2 threads`), is replaced by `TIMING` (`strip_timing`).
- Expensive commands (calibration, long sweeps, the validation tests; `EXPENSIVE`) are skipped
  when DETER_DOCS_SKIP_EXPENSIVE=1 (the CI check): `emit` then keeps the block's previous
  text, and says so on stderr.
"""

import csv
import json as _json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.join(ROOT, "target", "release", "deter")
WORK = os.path.join(ROOT, "target", "docs-gen")
SKIP_EXPENSIVE = os.environ.get("DETER_DOCS_SKIP_EXPENSIVE") == "1"

# Substrings of the commands that take more than about 20 s on two shared cores.
EXPENSIVE = (
    "deter calibrate",
    "--posterior",
    "saltelli-levers.toml",
    "proposals-factorial.toml",
    "proposals-x-futures.toml",
    "envoy-magnitude-x-futures.toml",
    "lxf.csv",
    "cargo test",
)

TIMING = "TIMING"

_cache = {}
log = []  # (seconds, command) of every command run, for regenerate.py


class Skipped(Exception):
    """An expensive command under DETER_DOCS_SKIP_EXPENSIVE=1."""


def is_expensive(cmd):
    return any(s in cmd for s in EXPENSIVE)


def _workdir():
    os.makedirs(WORK, exist_ok=True)
    for name in ("scenarios", "tests"):
        link = os.path.join(WORK, name)
        if not os.path.islink(link):
            os.symlink(os.path.join(ROOT, name), link)
    return WORK


def _argv(cmd):
    args = shlex.split(cmd)
    if args[:4] == ["cargo", "run", "--release", "--"]:
        return [BIN] + args[4:]
    if args[0] == "deter":
        return [BIN] + args[1:]
    if args[0] == "cargo":
        return args
    raise ValueError(f"not a deter command: {cmd}")


CALIBRATE = "deter calibrate scenarios/history/calibrate.toml --out calibration"


def run(cmd, stderr=False, ok_codes=(0,)):
    """stdout (or (stdout, stderr) with stderr=True) of `cmd`, run once per process.

    `ok_codes`: the exit codes that are not a failure (the validation tests exit 101 when an
    ignored fact, run with --include-ignored, is still not reproduced).
    """
    if cmd not in _cache:
        if SKIP_EXPENSIVE and is_expensive(cmd):
            raise Skipped(cmd)
        args = shlex.split(cmd)
        if args[:2] == ["deter", "calibrate"] and "--resume" not in args:
            # A fresh calibration on this commit, not one left by an earlier regeneration.
            out = args[args.index("--out") + 1]
            shutil.rmtree(os.path.join(_workdir(), out), ignore_errors=True)
        elif "calibration/posterior.csv" in cmd:
            run(CALIBRATE)  # the posterior of this commit, not a leftover
        argv = _argv(cmd)
        env = dict(os.environ, NO_COLOR="1")
        cwd = ROOT if argv[0] == "cargo" else _workdir()
        t0 = time.monotonic()
        if argv[0] == "cargo":
            # Test output: the printed lines follow their test only on one stream.
            p = subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        else:
            p = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True)
        dt = time.monotonic() - t0
        log.append((dt, cmd))
        print(f"  {dt:7.1f} s  {cmd}", file=sys.stderr)
        if p.returncode not in ok_codes:
            raise RuntimeError(f"`{cmd}` exited {p.returncode}:\n{p.stderr or p.stdout[-3000:]}")
        _cache[cmd] = (p.stdout, p.stderr)
    out, err = _cache[cmd]
    return (out, err) if stderr else out


def json(cmd):
    """The parsed JSON stdout of `cmd` (which must ask for `--format json`)."""
    return _json.loads(run(cmd))


def work_path(name):
    """A file a command wrote with `--out NAME` (relative to the scratch directory)."""
    return os.path.join(WORK, name)


def csv_rows(name):
    with open(work_path(name), newline="") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


def strip_timing(text):
    """Replace the time and speed of a table's header line, the only part that varies."""
    return re.sub(r"\| [0-9.]+ s, [0-9,]+ (runs|pairs)/s on [0-9,]+ threads?", "| " + TIMING, text)


def emit(fn):
    """cog.out(fn()), or the block's previous text if fn needs a skipped command."""
    import cog

    try:
        text = fn()
    except Skipped as e:
        print(f"  skipped (expensive, previous text kept): {e}", file=sys.stderr)
        text = cog.previous
    if text and not text.endswith("\n"):
        text += "\n"
    cog.out(text)


def fenced(text, lang="text"):
    return f"```{lang}\n{text.rstrip()}\n```\n"


def output_block(cmd, lang="text"):
    """The command's stdout (timing stripped) as a fenced block."""
    return fenced(strip_timing(run(cmd)), lang)


# ---- number formats -------------------------------------------------------------------------


def fixed(x, d, scale=1):
    """`scale * x` at `d` decimals, rounded as deter's own tables round (docs/OUTPUT.md, "How
    printed numbers are rounded"): the shortest decimal of `x` (the digits the JSON carries),
    scaled exactly, then rounded half away from zero; so 0.7555 -> '75.6' at scale 100, as a
    reader rounding the JSON gets it (binary floating point would give '75.5')."""
    from decimal import Decimal, ROUND_HALF_UP

    q = (Decimal(repr(float(x))) * scale).quantize(Decimal(1).scaleb(-d), rounding=ROUND_HALF_UP)
    return f"{q:.{d}f}"


def pct(p, d=1):
    """0.2674 -> '26.7%'."""
    return f"{fixed(p, d, 100)}%"


def signed(x, d, scale=1):
    """'+1.5', '-0.3', and '0.0' (no sign, never '-0.0') for what rounds to zero."""
    s = fixed(x, d, scale)
    if float(s) == 0:
        return s.lstrip("-")
    return s if s.startswith("-") else "+" + s


def whole_percents(c):
    """A cost composition's three shares (military, political, economic) in whole percents
    by the largest-remainder method, as deter's table prints them (they add up to 100)."""
    q = [100 * c[x] / sum(c.values()) for x in ("military", "political", "economic")]
    units = [int(x // 1) for x in q]
    for i in sorted(range(3), key=lambda i: -(q[i] - q[i] // 1))[:100 - sum(units)]:
        units[i] += 1
    return units


def pp(x, d=1, sign=False):
    """A probability difference in percentage points: -0.1083 -> '-10.8'."""
    return signed(x, d, 100) if sign else fixed(x, d, 100)


def iv(lo, hi, d=1, sign=False, scale=100):
    """'[25.9, 27.6]' (percent by default); sign=True: '[-1.2, +0.4]'."""
    f = (lambda x: signed(x, d, scale)) if sign else (lambda x: fixed(x, d, scale))
    return f"[{f(lo)}, {f(hi)}]"


def p_iv(o, d=1):
    """An outcome {p, mc95_lo, mc95_hi} as '26.7% [25.9, 27.6]'."""
    return f"{pct(o['p'], d)} {iv(o['mc95_lo'], o['mc95_hi'], d)}"


def num(x, d=2):
    return f"{x:,.{d}f}"


def count(n):
    return f"{n:,}"


# ---- shared readers -------------------------------------------------------------------------


def compare_row(cmd, outcome, entity="region"):
    """The `outcome` row of `deter compare ... --format json`'s region (or rivalry)."""
    d = json(cmd)
    ent = d["region"] if entity == "region" else next(r for r in d["rivalries"] if r["entity"] == entity)
    return next(o for o in ent["outcomes"] if o["outcome"] == outcome)


def attribution(d, event, entity="region"):
    """`attribution.entities[entity].events[event]` of a run's JSON."""
    ent = next(e for e in d["attribution"]["entities"] if e["entity"] == entity)
    return ent["events"][event]


# ---- calibration ----------------------------------------------------------------------------


def calibration(cmd=CALIBRATE):
    """(stderr, directory) of a calibration run; the command writes `--out DIR`."""
    _, err = run(cmd, stderr=True)
    out = shlex.split(cmd)[shlex.split(cmd).index("--out") + 1]
    return err, work_path(out)


def calibration_summary(cmd=CALIBRATE):
    """'stopped after generation G (REASON; tolerance A -> B): N simulations, M runs'."""
    err, d = calibration(cmd)
    m = re.search(r"stopped: (\S+); ([0-9,]+ simulations) \(([0-9,]+ runs)\)", err)
    with open(os.path.join(d, "diagnostics.csv")) as f:
        rows = list(csv.DictReader(line for line in f if not line.startswith("#")))
    tol = [float(r["tolerance"]) for r in rows if r["tolerance"] != "inf"]
    span = f"; tolerance {tol[0]:.2f} -> {tol[-1]:.2f}" if tol else ""
    return f"stopped after generation {rows[-1]['generation']} ({m.group(1)}{span}): {m.group(2)}, {m.group(3)}"


def predictive_table(cmd=CALIBRATE):
    """The posterior predictive check of the calibration's report.html as a Markdown table,
    the count inside, the total, and the cells outside in words."""
    import html

    _, d = calibration(cmd)
    page = open(os.path.join(d, "report.html")).read()
    part = page[page.index("<h2>Posterior predictive check</h2>") :]
    part = part[part.index("<th>inside central 90%</th></tr>") :]
    part = part[: part.index("</table>")]
    cells = re.findall(r"<tr>(.*?)</tr>", part)
    rows = []
    for c in cells:
        td = [html.unescape(re.sub(r"<[^>]+>", "", x)) for x in re.findall(r"<td[^>]*>(.*?)</td>", c)]
        if td:
            rows.append(td)
    cases = list(dict.fromkeys(r[0] for r in rows))
    stats = list(dict.fromkeys(r[1] for r in rows))
    at = {(r[0], r[1]): r for r in rows}
    t = "| case | " + " | ".join(stats) + " |\n" + "|---" * (len(stats) + 1) + "|\n"
    inside, outside = 0, []
    for case in cases:
        cells = []
        for st in stats:
            _, _, obs, lo, _, hi, ok = at[(case, st)]
            inside += ok == "yes"
            if ok != "yes":
                outside.append(f"{case}: {st} ({obs} observed, [{lo}, {hi}])")
            cells.append(f"{obs}; [{lo}, {hi}] " + ("yes" if ok == "yes" else "**no**"))
        t += f"| {case} | " + " | ".join(cells) + " |\n"
    return t, inside, len(rows), outside


CASE_NAMES = {
    "Serbia -> Kosovo": "serbia-kosovo",
    "Russia -> Georgia": "russia-georgia",
    "Russia -> Ukraine": "russia-ukraine",
    "Russia -> the Baltic states": "russia-baltic",
}


def case_id(row):
    """The case id of a predictive table row ('| Serbia -> Kosovo | ...')."""
    return CASE_NAMES.get(row.split("|")[1].strip().removesuffix(" (held out)"))
