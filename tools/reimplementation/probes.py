#!/usr/bin/env python3
"""Exact probes of the policy rules the third and fourth reviews had to guess (GAPS.md N1,
N2, N3, N5; C1-C4, a change's magnitude as a path), and of alliance restraint (sixth review:
where it must change nothing, MODEL.md 7.6, 7.7, 7.13):
pairs of deter runs on overlays of cases/base.toml whose JSON reports must be equal (or must
differ), timing, hashes, names, overrides and the list of policies aside. Common random numbers make "equal" exact.

    python3 probes.py [DETER_BIN]      exit 1 if a probe does not hold

Each probe: (what the docs say, run A, run B, expect equal?).
"""

import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
BASE = os.path.join(HERE, "cases", "base.toml")

FILES = {
    "envoy": """[[policy]]
id = "envoy"
start = "2027-01"
changes = [{ path = "rivalry.AAA-BBB.monitoring", set = 0.9 }]
""",
    "early": """[[policy]]
id = "early"
start = "2024-03"
changes = [{ path = "alliance.EAST.reliability", set = 0.9 }]
""",
    "at-start": """[[policy]]
id = "early"
start = "2025-01"
changes = [{ path = "alliance.EAST.reliability", set = 0.9 }]
""",
    "concentration": """[[policy]]
id = "early"
start = "2024-03"
changes = [{ path = "alliance.PACT.reliability_concentration", set = 1000000.0 }]
""",
    "force-ends": """[[policy]]
id = "ends"
start = "2025-01"
changes = [{ path = "deployment.MISSION.capability", set = 0.0 }]
""",
    "force-declared-0": """[[deployment]]
id = "MISSION"
capability = 0.0
""",
    "force-up": """[[deployment]]
id = "G"
host = "BBB"
contributors = ["PAT"]
capability = 0.0

[[policy]]
id = "up"
start = "2025-01"
changes = [{ path = "deployment.G.capability", set = 0.4 }]
""",
    "force-declared": """[[deployment]]
id = "G"
host = "BBB"
contributors = ["PAT"]
capability = 0.4
""",
    "join-policy": """[[power]]
id = "FAR"
capability = 20.0
in_theatre = 0.1

[[policy]]
id = "j"
start = "2025-01"
join = [{ alliance = "PACT", member = "FAR" }]
""",
    "join-declared": """[[power]]
id = "FAR"
capability = 20.0
in_theatre = 0.1

[[alliance]]
id = "PACT"
members = ["BBB", "DDD", "BIG", "FAR"]
""",
}


def changes_text(m0=0.6, m1=0.1, m2=1.5, c0=0.5):
    """cases/changes.toml's policies with their magnitudes (the fourth review's probes)."""
    return f"""[[policy]]
id = "mix"
start = "2026-01"
ramp_years = 1
changes = [
  {{ path = "rivalry.AAA-BBB.monitoring", set = {m0} }},
  {{ path = "country.BBB.military.readiness", add = {m1} }},
  {{ path = "deployment.MISSION.capability", scale = {m2}, name = "mission_scale" }},
]

[[policy]]
id = "sanction"
start = "2027-01"
changes = [
  {{ path = "rivalry.AAA-CCC.sanctions_credibility", set = {c0}, name = "credibility" }},
  {{ path = "model.war_cost", add = 0.2 }},
  {{ path = "alliance.PACT.reliability", scale = 1.2 }},
]
"""


FILES.update({
    "changes": changes_text(),
    "changes-m0": changes_text(m0=0.9),
    "changes-m1": changes_text(m1=0.25),
    "changes-m2": changes_text(m2=2.0),
    "changes-c0": changes_text(c0=0.9),
})

PROBES = [
    ("N5: a decimal start of 2026.05 is February (nearest month)",
     ("envoy", "policy.envoy.start=2026.05"), ("envoy", "policy.envoy.start=2026.0833333333333"),
     True),
    ("N5: ... and not January", ("envoy", "policy.envoy.start=2026.05"),
     ("envoy", "policy.envoy.start=2026.0"), False),
    ("N5: 2026.04 is January", ("envoy", "policy.envoy.start=2026.04"),
     ("envoy", "policy.envoy.start=2026.0"), True),
    ("N3: a policy before the start is a policy at the start", ("early", None),
     ("at-start", None), True),
    ("N3: ... applied after the draw (not a --set of the prior mean)", ("early", None),
     (None, "alliance.EAST.reliability=0.9"), False),
    ("N3: reliability_concentration by policy changes nothing", ("concentration", None),
     (None, None), True),
    ("N1: a force set to 0 by policy is a force declared 0", ("force-ends", None),
     ("force-declared-0", None), True),
    ("N1: a force set positive by policy is a force declared so", ("force-up", None),
     ("force-declared", None), True),
    ("N2: a power's join at the start is a declared member", ("join-policy", None),
     ("join-declared", None), True),
    ("C1, C4: changes[0].set is the first change's `set`, replaced",
     ("changes", "policy.mix.changes[0].set=0.9"), ("changes-m0", None), True),
    ("C1: ... and it moves the outcome", ("changes", None), ("changes-m0", None), False),
    ("C4: changes[1].add replaces the `add`", ("changes", "policy.mix.changes[1].add=0.25"),
     ("changes-m1", None), True),
    ("C3, C4: changes[2].scale of a named change", ("changes", "policy.mix.changes[2].scale=2"),
     ("changes-m2", None), True),
    ("C3: ... the same as its name", ("changes", "policy.mix.mission_scale=2"),
     ("changes-m2", None), True),
    ("C3: a named `set` by changes[0].set", ("changes", "policy.sanction.changes[0].set=0.9"),
     ("changes-c0", None), True),
    ("C3: ... and by its name", ("changes", "policy.sanction.credibility=0.9"),
     ("changes-c0", None), True),
]

# (what the docs say, file, --set): the command must be refused with exit 2
REFUSED = [
    ("C2: a path naming another operation than the change's",
     "changes", "policy.mix.changes[0].add=0.1"),
    ("C4: a `set` outside the target parameter's range", "changes",
     "policy.mix.changes[0].set=1.5"),
    ("C1: a change index past the policy's changes", "changes", "policy.mix.changes[3].set=0.5"),
]


# Alliance restraint (MODEL.md 7.7, 7.13; the reimpl23 review, GAPS.md C15-): pairs of runs,
# attribution on, whose whole reports (or the named attribution variants) must be equal or
# differ. HIST: the bundled files; "+" joins several --set.
HIST = os.path.join(HERE, "..", "..", "scenarios")
ON = "model.protector_restraint=1+model.restraint_cost=0.2"
QUIET_CCC = ("rivalry.AAA-CCC.opportunity_rate=0+rivalry.AAA-CCC.nonstate_rate=0"
             "+rivalry.AAA-CCC.target_trigger_rate=0")
RESTRAINT = [
    ("7.6: restraint_cost is read only when protector_restraint > 0",
     ("western-balkans-2024.toml", "model.restraint_cost=3"), ("western-balkans-2024.toml", None),
     None, True),
    ("7.7: restraint moves a protected target's outcomes",
     ("western-balkans-2024.toml", ON), ("western-balkans-2024.toml", None), None, False),
    ("7.7: restraint changes nothing without a protector (Georgia 2004: no node 4)",
     ("history/russia-georgia-2004.toml", ON), ("history/russia-georgia-2004.toml", None),
     None, True),
    ("7.7: ... nor against Ukraine 2013", ("history/russia-ukraine-2013.toml", ON),
     ("history/russia-ukraine-2013.toml", None), None, True),
    ("7.13: the military level's removal removes restraint (every variant without it equal)",
     ("western-balkans-2024.toml", ON), ("western-balkans-2024.toml", None),
     ("military", "military+political", "military+economic", "all"), True),
    ("7.13: ... where stationed forces keep node 4, the political removal keeps it",
     ("western-balkans-2024.toml", ON), ("western-balkans-2024.toml", None),
     ("political",), False),
    ("7.13: a pact alone makes node 4: the political removal removes restraint",
     (None, ON + "+" + QUIET_CCC), (None, QUIET_CCC),
     ("political", "political+economic", "military", "military+political", "military+economic",
      "all"), True),
    ("7.13: ... and the run itself and the economic removal keep it", (None, ON + "+" + QUIET_CCC),
     (None, QUIET_CCC), ("none", "economic"), False),
]


def restraint_report(binary, tmp, name, setting):
    path = BASE if name is None else os.path.join(HIST, name)
    out = os.path.join(tmp, f"r-{os.path.basename(path)}-{setting}.json".replace("=", "_"))
    args = [binary, "run", path, "--runs", "2000", "--seed", "5", "--format", "json", "--quiet",
            "--out", out]
    for s_ in (setting.split("+") if setting else []):
        args += ["--set", s_]
    subprocess.run(args, check=True, capture_output=True)
    d = json.load(open(out))
    for k in ("timing", "scenario_sha256", "overrides", "policies", "scenario"):
        d.pop(k, None)
    return d


def variants(d, names):
    """The attribution's counts under the named variants, of every event, region and rivalries."""
    out = []
    for entity in d["attribution"]["entities"]:
        for event, a in sorted(entity["events"].items()):
            out.append((entity["entity"], event, [a["variants"][v]["count"] for v in names]))
    assert out, "no attribution in the report"
    return out


def scenario(tmp, name):
    path = BASE
    if name is not None:
        path = os.path.join(tmp, f"{name}.toml")
        with open(path, "w") as f:
            f.write(f"extends = {json.dumps(BASE)}\n\n" + FILES[name])
    return path


def report(binary, tmp, name, setting):
    path = scenario(tmp, name)
    out = os.path.join(tmp, f"{name}-{setting}.json".replace("=", "_"))
    args = [binary, "run", path, "--runs", "4000", "--seed", "5", "--format", "json",
            "--no-attribution", "--quiet", "--out", out]
    if setting:
        args += ["--set", setting]
    subprocess.run(args, check=True, capture_output=True)
    d = json.load(open(out))
    for k in ("timing", "scenario_sha256", "overrides", "policies", "scenario"):
        d.pop(k, None)
    return d


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        HERE, "..", "..", "target", "release", "deter")
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        for what, a, b, equal in PROBES:
            same = report(binary, tmp, *a) == report(binary, tmp, *b)
            ok = same == equal
            bad += not ok
            print(f"{'holds' if ok else 'FAILS'}: {what} ({'equal' if same else 'different'})")
        for what, a, b, names, equal in RESTRAINT:
            ra, rb = restraint_report(binary, tmp, *a), restraint_report(binary, tmp, *b)
            same = ra == rb if names is None else variants(ra, names) == variants(rb, names)
            ok = same == equal
            bad += not ok
            print(f"{'holds' if ok else 'FAILS'}: {what} ({'equal' if same else 'different'})")
        for what, name, setting in REFUSED:
            r = subprocess.run([binary, "run", scenario(tmp, name), "--runs", "10", "--quiet",
                                "--no-attribution", "--format", "json", "--set", setting],
                               capture_output=True, text=True)
            ok = r.returncode == 2
            bad += not ok
            first = (r.stderr.strip().splitlines() or [""])[0]
            print(f"{'holds' if ok else 'FAILS'}: {what} (exit {r.returncode}: {first})")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
