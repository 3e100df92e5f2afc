#!/usr/bin/env python3
"""Compare a deter nested run with model2.py's run at deter's own parameter draws
(`model2.py --nested D --draws-from DETER.json`): per draw and outcome, the two-proportion z
of p_deter - p_model2 (each draw's R runs independent between the sides), read at a
family-wise z.

    python3 compare_nested.py DETER_NESTED.json MODEL2_NESTED.json [--z 3.8544]
"""
import json
import math
import sys

EVENTS = ("threat", "display", "use_of_force", "war", "non_state_incident")


def main():
    d = json.load(open(sys.argv[1]))
    m = json.load(open(sys.argv[2]))
    z = float(sys.argv[sys.argv.index("--z") + 1]) if "--z" in sys.argv else 3.8544
    n1, n2 = d["runs_per_draw"], m["runs_per_draw"]
    D = min(len(m["parameters"]["values"]), d["draws"])
    for a, b in zip(d["parameters"]["values"][:D], m["parameters"]["values"]):
        assert all(abs(x - y) < 1e-12 for x, y in zip(a, b)), "not deter's draws"
    do = {o["outcome"]: o for o in d["outcomes"]}
    mo = {o["outcome"]: o for o in m["outcomes"]}
    bad = 0
    tot = 0
    big = (0.0, "")
    print(f"deter {d['draws']} draws x {n1} runs (seed {d['seed']}); model2.py {D} of them x {n2} "
          f"runs (seed {m['seed']}); |z| > {z} marked *")
    print()
    print("| draw | " + " | ".join(EVENTS) + " |")
    print("|---" * (len(EVENTS) + 1) + "|")
    sums = {ev: [0.0, 0.0] for ev in EVENTS}
    for di in range(D):
        cells = []
        for ev in EVENTS:
            p1, p2 = do[ev]["per_draw"][di], mo[ev]["per_draw"][di]
            pp = (p1 * n1 + p2 * n2) / (n1 + n2)
            se = math.sqrt(pp * (1 - pp) * (1 / n1 + 1 / n2))
            zz = (p1 - p2) / se if se > 0 else 0.0
            tot += 1
            bad += abs(zz) > z
            if abs(zz) > abs(big[0]):
                big = (zz, f"draw {di} {ev}")
            sums[ev][0] += p1 - p2
            sums[ev][1] += p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2
            cells.append(f"{100 * p1:.1f} vs {100 * p2:.1f}{' *' if abs(zz) > z else ''}")
        print(f"| {di} | " + " | ".join(cells) + " |")
    print()
    print(f"{tot - bad} of {tot} inside; largest |z| {abs(big[0]):.2f} ({big[1]}).")
    print("Mean over the draws of p_deter - p_model2 (descriptive), in points, with its z:")
    for ev in EVENTS:
        dd, vv = sums[ev]
        print(f"  {ev}: {100 * dd / D:+.2f} (z {dd / math.sqrt(vv) if vv > 0 else 0:+.2f})")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
