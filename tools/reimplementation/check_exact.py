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
    python3 check_exact.py nested-csv NESTED.json NESTED.csv the CSV's region rows from its own
                                                             draw:D rows; every number the JSON's
    python3 check_exact.py nested-html NESTED.json PAGE.html the page's numbers as printed
    python3 check_exact.py nested-compare CMP.json A.json B.json [CMP.csv] [A.toml B.toml DETER_BIN]
                                                             a nested comparison from its sides'
                                                             nested runs (with the scenarios: the
                                                             paired mc_error from plain runs)
    python3 check_exact.py compare CMP.json A.json A.csv B.json B.csv
                                                             a plain comparison from each side's
                                                             run and per-run rows
    python3 check_exact.py compare-csv CMP.json CMP.csv      the plain comparison's CSV: one row
                                                             per JSON number, each the JSON's
    python3 check_exact.py compare-html CMP.json PAGE.html   its page: data-k/data-v = the JSON,
                                                             every table number on it, each
                                                             printed at its table's decimals
    python3 check_exact.py compare-shift CMP.json A.toml B.toml DETER_BIN
                                                             attribution_shift run by run (plain
                                                             runs at 1 .. n runs) and the cost
                                                             composition from per-run rows
    python3 check_exact.py posterior NESTED.json POSTERIOR.csv [SCENARIO.toml DETER_BIN]
                                                             the rows a --posterior run draws
                                                             (systematic resampling) and, with
                                                             deter, each draw's values applied

`--wrong NAME` (power checks): apply a wrong reading and expect failures:
`arithmetic-centre` (a log bin's arithmetic centre), `interpolated-quantile` (numpy's linear
quantile for counts and draws), `sd-population` (sd with n in the denominator), `wilson-z196`
(Wilson intervals at z = 1.96), `uncut` (a nested probability's mc95 not cut to [0, 1]),
`share-inclusive` (a draw with no effect in both shares), `phi-plain` (Newcombe's paired
interval with the plain correlation), `double-even` (the page's rounding from the double, a tie to even),
`page-decimals` and `means-two-decimals` (the comparison page's decimals), `shift-unpaired`
(the attribution shift's interval from independent samples), `share-of-removal` (a level's
share read as its removal alone), `cost-mean-of-shares` (the cost composition as the mean of
per-run shares), `uniform-rows` (posterior rows drawn ignoring their weights), `rows-in-order`
(draw k at row k), `first-draw-values` (every draw at draw 0's values), `applied-cases` (the
case columns `CASE/PATH` taken for applied and the others not).
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
LEVELS = ("military", "political", "economic")
VARIANTS = ("none", "military", "political", "military+political", "economic",
            "military+economic", "political+economic", "all")


def wilson(count, n):
    """MODEL.md 7.12: the Wilson score interval at z = 1.959963984540054."""
    z = 1.96 if "wilson-z196" in WRONG else Z_MEAN
    p = count / n
    den = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return centre - half, centre + half


def same_prob(name, pr, n):
    """A probability {p, mc95_lo, mc95_hi, count} of n trials (OUTPUT.md)."""
    same(f"{name}.p", pr["p"], pr["count"] / n, 1e-12, 1e-15)
    lo, hi = wilson(pr["count"], n)
    same(f"{name}.mc95_lo", pr["mc95_lo"], lo, 1e-9, 1e-12)
    same(f"{name}.mc95_hi", pr["mc95_hi"], hi, 1e-9, 1e-12)


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
            final_balance=np.array([float(r["final_balance"]) for r in rs]),
            cost=np.array([[float(r[f"cost_{lv}"]) for lv in LEVELS] for r in rs]))
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
    # every probability's Wilson interval from its count (outcomes, yearly)
    for ev, pr in e["outcomes"].items():
        same_prob(f"{name} outcomes.{ev}", pr, runs)
    for y in e["yearly"]:
        for kind in ("events_in_year", "events_by_end"):
            for ev, pr in y[kind].items():
                same_prob(f"{name} {y['year']} {kind}.{ev}", pr, runs)
    # by each year's end: use of force and deterrence held from the first use of force
    for yi, y in enumerate(e["yearly"]):
        forced = int((ffm < 12 * (yi + 1)).sum())
        same(f"{name} {y['year']} events_by_end.use_of_force.count",
             y["events_by_end"]["use_of_force"]["count"], forced, 0, 0)
        same(f"{name} {y['year']} events_by_end.deterrence_held.count",
             y["events_by_end"]["deterrence_held"]["count"], runs - forced, 0, 0)
    # mechanisms: the Wilson interval of each share of its `invoked`; challenge_after_*, whose
    # n is not reported, at n = count / p
    mech = e["mechanisms"]
    for k in ("commitments", "sanctions", "sanctions_at_display"):
        if mech[k]["invoked"] > 0:
            same_prob(f"{name} mechanisms.{k}.honoured", mech[k]["honoured"], mech[k]["invoked"])
        else:
            same(f"{name} mechanisms.{k}.honoured (n = 0)", mech[k]["honoured"], None)
    for k in ("challenge_after_concession", "challenge_after_firmness"):
        pr = mech[k]
        if pr is not None and pr["count"] > 0:
            same_prob(f"{name} mechanisms.{k}", pr, round(pr["count"] / pr["p"]))
    # cost composition: the per-run rows' sums by level over their total (region: pooled)
    tot = rec["cost"].sum(axis=0)
    for i, lv in enumerate(LEVELS):
        same(f"{name} cost_composition.{lv}", e["cost_composition"][lv],
             float(tot[i] / tot.sum()), 1e-9, 1e-12)
    # crisis outcomes: the counts add up to the crisis opportunities; shares = count / total
    co = e["crisis_outcomes"]
    total = sum(co["counts"].values())
    same(f"{name} crisis_outcomes total", total, int(rec["crises"].sum()), 0, 0)
    for k, c in co["counts"].items():
        same(f"{name} crisis_outcomes.shares.{k}", co["shares"][k], c / total, 1e-12, 1e-15)
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
    region["cost"] = sum(r["cost"] for r in rows.values())
    entity_checks("region", d, region, runs, H, False)
    if "attribution" in d:
        check_attribution(d)
    for e in d["rivalries"]:
        entity_checks(e["id"], e, rows[e["id"]], runs, H, True)
    # the region's yearly counts are the rivalries' summed
    for yi, y in enumerate(d["yearly"]):
        for k, c in y["counts"].items():
            same(f"region {y['year']} {k}.total", c["total"],
                 sum(e["yearly"][yi]["counts"][k]["total"] for e in d["rivalries"]), 0, 0)


def shapley6(v):
    """Six times each level's Shapley value of the variants' counts (v keyed by VARIANTS,
    each minus v['none']): its removal's effect averaged over the six orders of removal."""
    def val(levels):
        key = "+".join(lv for lv in ("military", "political", "economic") if lv in levels)
        return v["all" if len(levels) == 3 else key or "none"]
    out = {}
    for lv in LEVELS:
        o1, o2 = (x for x in LEVELS if x != lv)
        out[lv] = (2 * (val({lv}) - val(set())) + (val({lv, o1}) - val({o1}))
                   + (val({lv, o2}) - val({o2})) + 2 * (val({lv, o1, o2}) - val({o1, o2})))
    return out


def check_attribution(d):
    """OUTPUT.md `attribution`: the identities between its numbers, and each level's sum6 as
    the Shapley value of the variants' counts (the per-run values' sum, by linearity)."""
    runs = d["attribution"]["runs"]
    by_id = {"region": d, **{r["id"]: r for r in d["rivalries"]}}
    for ent in d["attribution"]["entities"]:
        name = f"attribution {ent['entity']}"
        rep = by_id[ent["entity"]]
        for ev, e in ent["events"].items():
            va = e["variants"]
            for k in VARIANTS:
                same(f"{name} {ev} variants.{k}.p", va[k]["p"], va[k]["count"] / runs, 1e-12, 1e-15)
            same(f"{name} {ev} p_as_is", e["p_as_is"], rep["outcomes"][ev]["p"], 1e-12, 1e-15)
            same(f"{name} {ev} variants.none.count", va["none"]["count"],
                 rep["outcomes"][ev]["count"], 0, 0)
            same(f"{name} {ev} p_all_removed", e["p_all_removed"], va["all"]["p"], 1e-12, 1e-15)
            want = 6 * (va["all"]["count"] - va["none"]["count"])
            same(f"{name} {ev} removing_all.sum6", e["removing_all"]["sum6"], want, 0, 0)
            sh = shapley6({k: va[k]["count"] for k in VARIANTS})
            for lv in LEVELS:
                same(f"{name} {ev} {lv}.sum6 (Shapley of the counts)", e[lv]["sum6"], sh[lv], 0, 0)
                same(f"{name} {ev} removing_alone.{lv}", e["removing_alone"][lv],
                     (va[lv]["count"] - va["none"]["count"]) / runs, 1e-12, 1e-15)
            for part in ("removing_all",) + LEVELS:
                x = e[part]
                same(f"{name} {ev} {part}.change", x["change"], x["sum6"] / 6 / runs, 1e-12, 1e-15)
                if x["paired95_lo"] is not None:
                    lo, hi, ch = x["paired95_lo"], x["paired95_hi"], x["change"]
                    ok = -1 <= lo <= ch + 1e-15 and ch <= hi + 1e-15 and hi <= 1
                    same(f"{name} {ev} {part} interval holds its change, within [-1, 1]",
                         int(ok), 1, 0, 0)


def across_draws(p, R=None, cut=False):
    """What docs/OUTPUT.md and CALIBRATION.md report over D per-draw values p: mean, param90
    (the ceil(q D)-th smallest), se_mean and mc95 (sd with D - 1, 1.96 exactly, the point when
    every draw gave the same value, undefined for one draw), and with R the runs-only mc_error
    and the parametric share of the variance. `cut`: a probability's mc95 is cut to [0, 1]
    (found by measuring, GAPS.md C9; an effect's is not)."""
    p = np.asarray(p, float)
    D = p.size
    mean = float(p.mean())
    # One draw has no spread over parameters: its param90 (and share of variance) undefined.
    out = dict(mean=mean, param90_lo=cq(p, 0.05) if D >= 2 else None,
               param90_hi=cq(p, 0.95) if D >= 2 else None)
    s = sd(p) if D >= 2 else None
    if s is None:
        out.update(se_mean=None, mc95_lo=None, mc95_hi=None)
    elif s > 0:
        lo, hi = mean - Z_MEAN * s / math.sqrt(D), mean + Z_MEAN * s / math.sqrt(D)
        if cut and "uncut" not in WRONG:
            lo, hi = max(lo, 0.0), min(hi, 1.0)
        out.update(se_mean=s / math.sqrt(D), mc95_lo=lo, mc95_hi=hi)
    else:
        out.update(se_mean=0.0, mc95_lo=mean, mc95_hi=mean)
    if R is not None:
        out["mc_error"] = math.sqrt(float((p * (1 - p)).sum()) / (R - 1)) / D
        var = float(p.var(ddof=0 if "sd-population" in WRONG else 1)) if D >= 2 else 0.0
        binom = float((p * (1 - p)).mean()) / (R - 1)
        out["parametric_share_of_variance"] = (None if D < 2 else
                                               min(max((var - binom) / var, 0.0), 1.0)
                                               if var > 0 else 0.0)
    return out


TOL = dict(mean=(1e-12, 1e-15), param90_lo=(1e-12, 1e-15), param90_hi=(1e-12, 1e-15),
           se_mean=(1e-9, 1e-15), mc95_lo=(1e-9, 1e-12), mc95_hi=(1e-9, 1e-12),
           mc_error=(1e-9, 1e-15), parametric_share_of_variance=(1e-9, 1e-12),
           effect_mean=(1e-12, 1e-15))


def same_figures(name, got, want):
    for k, v in want.items():
        rel, ab = TOL[k]
        same(f"{name} {k}", got[k], v, rel, ab)


def check_nested(npath):
    d = json.load(open(npath))
    D, R = d["draws"], d["runs_per_draw"]
    for o in d["outcomes"]:
        p = np.asarray(o["per_draw"], float)
        same(f"{o['outcome']} per_draw length", len(p), D, 0, 0)
        same_figures(o["outcome"], o, across_draws(p, R, cut=True))


def read_tidy(cpath):
    """A tidy CSV (OUTPUT.md, "CSV") as {(entity, metric, statistic): value}."""
    with open(cpath, newline="") as f:
        return {(r["entity"], r["metric"], r["statistic"]): float(r["value"])
                for r in csv.DictReader(f)}


CSV_NAMES = dict(parametric_share_of_variance="parametric_share")


def check_nested_csv(npath, cpath):
    """The nested run's CSV (OUTPUT.md, "Nested runs"): the region rows recomputed from the
    CSV's own draw:D rows, and every number equal to the JSON's."""
    d = json.load(open(npath))
    t = read_tidy(cpath)
    D, R = d["draws"], d["runs_per_draw"]
    same("csv horizon_years", t[("scenario", "horizon_years", "value")], d["horizon_years"], 0, 0)
    draws = sorted({int(k[0].split(":")[1]) for k in t if k[0].startswith("draw:")})
    same("csv draw:D rows are draws 0 .. D - 1", draws == list(range(D)), True, 0, 0)
    for o in d["outcomes"]:
        ev = o["outcome"]
        p = [t[(f"draw:{i}", ev, "p")] for i in range(D)]
        for i in range(D):
            same(f"csv draw:{i} {ev} p = JSON per_draw", p[i], o["per_draw"][i], 0, 0)
        want = across_draws(p, R, cut=True)
        for k, v in want.items():
            key = ("region", ev, CSV_NAMES.get(k, k))
            if v is None:
                same(f"csv region {ev} {k} absent (one draw)", key in t, False, 0, 0)
                continue
            rel, ab = TOL[k]
            same(f"csv region {ev} {k} (from the draw rows)", t[key], v, rel, ab)
            same(f"csv region {ev} {k} = JSON", t[key], o[k], 0, 0)
    for i, row in enumerate(d["parameters"]["values"]):
        for path, v in zip(d["parameters"]["paths"], row):
            same(f"csv draw:{i} {path} value = JSON", t[(f"draw:{i}", path, "value")], v, 0, 0)


def pct1(x):
    """A probability printed as a percentage at one decimal, as docs/OUTPUT.md ("How printed
    numbers are rounded") says: the decimal the JSON carries (Python's repr, the shortest text
    that reads back as x), shifted two places and rounded half away from zero (0.9125 prints
    91.3%). Guess C6 had read the double 100 x rounded with an exact tie to even, deter's
    rounding before the tables and pages shared `report::percent`; the `--wrong double-even`
    reading keeps it (first met by a tie in December 2026: 0.9125 printed 91.3%)."""
    if "double-even" in WRONG:
        return f"{100 * x:.1f}%"
    from decimal import Decimal, ROUND_HALF_UP
    text = str((Decimal(repr(x)) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
    # OUTPUT.md, "Shares that are almost all or almost none": a share that is neither 0 nor 1
    # never prints as 0.0 or 100.0.
    if 0 < x < 1 and text == "100.0":
        text = ">99.9"
    if 0 < x < 1 and text == "0.0":
        text = "<0.1"
    return text + "%"


def check_nested_html(npath, hpath):
    """The nested run's page (OUTPUT.md, "Nested runs"): its first paragraph (draws, runs,
    seed, horizon), and per outcome the mean (its data-v and its text), both intervals and the
    share of variance as printed, against the values recomputed from `per_draw` (guess C6);
    the draws' parameter quantiles (5%, median, 95%: the rank rule) at four decimals."""
    import html as html_mod
    import re
    d = json.load(open(npath))
    page = open(hpath).read()
    D, R = d["draws"], d["runs_per_draw"]
    m = re.search(r"Nested Monte Carlo: ([\d,]+) parameter draws x ([\d,]+) runs each \(seed "
                  r"(\d+)\), horizon (\d+) years", page)
    same("page first paragraph found", m is not None, True, 0, 0)
    if m:
        for name, got, want in (("draws", m.group(1), D), ("runs", m.group(2), R),
                                ("seed", m.group(3), d["seed"]),
                                ("horizon", m.group(4), d["horizon_years"])):
            same(f"page {name}", int(got.replace(",", "")), want, 0, 0)
    body = page[page.index("<tbody>"):page.index("</tbody>")]
    rows = re.findall(r"<tr>(.*?)</tr>", body)
    same("page outcome rows", len(rows), len(d["outcomes"]), 0, 0)
    for o, row in zip(d["outcomes"], rows):
        cells = [html_mod.unescape(re.sub(r"<[^>]+>", "", c))
                 for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]
        w = across_draws(o["per_draw"], R, cut=True)
        dv = re.search(r'data-v="([^"]+)"', row)
        same(f"page {o['outcome']} mean data-v", float(dv.group(1)) if dv else None, w["mean"],
             1e-12, 1e-15)
        ev = o["outcome"]
        # OUTPUT.md ("Nested runs"): one draw's interval and share are undefined; an interval
        # with a width whose share of variance from the parameters is below 0.5 is mostly run
        # noise and marked `*`.
        if D < 2:
            iv = share = "undefined (one draw)"
        else:
            iv = f"[{pct1(w['param90_lo'])}, {pct1(w['param90_hi'])}]"
            if w["param90_hi"] > w["param90_lo"] and w["parametric_share_of_variance"] < 0.5:
                iv += " *"
            share = f"{round(100 * w['parametric_share_of_variance'])}%"
        for got, want in ((cells[1], pct1(w["mean"])), (cells[2], iv), (cells[4], share)):
            N_CHECKS[0] += 1
            if got != want and not ("within" in got and want.startswith("[0.0%")):
                FAIL.append(f"page {ev}: printed {got!r}, recomputed {want!r}")
        mc = f"[{pct1(w['mc95_lo'])}, {pct1(w['mc95_hi'])}]" if w["mc95_lo"] is not None else None
        N_CHECKS[0] += 1
        point = w["se_mean"] == 0
        ok = mc is not None and cells[3].startswith(mc) and (
            ("unchanged in every draw" in cells[3]) == point)
        if not ok and not ("within" in cells[3]):
            FAIL.append(f"page {ev} mc95: printed {cells[3]!r}, recomputed {mc!r}"
                        f"{' (a point: unchanged in every draw)' if point else ''}")
    ptab = page[page.index("<h2>Parameter draws</h2>"):]
    prow = re.findall(r"<tr><td>([^<]+)</td><td>[^<]*</td>(.*?)</tr>", ptab)
    vals = np.asarray(d["parameters"]["values"], float)
    same("page parameter rows", len(prow), len(d["parameters"]["paths"]), 0, 0)
    for j, (path, rest) in enumerate(prow):
        N_CHECKS[0] += 1
        if html_mod.unescape(path) != d["parameters"]["paths"][j]:
            FAIL.append(f"page parameter row {j}: {path!r}, JSON {d['parameters']['paths'][j]!r}")
        nums = re.findall(r'<td class="n">([^<]+)</td>', rest)
        for q, got in zip((0.05, 0.5, 0.95), nums):
            N_CHECKS[0] += 1
            want = f"{cq(vals[:, j], q):.4f}"
            if got != want:
                FAIL.append(f"page parameter {path} q{q}: printed {got}, recomputed {want}")


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
            vals = d["parameters"]["values"][0 if "first-draw-values" in WRONG else di]
            sets = []
            for p, v in zip(paths, vals):
                if "/" in p:
                    continue   # a calibration's case parameter: not set (CALIBRATION.md)
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


def check_posterior(npath, ppath, scenario=None, binary=None):
    """A nested run under `--posterior` (CALIBRATION.md, "Uncertainty in every answer"): the
    draws are the posterior's rows resampled by weight, systematic resampling (Kitagawa 1996,
    Carpenter et al. 1999): draw k takes the first row whose cumulative weight reaches
    (u + k) / D for one u in [0, 1) (the seeded uniform, not recomputed: its set of values is);
    so the rows come in file order, each of weight w about w D times. Each draw's values are
    the row's, every column (a case parameter `CASE/PATH` included: GAPS.md C10, and marked
    `applied` false, every other column true); with the scenario and deter, each draw's
    probabilities are those of a plain run at its values (`--set`, the case columns not set),
    runs d R .. (d + 1) R."""
    d = json.load(open(npath))
    with open(ppath) as f:
        rows = list(csv.reader(line for line in f if not line.startswith("#")))
    head, rows = rows[0], rows[1:]
    cols = [c for c in head if c not in ("draw", "weight", "distance")]
    same("posterior columns = the nested run's paths", d["parameters"]["paths"] == cols, True, 0, 0)
    same("every path from the posterior", all(d["parameters"]["from_posterior"]), True, 0, 0)
    # OUTPUT.md: `applied` is false for a case column `CASE/PATH` (listed, never set) alone.
    applied = [("/" not in c) != ("applied-cases" in WRONG) for c in cols]
    same("applied = every column but the case columns", d["parameters"]["applied"] == applied,
         True, 0, 0)
    vals = [[float(r[head.index(c)]) for c in cols] for r in rows]
    w = np.array([float(r[head.index("weight")]) for r in rows])
    if "uniform-rows" in WRONG:
        w = np.ones_like(w)
    D = d["draws"]
    idx = []
    for k, row in enumerate(d["parameters"]["values"]):
        hits = [i for i, v in enumerate(vals) if v == row]
        N_CHECKS[0] += 1
        if not hits:
            FAIL.append(f"draw {k}: values {row} are no row of the posterior")
        idx.append(hits[0] if hits else -1)
    if "rows-in-order" in WRONG:
        idx = [k % len(vals) for k in range(D)]
    cum = np.cumsum(w) / w.sum()
    lo, hi = 0.0, 1.0
    for k, i in enumerate(idx):
        if i < 0:
            continue
        # (u + k) / D in (cum[i - 1], cum[i]]: u in (D cum[i - 1] - k, D cum[i] - k]
        lo = max(lo, D * (cum[i - 1] if i > 0 else 0.0) - k - 1e-9)
        hi = min(hi, D * cum[i] - k + 1e-9)
    same("one u in [0, 1) gives every draw's row (systematic resampling by weight)",
         bool(lo < hi), True, 0, 0)
    counts = np.bincount([i for i in idx if i >= 0], minlength=len(vals))
    for i, c in enumerate(counts):
        N_CHECKS[0] += 1
        if not math.floor(w[i] / w.sum() * D - 1e-9) <= c <= math.ceil(w[i] / w.sum() * D + 1e-9):
            FAIL.append(f"row {i} (weight {w[i] / w.sum():.4f}) drawn {c} times of {D}")
    if scenario:
        check_streams(npath, scenario, binary, list(range(D)))


LEVEL_OF = dict(crisis=1, threat=2, display=3, use_of_force=4, war=5)


def event_of(ev, ml):
    """The runs with the event, from the per-run highest MID level (OUTPUT.md `outcomes`);
    None for non_state_incident, which the per-run rows do not carry."""
    if ev == "deterrence_held":
        return ml < 4
    return ml >= LEVEL_OF[ev] if ev in LEVEL_OF else None


def plain_rows(scenario, binary, seed, runs, horizon, sets, tmp, tag):
    plain = plain_copy(scenario)
    try:
        out, rows = os.path.join(tmp, f"{tag}.json"), os.path.join(tmp, f"{tag}.csv")
        subprocess.run([binary, "run", plain, "--runs", str(runs), "--seed", str(seed),
                        "--horizon-years", str(horizon), "--format", "json",
                        "--no-attribution", "--quiet", "--out", out, "--per-run", rows, *sets],
                       check=True, capture_output=True)
        return read_rows(rows)
    finally:
        os.unlink(plain)


def check_nested_compare(cpath, apath, bpath, csvpath=None, sa=None, sb=None, binary=None):
    """A nested comparison (CALIBRATION.md, OUTPUT.md "Nested runs"; guess C7) against the
    nested runs of A and B with the same seed, draws and runs: every figure of `effects`
    recomputed from the two sides' `per_draw`; with the scenarios and deter, the paired
    `mc_error` from each draw's discordant runs (plain runs at the draw's values, runs
    d R .. (d + 1) R, `--per-run`); with the CSV, its rows equal to the JSON's."""
    c, a, b = (json.load(open(x)) for x in (cpath, apath, bpath))
    D, R = c["draws"], c["runs_per_draw"]
    for side in (a, b):
        N_CHECKS[0] += 1
        if (side["draws"], side["runs_per_draw"], side["seed"]) != (D, R, c["seed"]) or \
                side["parameters"]["values"] != c["parameters"]["values"]:
            FAIL.append("a side's nested run is not on the comparison's draws, runs and seed")
    ao = {o["outcome"]: o for o in a["outcomes"]}
    bo = {o["outcome"]: o for o in b["outcomes"]}
    disc = None
    if binary:
        disc = {}
        with tempfile.TemporaryDirectory() as tmp:
            for di, row in enumerate(c["parameters"]["values"]):
                sets = []
                for path, v in zip(c["parameters"]["paths"], row):
                    if "/" in path:
                        continue   # a calibration's case parameter: not set (GAPS.md C10)
                    v = int(v) if path.endswith(".enabled") else repr(float(v))
                    sets += ["--set", f"{path}={v}"]
                ra = plain_rows(sa, binary, c["seed"], (di + 1) * R, c["horizon_years"], sets,
                                tmp, f"a{di}")
                rb = plain_rows(sb, binary, c["seed"], (di + 1) * R, c["horizon_years"], sets,
                                tmp, f"b{di}")
                mla = np.max([r["max_level"] for r in ra.values()], axis=0)[di * R:]
                mlb = np.max([r["max_level"] for r in rb.values()], axis=0)[di * R:]
                for ev in LEVEL_OF.keys() | {"deterrence_held"}:
                    ea, eb = event_of(ev, mla), event_of(ev, mlb)
                    disc[(di, ev)] = (int((ea & ~eb).sum()), int((eb & ~ea).sum()),
                                      float(ea.mean()), float(eb.mean()))
    t = read_tidy(csvpath) if csvpath else None
    for e in c["effects"]:
        ev = e["outcome"]
        pa, pb = np.asarray(ao[ev]["per_draw"]), np.asarray(bo[ev]["per_draw"])
        same(f"{ev} mean_a = A's nested mean", e["mean_a"], ao[ev]["mean"], 1e-12, 1e-15)
        same(f"{ev} mean_b = B's nested mean", e["mean_b"], bo[ev]["mean"], 1e-12, 1e-15)
        delta = pb - pa
        for i in range(D):
            same(f"{ev} per_draw[{i}] = p_B - p_A", e["per_draw"][i], float(delta[i]), 1e-12, 1e-15)
        w = across_draws(delta)
        w["effect_mean"] = w.pop("mean")
        same_figures(ev, e, w)
        if "share-inclusive" in WRONG:
            lower, higher = float((delta <= 0).mean()), float((delta >= 0).mean())
        else:
            lower, higher = float((delta < -1e-12).mean()), float((delta > 1e-12).mean())
        same(f"{ev} share_of_draws_b_lower", e["share_of_draws_b_lower"], lower, 1e-12, 1e-15)
        same(f"{ev} share_of_draws_b_higher", e["share_of_draws_b_higher"], higher, 1e-12, 1e-15)
        if disc is not None and (0, ev) in disc:
            acc = 0.0
            for i in range(D):
                a_only, b_only, qa, qb = disc[(i, ev)]
                same(f"{ev} draw {i} p_A from the plain run's rows", qa, float(pa[i]), 1e-12, 1e-15)
                same(f"{ev} draw {i} p_B from the plain run's rows", qb, float(pb[i]), 1e-12, 1e-15)
                acc += (a_only + b_only) / R - delta[i] ** 2
            same(f"{ev} mc_error (paired within each draw)", e["mc_error"],
                 math.sqrt(max(acc, 0.0) / (R - 1)) / D, 1e-9, 1e-15)
        if t is not None:
            for k in ("mean_a", "mean_b", "effect_mean", "param90_lo", "param90_hi", "mc_error",
                      "se_mean", "mc95_lo", "mc95_hi"):
                if e[k] is not None:
                    same(f"csv region {ev} {k} = JSON", t[("region", ev, k)], e[k], 0, 0)
            same(f"csv region {ev} share_b_lower = JSON", t[("region", ev, "share_b_lower")],
                 e["share_of_draws_b_lower"], 0, 0)
            same(f"csv region {ev} share_b_higher = JSON", t[("region", ev, "share_b_higher")],
                 e["share_of_draws_b_higher"], 0, 0)
            for i in range(D):
                same(f"csv draw:{i} {ev} effect = JSON", t[(f"draw:{i}", ev, "effect")],
                     e["per_draw"][i], 0, 0)


def newcombe_unpaired(c1, n1, c2, n2):
    """Newcombe 1998 method 10 (hybrid score) for p2 - p1 of independent samples."""
    p1, p2 = c1 / n1, c2 / n2
    l1, u1 = wilson(c1, n1)
    l2, u2 = wilson(c2, n2)
    d = p2 - p1
    return (d - math.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2),
            d + math.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2))


def newcombe_paired(both, a_only, b_only, neither):
    """Newcombe 1998 (paired data) method 10 for p_B - p_A: the Wilson intervals of p_A and
    p_B combined with the correlation phi of the 2x2 table (phi 0 when a margin is 0)."""
    n = both + a_only + b_only + neither
    ca, cb = both + a_only, both + b_only
    pa, pb = ca / n, cb / n
    la, ua = wilson(ca, n)
    lb, ub = wilson(cb, n)
    den = (both + a_only) * (neither + b_only) * (both + b_only) * (neither + a_only)
    num = both * neither - a_only * b_only
    if num > 0 and "phi-plain" not in WRONG:
        # Newcombe's phi: AD - BC replaced by max(AD - BC - N/2, 0) when AD > BC (found by
        # measuring: GAPS.md C8; the plain phi is the wrong reading `phi-plain`)
        num = max(num - n / 2, 0)
    phi = num / math.sqrt(den) if den > 0 else 0.0
    d = pb - pa
    dl = math.sqrt(max((pb - lb) ** 2 - 2 * phi * (pb - lb) * (ua - pa) + (ua - pa) ** 2, 0.0))
    du = math.sqrt(max((ub - pb) ** 2 - 2 * phi * (ub - pb) * (pa - la) + (pa - la) ** 2, 0.0))
    return d - dl, d + du


def region_of(rows, H):
    T = 12 * H
    ffm = np.min([np.where(r["ffm"] < 0, T, r["ffm"]) for r in rows.values()], axis=0)
    return dict(max_level=np.max([r["max_level"] for r in rows.values()], axis=0),
                crises=sum(r["crises"] for r in rows.values()),
                disputes=sum(r["disputes"] for r in rows.values()),
                gdp_lost=sum(r["gdp_lost"] for r in rows.values()), years=ffm / 12)


def check_compare(cpath, apath, arows, bpath, brows):
    """A plain comparison (OUTPUT.md, "Comparison") against `deter run` of each side with the
    same seed and runs and their per-run rows: p_a, p_b, the discordant pairs, the paired
    (Newcombe 1998 method 10, paired) and unpaired (method 10) intervals of each outcome, and
    the paired interval of each difference of means per run (mean of d_i +- 1.96 s / sqrt(n))."""
    c, a, b = (json.load(open(x)) for x in (cpath, apath, bpath))
    n, H = c["runs"], a["horizon_years"]
    ra, rb = read_rows(arows), read_rows(brows)
    ents = [("region", c["region"], region_of(ra, H), region_of(rb, H))]
    for r in c["rivalries"]:
        x, y = ra[r["entity"]], rb[r["entity"]]
        T = 12 * H
        ents.append((r["entity"], r, dict(x, years=np.where(x["ffm"] < 0, T, x["ffm"]) / 12),
                     dict(y, years=np.where(y["ffm"] < 0, T, y["ffm"]) / 12)))
    for name, e, xa, xb in ents:
        for o in e["outcomes"]:
            ev = o["outcome"]
            ea, eb = event_of(ev, xa["max_level"]), event_of(ev, xb["max_level"])
            if ea is None:
                # not in the per-run rows: the intervals from the table the comparison reports
                a_only, b_only = o["a_only"], o["b_only"]
                both = round(o["p_a"] * n) - a_only
                neither = n - both - a_only - b_only
            else:
                both, a_only = int((ea & eb).sum()), int((ea & ~eb).sum())
                b_only, neither = int((eb & ~ea).sum()), int((~ea & ~eb).sum())
            same(f"{name} {ev} p_a", o["p_a"], (both + a_only) / n, 1e-12, 1e-15)
            same(f"{name} {ev} p_b", o["p_b"], (both + b_only) / n, 1e-12, 1e-15)
            same(f"{name} {ev} a_only", o["a_only"], a_only, 0, 0)
            same(f"{name} {ev} b_only", o["b_only"], b_only, 0, 0)
            same(f"{name} {ev} diff", o["diff"], (b_only - a_only) / n, 1e-12, 1e-15)
            lo, hi = newcombe_paired(both, a_only, b_only, neither)
            if "unpaired-for-paired" in WRONG:
                lo, hi = newcombe_unpaired(both + a_only, n, both + b_only, n)
            same(f"{name} {ev} paired95_lo", o["paired95_lo"], lo, 1e-9, 1e-12)
            same(f"{name} {ev} paired95_hi", o["paired95_hi"], hi, 1e-9, 1e-12)
            ulo, uhi = newcombe_unpaired(both + a_only, n, both + b_only, n)
            same(f"{name} {ev} unpaired95_lo", o["unpaired95_lo"], ulo, 1e-9, 1e-12)
            same(f"{name} {ev} unpaired95_hi", o["unpaired95_hi"], uhi, 1e-9, 1e-12)
            same(f"{name} {ev} excludes_zero", o["excludes_zero"], not lo <= 0 <= hi, 0, 0)
        for m in e["metrics"]:
            key = m["metric"]
            k = "years" if key == "years_to_first_use_of_force" else key
            dd = np.asarray(xb[k], float) - np.asarray(xa[k], float)
            same(f"{name} {key} mean_a", m["mean_a"], float(np.mean(xa[k])), 1e-9, 1e-9)
            same(f"{name} {key} mean_b", m["mean_b"], float(np.mean(xb[k])), 1e-9, 1e-9)
            same(f"{name} {key} diff", m["diff"], float(dd.mean()), 1e-9, 1e-9)
            half = Z_MEAN * sd(dd) / math.sqrt(n)
            scale = 1e-12 * float(np.max(np.abs(dd))) if dd.size else 0
            same(f"{name} {key} paired95_lo", m["paired95_lo"], float(dd.mean()) - half, 1e-9,
                 1e-9 + scale)
            same(f"{name} {key} paired95_hi", m["paired95_hi"], float(dd.mean()) + half, 1e-9,
                 1e-9 + scale)
            same(f"{name} {key} excludes_zero", m["excludes_zero"],
                 not m["paired95_lo"] <= 0 <= m["paired95_hi"], 0, 0)


def json_at(d, pointer):
    """The value at a JSON pointer (RFC 6901) of d."""
    for part in pointer.lstrip("/").split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        d = d[int(part)] if isinstance(d, list) else d[part]
    return d


def compare_items(c):
    """Every number of a plain comparison's tables, {(entity, metric, statistic): value}, keyed
    as the CSV (OUTPUT.md, "Comparison"): outcomes, means per run, the cost composition's
    shares and shift, the attribution's shift."""
    out = {("scenario", "runs", "value"): c["runs"], ("scenario", "seed", "value"): c["seed"]}
    for e in [c["region"], *c["rivalries"]]:
        ent = e["entity"]
        for o in e["outcomes"]:
            for k in ("p_a", "p_b", "diff", "paired95_lo", "paired95_hi", "unpaired95_lo",
                      "unpaired95_hi", "excludes_zero", "a_only", "b_only"):
                out[(ent, o["outcome"], k)] = o[k]
        for m in e["metrics"]:
            for k in ("mean_a", "mean_b", "diff", "paired95_lo", "paired95_hi", "excludes_zero"):
                out[(ent, m["metric"], k)] = m[k]
        cc = e["cost_composition"]
        for lv in LEVELS:
            for k, side in (("share_a", "a"), ("share_b", "b"), ("shift", "shift")):
                out[(ent, f"cost_composition_{lv}", k)] = cc[side][lv]
    # The dated policies of each side (OUTPUT.md, "policies"): applied, the month it took
    # effect (year and month of `in_effect_from`, only when applied) and the ramp.
    for side in ("a", "b"):
        for pol in c[side].get("policies", []):
            m = f"policy_{pol['id']}"
            frm = pol["in_effect_from"]
            out[("scenario", m, f"applied_{side}")] = int(frm is not None)
            if frm is not None:
                y, mo = frm.split("-")
                out[("scenario", m, f"in_effect_from_year_{side}")] = int(y)
                out[("scenario", m, f"in_effect_from_month_{side}")] = int(mo)
            out[("scenario", m, f"ramp_years_{side}")] = pol["ramp_years"]
    for ent in c.get("attribution_shift", {}).get("entities", []):
        for ev, parts in ent["events"].items():
            for part, x in parts.items():
                for k in ("a", "b", "shift", "paired95_lo", "paired95_hi", "sum6"):
                    out[(ent["entity"], f"attribution_shift_{ev}_{part}", k)] = x[k]
    return out


def check_compare_csv(cpath, csvpath):
    """The plain comparison's CSV (OUTPUT.md, "Comparison"): one row per number of the JSON's
    tables, each the JSON's double (it reads back exactly), no row without one."""
    c = json.load(open(cpath))
    want = compare_items(c)
    seen = set()
    with open(csvpath, newline="") as f:
        for r in csv.DictReader(f):
            key = (r["entity"], r["metric"], r["statistic"])
            N_CHECKS[0] += 1
            if key in seen or key not in want:
                FAIL.append(f"csv row {key}: {'twice' if key in seen else 'no such JSON number'}")
                continue
            seen.add(key)
            v = want[key]
            same(f"csv {'/'.join(key)} = JSON", float(r["value"]),
                 float(v) if v is not None else None, 0, 0)
    for key in want.keys() - seen:
        N_CHECKS[0] += 1
        if want[key] is not None:
            FAIL.append(f"csv: no row for the JSON's {key}")


# decimals each table of the comparison page prints (OUTPUT.md: probabilities at one decimal,
# the outcomes' changes at two, the attribution and cost shifts at one; the means per run at
# two (at 1 or more; at three below 1, none from 100, "0" for 0), their differences at three:
# GAPS.md C11)
def page_format(pointer, v=None):
    last = pointer.rsplit("/", 1)[1]
    if pointer.startswith("/attribution_shift/"):
        return 100, 1
    if "/cost_composition/" in pointer:
        return 100, 1
    if "/outcomes/" in pointer:
        return 100, (1 if last in ("p_a", "p_b") else 2)
    if last in ("mean_a", "mean_b") and "means-two-decimals" not in WRONG:
        return 1, (0 if abs(v) >= 100 else 2 if abs(v) >= 1 else 3)
    return 1, (2 if last in ("mean_a", "mean_b") else 3)


def check_compare_html(cpath, hpath):
    """The plain comparison's page: every `data-k` a JSON pointer whose value is its `data-v`;
    every number of the outcomes, means, cost shift and attribution shift tables on the page;
    and each cell's printed number the value at the table's decimals."""
    import html as html_mod
    import re
    c = json.load(open(cpath))
    page = open(hpath).read()
    seen = set()
    for k, v in re.findall(r'data-k="([^"]+)" data-v="([^"]*)"', page):
        k = html_mod.unescape(k)
        N_CHECKS[0] += 1
        try:
            want = json_at(c, k)
        except (KeyError, IndexError, ValueError):
            FAIL.append(f"page data-k {k}: no such JSON value")
            continue
        seen.add(k)
        same(f"page {k} data-v = JSON", float(v), float(want), 0, 0)
    keys = []
    for i, e in enumerate([c["region"], *c["rivalries"]]):
        base = "/region" if i == 0 else f"/rivalries/{i - 1}"
        for j, _ in enumerate(e["outcomes"]):
            keys += [f"{base}/outcomes/{j}/{k}" for k in ("p_a", "p_b", "diff", "paired95_lo",
                     "paired95_hi", "unpaired95_lo", "unpaired95_hi")]
        for j, _ in enumerate(e["metrics"]):
            keys += [f"{base}/metrics/{j}/{k}" for k in ("mean_a", "mean_b", "diff",
                     "paired95_lo", "paired95_hi")]
        keys += [f"{base}/cost_composition/shift/{lv}" for lv in LEVELS]
    for i, ent in enumerate(c.get("attribution_shift", {}).get("entities", [])):
        for ev, parts in ent["events"].items():
            keys += [f"/attribution_shift/entities/{i}/events/{ev}/{part}/{k}" for part in parts
                     for k in ("a", "b", "shift", "paired95_lo", "paired95_hi")]
    for k in keys:
        N_CHECKS[0] += 1
        if k not in seen:
            FAIL.append(f"page: the JSON's {k} is not on the page")
    cells = re.findall(r'<td[^>]*data-k="([^"]+)" data-v="([^"]*)"[^>]*>(.*?)</td>', page)
    for k, v, text in cells:
        text = html_mod.unescape(re.sub(r"<[^>]+>", "", text))
        if not k.startswith(("/region/", "/rivalries/", "/attribution_shift/")):
            continue
        scale, dec = page_format(k, float(v))
        if "/metrics/" in k and k.endswith(("mean_a", "mean_b")) and float(v) == 0:
            N_CHECKS[0] += 1
            if text != "0":
                FAIL.append(f"page {k}: a mean of 0 printed {text!r}")
            continue
        if "page-decimals" in WRONG:
            dec = 1 if dec > 1 else 2
        x = scale * float(v)
        N_CHECKS[0] += 1
        if "<" in text or "within" in text:
            if not (0 < abs(x) < 0.5 * 10 ** -dec or "within" in text):
                FAIL.append(f"page {k}: printed {text!r} for {x!r}")
            continue
        m = re.match(r"([+-]?\d+(?:\.(\d+))?)", text)
        # the double's exact value rounded, a tie to even (Rust's and Python's `.{dec}f`)
        if not m or m.group(1).lstrip("+") != f"{x:.{dec}f}":
            FAIL.append(f"page {k}: printed {text!r}, the value {x!r} at {dec} decimals")
        if k.rsplit("/", 1)[1] in ("diff", "shift") and c["runs"] >= 2:
            # "unchanged in every run" beside a change 0 in every run, and only there
            # (OUTPUT.md): an outcome with no discordant pair, a mean or shift whose interval
            # is the point 0
            row = json_at(c, k.rsplit("/", 1)[0])
            point = (row["a_only"] == row["b_only"] == 0 if "a_only" in row else
                     row["paired95_lo"] == row["paired95_hi"] == 0 == float(v))
            same(f"page {k}: 'unchanged in every run' said", "unchanged in every run" in text,
                 point, 0, 0)


def per_run_attribution(scenario, binary, seed, runs, tmp, tag):
    """Each run's variant indicators, {entity: {event: array (runs, 8)}}, from `deter run` at
    1 .. runs runs: run i's are the counts at i + 1 runs minus those at i (run i draws from
    stream (seed, i) whatever the number of runs)."""
    prev, out = None, {}
    for n in range(1, runs + 1):
        path = os.path.join(tmp, f"{tag}-{n}.json")
        subprocess.run([binary, "run", scenario, "--runs", str(n), "--seed", str(seed),
                        "--format", "json", "--quiet", "--threads", "1", "--out", path],
                       check=True, capture_output=True)
        d = json.load(open(path))
        cur = {(ent["entity"], ev): [e["variants"][k]["count"] for k in VARIANTS]
               for ent in d["attribution"]["entities"] for ev, e in ent["events"].items()}
        for key, counts in cur.items():
            before = prev[key] if prev else [0] * 8
            out.setdefault(key, []).append([x - y for x, y in zip(counts, before)])
        prev = cur
    return {k: np.asarray(v) for k, v in out.items()}, d


def check_compare_shift(cpath, sa, sb, binary):
    """The comparison's `attribution_shift` and `cost_composition` (OUTPUT.md, "Comparison")
    from the two sides' own runs: a and b are the plain runs' attribution; each run's Shapley
    values of its variant indicators (per_run_attribution) give the shift's sum6 and its paired
    interval (mean +- 1.96 s / sqrt(n) of b_i - a_i, cut to [-2, 2]); the cost shares are each
    side's per-run cost sums over their total (pooled over runs), the shift b - a."""
    c = json.load(open(cpath))
    n, seed = c["runs"], c["seed"]
    with tempfile.TemporaryDirectory() as tmp:
        va, ja = per_run_attribution(sa, binary, seed, n, tmp, "a")
        vb, jb = per_run_attribution(sb, binary, seed, n, tmp, "b")
        rows = []
        for side, s in (("a", sa), ("b", sb)):
            out, pr = os.path.join(tmp, f"{side}.json"), os.path.join(tmp, f"{side}.csv")
            subprocess.run([binary, "run", s, "--runs", str(n), "--seed", str(seed), "--format",
                            "json", "--quiet", "--no-attribution", "--out", out, "--per-run",
                            pr], check=True, capture_output=True)
            rows.append(read_rows(pr))
    ra, rb = rows
    for e in [c["region"], *c["rivalries"]]:
        name = e["entity"]
        shares = []
        for r in (ra, rb):
            if name == "region":
                cost = sum(x["cost"] for x in r.values())
            else:
                cost = r[name]["cost"]
            if "cost-mean-of-shares" in WRONG:
                tot = cost.sum(axis=1, keepdims=True)
                shares.append(np.where(tot > 0, cost / np.where(tot > 0, tot, 1), 0).mean(0))
            else:
                t = cost.sum(axis=0)
                shares.append(t / t.sum())
        for i, lv in enumerate(LEVELS):
            cc = e["cost_composition"]
            same(f"{name} cost_composition.a.{lv}", cc["a"][lv], float(shares[0][i]), 1e-9, 1e-12)
            same(f"{name} cost_composition.b.{lv}", cc["b"][lv], float(shares[1][i]), 1e-9, 1e-12)
            same(f"{name} cost_composition.shift.{lv}", cc["shift"][lv],
                 float(shares[1][i] - shares[0][i]), 1e-9, 1e-12)
    ents_a = {e["entity"]: e for e in ja["attribution"]["entities"]}
    ents_b = {e["entity"]: e for e in jb["attribution"]["entities"]}
    for ent in c["attribution_shift"]["entities"]:
        name = ent["entity"]
        for ev, parts in ent["events"].items():
            xa, xb = va[(name, ev)], vb[(name, ev)]
            sh_a = shapley6({k: xa[:, i] for i, k in enumerate(VARIANTS)})
            sh_b = shapley6({k: xb[:, i] for i, k in enumerate(VARIANTS)})
            sh_a["removing_all"] = 6 * (xa[:, 7] - xa[:, 0])
            sh_b["removing_all"] = 6 * (xb[:, 7] - xb[:, 0])
            for part, x in parts.items():
                ra, rb = sh_a[part] / 6, sh_b[part] / 6
                if "share-of-removal" in WRONG and part != "removing_all":
                    ra, rb = (xa[:, VARIANTS.index(part)] - xa[:, 0],
                              xb[:, VARIANTS.index(part)] - xb[:, 0])
                tag = f"attribution_shift {name} {ev} {part}"
                same(f"{tag}.a = A's attribution", x["a"],
                     ents_a[name]["events"][ev][part]["change"], 0, 0)
                same(f"{tag}.b = B's attribution", x["b"],
                     ents_b[name]["events"][ev][part]["change"], 0, 0)
                same(f"{tag}.a (per-run values)", x["a"], float(ra.mean()), 1e-12, 1e-15)
                same(f"{tag}.b (per-run values)", x["b"], float(rb.mean()), 1e-12, 1e-15)
                # each side's own attribution interval (OUTPUT.md `attribution`): mean +- 1.96
                # sd / sqrt(runs) of the per-run values, cut to [-1, 1]
                for side, rr, ents in (("A", ra, ents_a), ("B", rb, ents_b)):
                    got = ents[name]["events"][ev][part]
                    half = Z_MEAN * sd(rr) / math.sqrt(n)
                    same(f"{tag} {side}'s attribution paired95_lo", got["paired95_lo"],
                         max(float(rr.mean()) - half, -1.0), 1e-9, 1e-12)
                    same(f"{tag} {side}'s attribution paired95_hi", got["paired95_hi"],
                         min(float(rr.mean()) + half, 1.0), 1e-9, 1e-12)
                    same(f"{tag} {side}'s attribution sum6", got["sum6"],
                         int(round(6 * rr.sum())), 0, 0)
                dd = rb - ra
                same(f"{tag}.shift", x["shift"], float(dd.mean()), 1e-12, 1e-15)
                same(f"{tag}.sum6", x["sum6"], int(round(6 * dd.sum())), 0, 0)
                if "shift-unpaired" in WRONG:
                    half = Z_MEAN * math.sqrt((sd(ra) ** 2 + sd(rb) ** 2) / n)
                else:
                    half = Z_MEAN * sd(dd) / math.sqrt(n)
                lo, hi = max(float(dd.mean()) - half, -2.0), min(float(dd.mean()) + half, 2.0)
                same(f"{tag}.paired95_lo", x["paired95_lo"], lo, 1e-9, 1e-12)
                same(f"{tag}.paired95_hi", x["paired95_hi"], hi, 1e-9, 1e-12)


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
    elif cmd == "nested-compare":
        rest = args[4:]
        csvp = rest[0] if rest and rest[0].endswith(".csv") else None
        rest = rest[1:] if csvp else rest
        check_nested_compare(args[1], args[2], args[3], csvp, *rest[:3])
    elif cmd == "compare":
        check_compare(*args[1:6])
    elif cmd == "posterior":
        check_posterior(*args[1:5])
    elif cmd == "compare-csv":
        check_compare_csv(args[1], args[2])
    elif cmd == "compare-html":
        check_compare_html(args[1], args[2])
    elif cmd == "compare-shift":
        check_compare_shift(*args[1:5])
    elif cmd == "nested-csv":
        check_nested_csv(args[1], args[2])
    elif cmd == "nested-html":
        check_nested_html(args[1], args[2])
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
