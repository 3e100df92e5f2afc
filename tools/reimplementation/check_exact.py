#!/usr/bin/env python3
"""Recompute deter's reported aggregates from deter's own per-run data, by the definitions of
docs/OUTPUT.md, docs/MODEL.md 7.12 and docs/CALIBRATION.md alone (no statistics: each must
match to rounding). Third review of the docs' re-implementation (GAPS.md, "Third review").

    python3 check_exact.py run DETER.json PER_RUN.csv        a run's metrics, quantiles, events,
                                                             escalation, histogram, survival, the
                                                             last year's balance band, the yearly
                                                             counts' totals (and, with a horizon
                                                             of one year, their mean, p50, p95)
    python3 check_exact.py nested NESTED.json                the aggregation across draws
    python3 check_exact.py streams NESTED.json SCENARIO.toml DETER_BIN [D...]
                                                             draw d's probabilities are runs
                                                             d R .. (d + 1) R of a plain run at
                                                             draw d's values (--set)
    python3 check_exact.py priors NESTED.json SCENARIO.toml  the draws against the priors
                                                             (Kolmogorov-Smirnov; statistical)

`--wrong NAME` (power checks): apply a wrong reading and expect failures:
`arithmetic-centre` (a log bin's arithmetic centre), `interpolated-quantile` (numpy's linear
quantile for counts and draws), `sd-population` (sd with n in the denominator).
Exit 1 when a check fails. Needs numpy (model2.py's quantile functions are reused).
"""

import csv
import json
import math
import os
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import model2  # noqa: E402

WRONG = set()
# "mean +- 1.96 sd / sqrt(n)" (OUTPUT.md, CALIBRATION.md): every interval takes the normal
# quantile 1.959963984540054, the Wilson intervals' z (RESULTS.md 7.2 measured 1.96 exactly
# before deter took one z)
Z_MEAN = 1.959963984540054
FAIL = []
N_CHECKS = [0]


def same(name, got, want, rel=1e-9, ab=1e-9):
    N_CHECKS[0] += 1
    if got is None or want is None:
        ok = got is None and want is None
    else:
        ok = abs(got - want) <= ab + rel * abs(want)
    if not ok:
        FAIL.append(f"{name}: deter {got!r}, docs' definition {want!r}")
    return ok


def cq(x, q):
    if "interpolated-quantile" in WRONG:
        return float(np.quantile(np.asarray(x, float), q))
    return model2.count_quantile(x, q)


def mq(x, q, layout):
    if "arithmetic-centre" in WRONG:
        x = np.asarray(x, float)
        kind, lo, hi, bins = layout
        w = math.log10(hi / lo) / bins
        v = model2.metric_quantile(x, q, layout)
        if v <= 0 or np.all(x == x[0]):
            return v
        b = round(math.log10(v / lo) / w - 0.5)
        return lo * (10 ** (b * w) + 10 ** ((b + 1) * w)) / 2
    return model2.metric_quantile(x, q, layout)


def sd(x):
    return float(np.std(np.asarray(x, float), ddof=0 if "sd-population" in WRONG else 1))


def read_rows(path):
    rows = {}
    with open(path) as f:
        for r in csv.DictReader(f):
            rows.setdefault(r["rivalry"], []).append(r)
    out = {}
    for rid, rs in rows.items():
        rs.sort(key=lambda r: int(r["run"]))
        out[rid] = dict(
            run=np.array([int(r["run"]) for r in rs]),
            max_level=np.array([int(r["max_level"]) for r in rs]),
            crises=np.array([int(r["crises"]) for r in rs]),
            disputes=np.array([int(r["disputes"]) for r in rs]),
            ffm=np.array([int(r["first_force_month"]) if r["first_force_month"] else -1
                          for r in rs]),
            gdp_lost=np.array([float(r["gdp_lost"]) for r in rs]),
            final_balance=np.array([float(r["final_balance"]) for r in rs]))
    return out


def entity_checks(name, e, rec, runs, H, rivalry):
    T = 12 * H
    ffm = np.where(rec["ffm"] < 0, T, rec["ffm"])
    ml = rec["max_level"]
    for ev, c in (("crisis", ml >= 1), ("threat", ml >= 2), ("display", ml >= 3),
                  ("use_of_force", ml >= 4), ("war", ml >= 5), ("deterrence_held", ml < 4)):
        same(f"{name} outcomes.{ev}.count", e["outcomes"][ev]["count"], int(c.sum()), 0, 0)
    for k in range(6):
        same(f"{name} escalation[{k}]", e["escalation"][k], float((ml == k).mean()))
    for key, x, layout in (("crises", rec["crises"], None), ("disputes", rec["disputes"], None),
                           ("gdp_lost", rec["gdp_lost"], model2.METRIC_LAYOUTS["gdp_lost"]),
                           ("final_balance", rec["final_balance"],
                            model2.METRIC_LAYOUTS["final_balance"])):
        m = e["metrics"][key]
        same(f"{name} {key}.mean", m["mean"], float(np.mean(x)), 1e-9, 1e-8)
        # scale-free: the sd of small values (RESULTS.md 7.3) is held to the values' own size
        same(f"{name} {key}.sd", m["sd"], sd(x), 1e-9, 1e-12 * float(np.max(np.abs(x))))
        for q, k in ((0.05, "p05"), (0.5, "p50"), (0.95, "p95")):
            want = cq(x, q) if layout is None else mq(x, q, layout)
            same(f"{name} {key}.{k}", m[k], want)
    m = e["metrics"]["years_to_first_use_of_force"]
    same(f"{name} years.mean", m["mean"], float(np.mean(ffm / 12)), 1e-9, 1e-8)
    same(f"{name} years.sd", m["sd"], sd(ffm / 12), 1e-9, 1e-12 * float(np.max(ffm / 12)))
    for q, k in ((0.05, "p05"), (0.5, "p50"), (0.95, "p95")):
        same(f"{name} years.{k}", m[k], cq(ffm, q) / 12)
    same(f"{name} years.censored_share", m["censored_share"], float((ffm >= T).mean()))
    hist = np.bincount(rec["crises"]) / runs
    same(f"{name} crises_histogram length", len(e["crises_histogram"]), len(hist), 0, 0)
    for k, v in enumerate(hist[:len(e["crises_histogram"])]):
        same(f"{name} crises_histogram[{k}]", e["crises_histogram"][k], float(v))
    for mth in range(T):
        same(f"{name} survival_by_month[{mth}]", e["survival_by_month"][mth],
             float((ffm > mth).mean()))
    last = e["yearly"][-1]
    for ev in e["outcomes"]:
        same(f"{name} yearly[-1].events_by_end.{ev}", last["events_by_end"][ev]["count"],
             e["outcomes"][ev]["count"], 0, 0)
    # the yearly counts' totals add up to the run's crises and disputes
    tot = {k: sum(y["counts"][k]["total"] for y in e["yearly"]) for k in e["yearly"][0]["counts"]}
    same(f"{name} sum of crisis_triggers totals", tot["crisis_triggers"],
         int(rec["crises"].sum()), 0, 0)
    same(f"{name} sum of threats+displays+uses_of_force+wars totals",
         tot["threats"] + tot["displays"] + tot["uses_of_force"] + tot["wars"],
         int(rec["disputes"].sum()), 0, 0)
    for y in e["yearly"]:
        for k, c in y["counts"].items():
            same(f"{name} {y['year']} {k}.mean", c["mean"], c["total"] / runs, 1e-9, 1e-12)
    if H == 1:
        c = e["yearly"][0]["counts"]["crisis_triggers"]
        x = rec["crises"]
        same(f"{name} crisis_triggers p50", c["p50"], cq(x, 0.5))
        same(f"{name} crisis_triggers p95", c["p95"], cq(x, 0.95))
        half = Z_MEAN * sd(x) / math.sqrt(runs)
        same(f"{name} crisis_triggers mc95_lo", c["mc95_lo"], float(x.mean()) - half, 1e-12, 1e-12)
        same(f"{name} crisis_triggers mc95_hi", c["mc95_hi"], float(x.mean()) + half, 1e-12, 1e-12)
        for ev in e["outcomes"]:
            same(f"{name} events_in_year.{ev} (one year)", e["yearly"][0]["events_in_year"][ev]
                 ["count"], e["outcomes"][ev]["count"], 0, 0)
    if rivalry:
        # the last year's balance band is the final balance's, interpolated in its bin
        for q, k in ((0.05, "p05"), (0.25, "p25"), (0.5, "p50"), (0.75, "p75"), (0.95, "p95")):
            want = model2.binned_quantile(rec["final_balance"], q, model2.LAYOUTS["balance"])
            same(f"{name} yearly[-1].balance.{k}", last["balance"][k], want, 1e-9)


def check_run(dpath, cpath):
    d = json.load(open(dpath))
    rows = read_rows(cpath)
    runs, H = d["runs"], d["horizon_years"]
    region = dict(
        max_level=np.max([r["max_level"] for r in rows.values()], axis=0),
        crises=sum(r["crises"] for r in rows.values()),
        disputes=sum(r["disputes"] for r in rows.values()),
        gdp_lost=sum(r["gdp_lost"] for r in rows.values()),
        final_balance=np.max([r["final_balance"] for r in rows.values()], axis=0),
        ffm=np.min([np.where(r["ffm"] < 0, 10 ** 9, r["ffm"]) for r in rows.values()], axis=0))
    region["ffm"] = np.where(region["ffm"] >= 10 ** 9, -1, region["ffm"])
    entity_checks("region", d, region, runs, H, False)
    for e in d["rivalries"]:
        entity_checks(e["id"], e, rows[e["id"]], runs, H, True)
    # the region's yearly counts are the rivalries' summed
    for yi, y in enumerate(d["yearly"]):
        for k, c in y["counts"].items():
            same(f"region {y['year']} {k}.total", c["total"],
                 sum(e["yearly"][yi]["counts"][k]["total"] for e in d["rivalries"]), 0, 0)


def check_nested(npath):
    d = json.load(open(npath))
    D, R = d["draws"], d["runs_per_draw"]
    z = Z_MEAN
    for o in d["outcomes"]:
        p = np.asarray(o["per_draw"], float)
        name = o["outcome"]
        same(f"{name} per_draw length", len(p), D, 0, 0)
        mean = float(p.mean())
        same(f"{name} mean", o["mean"], mean, 1e-12, 1e-15)
        same(f"{name} param90_lo", o["param90_lo"], cq(p, 0.05), 1e-12, 1e-15)
        same(f"{name} param90_hi", o["param90_hi"], cq(p, 0.95), 1e-12, 1e-15)
        s = sd(p)
        if s > 0:
            same(f"{name} se_mean", o["se_mean"], s / math.sqrt(D), 1e-9, 1e-15)
            same(f"{name} mc95_lo", o["mc95_lo"], mean - z * s / math.sqrt(D), 1e-9, 1e-12)
            same(f"{name} mc95_hi", o["mc95_hi"], mean + z * s / math.sqrt(D), 1e-9, 1e-12)
        elif D >= 2:
            # docs/OUTPUT.md: a value the same in every draw has its point interval
            same(f"{name} se_mean (no variation)", o["se_mean"], 0.0, 0, 0)
            same(f"{name} mc95_lo (no variation)", o["mc95_lo"], o["mean"], 0, 0)
            same(f"{name} mc95_hi (no variation)", o["mc95_hi"], o["mean"], 0, 0)
        else:
            same(f"{name} mc95_lo (one draw)", o["mc95_lo"], None)
        same(f"{name} mc_error", o["mc_error"],
             math.sqrt(float((p * (1 - p)).sum()) / (R - 1)) / D, 1e-9, 1e-15)
        var = float(p.var(ddof=0 if "sd-population" in WRONG else 1))
        binom = float((p * (1 - p)).mean()) / (R - 1)
        share = min(max((var - binom) / var, 0.0), 1.0) if var > 0 else 0.0
        same(f"{name} parametric_share_of_variance", o["parametric_share_of_variance"], share,
             1e-9, 1e-12)


def plain_copy(scenario):
    """The scenario without its [[uncertain]] entries (a plain run), in a temporary file whose
    `extends` names the base by its absolute path; the caller removes it."""
    import re
    text = open(scenario).read()
    cut = text.find("\n[[uncertain]]")
    body = text if cut < 0 else text[:cut]
    here = os.path.dirname(os.path.abspath(scenario))
    body = re.sub(r'^extends\s*=\s*"([^"]+)"',
                  lambda m: 'extends = ' + json.dumps(os.path.join(here, m.group(1))), body,
                  flags=re.M)
    fd, path = tempfile.mkstemp(suffix=".toml", prefix="plain-")
    with os.fdopen(fd, "w") as f:
        f.write(body)
    return path


def check_streams(npath, scenario, binary, draws):
    d = json.load(open(npath))
    R = d["runs_per_draw"]
    paths = d["parameters"]["paths"]
    plain = plain_copy(scenario)
    try:
        for di in draws:
            vals = d["parameters"]["values"][di]
            sets = []
            for p, v in zip(paths, vals):
                sets += ["--set", f"{p}={repr(float(v)) if not p.endswith('.enabled') else int(v)}"]
            with tempfile.TemporaryDirectory() as tmp:
                out, rows = os.path.join(tmp, "d.json"), os.path.join(tmp, "r.csv")
                subprocess.run([binary, "run", plain, "--runs", str((di + 1) * R), "--seed",
                                str(d["seed"]), "--horizon-years", str(d["horizon_years"]),
                                "--format", "json", "--no-attribution", "--quiet", "--out", out,
                                "--per-run", rows, *sets], check=True, capture_output=True)
                rr = read_rows(rows)
            ml = np.max([r["max_level"] for r in rr.values()], axis=0)[di * R:(di + 1) * R]
            for o in d["outcomes"]:
                lev = dict(crisis=1, threat=2, display=3, use_of_force=4, war=5).get(o["outcome"])
                if lev is None:
                    if o["outcome"] == "deterrence_held":
                        want = float((ml < 4).mean())
                    else:
                        continue
                else:
                    want = float((ml >= lev).mean())
                same(f"draw {di} {o['outcome']} (runs {di * R}..{(di + 1) * R})",
                     o["per_draw"][di], want, 1e-12, 1e-15)
    finally:
        os.unlink(plain)


def prior_cdf(e, x):
    from statistics import NormalDist
    lo, hi = (float(v) for v in e["range"])
    dist = e.get("distribution", "uniform")
    if dist == "uniform":
        return (x - lo) / (hi - lo)
    if dist == "log-uniform":
        return (math.log(x) - math.log(lo)) / (math.log(hi) - math.log(lo))
    if dist == "normal":
        nd = NormalDist(float(e["mean"]), float(e["sd"]))
        a, b = nd.cdf(lo), nd.cdf(hi)
        return (nd.cdf(x) - a) / (b - a)
    c = float(e["mode"])
    if x <= c:
        return (x - lo) ** 2 / ((hi - lo) * (c - lo))
    return 1 - (hi - x) ** 2 / ((hi - lo) * (hi - c))


def kolmogorov_p(dn, n):
    t = (math.sqrt(n) + 0.12 + 0.11 / math.sqrt(n)) * dn
    s = sum((-1) ** (k - 1) * math.exp(-2 * k * k * t * t) for k in range(1, 101))
    return min(max(2 * s, 0.0), 1.0)


def check_priors(npath, scenario, z):
    """Each path's draws against its prior: Kolmogorov-Smirnov for a range (p-value), a
    binomial z for each item of a list; each read at the family-wise z (two-sided p against
    2 (1 - Phi(z)))."""
    from statistics import NormalDist
    d = json.load(open(npath))
    sc = model2.Scenario(scenario)
    vals = np.asarray(d["parameters"]["values"], float)
    alpha = 2 * (1 - NormalDist().cdf(z))
    lines = []
    for j, e in enumerate(sc.uncertain):
        x = np.sort(vals[:, j])
        n = x.size
        if "values" in e:
            k = len(e["values"])
            for i, v in enumerate(e["values"]):
                c = int((x == float(v)).sum())
                zz = (c - n / k) / math.sqrt(n * (1 / k) * (1 - 1 / k))
                ok = abs(zz) < z
                lines.append((e["path"], f"item {v}: {c} of {n}, z {zz:+.2f}", ok))
        else:
            F = np.array([prior_cdf(e, v) for v in x])
            i = np.arange(1, n + 1)
            dn = float(max((i / n - F).max(), (F - (i - 1) / n).max()))
            p = kolmogorov_p(dn, n)
            ok = p > alpha
            lines.append((e["path"], f"KS D {dn:.4f}, p {p:.3g}", ok))
    return lines


def main():
    args = [a for a in sys.argv[1:]]
    while "--wrong" in args:
        i = args.index("--wrong")
        WRONG.add(args[i + 1])
        del args[i:i + 2]
    cmd = args[0]
    if cmd == "run":
        check_run(args[1], args[2])
    elif cmd == "nested":
        check_nested(args[1])
    elif cmd == "streams":
        check_streams(args[1], args[2], args[3], [int(a) for a in args[4:]] or [0, 1])
    elif cmd == "priors":
        z = float(args[3]) if len(args) > 3 else 3.8544
        lines = check_priors(args[1], args[2], z)
        for path, txt, ok in lines:
            print(f"{path}: {txt}: {'inside' if ok else 'OUTSIDE'}")
        sys.exit(0 if all(ok for _, _, ok in lines) else 1)
    print(f"{N_CHECKS[0] - len(FAIL)} of {N_CHECKS[0]} checks match"
          + (f" (wrong readings: {', '.join(sorted(WRONG))})" if WRONG else ""))
    for f in FAIL[:40]:
        print("  MISMATCH " + f)
    if len(FAIL) > 40:
        print(f"  ... and {len(FAIL) - 40} more")
    sys.exit(1 if FAIL else 0)


if __name__ == "__main__":
    main()
