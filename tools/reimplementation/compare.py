#!/usr/bin/env python3
"""Compare deter's JSON output with model2.py's: two-sample 95% intervals on each difference.

    python3 compare.py DETER.json MODEL2.json [--yearly] [--variants]
    python3 compare.py D1.json,D2.json,... M1.json,M2.json,...   (other seeds pooled)
    python3 compare.py DETER.json MODEL2.json --rivalries   (also per rivalry, the region's final
        balance and cost composition, and the yearly tension and balance bands)

Probabilities: Newcombe's hybrid score interval (method 10, from the two Wilson intervals) on
p_deter - p_model2. Means per run: normal approximation, diff +- 1.96 sqrt(sd1^2/n1 + sd2^2/n2)
(deter's yearly counts give mc95 = mean +- z sd / sqrt(n), z = 1.959963984540054, from which sd
is recovered).
"agree" means the interval contains 0. Standard library only.
"""

import json
import math
import sys

Z = float(__import__("os").environ.get("COMPARE_Z", "1.959963984540054"))


def wilson(c, n):
    p = c / n
    den = 1 + Z * Z / n
    centre = (p + Z * Z / (2 * n)) / den
    half = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / den
    return centre - half, centre + half


def newcombe(c1, n1, c2, n2):
    p1, p2 = c1 / n1, c2 / n2
    l1, u1 = wilson(c1, n1)
    l2, u2 = wilson(c2, n2)
    d = p1 - p2
    lo = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    hi = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return d, lo, hi


def mean_diff(m1, s1, n1, m2, s2, n2):
    d = m1 - m2
    se = math.sqrt(s1 * s1 / n1 + s2 * s2 / n2)
    return d, d - Z * se, d + Z * se


def fmt_row(name, a, b, d, lo, hi, pct=True):
    ok = "yes" if lo <= 0 <= hi else "**no**"
    if pct:
        return (f"| {name} | {100 * a:.2f}% | {100 * b:.2f}% | {100 * d:+.2f} "
                f"[{100 * lo:+.2f}, {100 * hi:+.2f}] | {ok} |")
    return f"| {name} | {a:.3f} | {b:.3f} | {d:+.3f} [{lo:+.3f}, {hi:+.3f}] | {ok} |"


def pooled(paths):
    """Several runs of one implementation (other seeds) pooled: counts and runs summed, means
    and standard deviations of the metrics combined exactly (law of total variance)."""
    ds = [json.load(open(p)) for p in paths.split(",")]
    if len(ds) == 1:
        return ds[0]
    out = dict(ds[0])
    n = sum(d["runs"] for d in ds)
    out["runs"] = n
    out["seed"] = "+".join(str(d["seed"]) for d in ds)
    out["outcomes"] = {}
    for ev in ds[0]["outcomes"]:
        if not isinstance(ds[0]["outcomes"][ev], dict) or "count" not in ds[0]["outcomes"][ev]:
            continue
        c = sum(d["outcomes"][ev]["count"] for d in ds)
        out["outcomes"][ev] = {"count": c, "p": c / n}
    out["metrics"] = {}
    for mname, m0 in ds[0]["metrics"].items():
        if not isinstance(m0, dict) or "sd" not in m0:
            continue
        mean = sum(d["metrics"][mname]["mean"] * d["runs"] for d in ds) / n
        ss = sum((d["runs"] - 1) * d["metrics"][mname]["sd"] ** 2
                 + d["runs"] * (d["metrics"][mname]["mean"] - mean) ** 2 for d in ds)
        out["metrics"][mname] = {"mean": mean, "sd": math.sqrt(ss / (n - 1))}
    # not pooled: the first file's would be read at the pooled number of runs
    for key in ("crisis_outcomes", "yearly", "rivalries", "cost_composition", "attribution",
                "variants", "mechanisms"):
        out.pop(key, None)
    return out


def main():
    if "," in sys.argv[1] + sys.argv[2] and any(
            f in sys.argv for f in ("--rivalries", "--rivalry-yearly", "--variants")):
        sys.exit("compare.py: --rivalries, --rivalry-yearly and --variants read one file a side "
                 "(per-rivalry rows, cost shares and variants are not pooled)")
    dj = pooled(sys.argv[1])
    mj = pooled(sys.argv[2])
    yearly = "--yearly" in sys.argv
    variants = "--variants" in sys.argv
    n1, n2 = dj["runs"], mj["runs"]
    out = [f"deter: {n1} runs (seed {dj['seed']}); model2.py: {n2} runs (seed {mj['seed']})", "",
           "| outcome | deter | model2.py | difference [95%] | agree |", "|---|---|---|---|---|"]
    bad = 0
    tot = 0
    for ev in ("threat", "display", "use_of_force", "war", "non_state_incident", "crisis"):
        c1 = dj["outcomes"][ev]["count"]
        c2 = mj["outcomes"][ev]["count"]
        d, lo, hi = newcombe(c1, n1, c2, n2)
        out.append(fmt_row(f"P({ev})", c1 / n1, c2 / n2, d, lo, hi))
        tot += 1
        bad += not (lo <= 0 <= hi)
    for mname in ("crises", "disputes", "gdp_lost", "years_to_first_use_of_force"):
        a, b = dj["metrics"][mname], mj["metrics"][mname]
        if a is None or "sd" not in a:
            continue
        d, lo, hi = mean_diff(a["mean"], a["sd"], n1, b["mean"], b["sd"], n2)
        out.append(fmt_row(f"mean {mname}", a["mean"], b["mean"], d, lo, hi, pct=False))
        tot += 1
        bad += not (lo <= 0 <= hi)
    out.append("")
    out.append(f"{tot - bad} of {tot} agree.")
    if "crisis_outcomes" in dj and "crisis_outcomes" in mj:
        sh = dj["crisis_outcomes"]["shares"]
        out.append("")
        out.append("Crisis outcome shares (per crisis opportunity; descriptive, no interval: the "
                   "crises of a run are not independent):")
        out.append("")
        out.append("| outcome | deter | model2.py |")
        out.append("|---|---|---|")
        for k in ("general_deterrence", "coercion_success", "immediate_deterrence",
                  "failure_limited", "failure_war"):
            out.append(f"| {k} | {100 * sh[k]:.2f}% | {100 * mj['crisis_outcomes'][k]:.2f}% |")
    if yearly and dj.get("yearly"):
        out.append("")
        out.append("Per-year mean counts, difference deter - model2.py (95% interval); * outside:")
        out.append("")
        kinds = ("crisis_triggers", "threats", "displays", "uses_of_force", "wars",
                 "non_state_incidents", "target_triggers")
        out.append("| year | " + " | ".join(kinds) + " |")
        out.append("|---" * (len(kinds) + 1) + "|")
        nb = 0
        nt = 0
        for yd, ym in zip(dj["yearly"], mj["yearly"]):
            cells = []
            for k in kinds:
                a = yd["counts"][k]
                b = ym["counts"][k]
                sd1 = (a["mc95_hi"] - a["mc95_lo"]) / (2 * 1.959963984540054) * math.sqrt(n1)
                d, lo, hi = mean_diff(a["mean"], sd1, n1, b["mean"], b["sd"], n2)
                star = "" if lo <= 0 <= hi else " *"
                nb += bool(star)
                nt += 1
                cells.append(f"{a['mean']:.3f} vs {b['mean']:.3f}{star}")
            out.append(f"| {yd['year']} | " + " | ".join(cells) + " |")
        out.append("")
        out.append(f"{nb} of {nt} per-year counts outside their 95% interval "
                   f"(about {0.05 * nt:.1f} expected by chance).")
    if variants and "attribution" in dj and "variants" in mj:
        ent = dj["attribution"]["entities"][0]["events"]
        na = dj["attribution"]["runs"]
        out.append("")
        out.append("Attribution variants (7.13): P(event) under each removal, deter (common random "
                   "numbers) against model2.py (an independent sample per variant):")
        out.append("")
        out.append("| event | variant | deter | model2.py | difference [95%] | agree |")
        out.append("|---|---|---|---|---|---|")
        nb = nt = 0
        for ev in ("threat", "display", "use_of_force", "war"):
            for v, c2 in ((v, mj["variants"][v][ev]) for v in mj["variants"]):
                c1 = ent[ev]["variants"][v]["count"]
                d, lo, hi = newcombe(c1, na, c2, n2)
                ok = lo <= 0 <= hi
                nb += not ok
                nt += 1
                out.append(f"| {ev} | {v} | {100 * c1 / na:.2f}% | {100 * c2 / n2:.2f}% | "
                           f"{100 * d:+.2f} [{100 * lo:+.2f}, {100 * hi:+.2f}] | "
                           f"{'yes' if ok else '**no**'} |")
        out.append("")
        out.append(f"{nt - nb} of {nt} agree.")
    if "--rivalries" in sys.argv:
        out.extend(rivalry_rows(dj, mj))
    if "--rivalry-yearly" in sys.argv:
        out.extend(rivalry_yearly_rows(dj, mj))
    print("\n".join(out))


COUNT_KINDS = ("crisis_triggers", "threats", "displays", "uses_of_force", "wars",
               "non_state_incidents", "target_triggers")


def rivalry_yearly_diffs(dj, mj):
    """Per rivalry, year and count (docs/OUTPUT.md `yearly[].counts`): (rivalry, year, kind,
    deter's mean, model2.py's mean, z of the difference). deter's sd is recovered from its
    Monte Carlo interval (mean +- 1.96 sd / sqrt(runs)); a count that is 0 in every run of both
    gives z = 0."""
    n1, n2 = dj["runs"], mj["runs"]
    rows = []
    for a, b in zip(dj["rivalries"], mj["rivalries"]):
        assert a["id"] == b["id"]
        for ya, yb in zip(a["yearly"], b["yearly"]):
            for k in COUNT_KINDS:
                x, y = ya["counts"][k], yb["counts"][k]
                sd1 = (x["mc95_hi"] - x["mc95_lo"]) / (2 * 1.959963984540054) * math.sqrt(n1)
                se = math.sqrt(sd1 ** 2 / n1 + y["sd"] ** 2 / n2)
                d = x["mean"] - y["mean"]
                zz = d / se if se > 0 else (0.0 if d == 0 else math.inf)
                rows.append((a["id"], ya["year"], k, x["mean"], y["mean"], zz))
    return rows


def rivalry_yearly_rows(dj, mj, zcrit=None):
    zcrit = zcrit or Z
    out = ["", f"Per rivalry and year, mean counts deter vs model2.py; * |z| > {zcrit:.4f}:", "",
           "| rivalry | year | " + " | ".join(COUNT_KINDS) + " |",
           "|---|---" + "|---" * len(COUNT_KINDS) + "|"]
    rows = rivalry_yearly_diffs(dj, mj)
    nb = 0
    for i in range(0, len(rows), len(COUNT_KINDS)):
        cells = []
        for rid, year, k, x, y, zz in rows[i:i + len(COUNT_KINDS)]:
            bad = abs(zz) > zcrit
            nb += bad
            cells.append(f"{x:.3f} vs {y:.3f}{' *' if bad else ''}")
        out.append(f"| {rows[i][0]} | {rows[i][1]} | " + " | ".join(cells) + " |")
    big = max(rows, key=lambda r: abs(r[5]))
    out += ["", f"{nb} of {len(rows)} outside; largest |z| {abs(big[5]):.2f} ({big[0]} {big[1]} "
            f"{big[2]})."]
    return out


BAND_TOL = {"tension": ("abs", 0.005), "balance": ("rel", 0.047)}   # one bin (docs/OUTPUT.md)


def rivalry_rows(dj, mj):
    """Per-rivalry rows (and the region's final balance and cost composition): the same
    intervals; the cost composition's shares with the interval sqrt(2) x model2.py's standard
    error (deter reports no error for them); the yearly tension and balance bands
    descriptively, model2.py's order-statistic band widened by one of deter's bins."""
    n1, n2 = dj["runs"], mj["runs"]
    out = []
    bad = tot = 0
    bands_bad = bands_tot = 0
    ents = [("region", dj, mj)] + [(f"rivalry {a['id']}", a, b)
                                   for a, b in zip(dj["rivalries"], mj["rivalries"])]
    out += ["", "Per rivalry (and the region's final balance and cost composition):", "",
            "| entity | quantity | deter | model2.py | difference [95%] | agree |",
            "|---|---|---|---|---|---|"]
    for name, a, b in ents:
        rows = []
        if name != "region":
            for ev in ("threat", "display", "use_of_force", "war", "non_state_incident"):
                c1, c2 = a["outcomes"][ev]["count"], b["outcomes"][ev]["count"]
                d, lo, hi = newcombe(c1, n1, c2, n2)
                rows.append((f"P({ev})", f"{100 * c1 / n1:.2f}%", f"{100 * c2 / n2:.2f}%",
                             f"{100 * d:+.2f} [{100 * lo:+.2f}, {100 * hi:+.2f}]", lo, hi))
        mnames = ("final_balance",) if name == "region" else (
            "crises", "disputes", "gdp_lost", "final_balance")
        for mn in mnames:
            x, y = a["metrics"][mn], b["metrics"][mn]
            d, lo, hi = mean_diff(x["mean"], x["sd"], n1, y["mean"], y["sd"], n2)
            rows.append((f"mean {mn}", f"{x['mean']:.4f}", f"{y['mean']:.4f}",
                         f"{d:+.4f} [{lo:+.4f}, {hi:+.4f}]", lo, hi))
        for lev in ("military", "political", "economic"):
            x, y = a["cost_composition"][lev], b["cost_composition"][lev]
            se = math.sqrt(2) * b["cost_composition"][lev + "_se"]
            d = x - y
            lo, hi = d - Z * se, d + Z * se
            rows.append((f"cost share {lev}", f"{100 * x:.2f}%", f"{100 * y:.2f}%",
                         f"{100 * d:+.2f} [{100 * lo:+.2f}, {100 * hi:+.2f}]", lo, hi))
        for q, x, y, txt, lo, hi in rows:
            ok = lo <= 0 <= hi
            bad += not ok
            tot += 1
            out.append(f"| {name} | {q} | {x} | {y} | {txt} | {'yes' if ok else '**no**'} |")
    out += ["", f"{tot - bad} of {tot} agree."]
    out += ["", "Per rivalry, per crisis (descriptive: the crises of a run are not independent, so "
            "the intervals, which treat them as independent, are too narrow): crisis outcome "
            "shares, commitments honoured, sanctions at the display followed by backing down:", "",
            "| rivalry | quantity | deter | model2.py | difference [95%, crises independent] |",
            "|---|---|---|---|---|"]
    for a, b in zip(dj["rivalries"], mj["rivalries"]):
        co = a["crisis_outcomes"]
        n_a = sum(co["counts"].values())
        n_b = b["crisis_outcomes"]["total"]
        rows = [(k, co["counts"][k], n_a, round(b["crisis_outcomes"][k] * n_b), n_b)
                for k in ("general_deterrence", "coercion_success", "immediate_deterrence",
                          "failure_limited", "failure_war")]
        mech, mm = a["mechanisms"], b["mechanisms"]
        if mech["commitments"]["invoked"] and mm.get("commitments_invoked"):
            rows.append(("commitments honoured", mech["commitments"]["honoured"]["count"],
                         mech["commitments"]["invoked"], mm["commitments_honoured"],
                         mm["commitments_invoked"]))
        if mech["sanctions_at_display"]["invoked"] and mm.get("sanctions_display"):
            rows.append(("sanctions at display, backed down",
                         mech["sanctions_at_display"]["honoured"]["count"],
                         mech["sanctions_at_display"]["invoked"],
                         mm["sanctions_display_succeeded"], mm["sanctions_display"]))
        for k, c1, m1, c2, m2 in rows:
            d, lo, hi = newcombe(c1, m1, c2, m2)
            out.append(f"| {a['id']} | {k} | {100 * c1 / m1:.2f}% of {m1} | {100 * c2 / m2:.2f}% "
                       f"of {m2} | {100 * d:+.2f} [{100 * lo:+.2f}, {100 * hi:+.2f}] |")
    out += ["", "Yearly bands at the year's end (descriptive: deter's value against model2.py's "
            "order-statistic 95% band, computed with deter's bins where model2.py gives them, "
            "else widened by one bin); cells outside marked *:", "",
            "| rivalry | band | year | p05 | p25 | p50 | p75 | p95 |", "|---|---|---|---|---|---|---|---|"]
    for a, b in zip(dj["rivalries"], mj["rivalries"]):
        for band in ("tension", "balance"):
            kind, tol = BAND_TOL[band]
            for ya, yb in zip(a["yearly"], b["yearly"]):
                cells = []
                for q in ("p05", "p25", "p50", "p75", "p95"):
                    v = ya[band][q]
                    if q + "_binned" in yb[band]:
                        # deter's own binning applied to model2.py's runs: no widening
                        lo, hi = yb[band][q + "_binned_lo"], yb[band][q + "_binned_hi"]
                    else:
                        lo, hi = yb[band][q + "_lo"], yb[band][q + "_hi"]
                        lo, hi = ((lo - tol, hi + tol) if kind == "abs"
                                  else (lo * (1 - tol), hi * (1 + tol)))
                    ok = lo <= v <= hi
                    bands_bad += not ok
                    bands_tot += 1
                    mv = yb[band].get(q + "_binned", yb[band][q])
                    cells.append(f"{v:.3f} vs {mv:.3f}{'' if ok else ' *'}")
                out.append(f"| {a['id']} | {band} | {ya['year']} | " + " | ".join(cells) + " |")
    out += ["", f"{bands_bad} of {bands_tot} band cells outside (descriptive)."]
    return out


if __name__ == "__main__":
    main()
