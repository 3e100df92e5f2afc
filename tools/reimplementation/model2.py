#!/usr/bin/env python3
"""An independent re-implementation of deter's model 2 from docs/MODEL.md alone.

Written without reading src/ (phase 1 of the re-implementation review); its guesses are listed
in GAPS.md beside it. It simulates a scenario file (the baseline
scenarios/western-balkans-2024.toml and scenarios/history/*-20??.toml; since phase 2, not
blind, also overlays, joins, `add`/`scale`, ties and the baseline-shift rule of policies, for
the bundled overlays), all runs at once as numpy arrays, region-wide, and prints the outcome probabilities over the horizon, a few per-run
metrics, the crisis outcome shares and the per-year mean counts as JSON.

Third review (blind, GAPS.md N1-N14): policies on deployments, powers, a policy's own values,
the quantiles as docs/OUTPUT.md defines them, and nested Monte Carlo over `[[uncertain]]`
priors (`--nested D`, with `--draws-from` to simulate at deter's own draws).

Sixth review (GAPS.md, sixth review): alliance restraint (`model.protector_restraint`,
`model.restraint_cost`), written from MODEL.md 7.6, 7.7, 7.9 and 7.13 alone; and each per-crisis
share's standard error over runs (`share_se`).

Seventh review (GAPS.md, seventh review): the protectors' decision at the casus foederis
(`model.commitment_at_attack` 1), written from MODEL.md 7.7 "The commitment at the attack" and
7.9 alone.

Eighth review (GAPS.md, eighth review): the protectors' resolve as private information
(`model.resolve_spread`, `model.resolve_signal`) and misjudged by the challenger
(`model.protector_resolve_misjudged`), written from MODEL.md 7.7 and 2.1 alone.

Ninth review (GAPS.md, ninth review): the misjudgment lifted by a nuclear pact
(`model.misjudgment_pact_clarity`, MODEL.md 7.5 `s_T` and 7.7 `m_eff`) and the protectors' limited
fight priced in theatre (`model.limited_fight_in_theatre`, MODEL.md 7.6 `K_l`), written from
MODEL.md 2.1, 7.5, 7.6 and 7.7 alone.

Tenth review (GAPS.md, tenth review): the protectors' two moves (`model.protector_moves_twice`:
node 6, P fights or stays out after A's use of force knowing its node-4 move; the uniform u_9)
and the reneging cost (`model.reneging_cost`), written from MODEL.md 2.1, 3.1 and 7.7 alone.

Eleventh review (GAPS.md, eleventh review): the tripwire at the display
(`model.tripwire_at_display`: with the two moves, a P that stayed out at node 4 pays the
stationed part `pt` of the abandonment after force whatever it does at node 6), written from
MODEL.md 2.1 and 7.7 alone.

It cannot reproduce deter's random streams (section 3.1 of MODEL.md); it matches distributions.

    python3 tools/reimplementation/model2.py scenarios/western-balkans-2024.toml --runs 20000 --seed 1
"""

import argparse
import json
import math
import re
import sys
import tomllib

import numpy as np

DT = 1.0 / 12.0

# ----------------------------------------------------------------- defaults (MODEL.md 2.1)
MODEL = dict(
    rationality=10.0, rationality_target=3.0, rationality_protector=5.0,
    status_quo_value=0.25, decisiveness=1.0, tension_sensitivity=1.0,
    perception_noise=0.6, war_cost=0.8, limited_force_cost=0.3, punishment=1.0,
    strategic_punishment=1.0, monitoring_cost=0.25, alliance_cost=0.15,
    stake_gdp_share=0.0333, trade_gdp_loss=0.063, dispute_trade_share=0.69,
    audience_cost=0.02, display_cost_factor=0.0, war_uncertainty=2.0, war_resistance=8.0,
    target_stake=0.3, concession_cohesion=0.25, concession_reputation=0.25,
    concession_power=0.0, concession_demands=0.0, concession_demands_loss=0.0,
    concession_unguarded=1.0, mobilisation_shock=0.3, mobilisation_shock_cost=2.0,
    target_war_cost=0.6, treaty_cost=0.18, tripwire_cost=2.45, commit_cost=0.05,
    protector_war_cost=1.0, protect_value=0.3, political_reversion=0.5,
    reputation_reversion=0.2, reputation_loss=0.15, reputation_gain=0.05,
    tension_jump_threat=0.05, tension_jump_display=0.1, tension_jump_force=0.25,
    force_gdp_loss=0.005, war_gdp_loss_challenger=0.1, war_gdp_loss_target=0.2,
    sanctions_gdp_loss=0.02, procurement_bonus=0.15, display_sanctions_share=0.05,
    reaction_display_reward=0.12, defeat_memory=0.0, defeat_memory_decay=0.2,
    defeat_memory_reset=0.0, dispute_recency=0.0, dispute_recency_decay=0.5,
    war_revelation=1.0, war_revelation_decay=0.2, nonstate_tension=1.0,
    nonstate_narrative=1.0, nonstate_monitoring=1.0, nonstate_crisis=0.5,
    tension_jump_nonstate=0.1, target_trigger_cohesion=1.0, tension_jump_target=0.05,
    war_duration=1.0, fait_accompli=0.0, casus_foederis_cost=0.0,
    fait_accompli_resistance=1.0, protector_restraint=0.0, restraint_cost=0.05,
    commitment_at_attack=0.0, resolve_spread=0.0, resolve_signal=0.5,
    protector_resolve_misjudged=0.0, misjudgment_pact_clarity=0.0, limited_fight_in_theatre=0.0,
    protector_moves_twice=0.0, reneging_cost=0.0, tripwire_at_display=0.0,
)
MILITARY = dict(readiness=0.6, readiness_reversion=0.5, interoperability=0.5, quality=1.0,
                procurement_efficiency=1.0, investment_share=0.25, depreciation=0.08,
                expeditionary=0.2)
POLITICAL = dict(cohesion=0.6, cohesion_volatility=0.05, narrative=0.2,
                 narrative_volatility=0.05, reputation=0.5)
ECONOMIC = dict(growth=0.03, volatility=0.03, trade_west=0.5)
POWER = dict(quality=1.0, in_theatre=0.0, interoperability=0.9, substitution=0.0,
             reinforcement=0.1, strategic=0.0)
ALLIANCE = dict(reliability=0.77, reliability_concentration=20.0, collective_procurement=False)
DEPLOYMENT = dict(reliability=0.85, interoperability=0.9)
RIVALRY = dict(stakes=1.0, dissatisfaction=0.5, tension=0.3, tension_reversion=0.5,
               tension_volatility=0.1, opportunity_rate=0.5, trade=0.05, monitoring=0.3,
               sanctions_credibility=0.5, challenger_share=1.0, nonstate_rate=0.3,
               target_trigger_rate=0.3)
RANGES = {  # only the parameters the bundled policies change (MODEL.md 2.1)
    "capability": (0.0, 1e7), "trade": (0.0, 1.0), "budget_share": (0.0, 0.5),
    "quality": (0.05, 10.0), "monitoring": (0.0, 1.0), "readiness": (0.0, 1.0),
    "interoperability": (0.0, 1.0), "expeditionary": (0.0, 1.0), "cohesion": (0.0, 1.0),
    "narrative": (0.0, 1.0), "reputation": (0.0, 1.0), "procurement_efficiency": (0.0, 5.0),
    "sanctions_credibility": (0.0, 1.0), "substitution": (0.0, 1.0), "ties": (0.0, 1.0),
    # added for the policy test cases (tools/reimplementation/cases)
    "budget": (0.0, 1e5), "gdp": (0.001, 1e6), "tension": (0.0, 1.0), "reliability": (0.0, 1.0),
    "procurement_bonus": (0.0, 2.0),
    # added for the third review's cases (deployments, powers, timing, nested; MODEL.md 2.1)
    "in_theatre": (0.0, 1.0), "reinforcement": (0.0, 1.0), "strategic": (0.0, 1.0),
    "reliability_concentration": (0.5, 1e6), "war_cost": (0.0, 10.0),
    "perception_noise": (0.0, 5.0), "opportunity_rate": (0.0, 52.0), "nonstate_rate": (0.0, 52.0),
    "stakes": (0.0, 100.0),
}
MISREAD = set()   # power checks only (--misread): wrong readings of the docs
MEAN_REVERTING = {"readiness": "r", "cohesion": "c", "narrative": "n", "reputation": "rep"}


def load_toml(path, depth=0):
    """A scenario file with its `extends` chain merged (SCENARIO.md, "Overlays"): [scenario]
    and [model] keys override; an entity whose id exists is patched key by key (members,
    contributors, changes and join replaced whole); a new id adds an entity."""
    import os
    with open(path, "rb") as f:
        d = tomllib.load(f)
    if "extends" not in d:
        return d
    if depth > 16:
        raise SystemExit("extends: too deep")
    base = load_toml(os.path.join(os.path.dirname(path), d["extends"]), depth + 1)
    for table in ("scenario", "model"):
        base.setdefault(table, {}).update(d.get(table, {}))

    def eid(kind, e):
        if kind == "rivalry" and "id" not in e:
            return f"{e['challenger']}-{e['target']}"
        return e["id"]

    # [[uncertain]]: an overlay's entry replaces its base's for the same path (SCENARIO.md)
    for e in d.get("uncertain", []):
        base["uncertain"] = [x for x in base.get("uncertain", []) if x["path"] != e["path"]] + [e]
    for kind in ("power", "country", "alliance", "deployment", "rivalry", "policy"):
        for e in d.get(kind, []):
            old = next((x for x in base.get(kind, []) if eid(kind, x) == eid(kind, e)), None)
            if old is None:
                base.setdefault(kind, []).append(e)
                continue
            for k, v in e.items():
                if isinstance(v, dict) and isinstance(old.get(k), dict):
                    old[k].update(v)
                else:
                    old[k] = v
    return base


def logistic(x):
    x = np.asarray(x, dtype=float)
    out = np.empty_like(x)
    pos = x >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-x[pos]))
    e = np.exp(x[~pos])
    out[~pos] = e / (1.0 + e)
    return out


def month_index(s):
    if isinstance(s, int):
        return s * 12
    s = str(s)
    y, m = (s.split("-") + ["1"])[:2]
    return int(y) * 12 + int(m) - 1


# ----------------------------------------------------------------- scenario (MODEL.md 5)
class Scenario:
    def __init__(self, path):
        d = load_toml(path)
        sc = d.get("scenario", {})
        self.name = sc.get("name", path)
        self.start = month_index(sc.get("start", "2025-01"))
        self.start_year = self.start // 12
        self.horizon_years = int(sc.get("horizon_years", 10))
        self.model = dict(MODEL)
        self.model.update(d.get("model", {}))
        self.powers = {}
        for p in d.get("power", []):
            q = dict(POWER)
            q.update({k: v for k, v in p.items() if k not in ("id", "name")})
            self.powers[p["id"]] = q
        self.countries = {}
        for c in d.get("country", []):
            q = {}
            q.update(MILITARY)
            q.update(c.get("military", {}))
            q.update(POLITICAL)
            q.update({k: v for k, v in c.get("political", {}).items() if k != "ties"})
            q.update(ECONOMIC)
            q.update(c.get("economic", {}))
            q["ties"] = dict(c.get("political", {}).get("ties", {}))
            if "budget_share" not in c.get("military", {}):
                q["budget_share"] = min(q["budget"] / q["gdp"], 0.5)
            if "capability" not in c.get("military", {}):
                q["capability"] = (q["procurement_efficiency"] * q["investment_share"]
                                   * q["budget"] / q["depreciation"])
            self.countries[c["id"]] = q
        self.alliances = []
        for a in d.get("alliance", []):
            q = dict(ALLIANCE)
            q.update(a)
            self.alliances.append(q)
        self.deployments = []
        for dep in d.get("deployment", []):
            q = dict(DEPLOYMENT)
            q.update(dep)
            q.setdefault("contributors", [])
            self.deployments.append(q)
        self.rivalries = []
        for rv in d.get("rivalry", []):
            r = dict(RIVALRY)
            r.update(rv)
            if "baseline_tension" in rv:
                r["baseline_tension_given"] = True
            r.setdefault("baseline_tension", r["tension"])
            r.setdefault("id", f"{r['challenger']}-{r['target']}")
            self.rivalries.append(r)
        self.uncertain = list(d.get("uncertain", []))
        self.given_capability = {c["id"] for c in d.get("country", [])
                                 if "capability" in c.get("military", {})}
        self.raw_policies = [dict(p) for p in d.get("policy", [])]
        self.schedule()

    def schedule(self):
        """Policy events (MODEL.md 5): each enabled policy at step max(0, months from start),
        sorted by (step, file order); at or after the horizon: never."""
        self.policies = []
        for i, p in enumerate(self.raw_policies):
            if not p.get("enabled", True):
                continue
            step = max(0, month_index(p["start"]) - self.start)
            if step >= 12 * self.horizon_years:
                continue
            self.policies.append((step, i, p))
        self.policies.sort(key=lambda x: (x[0], x[1]))

    def apply_path(self, path, value):
        """A what-if on a parameter path before the run (SCENARIO.md paths; `--set`, a nested
        run's draw). Guesses N4-N6 in GAPS.md (third review)."""
        parts = path.split(".")
        if parts[0] == "model":
            self.model[parts[1]] = float(value)
        elif parts[0] == "rivalry":
            r = next(r for r in self.rivalries if r["id"] == parts[1])
            if parts[2] == "tension" and "baseline_tension_given" not in r:
                # a derived default follows the value it is derived from (SWEEPS.md: setting a
                # value re-derives what depends on it)
                r["baseline_tension"] = float(value)
            r[parts[2]] = float(value)
        elif parts[0] == "alliance":
            next(a for a in self.alliances if a["id"] == parts[1])[parts[2]] = float(value)
        elif parts[0] == "deployment":
            next(x for x in self.deployments if x["id"] == parts[1])[parts[2]] = float(value)
        elif parts[0] == "power":
            self.powers[parts[1]][parts[2]] = float(value)
        elif parts[0] == "country":
            q = self.countries[parts[1]]
            if parts[-2] == "ties":
                q["ties"][parts[-1]] = float(value)
            else:
                q[parts[-1]] = float(value)
                if parts[-1] in ("budget", "procurement_efficiency", "investment_share",
                                 "depreciation") and parts[1] not in self.given_capability:
                    q["capability"] = (q["procurement_efficiency"] * q["investment_share"]
                                       * q["budget"] / q["depreciation"])
        elif parts[0] == "policy":
            p = next(p for p in self.raw_policies if p["id"] == parts[1])
            key = ".".join(parts[2:])
            if key == "enabled":
                p["enabled"] = bool(round(float(value)))
            elif key == "start":
                # a decimal year, year + (month - 1) / 12, rounded to the month
                mi = int(math.floor(float(value) * 12 + 0.5))
                p["start"] = f"{mi // 12:04d}-{mi % 12 + 1:02d}"
            elif key == "ramp_years":
                p["ramp_years"] = float(value)
            elif "magnitude-ignored" in MISREAD:
                pass   # power check only: a change's magnitude given by a path is ignored
            else:
                chs = [dict(c) for c in p.get("changes", [])]
                m_ = re.match(r"changes\[(\d+)\]\.(set|add|scale)$", key)
                if m_:
                    ch = chs[int(m_.group(1))]
                else:
                    ch = next(c for c in chs if c.get("name") == key)
                op = next(o for o in ("set", "add", "scale") if o in ch)
                ch[op] = float(value)
                p["changes"] = chs
            self.schedule()
        else:
            raise SystemExit(f"--set {path}: not a parameter path")


# ----------------------------------------------------------------- the crisis game (MODEL.md 7.6-7.7)
def at_attack_on(m):
    """The commitment at the attack (7.7), unless a power check reads the tree as the one with
    the commitment after the display (`--misread commitment-before-force`)."""
    return m["commitment_at_attack"] != 0 and "commitment-before-force" not in MISREAD


def twice_on(m):
    """The protectors' two moves (7.7): node 6 after A's use of force; refused with the
    commitment at the attack (2.1), so never together with it. `--misread node6-one-move`
    (a power check) keeps the one move at the display."""
    return (m["protector_moves_twice"] != 0 and m["commitment_at_attack"] == 0
            and "node6-one-move" not in MISREAD)


def tripwire_display_on(m):
    """The tripwire at the display (7.7): read only with the two moves. `--misread
    tripwire-ignored` (a power check) keeps node 6 after a stay-out pricing the whole pa."""
    return (twice_on(m) and m["tripwire_at_display"] != 0
            and "tripwire-ignored" not in MISREAD)


def resolve_on(m):
    """The protectors' private resolve (7.7): read only with the commitment at the attack, and
    not in a crisis where restraint is offered (the refused combination, if made at run time)."""
    return (m["commitment_at_attack"] != 0 and m["resolve_spread"] > 0
            and m["protector_restraint"] <= 0)


def commit_prob(m, bP, gap, S, mu):
    """P's probability of committing at the casus foederis given its payoff gap VP(1) - VP(0)
    (7.7): one logit, or with the private resolve the mean over the two types, each type's
    staying out costing theta D more (D = resolve_spread S), with A's belief mu that P is
    resolute given the signal."""
    if mu is None:
        return logistic(bP * gap)
    D = m["resolve_spread"] * S
    return mu * logistic(bP * (gap + D)) + (1 - mu) * logistic(bP * (gap - D))


def solve_game(m, g, p0, p1, V, dr, tk, rrev, pF1=None, mu=None, misjudged=0.0):
    """Backward pass of 7.7 for arrays of crises. g: per-crisis constants (arrays or scalars).
    mu: the belief that P is resolute given the crisis's signal (private resolve on), else
    None; misjudged: the factor m of A's perceived game (P's cost of staying out at the casus
    foederis times 1 - m), 0 in the real game.

    Returns the probabilities the play needs: P(challenge), r, d, c[s_d], Fforce[s_d][k], w[k].
    """
    S = g["S"]
    bA, bT, bP = m["rationality"], m["rationality_target"], m["rationality_protector"]
    lfc = m["limited_force_cost"]
    p = [p0, p1]
    cw = [m["war_cost"] * S * 2 * (1 - p0), m["war_cost"] * S * (2 * (1 - p1) + g["pun"])]
    cl = [lfc * cw[0], lfc * cw[1]]
    pol = [g["pol0"], g["pol1"]]
    dc = m["display_cost_factor"] * m["war_cost"] * S
    au = m["audience_cost"] * S
    sc, tc, td = g["sc"], g["tc"], g["td"]
    s, sD = g["s"], g["sD"]
    chat = m["war_uncertainty"]
    w = []
    for k in (0, 1):
        cpr = (cw[k] + pol[k] + tc) / np.maximum(V, 1e-9)
        q = np.minimum(1.0, m["war_resistance"] * (1 - p[k]))
        if chat <= 0:
            wk = np.zeros_like(p0)
        else:
            wk = np.clip(np.minimum(chat - np.maximum(cpr, 0.0), 2 * np.clip(q, 0, 1)) / (2 * chat),
                         0.0, 0.5)
        w.append((1 - m["war_revelation"] * rrev) * wk)
    tv = m["target_stake"] * S
    tw = [m["target_war_cost"] * S * 2 * p[k] for k in (0, 1)]
    tl = [lfc * tw[k] for k in (0, 1)]
    pc, pa, pw, pv = g["pc"], g["pa"], g["pw"], g["pv"]
    pl = g["pl"] if "pl" in g else lfc * pw
    # the casus foederis's cost of staying out as A misjudges it (7.7; 1 in the real game)
    mis = 1.0 - misjudged if at_attack_on(m) else 1.0
    pi = m["mobilisation_shock"]
    x = m["mobilisation_shock_cost"] * S
    exists = g["exists"]
    VA5, VT5, VP5, FF = {}, {}, {}, {}
    C5 = {}   # A's expected costs by level (military, political, economic) from node 5 on
    at_attack = at_attack_on(m)
    twice = twice_on(m)
    G = {}    # with the two moves: P(P fights at node 6 | force, s_d, k4), real or A's game
    for sd in (0, 1) if twice else ():
        # the protectors' two moves (7.7): node 4 (k4) where it is, node 6 after force; A
        # chooses force knowing s_d and k4, expecting node 6's decision g(s_d, k4)
        sig = 1.0 if sd else s
        BA = dr - dc - 2 * au - sd * sc - td
        BAc = (dc, 2 * au, sd * sc + td)
        FA, FAc, T5, VP = [], [], [], []
        for k in (0, 1):
            FA.append(p[k] * V + dr - dc - w[k] * cw[k] - (1 - w[k]) * cl[k] - pol[k] - tc
                      - sig * sc)
            FAc.append((dc + w[k] * cw[k] + (1 - w[k]) * cl[k], pol[k], tc + sig * sc))
            T5.append(-p[k] * tv - (w[k] * tw[k] + (1 - w[k]) * tl[k]))
            if k == 1:   # the use of force's leaf with k = 1: cc once, at node 4 or node 6
                VP.append(-p[k] * pv - (pc + w[k] * pw + (1 - w[k]) * pl))
            else:        # staying out: the abandonment pa (treaty and tripwire)
                VP.append(-p[k] * pv - pa)
        rn = m["reneging_cost"] * S
        if "reneging-ignored" in MISREAD:   # power check only: rn not read at node 6
            rn = 0.0
        # the tripwire at the display (7.7): the stationed part pt = tripwire_cost trip S of
        # pa, paid after force by a P that stayed out at node 4 whatever it does at node 6, so
        # its fight there costs pt on top of VP(s_d, 1); its stay-out's pa already holds it
        pt = g["pt"] if tripwire_display_on(m) else 0.0
        if "tripwire-whole-abandonment" in MISREAD:   # power check only: pt read as all of pa
            pt = pa if tripwire_display_on(m) else 0.0
        for k4 in (0, 1):
            UP1 = VP[1] - (1 - k4) * pt
            # after a commitment at node 4 its cost cc is sunk and staying out reneges (rn)
            UP0 = VP[0] - k4 * (pc + rn)
            gk = np.where(exists, logistic(bP * (UP1 - UP0)), 0.0)
            G[sd, k4] = gk
            FAs = gk * FA[1] + (1 - gk) * FA[0]
            FAcs = [gk * FAc[1][l] + (1 - gk) * FAc[0][l] for l in range(3)]
            f = logistic(bA * (FAs - BA))
            if pi > 0:
                fh = logistic(bA * (FAs - x - BA))
                F = pi * fh + (1 - pi) * f
                VA5[sd, k4] = (pi * (fh * (FAs - x) + (1 - fh) * BA)
                               + (1 - pi) * (f * FAs + (1 - f) * BA))
                C5[sd, k4] = [pi * (fh * (FAcs[l] + (x if l == 0 else 0.0)) + (1 - fh) * BAc[l])
                              + (1 - pi) * (f * FAcs[l] + (1 - f) * BAc[l]) for l in range(3)]
            else:
                F = f
                VA5[sd, k4] = f * FAs + (1 - f) * BA
                C5[sd, k4] = [f * FAcs[l] + (1 - f) * BAc[l] for l in range(3)]
            VT5[sd, k4] = F * (gk * T5[1] + (1 - gk) * T5[0])
            # A backs down: P keeps its node-4 cost
            VP5[sd, k4] = F * (gk * UP1 + (1 - gk) * UP0) + (1 - F) * (-k4 * pc)
            FF[sd, k4] = F
    for sd in (0, 1) if not (at_attack or twice) else ():
        sig = 1.0 if sd else s
        BA = dr - dc - 2 * au - sd * sc - td
        BAc = (dc, 2 * au, sd * sc + td)
        for k in (0, 1):
            FA = (p[k] * V + dr - dc - w[k] * cw[k] - (1 - w[k]) * cl[k] - pol[k] - tc - sig * sc)
            FAc = (dc + w[k] * cw[k] + (1 - w[k]) * cl[k], pol[k], tc + sig * sc)
            f = logistic(bA * (FA - BA))
            Tf = -p[k] * tv - (w[k] * tw[k] + (1 - w[k]) * tl[k])
            if k == 1:
                Pf = -p[k] * pv - (pc + w[k] * pw + (1 - w[k]) * pl)
            else:
                Pf = -p[k] * pv - pa
            if pi > 0:
                fh = logistic(bA * (FA - x - BA))
                F = pi * fh + (1 - pi) * f
                VA5[sd, k] = pi * (fh * (FA - x) + (1 - fh) * BA) + (1 - pi) * (f * FA + (1 - f) * BA)
                # the revealed cost x is military (7.7, node 5')
                C5[sd, k] = [pi * (fh * (FAc[l] + (x if l == 0 else 0.0)) + (1 - fh) * BAc[l])
                             + (1 - pi) * (f * FAc[l] + (1 - f) * BAc[l]) for l in range(3)]
            else:
                F = f
                VA5[sd, k] = f * FA + (1 - f) * BA
                C5[sd, k] = [f * FAc[l] + (1 - f) * BAc[l] for l in range(3)]
            VT5[sd, k] = F * Tf
            VP5[sd, k] = F * Pf + (1 - F) * (-k * pc)
            FF[sd, k] = F
    c, rho, VA4, VT4 = {}, {}, {}, {}
    aR = m["protector_restraint"]
    for sd in (0, 1) if at_attack else ():
        # the commitment at the attack (7.7): P decides after A's use of force, A chooses
        # force with its expectation of that decision
        sig = 1.0 if sd else s
        BA = dr - dc - 2 * au - sd * sc - td
        BAc = (dc, 2 * au, sd * sc + td)
        FA, FAc, T5, VP = [], [], [], []
        for k in (0, 1):
            FA.append(p[k] * V + dr - dc - w[k] * cw[k] - (1 - w[k]) * cl[k] - pol[k] - tc
                      - sig * sc)
            FAc.append((dc + w[k] * cw[k] + (1 - w[k]) * cl[k], pol[k], tc + sig * sc))
            T5.append(-p[k] * tv - (w[k] * tw[k] + (1 - w[k]) * tl[k]))
            if k == 1:
                VP.append(-p[k] * pv - (pc + w[k] * pw + (1 - w[k]) * pl))
            else:
                VP.append(-p[k] * pv - mis * pa)
        cs = np.where(exists, commit_prob(m, bP, VP[1] - VP[0], S, mu), 0.0)
        FAs = cs * FA[1] + (1 - cs) * FA[0]
        FAcs = [cs * FAc[1][l] + (1 - cs) * FAc[0][l] for l in range(3)]
        f = logistic(bA * (FAs - BA))
        if pi > 0:
            fh = logistic(bA * (FAs - x - BA))
            F = pi * fh + (1 - pi) * f
            va5 = pi * (fh * (FAs - x) + (1 - fh) * BA) + (1 - pi) * (f * FAs + (1 - f) * BA)
            c5 = [pi * (fh * (FAcs[l] + (x if l == 0 else 0.0)) + (1 - fh) * BAc[l])
                  + (1 - pi) * (f * FAcs[l] + (1 - f) * BAc[l]) for l in range(3)]
        else:
            F = f
            va5 = f * FAs + (1 - f) * BA
            c5 = [f * FAcs[l] + (1 - f) * BAc[l] for l in range(3)]
        vt5 = F * (cs * T5[1] + (1 - cs) * T5[0])
        vp5 = F * (cs * VP[1] + (1 - cs) * VP[0])   # A backs down: P has not moved, pays 0
        for k in (0, 1):   # A's force and its values do not depend on k (P has not moved)
            VA5[sd, k], VT5[sd, k], C5[sd, k], FF[sd, k] = va5, vt5, c5, F
        c[sd] = cs
        if aR > 0:
            # node 4R: P's only move at the display is to restrain or not (weights a_R, 1)
            AR = V + dr - dc - sd * sc - td
            PR = -pv - m["restraint_cost"] * S
            top = np.maximum(vp5, PR)
            eR = aR * np.exp(bP * (PR - top))
            rho[sd] = np.where(exists, eR / (eR + np.exp(bP * (vp5 - top))), 0.0)
            VA4[sd] = rho[sd] * AR + (1 - rho[sd]) * va5
            VT4[sd] = rho[sd] * (-tk) + (1 - rho[sd]) * vt5
        else:
            rho[sd] = np.zeros_like(cs)
            VA4[sd], VT4[sd] = va5, vt5
    for sd in (0, 1) if not at_attack else ():
        if aR > 0:
            # node 4 with alliance restraint (7.7): a weighted multinomial logit over commit,
            # stay out and restrain (weights 1, 1, a_R); the restraint leaf of 7.6
            AR = V + dr - dc - sd * sc - td
            TR = -tk
            PR = -pv - m["restraint_cost"] * S
            if "restraint-sign" in MISREAD:   # power check only: P gains its ward's concession
                PR = pv - m["restraint_cost"] * S
            top = np.maximum(np.maximum(VP5[sd, 1], VP5[sd, 0]), PR)
            e1 = np.exp(bP * (VP5[sd, 1] - top))
            e0 = np.exp(bP * (VP5[sd, 0] - top))
            eR = aR * np.exp(bP * (PR - top))
            E = e1 + e0 + eR
            c[sd] = np.where(exists, e1 / E, 0.0)
            rho[sd] = np.where(exists, eR / E, 0.0)
            VA4[sd] = c[sd] * VA5[sd, 1] + rho[sd] * AR + (1 - c[sd] - rho[sd]) * VA5[sd, 0]
            VT4[sd] = c[sd] * VT5[sd, 1] + rho[sd] * TR + (1 - c[sd] - rho[sd]) * VT5[sd, 0]
            continue
        c[sd] = np.where(exists, logistic(bP * (VP5[sd, 1] - VP5[sd, 0])), 0.0)
        rho[sd] = np.zeros_like(c[sd])
        VA4[sd] = c[sd] * VA5[sd, 1] + (1 - c[sd]) * VA5[sd, 0]
        VT4[sd] = c[sd] * VT5[sd, 1] + (1 - c[sd]) * VT5[sd, 0]
    DA = (1 - sD) * VA4[0] + sD * VA4[1]
    DT = (1 - sD) * VT4[0] + sD * VT4[1]
    d = logistic(bA * (DA + au + td))
    nd = g["nd"]
    r = logistic(bT * (d * DT + tk + nd * np.maximum(-d * DT, 0.0)))
    UA = r * (d * DA + (1 - d) * (-au - td)) + (1 - r) * (V - td)
    # the composition of A's expected cost of challenging (7.7, a diagnostic): the costs of
    # UA by level, through the same tree and probabilities (guess R6 in GAPS.md)
    cost = []
    for l, back2 in ((0, 0.0), (1, au), (2, td)):
        # the restraint leaf's costs (7.7): military dc, political none, economic s_d sc + td
        CR = [(dc, 0.0, sd * sc + td)[l] for sd in (0, 1)]
        if at_attack:   # A's expectation over P's decision is inside C5 already
            C4 = [rho[sd] * CR[sd] + (1 - rho[sd]) * C5[sd, 0][l] for sd in (0, 1)]
        else:
            C4 = [c[sd] * C5[sd, 1][l] + rho[sd] * CR[sd] + (1 - c[sd] - rho[sd]) * C5[sd, 0][l]
                  for sd in (0, 1)]
        CD = (1 - sD) * C4[0] + sD * C4[1]
        cost.append(r * (d * CD + (1 - d) * back2) + (1 - r) * (td if l == 2 else 0.0))
    aF = m["fait_accompli"]
    out = dict(r=r, d=d, c=c, rho=rho, F=FF, w=w, UA=UA, cost=cost, G=G)
    if aF <= 0:
        out["pch"] = logistic(bA * (UA - m["status_quo_value"]))
        out["pfa"] = np.zeros_like(UA)
        return out
    # node F (7.7): the fait accompli's inputs (7.6), p^F_0 = p_0
    pF = [p0, pF1]
    cwF = [cw[0], m["war_cost"] * S * (2 * (1 - pF1) + g["pun"])]
    clF = [lfc * cwF[0], lfc * cwF[1]]
    twF = [m["target_war_cost"] * S * 2 * pF[k] for k in (0, 1)]
    paF = pa + m["casus_foederis_cost"] * g["B"] * S
    if "misjudged-threat-only" not in MISREAD:   # power check only: PA^F not scaled
        paF = mis * paF
    FFk, VPF = [], []
    for k in (0, 1):
        cpr = (cwF[k] + pol[k] + tc) / np.maximum(V, 1e-9)
        q = np.minimum(1.0, m["fait_accompli_resistance"] * m["war_resistance"] * (1 - pF[k]))
        if chat <= 0:
            wk = np.zeros_like(p0)
        else:
            wk = np.clip(np.minimum(chat - np.maximum(cpr, 0.0), 2 * np.clip(q, 0, 1)) / (2 * chat),
                         0.0, 0.5)
        wk = (1 - m["war_revelation"] * rrev) * wk
        out.setdefault("wF", []).append(wk)
        FFk.append(pF[k] * V - wk * cwF[k] - (1 - wk) * clF[k] - pol[k] - tc - s * sc)
        if k == 1:
            Pf = -pF[k] * pv - (pc + wk * pw + (1 - wk) * pl)
        else:
            Pf = -pF[k] * pv - paF
        VPF.append(Pf)
    cF = np.where(exists, commit_prob(m, bP, VPF[1] - VPF[0], S, mu), 0.0)
    UF = cF * FFk[1] + (1 - cF) * FFk[0]
    out["cF"] = cF
    us = m["status_quo_value"]
    top = np.maximum(np.maximum(UA, UF), us)
    eA, eF, eS = np.exp(bA * (UA - top)), aF * np.exp(bA * (UF - top)), np.exp(bA * (us - top))
    E = eA + eF + eS
    out["pch"] = eA / E
    out["pfa"] = eF / E
    return out


def csf(x, y, mdec):
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    if mdec == 0:
        return np.full(np.broadcast(x, y).shape, 0.5)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = logistic(-mdec * np.log(np.where((x > 0) & (y > 0), y / np.where(x > 0, x, 1), 1.0)))
    out = np.where((x <= 0) & (y <= 0), 0.5, np.where(x <= 0, 0.0, np.where(y <= 0, 1.0, out)))
    return out


# ----------------------------------------------------------------- the simulation
def simulate(sc, runs, seed, removal=frozenset(), misread=frozenset()):
    import copy
    rng = np.random.default_rng(seed)
    sc = copy.copy(sc)
    sc.model = dict(sc.model)
    sc.alliances = [dict(a, members=list(a["members"])) for a in sc.alliances]
    m = sc.model
    R = runs
    T = 12 * sc.horizon_years
    Y_ = sc.horizon_years
    rivs = [dict(r) for r in sc.rivalries]
    cids = list(sc.countries)
    C = {cid: dict(q, ties=dict(q["ties"])) for cid, q in sc.countries.items()}   # parameters (policies may change)
    P = {pid: dict(q) for pid, q in sc.powers.items()}
    deps = [dict(q) for q in sc.deployments]
    # per-run state
    st = {cid: dict(Y=np.full(R, float(q["gdp"])), K=np.full(R, float(q["capability"])),
                    r=np.full(R, float(q["readiness"])), c=np.full(R, float(q["cohesion"])),
                    n=np.full(R, float(q["narrative"])), rep=np.full(R, float(q["reputation"])))
          for cid, q in C.items()}
    # procurement multipliers (5; recomputed after a join or a change of a model.* value, 7.10)
    mu = {cid: 1.0 for cid in cids}

    def recompute_mu():
        for cid in cids:
            mu[cid] = 1.0
        for a in sc.alliances:
            if a.get("collective_procurement"):
                for mem in a["members"]:
                    if mem in mu:
                        mu[mem] = 1.0 + m["procurement_bonus"]
    recompute_mu()
    # per-run treaty weights (7.11)
    b = []
    for a in sc.alliances:
        rho, kap = a["reliability"], a["reliability_concentration"]
        if rho <= 0 or rho >= 1:
            b.append(np.full(R, float(rho)))
        else:
            b.append(rng.beta(rho * kap, (1 - rho) * kap, size=R))
    # per rivalry: tension, at war, what the last war revealed, A's memory of defeats, recency of
    # the last dispute, the target's answer in the last crisis (0 none, 1 conceded, 2 stood
    # firm), the removal variant (7.13)
    RS = [dict(tau=np.full(R, float(r["tension"])), at_war=np.zeros(R, bool), rrev=np.zeros(R),
               mem=dict(h=np.zeros(R), e=np.zeros(R), last=np.zeros(R, np.int64),
                        removal=removal)) for r in rivs]
    # records, per rivalry (7.12); the region's are derived from them in summarise()
    recs = []
    for _ in rivs:
        recs.append(dict(
            max_level=np.zeros(R, np.int64),
            year_level=np.zeros((R, Y_), np.int64),  # highest MID level reached in a crisis of year y
            year_ns=np.zeros((R, Y_), np.int64),
            counts={k: np.zeros((R, Y_), np.int64) for k in
                    ("crisis_triggers", "threats", "displays", "uses_of_force", "wars",
                     "non_state_incidents", "target_triggers")},
            gdp_lost=np.zeros(R), first_uof=np.full(R, T, np.int64),
            oc=dict(general_deterrence=0, coercion_success=0, immediate_deterrence=0,
                    failure_limited=0, failure_war=0),
            cost=np.zeros((3, R)),                      # cost composition sums (7.7)
            tension=np.zeros((R, Y_)), balance=np.zeros((R, Y_)), final_balance=np.zeros(R)))
    # policies (7.10): ramps as lists [path, from, to, steps, j]
    ramps = []
    pol_i = 0

    def get(path):
        parts = path.split(".")
        if parts[0] == "alliance":
            return next(a for a in sc.alliances if a["id"] == parts[1])[parts[2]]
        if parts[0] == "deployment":
            dep = next(x for x in deps if x["id"] == parts[1])
            return dep[parts[2]]
        if parts[0] == "rivalry":
            return next(r for r in rivs if r["id"] == parts[1])[parts[2]]
        if parts[0] == "country":
            key = parts[-1]
            if key == "capability":      # the current stock K (7.10), per run
                return st[parts[1]]["K"].copy()
            if key == "gdp":             # the current GDP
                return st[parts[1]]["Y"].copy()
            if key == "budget":          # the budget in force, budget_share Y
                return C[parts[1]]["budget_share"] * st[parts[1]]["Y"]
            if parts[-2] == "ties":
                return C[parts[1]]["ties"].get(key, 0.0)
            return C[parts[1]][key]   # a mean-reverting state: its baseline (7.10)
        if parts[0] == "power":
            return P[parts[1]][parts[2]]
        if parts[0] == "model":
            return m[parts[1]]
        raise NotImplementedError(path)

    def put(path, v):
        parts = path.split(".")
        key = parts[-1]
        lo, hi = RANGES.get(key, (-math.inf, math.inf))
        v = np.clip(v, lo, hi) if isinstance(v, np.ndarray) else min(max(v, lo), hi)
        if parts[0] == "country" and key == "capability":
            st[parts[1]]["K"] = np.broadcast_to(np.asarray(v, float), (R,)).copy()
            return
        if parts[0] == "country" and key == "gdp":
            st[parts[1]]["Y"] = np.broadcast_to(np.asarray(v, float), (R,)).copy()
            return
        if parts[0] == "country" and key == "budget":
            # budget_share = min(v / Y, 0.5): per run, at the GDP in force (7.10)
            C[parts[1]]["budget_share"] = np.minimum(v / st[parts[1]]["Y"], 0.5)
            return
        if parts[0] == "alliance" and key == "reliability":
            # this run's draw shifted by v - rho_a, clamped to [0, 1]; the mean becomes v
            i = next(i for i, a in enumerate(sc.alliances) if a["id"] == parts[1])
            b[i] = np.clip(b[i] + v - sc.alliances[i]["reliability"], 0.0, 1.0)
            sc.alliances[i]["reliability"] = v
            return
        if parts[0] == "rivalry" and key == "tension":
            # current tension and baseline both shifted by v - tension, each clamped (7.10)
            i = next(i for i, r in enumerate(rivs) if r["id"] == parts[1])
            dv = v - rivs[i]["tension"]
            RS[i]["tau"] = np.clip(RS[i]["tau"] + dv, 0.0, 1.0)
            rivs[i]["baseline_tension"] = min(max(rivs[i]["baseline_tension"] + dv, 0.0), 1.0)
            if "tension-parameter" not in misread:   # a power check's wrong reading of 7.10
                rivs[i]["tension"] = v
            return
        if parts[0] == "country" and parts[-2] == "ties":
            lo, hi = RANGES["ties"]
            C[parts[1]]["ties"][key] = min(max(v, lo), hi)
            return
        if parts[0] == "country" and key in MEAN_REVERTING:
            # the baseline-shift rule (7.10): the current value moves by the same amount
            s_ = st[parts[1]][MEAN_REVERTING[key]]
            s_ += v - C[parts[1]][key]
            np.clip(s_, 0.0, 1.0, out=s_)
            C[parts[1]][key] = v
            return
        if parts[0] == "deployment":
            next(x for x in deps if x["id"] == parts[1])[key] = v
        elif parts[0] == "rivalry":
            next(r for r in rivs if r["id"] == parts[1])[key] = v
        elif parts[0] == "country":
            C[parts[1]][key] = v
        elif parts[0] == "power":
            P[parts[1]][key] = v
        elif parts[0] == "alliance":
            next(a for a in sc.alliances if a["id"] == parts[1])[key] = v
        elif parts[0] == "model":
            m[key] = v
            recompute_mu()

    h_end = 1.0 if m["war_duration"] == 0 else 1.0 - math.exp(-DT / m["war_duration"])
    targets = {r["target"] for r in rivs}
    challengers = {r["challenger"] for r in rivs}

    for t in range(T):
        y = t // 12
        # 1. policies
        while pol_i < len(sc.policies) and sc.policies[pol_i][0] <= t:
            _, _, pol = sc.policies[pol_i]
            pol_i += 1
            steps = int(math.floor(12 * pol.get("ramp_years", 0.0) + 0.5))
            for ch in pol.get("changes", []):
                frm = get(ch["path"])
                key = ch["path"].split(".")[-1]
                lo, hi = RANGES.get(key, (-math.inf, math.inf))
                if "set" in ch:
                    to = ch["set"]
                elif "add" in ch:
                    to = frm + ch["add"]
                else:
                    to = frm * ch["scale"]
                to = np.clip(to, lo, hi) if isinstance(to, np.ndarray) else min(max(to, lo), hi)
                if steps <= 1:
                    put(ch["path"], to)
                else:
                    ramps.append([ch["path"], frm, to, steps, 0])
            for jn in pol.get("join", []):
                al = next(a for a in sc.alliances if a["id"] == jn["alliance"])
                if jn["member"] not in al["members"]:
                    al["members"].append(jn["member"])
                recompute_mu()
        for rp in ramps:
            if rp[4] < rp[3]:
                rp[4] += 1
                put(rp[0], rp[1] + (rp[2] - rp[1]) * rp[4] / rp[3])
        # 2. countries (7.1-7.3)
        for cid in cids:
            q, s_ = C[cid], st[cid]
            if q["volatility"] > 0:
                Z = rng.standard_normal(R)
                s_["Y"] *= np.exp((q["growth"] - q["volatility"] ** 2 / 2) * DT
                                  + q["volatility"] * math.sqrt(DT) * Z)
            else:
                s_["Y"] *= math.exp(q["growth"] * DT)
            budget = q["budget_share"] * s_["Y"]
            s_["K"] = s_["K"] * (1 - q["depreciation"] * DT) + (
                q["procurement_efficiency"] * mu[cid] * q["investment_share"] * budget * DT)
            s_["r"] = s_["r"] + q["readiness_reversion"] * DT * (q["readiness"] - s_["r"])
            th = m["political_reversion"]
            zc = rng.standard_normal(R) if (q["cohesion_volatility"] > 0 and cid in targets) else 0.0
            s_["c"] = np.clip(s_["c"] + th * DT * (q["cohesion"] - s_["c"])
                              + q["cohesion_volatility"] * math.sqrt(DT) * zc, 0, 1)
            zn = rng.standard_normal(R) if (q["narrative_volatility"] > 0 and cid in challengers) else 0.0
            s_["n"] = np.clip(s_["n"] + th * DT * (q["narrative"] - s_["n"])
                              + q["narrative_volatility"] * math.sqrt(DT) * zn, 0, 1)
            s_["rep"] = s_["rep"] + m["reputation_reversion"] * DT * (q["reputation"] - s_["rep"])
        # 3. the rivalries, in file order
        for riv, rs, rec in zip(rivs, RS, recs):
            A, Tg = riv["challenger"], riv["target"]
            S, V_D = riv["stakes"], riv["dissatisfaction"]
            ns_on = riv["nonstate_rate"] > 0
            tt_on = riv["target_trigger_rate"] > 0
            tau, at_war, rrev, mem = rs["tau"], rs["at_war"], rs["rrev"], rs["mem"]
            # at war: does the war end this month (7.9)
            ended = at_war & (rng.random(R) < h_end)
            was_at_war = at_war.copy()
            at_war = at_war & ~ended
            live = ~was_at_war
            # tension (7.4)
            Zt = rng.standard_normal(R) if riv["tension_volatility"] > 0 else 0.0
            new_tau = np.clip(tau + riv["tension_reversion"] * DT * (riv["baseline_tension"] - tau)
                              + riv["tension_volatility"] * math.sqrt(DT) * Zt, 0, 1)
            tau = np.where(live, new_tau, tau)
            if m["war_revelation"] > 0:
                rrev = np.where(live, rrev * math.exp(-m["war_revelation_decay"] * DT), rrev)
            if m["defeat_memory"] > 0:
                mem["h"][live] *= math.exp(-m["defeat_memory_decay"] * DT)
            Hf = 1.0
            if m["dispute_recency"] > 0:
                mem["e"][live] *= math.exp(-m["dispute_recency_decay"] * DT)
                Hf = 1.0 + m["dispute_recency"] * mem["e"]
            mon = 0.0 if "political" in removal else riv["monitoring"]
            # non-state incidents (7.4.1)
            n_ns = np.zeros(R, np.int64)
            n_ns_open = np.zeros(R, np.int64)
            if ns_on:
                lam = (riv["nonstate_rate"] * (1 + m["nonstate_tension"] * tau)
                       * (1 + m["nonstate_narrative"] * st[A]["n"])
                       * (1 - m["nonstate_monitoring"] * mon) * Hf)
                n_ns = np.where(live, rng.poisson(np.maximum(lam, 0) * DT), 0)
                n_ns_open = rng.binomial(n_ns, m["nonstate_crisis"])
                tau = np.minimum(tau + m["tension_jump_nonstate"] * n_ns, 1.0)
            # target-initiated triggers (7.4.2)
            n_tt = np.zeros(R, np.int64)
            if tt_on:
                lam = riv["target_trigger_rate"] * (1 + m["target_trigger_cohesion"] * st[Tg]["c"]) * Hf
                n_tt = np.where(live, rng.poisson(lam * DT), 0)
                tau = np.minimum(tau + m["tension_jump_target"] * n_tt, 1.0)
            # the rivalry's own opportunities
            mrate = riv["opportunity_rate"] * (1 + m["tension_sensitivity"] * tau) * Hf * DT
            n_own = np.where(live, rng.poisson(mrate), 0)
            rec["counts"]["non_state_incidents"][:, y] += n_ns
            rec["counts"]["target_triggers"][:, y] += n_tt
            rec["year_ns"][:, y] |= (n_ns > 0)
            n_react = n_tt + n_ns_open
            n_cr = n_react + n_own
            # crises, round by round
            jmax = int(n_cr.max()) if R else 0
            for j in range(jmax):
                act = np.nonzero((j < n_cr) & ~at_war)[0]
                if act.size == 0:
                    continue
                reaction = j < n_react[act]
                _crisis(sc, m, riv, C, P, deps, st, b, act, reaction, tau, rrev, at_war, rng,
                        rec["max_level"], rec["year_level"], rec["counts"], rec["gdp_lost"],
                        rec["first_uof"], rec["oc"], t, y, S, V_D, A, Tg, mem, rec["cost"])
            rs["tau"], rs["at_war"], rs["rrev"] = tau, at_war, rrev
        # 4. the end of a year: each rivalry's tension and reported balance (7.11)
        if (t + 1) % 12 == 0:
            for riv, rs, rec in zip(rivs, RS, recs):
                rec["tension"][:, y] = rs["tau"]
                rec["balance"][:, y] = reported_balance(sc, C, P, deps, st, b, riv["challenger"],
                                                        riv["target"])
    for riv, rec in zip(rivs, recs):
        rec["final_balance"] = reported_balance(sc, C, P, deps, st, b, riv["challenger"],
                                                riv["target"])
    return dict(recs=recs, rivalries=[r["id"] for r in rivs],
                pairs=[(r["challenger"], r["target"]) for r in rivs])


def reported_balance(sc, C, P, deps, st, b, A, Tg):
    """7.11: M_A / M_T with expected allied help, clamped to [1e-6, 1e6] (1e6 if M_T <= 0)."""
    R = st[A]["Y"].size

    def cap(j):
        if j in C:
            return st[j]["K"] * C[j]["quality"] * st[j]["r"]
        return np.full(R, P[j]["capability"] * P[j]["quality"])

    def iota(j):
        return C[j]["interoperability"] if j in C else P[j]["interoperability"]

    def delta(j):
        return C[j]["expeditionary"] if j in C else P[j]["in_theatre"]

    def pact(i, j):
        out = np.zeros(R)
        if i == j:
            return out
        for a, ba in zip(sc.alliances, b):
            if i in a["members"] and j in a["members"]:
                out = np.maximum(out, ba)
        return out

    def M(i, protectors_of=None):
        """M_i of 7.11; with protectors_of = T, no tie help from T's protectors in this run
        (a treaty protector of T with b > 0, or a contributor of a force stationed in T with
        iota_d K_d > 0): the crisis's tie help (7.5)."""
        tot = cap(i).copy()
        for j in list(C) + list(P):
            if j == i:
                continue
            pj = pact(i, j)
            reach = delta(j) * math.sqrt(iota(j) * iota(i))
            tot += np.where(pj > 0, pj * reach * cap(j), 0.0)
            if j in P:
                tie = C[i]["ties"].get(j, 0.0)
                none = pj > 0
                if protectors_of is not None:
                    none = none | (pact(protectors_of, j) > 0)
                    if any(d["host"] == protectors_of and j in d["contributors"]
                           and d["interoperability"] * d["capability"] > 0 for d in deps):
                        continue
                tot += np.where(none, 0.0, tie * P[j]["in_theatre"] * cap(j))
        for d in deps:
            if d["host"] == i:
                tot += d["reliability"] * d["interoperability"] * d["capability"]
        return tot

    MA, MT = M(A, protectors_of=Tg), M(Tg)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(MT > 0, MA / np.where(MT > 0, MT, 1.0), 1e6)
    return np.clip(ratio, 1e-6, 1e6)


def theatre(sc, m, C, P, deps, st, b, act, A, Tg, removal=frozenset(), share=1.0):
    """Forces around the rivalry (7.5) for the runs in act. Returns a dict of arrays."""
    def cap_country(cid):
        s_ = st[cid]
        return s_["K"][act] * C[cid]["quality"] * s_["r"][act]

    def cap_power(pid):
        return P[pid]["capability"] * P[pid]["quality"]

    def pact(i, j):
        """Highest treaty weight over alliances holding both (per run)."""
        out = np.zeros(act.size)
        if i == j:
            return out
        for a, ba in zip(sc.alliances, b):
            if i in a["members"] and j in a["members"]:
                out = np.maximum(out, ba[act])
        return out

    def iota(j):
        return C[j]["interoperability"] if j in C else P[j]["interoperability"]

    def delta(j):
        return C[j]["expeditionary"] if j in C else P[j]["in_theatre"]

    def tie_help(i, protectors_of=None):
        """Tie help to i (7.5); with protectors_of = T, none from T's protectors in this
        crisis (a treaty protector of T, or a contributor of a force stationed in T with
        iota_d K_d > 0): a power cannot stand on both sides of one crisis."""
        h = np.zeros(act.size)
        for pid in P:
            tie = C[i]["ties"].get(pid, 0.0)
            if tie == 0:
                continue
            has_pact = pact(i, pid) > 0
            if protectors_of is not None:
                has_pact = has_pact | (pact(protectors_of, pid) > 0)
                if any(d["host"] == protectors_of and pid in d["contributors"]
                       and d["interoperability"] * d["capability"] > 0 for d in deps):
                    continue
            h += np.where(has_pact, 0.0, tie * P[pid]["in_theatre"] * cap_power(pid))
        return h

    capA = cap_country(A)
    MA = share * capA + tie_help(A, protectors_of=Tg)
    capT = cap_country(Tg)
    MT0 = capT + tie_help(Tg)
    L = np.zeros(act.size)
    CP = np.zeros(act.size)
    Rf = np.zeros(act.size)
    sP = np.zeros(act.size)
    sT = np.zeros(act.size)   # over treaty-protector powers only (7.5): what lifts m (7.7)
    counted = set()
    # the coalition's treaty weight (7.5): B = b_max (N_B / C_P), N_B the members' treaty
    # weights relative to the highest, weighted by their capabilities (a contributor of a
    # stationed force without a pact weighs 0), C_P before the stationed forces
    b_max = np.zeros(act.size)
    for j in list(C) + list(P):
        if j != A:
            b_max = np.maximum(b_max, pact(Tg, j))
    NB = np.zeros(act.size)
    for j in list(C) + list(P):
        if j == A:
            continue
        pj = pact(Tg, j)
        if not np.any(pj > 0):
            continue
        on = pj > 0
        capj = cap_country(j) if j in C else np.full(act.size, cap_power(j))
        NB += np.where(on, pj / np.where(on, b_max, 1.0) * capj, 0)
        CP += np.where(on, capj, 0)
        Rf += np.where(on, delta(j) * math.sqrt(iota(j) * iota(Tg)) * capj, 0)
        L += np.where(on, delta(j) * math.sqrt(iota(j) * iota(Tg)) * capj, 0)
        if j in P:
            Rf += np.where(on, P[j]["reinforcement"] * math.sqrt(iota(j) * iota(Tg)) * capj, 0)
            sP = np.maximum(sP, np.where(on, P[j]["strategic"], 0))
            sT = np.maximum(sT, np.where(on, P[j]["strategic"], 0))
        counted.add(j)   # (a treaty protector in some runs: see GAPS.md)
    Dep = 0.0
    W = 0.0
    any_dep = False
    for d in deps:
        if d["host"] != Tg:
            continue
        eff = d["interoperability"] * d["capability"]
        if eff <= 0 and "deployment-zero" not in MISREAD:
            continue
        any_dep = True
        Dep += eff
        W += d["reliability"] * eff
        for j in d["contributors"]:
            if j == A or j in counted:
                continue
            counted.add(j)
            if j in C:
                CP += cap_country(j)
            else:
                cp = cap_power(j)
                CP += cp
                Rf += P[j]["reinforcement"] * math.sqrt(iota(j) * iota(Tg)) * cp
                sP = np.maximum(sP, P[j]["strategic"])
                if "clarity-contributors" in MISREAD:   # power check only: s_P for s_T
                    sT = np.maximum(sT, P[j]["strategic"])
    B = np.where(CP > 0, b_max * (NB / np.where(CP > 0, CP, 1.0)), 0.0)
    CP = CP + Dep
    Rf = Rf + Dep
    L = L + Dep
    denom = Dep + MA
    trip = np.where(denom > 0, W / np.where(denom > 0, denom, 1), 0.0)
    exists = (B > 0) | (Dep > 0) | any_dep
    z = np.zeros(act.size)
    if "military" in removal:   # 7.13: the defenders' forces and commitment to fight
        MT0, Rf, L, CP, sP, sT, B, trip = z, z, z, z, z, z, z, z
        Dep = 0.0
        exists = np.zeros(act.size, bool)
    if "political" in removal:  # pacts' treaty weight and tripwires
        B, trip = z, z
        exists = np.full(act.size, Dep > 0)
    # the challenger's local capability without its patrons' help: a power check only
    # (`--misread theatre-without-patrons`: K_l's M_A read as challenger_share K_A)
    MA_own = share * capA
    return dict(capA=capA, MA=MA, MT0=MT0, B=B, CP=CP, R=Rf, L=L, sP=sP, sT=sT, trip=trip,
                exists=exists, MA_own=MA_own)


def _crisis(sc, m, riv, C, P, deps, st, b, act, reaction, tau, rrev, at_war, rng, max_level,
            year_level, counts, gdp_lost, first_uof, oc, t, y, S, D, A, Tg, mem, cost):
    n = act.size
    removal = mem["removal"]
    th = theatre(sc, m, C, P, deps, st, b, act, A, Tg, removal, riv["challenger_share"])
    mdec = m["decisiveness"]
    p0 = csf(th["MA"], th["MT0"], mdec)
    p1 = csf(th["MA"], th["MT0"] + th["R"], mdec)
    pF1 = csf(th["MA"], th["MT0"] + th["L"], mdec)
    KA = th["capA"]
    CP = th["CP"]
    pun = np.where(CP > 0, m["punishment"] * CP / np.where(CP + KA > 0, CP + KA, 1), 0.0) \
        + m["strategic_punishment"] * th["sP"]
    mon = 0.0 if "political" in removal else riv["monitoring"]
    nA = st[A]["n"][act]
    V = S * D * (1 + nA)
    dr = np.where(reaction, m["reaction_display_reward"] * V, 0.0)
    if m["defeat_memory"] > 0:
        dr = dr + m["defeat_memory"] * mem["h"][act] * V
    sub = min(max(sum(C[A]["ties"].get(pid, 0.0) * P[pid]["substitution"] for pid in P), 0.0), 0.9)
    sgs = m["stake_gdp_share"]
    sc_cost = m["sanctions_gdp_loss"] * C[A]["trade_west"] * (1 - sub) / sgs
    tc = m["trade_gdp_loss"] * riv["trade"] / sgs
    td = m["dispute_trade_share"] * tc
    s = riv["sanctions_credibility"]
    sD = m["display_sanctions_share"] * s
    if "economic" in removal:
        s = sD = 0.0
        tc = td = 0.0
    cT = st[Tg]["c"][act]
    repT = st[Tg]["rep"][act]
    opp = riv["opportunity_rate"] * (1 + m["tension_sensitivity"] * tau[act])
    dm = m["concession_demands"] * opp * m["target_stake"]
    gu = np.where(th["exists"], 0.0, m["concession_unguarded"])
    nd = m["concession_demands_loss"] * opp
    CPKA = CP + KA
    g = dict(
        S=S, pun=pun, pol0=m["monitoring_cost"] * mon * S,
        pol1=(m["monitoring_cost"] * mon + m["alliance_cost"] * th["B"]) * S,
        sc=sc_cost, tc=tc, td=td, s=s, sD=sD, pc=m["commit_cost"] * S,
        pa=(m["treaty_cost"] * th["B"] + m["tripwire_cost"] * th["trip"]) * S,
        pt=m["tripwire_cost"] * th["trip"] * S,   # pa's stationed part (7.7, tripwire_at_display)
        pw=np.where(CP > 0, m["protector_war_cost"] * S * KA / np.where(CPKA > 0, CPKA, 1),
                    m["protector_war_cost"] * S),
        pv=m["protect_value"] * np.maximum(th["B"], th["trip"]) * S,
        exists=th["exists"], nd=nd, B=th["B"],
    )
    # P's cost of a limited use of force (7.6): limited_force_cost pw, or with
    # limited_fight_in_theatre v > 0 priced by K_l = (1 - v) K_A + v M_A in place of K_A
    # (limited_force_cost protector_war_cost S if C_P = 0); pw keeps K_A
    lfc = m["limited_force_cost"]
    v = m["limited_fight_in_theatre"]
    if v > 0:
        MAl = th["MA_own"] if "theatre-without-patrons" in MISREAD else th["MA"]
        Kl = (1 - v) * KA + v * MAl
        den = Kl + CP
        g["pl"] = np.where(CP > 0, lfc * m["protector_war_cost"] * S * Kl
                           / np.where(den > 0, den, 1), lfc * m["protector_war_cost"] * S)
    else:
        g["pl"] = lfc * g["pw"]

    pol_on = 0.0 if "political" in removal else 1.0

    def tk_of(p0_):
        return S * (m["target_stake"] + pol_on * (m["concession_cohesion"] * cT
                                                  + m["concession_reputation"] * repT)
                    + m["concession_power"] * p0_ + dm + gu)

    # misperception (7.5)
    sigma = m["perception_noise"] * (1 - mon)
    if sigma > 0:
        Z = rng.standard_normal(n)

        def perc(pk):
            pc_ = np.clip(pk, 1e-12, 1 - 1e-12)
            return logistic(np.log(pc_ / (1 - pc_)) + sigma * Z)
        pt0, pt1, ptF1 = perc(p0), perc(p1), perc(pF1)
    else:
        pt0, pt1, ptF1 = p0, p1, pF1
    rr = rrev[act]
    # the protectors' private resolve (7.7): the signal of their type, sigma = +1 when u_8 <
    # 1/2 (3.1: a ninth uniform after the eight, drawn only when it is on; the draws here need
    # not be deter's, only their distribution), and A's belief q or 1 - q
    mu = None
    if m["commitment_at_attack"] != 0 and m["resolve_spread"] > 0:
        u8 = rng.random(n)
        if resolve_on(m):
            q = m["resolve_signal"]
            if "signal-ignored" in MISREAD:   # power check only: the signal says nothing
                q = 0.5
            mu = np.where(u8 < 0.5, q, 1 - q)
    mis = m["protector_resolve_misjudged"]
    if "misjudged-ignored" in MISREAD:   # power check only: A sees P's cost as it is
        mis = 0.0
    # lifted by a nuclear pact (7.7): m_eff = m (1 - w B s_T), B the theatre's treaty weight
    # and s_T the treaty protector powers' strongest strategic deterrent (7.5), per crisis
    w = m["misjudgment_pact_clarity"]
    if mis > 0 and w > 0 and m["commitment_at_attack"] != 0:
        mis = mis * (1 - w * th["B"] * th["sT"])
    GA = solve_game(m, g, pt0, pt1, V, dr, tk_of(pt0), rr, ptF1, mu, mis)
    GR = solve_game(m, g, p0, p1, V, dr, tk_of(p0), rr, pF1, mu)
    for l in range(3):   # every crisis adds the composition of A's expected cost (7.7)
        cost[l, act] += GA["cost"][l]
    u = rng.random((8, n))
    challenged = u[0] < GA["pch"]
    fa = ~challenged & (u[0] < GA["pch"] + GA["pfa"])
    if m["fait_accompli"] > 0:
        fa_commit = th["exists"] & (u[4] < GR["cF"])
        fa_sanc = u[6] < s
        fa_war = fa & (u[7] < np.where(fa_commit, GR["wF"][1], GR["wF"][0]))
    else:
        fa_commit = fa_sanc = fa_war = np.zeros(n, bool)
    resisted = u[1] < GR["r"]
    displayed = u[2] < GA["d"]
    sd = u[3] < sD
    c_sd = np.where(sd, GR["c"][1], GR["c"][0])
    rho_sd = np.where(sd, GR["rho"][1], GR["rho"][0])
    if at_attack_on(m):
        # the commitment at the attack (7.7): u_4 below rho restrains at the display; A's
        # force does not depend on k; P commits after a use of force when u_4 < rho + (1 -
        # rho) c, which (not restrained) is c of the remaining share
        restrained = th["exists"] & (u[4] < rho_sd)
        forced = u[5] < np.where(sd, GA["F"][1, 0], GA["F"][0, 0])
        committed = forced & ~restrained & th["exists"] & (u[4] < rho_sd + (1 - rho_sd) * c_sd)
    else:
        committed = th["exists"] & (u[4] < c_sd)
        # u_4 partitioned over node 4's actions: commit, then restrain, then stay out (7.7)
        if "restraint-unpartitioned" in MISREAD:   # power check only: u_4 < rho alone
            restrained = th["exists"] & ~committed & (u[4] < rho_sd)
        else:
            restrained = th["exists"] & ~committed & (u[4] < c_sd + rho_sd)
        k = committed.astype(int)
        Fforce = np.select([(~sd) & (k == 0), (~sd) & (k == 1), sd & (k == 0)],
                           [GA["F"][0, 0], GA["F"][0, 1], GA["F"][1, 0]], GA["F"][1, 1])
        forced = u[5] < Fforce
    k = committed.astype(int)
    if twice_on(m):
        # node 6 (7.7): P fights after a use of force when u_9 < g(s_d, k4) of the real game;
        # u_9 is one more uniform after the eight (3.1), drawn only with the switch on; the
        # war then follows the fight (w_1) or the stay-out (w_0); `committed` stays node 4's
        u9 = rng.random(n)
        if "u9-is-u4" in MISREAD:   # power check only: node 6 reads node 4's uniform
            u9 = u[4]
        g_sd = np.select([(~sd) & (k == 0), (~sd) & (k == 1), sd & (k == 0)],
                         [GR["G"][0, 0], GR["G"][0, 1], GR["G"][1, 0]], GR["G"][1, 1])
        fought = forced & th["exists"] & (u9 < g_sd)
        k = fought.astype(int)
    w_real = np.where(k == 1, GR["w"][1], GR["w"][0])
    war = forced & (u[7] < w_real)
    sanc_force = forced & ~sd & (u[6] < s)
    # paths (play stops at the first "no")
    dispute = challenged
    conc = dispute & ~resisted
    res = dispute & resisted
    back2 = res & ~displayed
    disp = res & displayed
    restr = disp & restrained            # P restrained T: T concedes at the display (7.9, 4)
    back3 = disp & ~restr & ~forced
    force = disp & ~restr & forced
    warp = force & war
    lim = force & ~war
    level = np.ones(n, np.int64)
    level[dispute] = 2
    level[disp] = 3
    level[force] = 4
    level[warp] = 5
    level[fa] = 4
    level[fa_war] = 5
    # records
    idx = act
    max_level[idx] = np.maximum(max_level[idx], level)
    year_level[idx, y] = np.maximum(year_level[idx, y], level)
    counts["crisis_triggers"][idx, y] += 1
    counts["threats"][idx, y] += (level == 2)
    counts["displays"][idx, y] += (level == 3)
    counts["uses_of_force"][idx, y] += (level == 4)
    counts["wars"][idx, y] += (level == 5)
    oc["general_deterrence"] += int((~dispute & ~fa).sum())
    oc["coercion_success"] += int(conc.sum() + restr.sum())
    oc["restrained"] = oc.get("restrained", 0) + int(restr.sum())
    oc["immediate_deterrence"] += int((back2 | back3).sum())
    oc["failure_limited"] += int(lim.sum() + (fa & ~fa_war).sum())
    oc["failure_war"] += int(warp.sum() + fa_war.sum())
    oc["faits_accomplis"] = oc.get("faits_accomplis", 0) + int(fa.sum())
    oc["sanctions_display"] = oc.get("sanctions_display", 0) + int((disp & sd).sum())
    oc["sanctions_display_succeeded"] = oc.get("sanctions_display_succeeded", 0) + int((back3 & sd).sum())
    oc["sanctions_force"] = oc.get("sanctions_force", 0) + int(sanc_force[force].sum())
    oc["disputes"] = oc.get("disputes", 0) + int(dispute.sum() + fa.sum())
    oc["commit_at_display_invoked"] = oc.get("commit_at_display_invoked", 0) + int(disp.sum())
    oc["commit_at_display"] = oc.get("commit_at_display", 0) + int((disp & committed).sum())
    # docs/OUTPUT.md `mechanisms.commitments` (7.9 steps 2a and 4: P moved and B > 0);
    # phase 2, for the descriptive per-rivalry comparison
    treaty = th["B"] > 0
    # P moved after a display: at node 4, or with the commitment at the attack only when it
    # restrained or A used force (7.7, 7.9 step 4)
    moved = disp & (restr | forced) if at_attack_on(m) else disp
    inv = (moved | fa) & treaty
    oc["commitments_invoked"] = oc.get("commitments_invoked", 0) + int(inv.sum())
    oc["commitments_honoured"] = oc.get("commitments_honoured", 0) + int(
        (disp & treaty & committed).sum() + (fa & treaty & fa_commit).sum())
    # per run, the numerators and denominators of the per-crisis shares (crisis outcomes,
    # mechanisms), for their standard errors over runs (ratio estimator, as the cost shares)
    pr = oc.setdefault("_pr", {})
    treaty_ = th["B"] > 0

    def per_run(key, mask):
        if key not in pr:
            pr[key] = np.zeros(mem["h"].size, np.int64)
        pr[key][idx] += mask
    per_run("crises", np.ones(n, np.int64))
    per_run("coercion_success", conc | restr)
    per_run("immediate_deterrence", back2 | back3)
    per_run("failure_limited", lim | (fa & ~fa_war))
    per_run("sanctions_display", disp & sd)
    per_run("sanctions_display_succeeded", back3 & sd)
    per_run("commitments_invoked", (moved | fa) & treaty_)
    per_run("commitments_honoured", (disp & treaty_ & committed) | (fa & treaty_ & fa_commit))
    # feedbacks (7.9), in order: 1. challenges after a concession / after firmness
    last = mem["last"]
    lc = last[idx]
    for code, name in ((1, "after_concession"), (2, "after_firmness")):
        per_run("opp_" + name, lc == code)
        per_run("chal_" + name, (lc == code) & (dispute | fa))
    for code, name in ((1, "after_concession"), (2, "after_firmness")):
        sel = lc == code
        oc["opp_" + name] = oc.get("opp_" + name, 0) + int(sel.sum())
        oc["chal_" + name] = oc.get("chal_" + name, 0) + int((sel & (dispute | fa)).sum())
    newlast = np.zeros(n, np.int64)
    newlast[conc] = 1
    newlast[res] = 2
    newlast[restr] = 1                   # a restraint is a concession (memory "conceded")
    if "restraint-memory-firm" in MISREAD:   # power check only: the answer at the threat counts
        newlast[restr] = 2
    if "memory-kept" in MISREAD:   # power check only: a crisis with no dispute keeps the memory
        newlast = np.where(dispute | fa, newlast, lc)
    last[idx] = newlast
    tau_a = tau[idx]
    tau_a = np.where(dispute, np.minimum(tau_a + m["tension_jump_threat"], 1), tau_a)
    if m["dispute_recency"] > 0:
        mem["e"][idx[dispute | fa]] = 1.0
    rep = st[Tg]["rep"]
    yielded = conc | restr               # at the threat, or at the display under restraint
    if "reputation-kept" not in MISREAD:   # power check only: a concession costs no reputation
        rep[idx[yielded]] = np.maximum(rep[idx[yielded]] - m["reputation_loss"], 0)
    gain = back2 | back3
    rep[idx[gain]] = np.minimum(rep[idx[gain]] + m["reputation_gain"], 1)
    if m["defeat_memory"] > 0:
        mem["h"][idx[yielded]] *= (1 - m["defeat_memory_reset"])
        mem["h"][idx[gain]] += 1.0
    tau_a = np.where(disp, np.minimum(tau_a + m["tension_jump_display"], 1), tau_a)
    YA, YT = st[A]["Y"], st[Tg]["Y"]
    sh = m["sanctions_gdp_loss"] * C[A]["trade_west"] * (1 - sub)
    hit = idx[disp & sd]
    gdp_lost[hit] += sh * YA[hit]
    YA[hit] *= (1 - sh)
    # a fait accompli is a use of force (7.9, 2a), sanctioned with u_6 < s
    sanc_force = sanc_force | (fa & fa_sanc)
    warp = warp | fa_war
    force = force | fa
    tau_a = np.where(force, np.minimum(tau_a + m["tension_jump_force"], 1), tau_a)
    fi = idx[force]
    first_uof[fi] = np.minimum(first_uof[fi], t)
    hit = idx[force & sanc_force]
    gdp_lost[hit] += sh * YA[hit]
    YA[hit] *= (1 - sh)
    fl = m["force_gdp_loss"]
    gdp_lost[fi] += fl * (YA[fi] + YT[fi])
    YA[fi] *= (1 - fl)
    YT[fi] *= (1 - fl)
    wi = idx[warp]
    gdp_lost[wi] += m["war_gdp_loss_challenger"] * YA[wi] + m["war_gdp_loss_target"] * YT[wi]
    YA[wi] *= (1 - m["war_gdp_loss_challenger"])
    YT[wi] *= (1 - m["war_gdp_loss_target"])
    if m["war_revelation"] > 0:
        rrev[wi] = 1.0
    at_war[wi] = True
    tau[idx] = tau_a


# ----------------------------------------------------------------- aggregation (7.12)
def wilson(c, n, z=1.959963984540054):
    p = c / n
    den = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return [centre - half, centre + half]


def quantile(x, q):
    """Inverse empirical CDF: the ceil(q n)-th smallest value (7.12)."""
    xs = np.sort(np.asarray(x))
    return float(xs[max(int(math.ceil(q * xs.size)) - 1, 0)])


def binned_quantile(x, q, layout):
    """deter's band quantile (docs/OUTPUT.md): the observations of the bin holding rank q n
    taken as spread evenly over it. Layouts: ("linear", lo, hi, bins) for tension (200 bins
    over [0, 1]); ("log", lo, hi, bins) for the balance (600 bins over [1e-6, 1e6], bin 0
    holding values <= 0). Written in phase 2, after reading the layout in src/."""
    x = np.asarray(x, float)
    kind, lo, hi, bins = layout
    if kind == "linear":
        b = np.minimum(np.maximum((x - lo) / (hi - lo) * bins, 0).astype(np.int64), bins - 1)
        nb = bins
    else:
        span = math.log10(hi / lo)
        t = np.log10(np.maximum(x, 1e-300) / lo) / span * bins
        b = np.where(x <= 0, 0, 1 + np.minimum(np.maximum(t, 0).astype(np.int64), bins - 1))
        nb = bins + 1
    counts = np.bincount(b, minlength=nb)
    rank = min(max(q, 0.0), 1.0) * x.size
    cum = np.cumsum(counts)
    ok = (counts > 0) & (cum >= rank)
    chosen = int(np.argmax(ok)) if ok.any() else nb - 1
    before = cum[chosen] - counts[chosen]
    f = min(max((rank - before) / max(counts[chosen], 1), 0.0), 1.0)
    if kind == "linear":
        return lo + (chosen + f) * (hi - lo) / bins
    if chosen == 0:
        return 0.0
    return lo * 10 ** ((chosen - 1 + f) * math.log10(hi / lo) / bins)


LAYOUTS = {"tension": ("linear", 0.0, 1.0, 200), "balance": ("log", 1e-6, 1e6, 600)}
METRIC_LAYOUTS = {"gdp_lost": ("log", 1e-4, 1e6, 500), "final_balance": ("log", 1e-6, 1e6, 600)}


def count_quantile(x, q):
    """A quantile of an integer metric (crises, disputes, months, a year's count) as docs/OUTPUT.md
    and MODEL.md 7.12 define it: exact, the first value whose cumulative count reaches rank q n,
    i.e. the ceil(q n)-th smallest (the smallest if q n = 0: the first non-empty bin)."""
    xs = np.sort(np.asarray(x))
    return float(xs[min(max(int(math.ceil(q * xs.size)), 1), xs.size) - 1])


def metric_quantile(x, q, layout):
    """A quantile of a continuous metric (gdp_lost, final_balance) as docs/OUTPUT.md defines it:
    the bin holding rank q n (first non-empty bin whose cumulative count reaches it), reported as
    its centre: geometric for a log bin (MODEL.md 7.12), 0 for bin 0 (values <= 0: guess N8);
    when every run gave the same value and it lies in an end bin, that value (guess N8)."""
    x = np.asarray(x, float)
    kind, lo, hi, bins = layout
    w = math.log10(hi / lo) / bins
    t = np.log10(np.maximum(x, 1e-300) / lo) / w
    b = np.where(x <= 0, 0, 1 + np.minimum(np.maximum(t, 0).astype(np.int64), bins - 1))
    counts = np.bincount(b, minlength=bins + 1)
    cum = np.cumsum(counts)
    rank = q * x.size
    ok = (counts > 0) & (cum >= rank)
    chosen = int(np.argmax(ok))
    if chosen in (0, 1, bins) and np.all(x == x[0]):
        return float(x[0])
    if chosen == 0:
        return 0.0
    return lo * 10 ** ((chosen - 1 + 0.5) * w)


def region_record(res):
    """The region's record from the rivalries' (7.12): highest level the maximum, events the
    union, counts and GDP lost summed, first use of force the earliest, final balance the
    largest, the cost composition's sums pooled."""
    recs = res["recs"]
    pr = {}
    for r in recs:
        for k, v in r["oc"].get("_pr", {}).items():
            pr[k] = pr[k] + v if k in pr else v.copy()
    out = dict(
        max_level=np.max([r["max_level"] for r in recs], axis=0),
        year_level=np.max([r["year_level"] for r in recs], axis=0),
        year_ns=np.max([r["year_ns"] for r in recs], axis=0),
        counts={k: sum(r["counts"][k] for r in recs) for k in recs[0]["counts"]},
        gdp_lost=sum(r["gdp_lost"] for r in recs),
        first_uof=np.min([r["first_uof"] for r in recs], axis=0),
        oc={k: sum(r["oc"].get(k, 0) for r in recs)
            for k in set().union(*(r["oc"] for r in recs)) if k != "_pr"},
        cost=sum(r["cost"] for r in recs),
        final_balance=np.max([r["final_balance"] for r in recs], axis=0),
    )
    out["oc"]["_pr"] = pr
    return out


def summarise_record(sc, rec, runs, rivalry=False):
    ml = rec["max_level"]
    out = {}
    ev = {}
    for name, lev in (("crisis", 1), ("threat", 2), ("display", 3), ("use_of_force", 4), ("war", 5)):
        c = int((ml >= lev).sum())
        ev[name] = dict(p=c / runs, count=c, mc95=wilson(c, runs))
    c = int((rec["year_ns"].any(axis=1)).sum())
    ev["non_state_incident"] = dict(p=c / runs, count=c, mc95=wilson(c, runs))
    out["outcomes"] = ev
    cnt = rec["counts"]
    crises = cnt["crisis_triggers"].sum(axis=1)
    disputes = (cnt["threats"] + cnt["displays"] + cnt["uses_of_force"] + cnt["wars"]).sum(axis=1)

    def ms(x, layout=None, scale=1.0):
        # the quantiles as docs/OUTPUT.md defines them (third review): exact for integer
        # metrics (months divided by 12 after), bin centres for the continuous ones
        x = np.asarray(x)
        qf = (lambda q: count_quantile(x, q) / scale) if layout is None else (
            lambda q: metric_quantile(x, q, layout))
        xf = x.astype(float) / scale
        return dict(mean=float(xf.mean()), sd=float(xf.std(ddof=1)), p05=qf(0.05),
                    p50=qf(0.5), p95=qf(0.95))
    out["metrics"] = dict(crises=ms(crises), disputes=ms(disputes),
                          gdp_lost=ms(rec["gdp_lost"], METRIC_LAYOUTS["gdp_lost"]),
                          final_balance=ms(rec["final_balance"], METRIC_LAYOUTS["final_balance"]),
                          years_to_first_use_of_force=ms(rec["first_uof"], scale=12.0))
    cost = rec["cost"]
    tot = float(cost.sum())
    comp = {k: float(cost[l].sum()) / tot for l, k in enumerate(("military", "political", "economic"))}
    # the shares' standard errors over runs (ratio estimator), for compare.py's intervals
    per_run = cost.sum(axis=0)
    for l, k in enumerate(("military", "political", "economic")):
        resid = cost[l] - comp[k] * per_run
        comp[k + "_se"] = float(resid.std(ddof=1) * math.sqrt(runs) / tot)
    out["cost_composition"] = comp
    oc = rec["oc"]
    tot = sum(oc[k] for k in ("general_deterrence", "coercion_success", "immediate_deterrence",
                              "failure_limited", "failure_war"))
    out["crisis_outcomes"] = {k: oc[k] / tot if tot else 0.0 for k in (
        "general_deterrence", "coercion_success", "immediate_deterrence", "failure_limited",
        "failure_war")}
    out["crisis_outcomes"]["total"] = tot
    out["mechanisms"] = {k: oc[k] for k in oc if k not in out["crisis_outcomes"] and k != "_pr"}
    for name in ("after_concession", "after_firmness"):
        o = oc.get("opp_" + name, 0)
        out["mechanisms"]["challenge_" + name] = oc.get("chal_" + name, 0) / o if o else None
    # each per-crisis share, its numerator and denominator summed over runs and its standard
    # error over runs (ratio estimator: the crises of a run are not independent)
    pr = oc.get("_pr", {})
    shares = {}
    for key, num, den in (
            ("coercion_success", "coercion_success", "crises"),
            ("immediate_deterrence", "immediate_deterrence", "crises"),
            ("failure_limited", "failure_limited", "crises"),
            ("challenge_after_concession", "chal_after_concession", "opp_after_concession"),
            ("challenge_after_firmness", "chal_after_firmness", "opp_after_firmness"),
            ("sanctions_at_display_backed_down", "sanctions_display_succeeded",
             "sanctions_display"),
            ("commitments_honoured", "commitments_honoured", "commitments_invoked")):
        if den not in pr:
            continue
        x, nn = pr[num].astype(float), pr[den].astype(float)
        N = nn.sum()
        if N == 0:
            shares[key] = dict(count=0, n=0, p=None, se=None)
            continue
        p_ = x.sum() / N
        se = float((x - p_ * nn).std(ddof=1) * math.sqrt(runs) / N) if runs > 1 else 0.0
        shares[key] = dict(count=int(x.sum()), n=int(N), p=float(p_), se=se)
    out["share_se"] = shares
    yearly = []
    yl = rec["year_level"]
    for yy in range(sc.horizon_years):
        e = {}
        for name, lev in (("crisis", 1), ("threat", 2), ("display", 3), ("use_of_force", 4), ("war", 5)):
            c = int((yl[:, yy] >= lev).sum())
            e[name] = dict(p=c / runs, count=c)
        cs = {}
        for kk, arr in cnt.items():
            v = arr[:, yy]
            cs[kk] = dict(mean=float(v.mean()), sd=float(v.std(ddof=1)), total=int(v.sum()),
                          p50=count_quantile(v, 0.5), p95=count_quantile(v, 0.95))
        row = dict(year=sc.start_year + yy, events_in_year=e, counts=cs)
        if rivalry:
            for band in ("tension", "balance"):
                row[band] = {f"p{int(round(100 * q)):02d}": quantile(rec[band][:, yy], q)
                             for q in (0.05, 0.25, 0.5, 0.75, 0.95)}
                # order-statistic 95% band of each quantile for a two-sample comparison (ranks
                # q +- 1.96 sqrt(2 q (1 - q) / n)): compare.py's descriptive check
                for q in (0.05, 0.25, 0.5, 0.75, 0.95):
                    h = 1.959963984540054 * math.sqrt(2 * q * (1 - q) / runs)
                    key = f"p{int(round(100 * q)):02d}"
                    row[band][key + "_lo"] = quantile(rec[band][:, yy], max(q - h, 0.0))
                    row[band][key + "_hi"] = quantile(rec[band][:, yy], min(q + h, 1.0))
                    # the same quantile and band as deter computes them from its bins
                    x = rec[band][:, yy]
                    row[band][key + "_binned"] = binned_quantile(x, q, LAYOUTS[band])
                    row[band][key + "_binned_lo"] = binned_quantile(x, max(q - h, 0.0), LAYOUTS[band])
                    row[band][key + "_binned_hi"] = binned_quantile(x, min(q + h, 1.0), LAYOUTS[band])
        yearly.append(row)
    out["yearly"] = yearly
    return out


def summarise(sc, res, runs, seed):
    out = {"scenario": sc.name, "runs": runs, "seed": seed, "implementation": "model2.py"}
    out.update(summarise_record(sc, region_record(res), runs))
    out["rivalries"] = []
    for rid, (a_, t_), rec in zip(res["rivalries"], res["pairs"], res["recs"]):
        r = dict(id=rid, challenger=a_, target=t_)
        r.update(summarise_record(sc, rec, runs, rivalry=True))
        out["rivalries"].append(r)
    return out


VARIANTS = ["none", "military", "political", "military+political", "economic",
            "military+economic", "political+economic", "all"]


def attribution(sc, runs, seed):
    """The eight variants of 7.13, each on its own streams (not common random numbers), and the
    Shapley values of the removal game computed from the variants' probabilities."""
    import copy
    res = {}
    for i, v in enumerate(VARIANTS):
        rm = (frozenset(["military", "political", "economic"]) if v == "all"
              else frozenset() if v == "none" else frozenset(v.split("+")))
        r = simulate(copy.deepcopy(sc), runs, seed * 1000 + 17 * i + 1, rm)
        ml = region_record(r)["max_level"]
        res[v] = {name: int((ml >= lev).sum()) for name, lev in
                  (("threat", 2), ("display", 3), ("use_of_force", 4), ("war", 5))}
    return res


NESTED_EVENTS = ("crisis", "threat", "display", "use_of_force", "war", "deterrence_held",
                 "non_state_incident")


def prior_value(e, u):
    """The inverse CDF of a prior at u (docs/SWEEPS.md, "the inverse CDF"; SCENARIO.md
    `[[uncertain]]`): uniform lo + u (hi - lo); log-uniform uniform in log; normal (mean, sd)
    truncated to the range; triangular on the range with its mode; a list: item floor(u n).
    u = 0 and u = 1 map to lo and hi."""
    from statistics import NormalDist
    if "values" in e:
        vals = e["values"]
        v = vals[min(int(math.floor(u * len(vals))), len(vals) - 1)]
        return float(v) if not isinstance(v, bool) else (1.0 if v else 0.0)
    lo, hi = (float(x) for x in e["range"])
    dist = e.get("distribution", "uniform")
    if u <= 0:
        return lo
    if u >= 1:
        return hi
    if dist == "uniform":
        return lo + u * (hi - lo)
    if dist == "log-uniform":
        return math.exp(math.log(lo) + u * (math.log(hi) - math.log(lo)))
    if dist == "normal":
        nd = NormalDist(float(e["mean"]), float(e["sd"]))
        a, b = nd.cdf(lo), nd.cdf(hi)
        return min(max(nd.inv_cdf(a + u * (b - a)), lo), hi)
    if dist == "triangular":
        c = float(e["mode"])
        f = (c - lo) / (hi - lo)
        if u < f:
            return lo + math.sqrt(u * (hi - lo) * (c - lo))
        return hi - math.sqrt((1 - u) * (hi - lo) * (hi - c))
    raise SystemExit(f"unknown distribution {dist}")


def draw_quantile(x, q):
    """The 5% and 95% quantiles over the D draws (param90): the ceil(q D)-th smallest for
    q <= 1/2 and the ceil((1 - q) D)-th largest for q > 1/2, so the two ends are mirror images
    (docs/OUTPUT.md "Nested runs"; guess N10, revised by the maintainers on 4 December 2026 when
    deter's rule changed from the ceil(q D)-th smallest at both ends)."""
    xs = np.sort(np.asarray(x, float))
    if q > 0.5:
        k = min(max(int(math.ceil((1.0 - q) * xs.size * (1 - 1e-9))), 1), xs.size)
        return float(xs[xs.size - k])
    k = min(max(int(math.ceil(q * xs.size * (1 - 1e-9))), 1), xs.size)
    return float(xs[k - 1])


def nested(sc, draws, runs, seed, values=None):
    """Nested Monte Carlo (SCENARIO.md `[[uncertain]]`, CALIBRATION.md, OUTPUT.md "Nested runs"):
    D parameter sets (deter's own, from `values`, or drawn here from the priors by their inverse
    CDFs of uniforms), R runs each, and the aggregation across draws."""
    import copy
    paths = [e["path"] for e in sc.uncertain]
    rng = np.random.default_rng(seed)
    if values is None:
        values = [[prior_value(e, float(rng.random())) for e in sc.uncertain] for _ in range(draws)]
    per_draw = {ev: [] for ev in NESTED_EVENTS}
    for d, row in enumerate(values):
        s2 = copy.deepcopy(sc)
        for path, v in zip(paths, row):
            s2.apply_path(path, v)
        res = simulate(s2, runs, seed * 1_000_003 + d + 1)
        rr = region_record(res)
        ml = rr["max_level"]
        for ev, lev in (("crisis", 1), ("threat", 2), ("display", 3), ("use_of_force", 4),
                        ("war", 5)):
            per_draw[ev].append(int((ml >= lev).sum()) / runs)
        per_draw["deterrence_held"].append(int((ml < 4).sum()) / runs)
        per_draw["non_state_incident"].append(int(rr["year_ns"].any(axis=1).sum()) / runs)
    D, R = len(values), runs
    outs = []
    for ev in NESTED_EVENTS:
        p = np.asarray(per_draw[ev])
        mean = float(p.mean())
        sd = float(p.std(ddof=1)) if D > 1 else 0.0
        se = sd / math.sqrt(D) if D > 1 else None
        mc_error = math.sqrt(float((p * (1 - p)).sum()) / (R - 1)) / D if R > 1 else None
        var = float(p.var(ddof=1)) if D > 1 else 0.0
        binom = float((p * (1 - p)).mean()) / (R - 1) if R > 1 else 0.0
        share = min(max((var - binom) / var, 0.0), 1.0) if var > 0 else 0.0
        outs.append(dict(outcome=ev, mean=mean, param90_lo=draw_quantile(p, 0.05),
                         param90_hi=draw_quantile(p, 0.95), se_mean=se, mc_error=mc_error,
                         mc95_lo=None if not se else mean - 1.959963984540054 * se,
                         mc95_hi=None if not se else mean + 1.959963984540054 * se,
                         parametric_share_of_variance=share, per_draw=p.tolist()))
    return dict(kind="nested_run", implementation="model2.py", draws=D, runs_per_draw=R,
                seed=seed, outcomes=outs, parameters=dict(paths=paths, values=values))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("scenario")
    ap.add_argument("--runs", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out")
    ap.add_argument("--set", action="append", default=[],
                    help="model.KEY=VALUE or rivalry.ID.KEY=VALUE (a what-if, as deter's --set)")
    ap.add_argument("--nested", type=int, metavar="D",
                    help="nested Monte Carlo over the scenario's [[uncertain]] priors: D draws of "
                         "--runs runs each")
    ap.add_argument("--draws-from", metavar="DETER_NESTED.json",
                    help="with --nested: simulate at the parameter values of deter's draws")
    ap.add_argument("--misread", action="append", default=[],
                    choices=["tension-parameter", "deployment-zero", "magnitude-ignored",
                             "restraint-sign", "restraint-unpartitioned", "memory-kept",
                             "reputation-kept", "restraint-memory-firm",
                             "commitment-before-force", "signal-ignored",
                             "misjudged-ignored", "misjudged-threat-only",
                             "clarity-contributors", "theatre-without-patrons",
                             "reneging-ignored", "node6-one-move", "u9-is-u4",
                             "tripwire-ignored", "tripwire-whole-abandonment"],
                    help="power checks only: a wrong reading of the docs (tension-parameter: "
                         "setting a rivalry's tension leaves the parameter `tension` as it was, "
                         "so each month of a ramp shifts by the whole change so far; "
                         "deployment-zero: a stationed force of capability 0 still makes its "
                         "contributors the host's protectors; magnitude-ignored: a policy "
                         "change's magnitude given by `--set` or a prior, "
                         "policy.ID.changes[K].OP or policy.ID.NAME, is ignored; "
                         "restraint-sign: P's restraint leaf +pv - rc, as if the protector "
                         "gained its ward's concession; restraint-unpartitioned: P restrains "
                         "when u_4 < rho alone, not c <= u_4 < c + rho; memory-kept: a crisis "
                         "opportunity with no dispute keeps the rivalry's memory of the last "
                         "answer, MODEL.md 7.9 step 1 clears it; reputation-kept: a concession "
                         "leaves the target's reputation as it was, 7.9 step 3 lowers it; "
                         "restraint-memory-firm: a restrained crisis leaves the memory 'stood "
                         "firm' (its answer at the threat), 7.9 step 4 makes it 'conceded'; "
                         "commitment-before-force: with model.commitment_at_attack = 1, the "
                         "tree and play of the commitment after the display, P deciding before "
                         "A's use of force; signal-ignored: the signal of the protectors' "
                         "resolve says nothing, belief 1/2 whatever model.resolve_signal; "
                         "misjudged-ignored: model.protector_resolve_misjudged not read; "
                         "misjudged-threat-only: A's perceived cost of staying out scaled by "
                         "1 - m after a threat and not after a fait accompli; "
                         "clarity-contributors: the strongest strategic deterrent that lifts "
                         "the misjudgment (s_T) raised by the deployments' contributors too, "
                         "i.e. s_P; theatre-without-patrons: the limited fight's K_l priced "
                         "with M_A = challenger_share K_A, the patrons' help in theatre left "
                         "out; reneging-ignored: with model.protector_moves_twice = 1, node 6 "
                         "does not read model.reneging_cost; node6-one-move: "
                         "model.protector_moves_twice not read, the one move at the display; "
                         "u9-is-u4: node 6 decided by node 4's uniform u_4 in place of its own "
                         "u_9; tripwire-ignored: model.tripwire_at_display not read, node 6 "
                         "after a stay-out pricing the whole abandonment; "
                         "tripwire-whole-abandonment: with it, the part paid at the display "
                         "read as the whole abandonment pa, the treaty's part included)")
    ap.add_argument("--attribution", action="store_true",
                    help="also simulate the 7 level-removal variants of 7.13 (independent streams)")
    a = ap.parse_args(argv)
    sc = Scenario(a.scenario)
    MISREAD.update(a.misread)
    for kv in a.set:
        path, val = kv.split("=", 1)
        val = {"true": "1", "false": "0"}.get(val, val)
        sc.apply_path(path, float(val))
    if sc.model["resolve_spread"] > 0 and sc.model["protector_restraint"] > 0:
        # MODEL.md 2.1 and 7.7: refused, P's move at the display would signal its type
        raise SystemExit("model.resolve_spread > 0 with model.protector_restraint > 0 is refused")
    if sc.model["protector_moves_twice"] != 0 and sc.model["commitment_at_attack"] != 0:
        # MODEL.md 2.1 and 7.7: one move after the attack, or two; not both
        raise SystemExit("model.protector_moves_twice with model.commitment_at_attack is refused")
    if a.nested:
        vals = None
        if a.draws_from:
            dj = json.load(open(a.draws_from))
            assert dj["parameters"]["paths"] == [e["path"] for e in sc.uncertain]
            vals = dj["parameters"]["values"][:a.nested]
        out = nested(sc, a.nested, a.runs, a.seed, vals)
        text = json.dumps(out, indent=1)
        if a.out:
            with open(a.out, "w") as f:
                f.write(text + "\n")
        else:
            print(text)
        return
    res = simulate(sc, a.runs, a.seed, misread=frozenset(a.misread))
    out = summarise(sc, res, a.runs, a.seed)
    out["overrides"] = a.set
    out["misread"] = a.misread
    if a.attribution:
        out["variants"] = attribution(sc, a.runs, a.seed)
    text = json.dumps(out, indent=1)
    if a.out:
        with open(a.out, "w") as f:
            f.write(text + "\n")
    else:
        print(text)


if __name__ == "__main__":
    main()
