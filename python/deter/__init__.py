"""deter: Monte Carlo engine for tri-level deterrence scenarios (military, political, economic).

This package calls the Rust library that the ``deter`` command line is built from (no
second implementation, no subprocess): for the same scenario, runs and seed, ``deter.run``
returns exactly the numbers of ``deter run --format json`` (docs/OUTPUT.md).

What one run is: one simulated history of the region over the scenario's horizon (monthly
steps). A probability such as ``use_of_force`` is the share of runs in which the event
happened at least once over the whole horizon; its interval is a Monte Carlo 95% interval
(Wilson): more runs narrow it, and it says nothing about the model's assumptions.

Quick start::

    import deter
    r = deter.run("scenarios/western-balkans-2024.toml", runs=20_000, seed=7)
    r.outcomes            # tidy DataFrame: one row per (scope, outcome)
    r.metrics             # tidy DataFrame: one row per (scope, metric, statistic)
    r.yearly              # tidy DataFrame: one row per (scope, year, outcome, window)
    r.attribution         # which level deters: one row per (scope, outcome, level)
    r.to_dict()           # the JSON contract of docs/OUTPUT.md
    c = deter.compare("baseline.toml", "envoy.toml", runs=20_000)
    deter.run("baseline.toml", set={"rivalry.SRB-XKX.monitoring": 0.7})   # a what-if
"""

from __future__ import annotations

import errno
import json
import numbers
import os
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping, Optional, Sequence, Union

import pandas as pd

from . import _native

__all__ = [
    "run",
    "compare",
    "run_nested",
    "compare_nested",
    "sweep",
    "merge",
    "merge_nested",
    "validate",
    "Result",
    "Comparison",
    "NestedResult",
    "NestedComparison",
    "ScenarioError",
    "MissingFileError",
    "Problem",
    "ENGINE_VERSION",
    "OUTCOMES",
]

ENGINE_VERSION: str = _native.ENGINE_VERSION

#: The headline outcomes, in report order. Each is the share of runs in which the event
#: happened at least once over the horizon (except ``deterrence_held``: no use of force in
#: any month of the horizon, a state that holds throughout;
#: ``non_state_incident``: an incident by non-state actors, not a MID level).
OUTCOMES = (
    "crisis",
    "threat",
    "display",
    "use_of_force",
    "war",
    "deterrence_held",
    "non_state_incident",
)

#: How every interval in these tables is to be read.
INTERVAL_NOTE = (
    "Monte Carlo 95% interval (Wilson): more runs narrow it; "
    "it says nothing about the model's assumptions"
)

Scenario = Union[str, "os.PathLike[str]", Mapping[str, Any]]
Sets = Union[Mapping[str, float], Iterable[str], None]


@dataclass(frozen=True)
class Problem:
    """One problem in a scenario or a what-if.

    ``line`` and ``column`` are 1-based (0 when the problem has no position, e.g. a missing
    file); for a ``set=`` what-if they point into the ``PATH=VALUE`` text. ``key`` is the
    key path (``country[2].military.budget`` or a parameter path); ``help`` a hint such as
    a did-you-mean, or None.
    """

    file: str
    line: int
    column: int
    key: str
    message: str
    help: Optional[str]

    def __str__(self) -> str:
        at = f"{self.file}:{self.line}:{self.column}" if self.line else self.file
        key = f"{self.key}: " if self.key else ""
        hint = f" ({self.help})" if self.help else ""
        return f"{at}: {key}{self.message}{hint}"


class ScenarioError(ValueError):
    """A scenario (or a ``set=`` what-if) is invalid.

    ``problems`` lists every problem found (a list of :class:`Problem`). For one problem,
    ``line``, ``column``, ``key`` and ``message`` are that problem's values; for several,
    each is a list with one entry per problem, in order. ``str(err)`` is the same report
    the command line prints (file:line:col, key, expectation, did-you-mean).
    """

    def __init__(self, text: str, problems: Sequence[Problem]):
        super().__init__(text)
        self.text = text
        self.problems = list(problems)
        one = len(self.problems) == 1

        def pick(attr: str):
            values = [getattr(p, attr) for p in self.problems]
            return values[0] if one else values

        self.line = pick("line")
        self.column = pick("column")
        self.key = pick("key")
        self.message = pick("message")

    def __str__(self) -> str:
        return self.text


class MissingFileError(ScenarioError, FileNotFoundError):
    """An input file given to a function does not exist, whatever its kind (a scenario, a
    sweep, a posterior, a partial file of ``merge``): one exception, in the command line's
    words (``FILE: error: cannot read file: No such file or directory (os error 2)``).

    It is a :class:`ScenarioError`, as every bad input is (the command line refuses it with
    the others, exit status 2; ``problems`` holds its one problem, without a line), and a
    :class:`FileNotFoundError` (so an :class:`OSError`), as Python's own functions raise for
    a missing file, with ``errno``, ``strerror`` and ``filename`` set: ``except
    deter.ScenarioError`` and ``except FileNotFoundError`` both catch it.
    """

    def __init__(self, text: str, problems: Sequence[Problem], filename: str):
        super().__init__(text, problems)
        self.errno = errno.ENOENT
        self.strerror = os.strerror(errno.ENOENT)
        self.filename = filename


def _call(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except _native.InputError as e:
        text, problems, missing = e.args
        problems = [Problem(**p) for p in json.loads(problems)]
        if missing is not None:
            raise MissingFileError(text.rstrip("\n"), problems, missing) from None
        raise ScenarioError(text.rstrip("\n"), problems) from None


def _path(path: str, name: str) -> str:
    """``path`` (the argument ``name``), refused when empty as the command line refuses
    ``deter run ""`` ("FILES "": expected a path, not an empty value"), the argument named as
    its keyword: reading it said "cannot read file: No such file or directory"."""
    if path == "":
        raise ValueError(f'`{name}` "": expected a path, not an empty value')
    if "\n" in path:
        # TOML text where only a file is taken (a sweep, a posterior, a partial file): it
        # was "cannot read file" of the text, with its newlines escaped.
        raise ValueError(
            f"`{name}`: expected a path, found text of several lines (only a scenario may be "
            "given as TOML text)"
        )
    return path


def _source(scenario: Scenario, name: str = "scenario") -> tuple:
    """(kind, source) for the native layer: a path, TOML text or a mapping (as JSON);
    ``name`` is the argument's keyword, for the refusal of an empty path."""
    if isinstance(scenario, os.PathLike):
        return "path", os.fspath(scenario)
    if isinstance(scenario, Mapping):
        # Rendered as TOML by the native layer, which names each fault at its key path.
        return "dict", scenario
    if isinstance(scenario, str):
        # TOML always has `=` or a table header; a file path has no newline, and `=` only
        # in a name that exists (`runs/seed=7/x.toml`): that is the file.
        if "\n" not in scenario and os.path.isfile(scenario):
            return "path", scenario
        if "\n" in scenario or "=" in scenario:
            return "toml", scenario
        return "path", _path(scenario, name)
    raise TypeError(
        f"scenario: expected a path, TOML text or a dict, found {type(scenario).__name__}"
    )


def _check_until_ci(until_ci: Any) -> None:
    """``until_ci`` out of (0, 0.5), in the words of ``--until-ci`` with the value as Python
    writes it (``nan``, ``1e-20``; the native layer's float would read ``NaN``). Not a number
    (a string, a bool, which Python counts as 1): a TypeError naming ``until_ci`` (the
    native layer's said "must be real number, not str", and took ``True`` as 1)."""
    if until_ci is None:
        return
    if isinstance(until_ci, bool) or not isinstance(until_ci, numbers.Real):
        raise TypeError(
            f"`until_ci` {until_ci!r}: expected a number, a half-width in (0, 0.5)"
        )
    if not 0 < until_ci < 0.5:
        raise ValueError(f"`until_ci` {until_ci!r}: expected a half-width in (0, 0.5)")


def _check_switch(value: Any, name: str) -> None:
    """A keyword that is on or off (``attribution``): a bool (NumPy's too), else a TypeError
    naming it (the native layer's said "'str' object is not an instance of 'bool'")."""
    if not _is_bool(value):
        raise TypeError(f"`{name}` {value!r}: expected True or False")


def _check_out(out: Optional[str]) -> None:
    """A sweep's ``out`` named as a file of another kind: ``deter.sweep`` writes CSV rows (the
    command line's ``--out X.json`` writes JSON Lines, ``--report`` the HTML page)."""
    if out is None:
        return
    ext = os.path.splitext(out)[1].lower()
    kind = {
        ".json": "a JSON",
        ".jsonl": "a JSON",
        ".ndjson": "a JSON",
        ".html": "an HTML",
        ".htm": "an HTML",
    }.get(ext)
    if kind is not None:
        raise ValueError(
            f"`out` `{out}` names {kind} file, but `out` receives the results rows as CSV; "
            "give it a .csv extension"
        )


def _is_bool(value: Any) -> bool:
    """A Python bool, or NumPy's (``np.bool_``, ``np.bool``), which is no ``bool``."""
    t = type(value)
    return isinstance(value, bool) or (t.__module__ == "numpy" and t.__name__ in ("bool", "bool_"))


def _sets(set: Sets) -> list:
    """``{"model.war_cost": 1.0}`` or ``["model.war_cost=1.0"]`` -> ``["model.war_cost=1.0"]``.

    A string value of a mapping is written quoted (``{"model.war_cost": "0.5"}`` ->
    ``model.war_cost="0.5"``): no parameter takes a string, and the ``PATH=VALUE`` reader
    refuses it as it refuses ``--set 'model.war_cost="0.5"'`` (it was read as the number)."""
    if set is None:
        return []
    if isinstance(set, Mapping):
        out = []
        for k, v in set.items():
            # NumPy's bool is no `bool`; its float64 is a `float` whose repr is
            # `np.float64(0.1)` under NumPy 2: each written as the number it is.
            if _is_bool(v):
                v = "true" if v else "false"
            elif isinstance(v, str):
                v = json.dumps(v)
            elif isinstance(v, float):
                v = repr(float(v))
            out.append(f"{k}={v}")
        return out
    if isinstance(set, str):
        return [set]
    if not isinstance(set, Iterable):
        raise TypeError(
            "`set` takes a mapping {PATH: VALUE} or a list of 'PATH=VALUE' strings, "
            f"not {type(set).__name__}"
        )
    return [str(s) for s in set]


def _outcome_rows(scope: str, outcomes: Mapping[str, Any], runs: int) -> list:
    return [
        {
            "scope": scope,
            "outcome": name,
            "probability": o["p"],
            "mc95_lo": o["mc95_lo"],
            "mc95_hi": o["mc95_hi"],
            "runs_with_event": o["count"],
            "runs": runs,
        }
        for name, o in outcomes.items()
    ]


def _metric_rows(scope: str, metrics: Mapping[str, Any]) -> list:
    return [
        {"scope": scope, "metric": name, "statistic": stat, "value": value}
        for name, m in metrics.items()
        # A metric undefined on purpose is None with its reason beside it
        # (`final_balance_undefined` in a scenario with no rivalry): no rows.
        if isinstance(m, Mapping)
        for stat, value in m.items()
    ]


_YEARLY_COLUMNS = [
    "scope",
    "year",
    "outcome",
    "window",
    "probability",
    "mc95_lo",
    "mc95_hi",
    "runs_with_event",
    "runs",
]


#: Columns of :attr:`Result.attribution`.
_ATTRIBUTION_COLUMNS = [
    "scope",
    "outcome",
    "level",
    "change",
    "paired95_lo",
    "paired95_hi",
    "p_as_is",
    "p_all_removed",
    "runs",
]

#: The parts of an outcome's attribution: removing all three levels, then each level.
_PARTS = ("all", "military", "political", "economic")


def _attribution_rows(report: Mapping[str, Any]) -> list:
    a = report.get("attribution")
    if a is None:
        return []
    rows = []
    for entity in a["entities"]:
        for outcome, x in entity["events"].items():
            for part in _PARTS:
                c = x["removing_all" if part == "all" else part]
                rows.append(
                    {
                        "scope": entity["entity"],
                        "outcome": outcome,
                        "level": part,
                        "change": c["change"],
                        "paired95_lo": c["paired95_lo"],
                        "paired95_hi": c["paired95_hi"],
                        "p_as_is": x["p_as_is"],
                        "p_all_removed": x["p_all_removed"],
                        "runs": a["runs"],
                    }
                )
    return rows


def _attribution_shift_rows(report: Mapping[str, Any]) -> list:
    a = report.get("attribution_shift")
    if a is None:
        return []
    rows = []
    for entity in a["entities"]:
        for outcome, x in entity["events"].items():
            for part in _PARTS:
                c = x["removing_all" if part == "all" else part]
                rows.append(
                    {
                        "scope": entity["entity"],
                        "outcome": outcome,
                        "level": part,
                        "a": c["a"],
                        "b": c["b"],
                        "shift": c["shift"],
                        "paired95_lo": c["paired95_lo"],
                        "paired95_hi": c["paired95_hi"],
                    }
                )
    return rows


def _yearly_rows(scope: str, years: Sequence[Mapping[str, Any]], runs: int) -> list:
    out = []
    for y in years:
        for window, key in (("in_year", "events_in_year"), ("by_end", "events_by_end")):
            for name, o in y.get(key, {}).items():
                out.append(
                    {
                        "scope": scope,
                        "year": y["year"],
                        "outcome": name,
                        "window": window,
                        "probability": o["p"],
                        "mc95_lo": o["mc95_lo"],
                        "mc95_hi": o["mc95_hi"],
                        "runs_with_event": o["count"],
                        "runs": runs,
                    }
                )
    return out


class Result:
    """The result of :func:`run`: the JSON report of docs/OUTPUT.md, with tidy views.

    Attributes
    ----------
    outcomes : pandas.DataFrame
        One row per (scope, outcome); scope is ``"region"`` or a rivalry id. Columns:
        ``scope``, ``outcome`` (see :data:`OUTCOMES`), ``probability`` (share of runs in
        which the event happened at least once over the horizon, in [0, 1]),
        ``mc95_lo`` / ``mc95_hi`` (Monte Carlo 95% Wilson interval of that share: more
        runs narrow it; it says nothing about the model's assumptions), ``runs_with_event``
        and ``runs`` (counts). Shape: (len(OUTCOMES) x (1 + rivalries), 7).
    metrics : pandas.DataFrame
        One row per (scope, metric, statistic): ``crises`` and ``disputes`` (counts per run
        over the horizon), ``years_to_first_use_of_force`` (years; censored at the horizon,
        ``censored_share`` is the share of runs without use of force), ``gdp_lost`` (GDP lost
        by the rivalry's challenger and target: the challenger's to sanctions, both's to
        uses of force and wars, no one else's; summed over rivalries for the region; in the
        scenario's currency unit,
        bn, cumulative over the horizon), ``final_balance`` (challenger / target whole
        military capability at the end, allies included, a ratio: not the theatre balance
        the crisis uses; no rows in a scenario with no rivalry); statistics ``mean``, ``sd``,
        ``p05``, ``p50``, ``p95``, and for ``years_to_first_use_of_force`` also
        ``censored_share`` (the share of runs with no use of force within the horizon, in
        [0, 1]). Columns: ``scope``, ``metric``, ``statistic``, ``value``.
    yearly : pandas.DataFrame
        Per-year probabilities: one row per (scope, year, outcome, window). ``window`` is
        ``"in_year"`` (share of runs in which the event happened during that calendar year)
        or ``"by_end"`` (at least once from the start to the end of that year, cumulative;
        the last year's equals ``outcomes``). Columns: ``scope``, ``year``, ``outcome``,
        ``window``, ``probability``, ``mc95_lo``, ``mc95_hi`` (Monte Carlo 95% interval),
        ``runs_with_event``, ``runs``. Shape: (horizon years x len(OUTCOMES) x 2 x (1 + rivalries), 9).
    bands : pandas.DataFrame
        One row per (scope, year, quantity, statistic), for each rivalry: ``tension`` (in
        [0, 1]) and ``balance`` (challenger / target military capability, a ratio) at each
        year's end, as quantiles over runs (``p05`` ... ``p95``). Columns: ``scope``,
        ``year``, ``quantity``, ``statistic``, ``value``.
    attribution : pandas.DataFrame
        Which level deters (computed unless ``attribution=False``): one row per (scope,
        outcome, level). ``level`` is ``"military"``, ``"political"``, ``"economic"`` (that
        level's Shapley share) or ``"all"`` (removing all three; the three shares add up to
        it). For ``"all"``, ``change`` is how much removing all three defender levels
        together raises (+) or lowers (-) the probability of the outcome over the horizon,
        as a probability difference (0.01 = 1 percentage point), under the defender-side
        removal counterfactual of docs/MODEL.md 7.13; for a level, it is that level's
        Shapley share of the ``"all"`` change (its removal's effect averaged over the six
        orders of removing the three levels), not the effect of removing that level alone
        (a share can exceed the total, or have the other sign: that is
        ``to_dict()["attribution"]["entities"][i]["events"][outcome]["removing_alone"]``,
        from the variants' counts); ``paired95_lo`` / ``paired95_hi`` its paired 95% interval (NaN
        where the sample cannot support one); ``p_as_is`` and ``p_all_removed`` the
        outcome's probability with every level and with none; ``runs``. Shape:
        ((1 + rivalries) x len(OUTCOMES) x 4, 9); empty with ``attribution=False``.
    runs, seed : int
    overrides : list of dict
        The ``set=`` what-ifs applied: ``path``, ``value``, ``replaced``.
    policies : list of dict
        The scenario's dated policies (the JSON's ``policies``): ``id``, ``name``,
        ``start``, ``ramp_years``, ``enabled``, ``in_effect_from`` (``None`` when never in
        effect), ``changes``, ``joins``, ``summary``; empty without policies.
    """

    def __init__(self, report: Mapping[str, Any]):
        self._report = report
        self.runs: int = report["runs"]
        self.seed: int = report["seed"]
        self.overrides: list = list(report.get("overrides", []))
        self.policies: list = list(report.get("policies", []))
        runs = self.runs
        rows = _outcome_rows("region", report["outcomes"], runs)
        metrics = _metric_rows("region", report["metrics"])
        yearly = _yearly_rows("region", report.get("yearly", []), runs)
        bands = []
        for r in report["rivalries"]:
            rows += _outcome_rows(r["id"], r["outcomes"], runs)
            metrics += _metric_rows(r["id"], r["metrics"])
            yearly += _yearly_rows(r["id"], r.get("yearly", []), runs)
            for y in r.get("yearly", []):
                for quantity in ("tension", "balance"):
                    for stat, value in y.get(quantity, {}).items():
                        bands.append(
                            {
                                "scope": r["id"],
                                "year": y["year"],
                                "quantity": quantity,
                                "statistic": stat,
                                "value": value,
                            }
                        )
        self.outcomes = pd.DataFrame(rows)
        self.metrics = pd.DataFrame(metrics)
        self.yearly = pd.DataFrame(yearly, columns=_YEARLY_COLUMNS)
        self.bands = pd.DataFrame(
            bands, columns=["scope", "year", "quantity", "statistic", "value"]
        )
        self.attribution = pd.DataFrame(
            _attribution_rows(report), columns=_ATTRIBUTION_COLUMNS
        )

    def to_dict(self) -> dict:
        """The report as the JSON contract of docs/OUTPUT.md (a fresh copy)."""
        return json.loads(json.dumps(self._report))

    def __repr__(self) -> str:
        o = self.outcomes.set_index(["scope", "outcome"]).loc["region"]
        uf = o.loc["use_of_force"]
        return (
            f"<deter.Result {self._report['scenario']!r}: {self.runs:,} runs, seed {self.seed}; "
            f"use of force in {uf.probability:.1%} of runs over {self._report['horizon_years']} "
            f"years (Monte Carlo 95% interval {uf.mc95_lo:.1%}-{uf.mc95_hi:.1%})>"
        )


class Comparison:
    """The result of :func:`compare`: B - A with common random numbers (docs/OUTPUT.md).

    Attributes
    ----------
    outcomes : pandas.DataFrame
        One row per (scope, outcome): ``p_a``, ``p_b`` (shares of runs, in [0, 1]),
        ``diff`` (B - A), ``paired95_lo`` / ``paired95_hi`` (Monte Carlo 95% interval of
        the paired difference under common random numbers, Newcombe method 10; NaN where the
        sample cannot support one), ``unpaired95_lo`` / ``unpaired95_hi`` (what independent
        runs would give), ``excludes_zero`` (bool: the paired interval excludes 0, the
        ``*`` of ``deter compare``'s table; False where no interval is defined),
        ``a_only`` / ``b_only`` (runs where the event happened under one side only).
    metrics : pandas.DataFrame
        One row per (scope, metric) (``crises``, ``disputes``, ``gdp_lost``, the challenger's
        and the target's, in the scenarios' currency unit, ``years_to_first_use_of_force``): ``mean_a``, ``mean_b``, ``diff`` and
        its paired interval ``paired95_lo`` / ``paired95_hi`` (the mean of the per-run
        differences +- 1.96 standard errors, runs as units; NaN with one run) and
        ``excludes_zero`` (that interval excludes 0), as the JSON's ``metrics[]``. No
        ``gdp_lost`` row when A and B count money in different currency units (a
        ``UserWarning`` says so, and ``to_dict()["gdp_lost_not_compared"]`` why).
    a, b : Result
        Each side on its own (each equals a plain :func:`run` of that side).
    attribution_shift : pandas.DataFrame
        How B shifts which level deters: one row per (scope, outcome, level) with ``a`` and
        ``b`` (the ``change`` of :attr:`Result.attribution` under each side: for ``"all"``
        the total change when all three levels are removed, for a level its Shapley share
        of that total), ``shift`` =
        b - a and its paired 95% interval ``paired95_lo`` / ``paired95_hi``. Empty with
        ``attribution=False``.

    Each of the three tables has a column ``unchanged_in_every_run``: True where the
    difference B - A is 0 in every run (an outcome with no run where it happened under one
    side only; a mean or shift whose paired interval is the point 0), the rows ``deter
    compare``'s table says "unchanged in every run" beside, decided by the same library
    functions. An outcome's paired interval stays an interval (no discordant pair in n runs
    bounds how often A and B could differ; it does not make that rate 0).
    """

    def __init__(self, report: Mapping[str, Any], unchanged: Optional[Mapping[str, Any]] = None):
        self._report = report
        flagged = {
            table: {tuple(key) for key in (unchanged or {}).get(table, [])}
            for table in ("outcomes", "metrics", "attribution_shift")
        }
        self.a = Result(report["a"])
        self.b = Result(report["b"])
        outcomes, metrics = [], []
        for entity in [report["region"], *report["rivalries"]]:
            scope = entity["entity"]
            for o in entity["outcomes"]:
                outcomes.append(
                    {
                        "scope": scope,
                        "outcome": o["outcome"],
                        "p_a": o["p_a"],
                        "p_b": o["p_b"],
                        "diff": o["diff"],
                        "paired95_lo": o["paired95_lo"],
                        "paired95_hi": o["paired95_hi"],
                        "unpaired95_lo": o["unpaired95_lo"],
                        "unpaired95_hi": o["unpaired95_hi"],
                        "excludes_zero": o["excludes_zero"],
                        "a_only": o["a_only"],
                        "b_only": o["b_only"],
                        "unchanged_in_every_run": (scope, o["outcome"]) in flagged["outcomes"],
                    }
                )
            for m in entity["metrics"]:
                row = {"scope": scope}
                row.update(m)
                row["unchanged_in_every_run"] = (scope, m["metric"]) in flagged["metrics"]
                metrics.append(row)
        self.outcomes = pd.DataFrame(outcomes)
        self.metrics = pd.DataFrame(metrics)
        shifts = _attribution_shift_rows(report)
        for row in shifts:
            key = (row["scope"], row["outcome"], row["level"])
            row["unchanged_in_every_run"] = key in flagged["attribution_shift"]
        self.attribution_shift = pd.DataFrame(
            shifts,
            columns=["scope", "outcome", "level", "a", "b", "shift", "paired95_lo", "paired95_hi",
                     "unchanged_in_every_run"],
        )

    def to_dict(self) -> dict:
        """The comparison as the JSON of ``deter compare --format json`` (a fresh copy)."""
        return json.loads(json.dumps(self._report))

    def __repr__(self) -> str:
        return (
            f"<deter.Comparison {self._report['a']['scenario']!r} vs "
            f"{self._report['b']['scenario']!r}: {self._report['runs']:,} paired runs>"
        )


def run(
    scenario: Scenario,
    runs: Optional[int] = None,
    seed: Optional[int] = None,
    threads: Optional[int] = None,
    set: Sets = None,
    horizon_years: Optional[int] = None,
    attribution: bool = True,
    until_ci: Optional[float] = None,
    max_runs: Optional[int] = None,
) -> Result:
    """Run a scenario's Monte Carlo replications (``deter run``).

    Parameters
    ----------
    scenario : path, TOML text or dict
        A file path (``str`` or ``os.PathLike``; a ``str`` naming a file that exists is that
        file, ``=`` in its name or not), the TOML text itself (any other ``str`` with a
        newline or ``=``), or a dict shaped like the TOML file (docs/SCENARIO.md). A dict's
        problems are named by their key path in the dict (``country[0].military.budget``),
        without a line and column, in the file's words otherwise (a ``None`` or a NaN
        included: "found None", "found NaN").
    runs : int, optional
        Replications, in [1, 10^12] [default: the file's ``scenario.runs``].
    seed : int, optional
        Master seed [default: the file's ``scenario.seed``].
    threads : int, optional
        Worker threads; None or 0 = all cores. Results do not depend on it.
    set : dict or list of str, optional
        What-ifs applied before the run, checked like the same edit in the file:
        ``{"rivalry.SRB-XKX.monitoring": 0.7}`` or ``["model.war_cost=1.0"]``. A dict's
        values are numbers (or bools, for ``policy.ID.enabled``): a string is refused as
        ``--set 'PATH="0.5"'`` is. Warned as ``deter run --set`` warns (a policy dated after
        the horizon run, a value a policy later overrides, scales or adds to).
    horizon_years : int, optional
        Horizon in years, in [1, 200] [default: the file's].
    attribution : bool
        Compute which level deters (:attr:`Result.attribution`), as ``deter run`` does by
        default: every run is also simulated under 7 level-removal variants (8x the work).
        ``False`` is ``--no-attribution``.
    until_ci : float, optional
        Adaptive stopping (``--until-ci``): add runs in blocks of 1,000 until every headline
        probability's Monte Carlo 95% interval has at most this half-width, in (0, 0.5), or
        ``max_runs`` is reached; ``to_dict()["stopping"]`` says how many runs it took and why
        it stopped.
    max_runs : int, optional
        Cap on runs with ``until_ci`` (``--max-runs``), in [1, 10^12] [default: ``runs``];
        refused without ``until_ci``, as ``--max-runs`` without ``--until-ci``.

    Returns
    -------
    Result
        Identical to ``deter run --format json`` for the same inputs (timing aside).

    Raises
    ------
    ScenarioError
        The scenario or a what-if is invalid (``.line``, ``.column``, ``.key``, ``.message``).
    ValueError
        A setting out of its range, named as the keyword (```runs` 0: expected an integer
        in [1, 1000000000000]``), negative and oversized integers and bools included
        (``runs=True``, refused as ``--runs true``); an empty path (```scenario` "": expected
        a path, not an empty value``).
    TypeError
        An integer setting that is not an int, named as the keyword in the words above
        (```runs` '10': expected an integer in [1, 1000000000000]``, as ``--runs abc`` is
        refused); another argument of the wrong type (``attribution="no"``).
    KeyboardInterrupt
        Ctrl-C: the run stops within a second; no result.

    Warns
    -----
    UserWarning
        One per warning ``deter validate`` gives the scenario (an intra-alliance rivalry,
        implausible currency figures, a policy dated after the horizon or before the start,
        ...; docs/MODEL.md), in its words (file:line:col, key path, the line, help; a dict's
        at its key path). A policy dated after the horizon is checked against the horizon
        run (``horizon_years`` when given), as ``deter run --horizon-years`` checks it. The
        run goes ahead. Every function that reads a scenario issues them.

    The GIL is released while the run executes.
    """
    _check_until_ci(until_ci)
    _check_switch(attribution, "attribution")
    kind, source = _source(scenario)
    text = _call(
        _native.run,
        kind,
        source,
        runs=runs,
        seed=seed,
        threads=threads,
        set=_sets(set),
        horizon_years=horizon_years,
        attribution=bool(attribution),
        until_ci=until_ci,
        max_runs=max_runs,
    )
    return Result(json.loads(text))


def merge(
    parts: Sequence[Union[str, "os.PathLike[str]"]],
    per_run: Optional[Union[str, "os.PathLike[str]"]] = None,
) -> Result:
    """Merge the partial files of a sharded run (``deter merge``).

    Parameters
    ----------
    parts : sequence of paths
        The partial files written by ``deter run FILE --shard K/N --out PART``: every shard,
        once, in any order. The scenario is rebuilt from the text they embed and checked
        against their fingerprint.
    per_run : path, optional
        Also write the merged run's per-run CSV to this file (atomically), byte for byte what
        ``deter merge --per-run PATH`` writes and ``deter run --per-run PATH`` writes for the
        unsharded run: the shards must carry their rows (``--per-run-rows``). Read it with
        ``pandas.read_csv``.

    Returns
    -------
    Result
        Identical to ``deter merge PARTS --format json`` (and to the unsharded run's report,
        timing aside).

    Raises
    ------
    ValueError
        A shard damaged, edited, foreign, given twice or missing, the shards of a sweep or of
        a nested run (merge those with :func:`merge_nested`), a shard without per-run rows when ``per_run`` is given, or a ``per_run`` that is one of
        ``parts``; each names the file.
    ScenarioError
        A partial file that is not JSON (file:line:col), or an embedded scenario no longer
        valid.
    OSError
        A partial file that cannot be read, or a ``per_run`` that cannot be written.
    MemoryError
        The merged tallies would pass the memory guard's limit.
    KeyboardInterrupt
        Ctrl-C: the merge stops within a part or per-run row of the files, as a run stops;
        no result, nothing written at ``per_run``.

    The GIL is released while the shards are merged.
    """
    if isinstance(parts, (str, os.PathLike)):
        raise TypeError("`parts`: expected a sequence of partial files, found one path")
    paths = [_path(os.fspath(p), "parts") for p in parts]
    out = None if per_run is None else _path(os.fspath(per_run), "per_run")
    return Result(json.loads(_call(_native.merge, paths, per_run=out)))


class NestedResult:
    """The result of :func:`run_nested`: an answer with what we don't know carried into it.

    Attributes
    ----------
    outcomes : pandas.DataFrame
        One row per outcome (see :data:`OUTCOMES`). Columns: ``outcome``; ``mean`` (the
        probability averaged over parameter draws, in [0, 1]); ``param90_lo`` /
        ``param90_hi`` (the 90% interval over uncertain parameters: the 5% and 95%
        quantiles of the per-draw probabilities; more runs do not narrow it); ``mc_error``
        (the error of the mean from the finite runs per draw alone) and ``mc95_lo`` /
        ``mc95_hi`` (the 95% interval of the mean over D draws x R runs; the point, both equal
        to ``mean``, when every draw gave the same value; None when D = 1); ``parametric_share`` (share of the variance across draws due to the
        parameters, in [0, 1]). Shape: (outcomes, 8).
    draws : pandas.DataFrame
        One row per parameter draw: ``draw``, one column per uncertain parameter path (its
        value) and one per outcome (its probability in that draw). Shape: (D, 1 + P + outcomes).
    not_applied : list of str
        The columns of ``draws`` whose values were drawn but not set in the runs: a
        calibration's case parameters ``CASE/PATH`` (one historical case's own values, carried
        with their posterior row; the JSON's ``parameters.applied`` is false for them).
    policies : list of dict
        The scenario's dated policies (the JSON's ``policies``): each as
        :attr:`Result.policies` lists it (before the draws), with ``in_effect_from_per_draw``,
        the month it took effect in each draw's runs (``YYYY-MM``, None when it never did: a
        prior over ``policy.ID.start`` moves it draw by draw); empty without policies.
    draws_count, runs_per_draw, seed : int
    """

    def __init__(self, report: Mapping[str, Any]):
        self._report = report
        self.draws_count: int = report["draws"]
        self.runs_per_draw: int = report["runs_per_draw"]
        self.seed: int = report["seed"]
        self.policies: list = list(report.get("policies", []))
        self.outcomes = pd.DataFrame(
            [
                {
                    "outcome": o["outcome"],
                    "mean": o["mean"],
                    "param90_lo": o["param90_lo"],
                    "param90_hi": o["param90_hi"],
                    "mc_error": o["mc_error"],
                    "mc95_lo": o["mc95_lo"],
                    "mc95_hi": o["mc95_hi"],
                    "parametric_share": o["parametric_share_of_variance"],
                }
                for o in report["outcomes"]
            ]
        )
        params = report["parameters"]
        self.not_applied: list = [
            p for p, a in zip(params["paths"], params["applied"]) if not a
        ]
        rows = []
        for d, values in enumerate(params["values"]):
            row = {"draw": d}
            row.update(dict(zip(params["paths"], values)))
            for o in report["outcomes"]:
                row[o["outcome"]] = o["per_draw"][d]
            rows.append(row)
        self.draws = pd.DataFrame(rows)

    def to_dict(self) -> dict:
        """The report as the JSON of ``deter run --posterior ... --format json`` (a copy)."""
        return json.loads(json.dumps(self._report))

    def __repr__(self) -> str:
        uf = self.outcomes.set_index("outcome").loc["use_of_force"]
        return (
            f"<deter.NestedResult {self._report['scenario']!r}: {self.draws_count} parameter "
            f"draws x {self.runs_per_draw:,} runs; use of force {uf['mean']:.1%} (90% interval "
            f"over uncertain parameters {uf.param90_lo:.1%}-{uf.param90_hi:.1%})>"
        )


def run_nested(
    scenario: Scenario,
    posterior: Optional[Union[str, "os.PathLike[str]"]] = None,
    draws: Optional[int] = None,
    runs: Optional[int] = None,
    seed: Optional[int] = None,
    threads: Optional[int] = None,
    set: Sets = None,
    horizon_years: Optional[int] = None,
) -> "NestedResult":
    """Nested Monte Carlo over uncertain parameters (``deter run`` with ``--posterior`` or a
    scenario declaring ``[[uncertain]]`` priors).

    Parameters
    ----------
    scenario : path, TOML text or dict
        As in :func:`run`; its ``[[uncertain]]`` priors are drawn from.
    posterior : path, optional
        A ``posterior.csv`` written by ``deter calibrate``; its columns are drawn by weight.
    draws : int, optional
        Parameter draws D, in [1, 10^6] [default 100].
    runs : int, optional
        Runs per draw R, at least 2 [default 1000].
    seed, threads, set, horizon_years
        As in :func:`run`.

    Returns
    -------
    NestedResult
        Identical to ``deter run ... --format json`` of the same nested run.

    Raises
    ------
    ScenarioError
        The scenario, a prior or a what-if is invalid; or the posterior is malformed, a
        posterior column is not a path of the scenario or one of its values is out of the
        parameter's range: ``.line``, ``.column`` and the text of ``deter run --posterior``
        (file:line:col, the column, the did-you-mean); or the posterior is a directory or
        another non-regular file (the command line's "cannot read file" message). A
        ``ValueError``.
    ValueError
        Nothing is uncertain, or a budget is out of range.
    OSError
        The posterior file cannot be read (missing, no permission).
    KeyboardInterrupt
        Ctrl-C: stops within a second; no result.

    Warns
    -----
    UserWarning
        For each value the posterior's calibration fixed (its ``# set = PATH=VALUE`` lines)
        that the scenario does not have, in the words of ``deter run --posterior`` ("FILE was
        calibrated with `PATH=VALUE` fixed but this scenario has PATH = NOW: add --set
        PATH=VALUE ..."); the run goes ahead as asked (``set={PATH: VALUE}`` runs it under
        the calibration's conditions). For each posterior column a dated policy of the
        scenario changes, and each ``set=`` value on a path a posterior column draws (the
        draws replace it), in the words ``deter run --posterior`` prints, at the column's
        header cell (file:line:col, the column, help).
    """
    kind, source = _source(scenario)
    text = _call(
        _native.run_nested,
        kind,
        source,
        posterior=None if posterior is None else _path(os.fspath(posterior), "posterior"),
        draws=draws,
        runs=runs,
        seed=seed,
        threads=threads,
        set=_sets(set),
        horizon_years=horizon_years,
    )
    return NestedResult(json.loads(text))


def merge_nested(parts: Sequence[Union[str, "os.PathLike[str]"]]) -> "NestedResult":
    """Merge the partial files of a sharded nested run (``deter merge``).

    Parameters
    ----------
    parts : sequence of paths
        The partial files written by ``deter run FILE --posterior DRAWS.csv --draws D
        --shard K/N --out PART`` (or ``--draws D`` on a scenario with ``[[uncertain]]``
        priors): every shard, once, in any order. The scenario and the posterior are rebuilt
        from the texts they embed and checked against their fingerprints.

    Returns
    -------
    NestedResult
        Identical to :func:`run_nested` of the unsharded run (the scenario and the posterior
        named as the shards were given them) and to ``deter merge PARTS --format json``.

    Raises
    ------
    ValueError
        A shard damaged, edited, foreign, given twice or missing, or the shards of a plain
        run (merge those with :func:`merge`) or of a sweep; each names the file.
    ScenarioError
        A partial file that is not JSON (file:line:col), or an embedded scenario or posterior
        no longer valid.
    OSError
        A partial file that cannot be read.
    MemoryError
        One draw's merged tallies would pass the memory guard's limit.
    KeyboardInterrupt
        Ctrl-C: the merge stops within a part of the files, as a run stops; no result.

    The GIL is released while the shards are merged.
    """
    if isinstance(parts, (str, os.PathLike)):
        raise TypeError("`parts`: expected a sequence of partial files, found one path")
    paths = [_path(os.fspath(p), "parts") for p in parts]
    return NestedResult(json.loads(_call(_native.merge_nested, paths)))


class NestedComparison:
    """The result of :func:`compare_nested`: a policy's effect B - A with what we don't know
    carried into it.

    Attributes
    ----------
    effects : pandas.DataFrame
        One row per outcome (see :data:`OUTCOMES`), the fields of the JSON's ``effects``
        (docs/OUTPUT.md, "Nested runs") but the per-draw list: ``outcome``; ``mean_a`` and
        ``mean_b`` (each side's probability averaged over parameter draws, in [0, 1]);
        ``effect_mean`` (B - A averaged over draws); ``param90_lo`` / ``param90_hi`` (the 90%
        interval over uncertain parameters of the effect: the 5% and 95% quantiles of the
        per-draw effects; once each draw has runs enough, more runs do not narrow it; None,
        with the reason in ``param90_undefined``, when D = 1); ``mc_error`` (the error of the
        mean effect from the finite runs per draw alone); ``parametric_share_of_variance``
        (the share of the variance of the per-draw effects that is not run noise: below 0.5,
        the 90% interval is mostly run noise; None when D = 1); ``se_mean`` and ``mc95_lo`` / ``mc95_hi``
        (the 95% interval of the mean effect over D draws x R runs: more draws narrow it;
        the point, both equal to ``effect_mean``, when every draw gave the same effect; None,
        with the reason in ``mc95_undefined``, when D = 1);
        ``share_of_draws_b_lower`` / ``share_of_draws_b_higher`` (share of parameter draws in
        which B's probability is lower / higher than A's; lower is better except for
        ``deterrence_held``). Shape: (outcomes, columns of the JSON).
    draws : pandas.DataFrame
        One row per parameter draw: ``draw``, one column per uncertain parameter path (its
        value) and one per outcome (the effect B - A in that draw). Shape: (D, 1 + P + outcomes).
    not_applied : list of str
        The columns of ``draws`` drawn but not set in the runs (case parameters ``CASE/PATH``;
        as :class:`NestedResult`).
    draws_count, runs_per_draw, seed : int
    """

    def __init__(self, report: Mapping[str, Any]):
        self._report = report
        self.draws_count: int = report["draws"]
        self.runs_per_draw: int = report["runs_per_draw"]
        self.seed: int = report["seed"]
        # In reading order (the JSON's keys come sorted: mc95_hi before mc95_lo, the outcome
        # in the middle), as NestedResult.outcomes orders its columns.
        order = [
            "outcome", "mean_a", "mean_b", "effect_mean", "param90_lo", "param90_hi",
            "param90_undefined", "mc_error", "parametric_share_of_variance", "se_mean",
            "mc95_lo", "mc95_hi", "mc95_undefined",
            "share_of_draws_b_lower", "share_of_draws_b_higher",
        ]
        effects = pd.DataFrame(
            [{k: v for k, v in e.items() if k != "per_draw"} for e in report["effects"]]
        )
        self.effects = effects[
            [c for c in order if c in effects.columns]
            + [c for c in effects.columns if c not in order]
        ]
        params = report["parameters"]
        self.not_applied: list = [
            p for p, a in zip(params["paths"], params["applied"]) if not a
        ]
        rows = []
        for d, values in enumerate(params["values"]):
            row = {"draw": d}
            row.update(dict(zip(params["paths"], values)))
            for e in report["effects"]:
                row[e["outcome"]] = e["per_draw"][d]
            rows.append(row)
        self.draws = pd.DataFrame(rows)

    def to_dict(self) -> dict:
        """The comparison as the JSON of ``deter compare A B --posterior ... --format json``
        (a fresh copy)."""
        return json.loads(json.dumps(self._report))

    def __repr__(self) -> str:
        uf = self.effects.set_index("outcome").loc["use_of_force"]
        return (
            f"<deter.NestedComparison {self._report['a']!r} vs {self._report['b']!r}: "
            f"{self.draws_count} parameter draws x {self.runs_per_draw:,} paired runs; use of "
            f"force {uf.effect_mean * 100:+.1f} points (90% interval over uncertain parameters "
            f"{uf.param90_lo * 100:+.1f} to {uf.param90_hi * 100:+.1f}); B lower in "
            f"{uf.share_of_draws_b_lower:.0%} of draws>"
        )


def compare_nested(
    a: Scenario,
    b: Scenario,
    posterior: Optional[Union[str, "os.PathLike[str]"]] = None,
    draws: Optional[int] = None,
    runs: Optional[int] = None,
    seed: Optional[int] = None,
    threads: Optional[int] = None,
    set: Sets = None,
    set_b: Sets = None,
    horizon_years: Optional[int] = None,
) -> "NestedComparison":
    """A policy's effect over uncertain parameters (``deter compare A B`` with
    ``--posterior`` or files declaring ``[[uncertain]]`` priors; docs/CALIBRATION.md).

    A and B run on the same D parameter draws (drawn by weight from the posterior and/or from
    the priors of both files, merged by path) and, within each draw, on the same R run
    streams (common random numbers), so each draw's effect B - A is paired.

    Parameters
    ----------
    a, b : path, TOML text or dict
        As ``scenario`` in :func:`run`. A path with a prior in both files must have the same
        prior.
    posterior : path, optional
        A ``posterior.csv`` written by ``deter calibrate``; every shared parameter column must
        be a path of both scenarios (case parameters ``ID/PATH`` are skipped).
    draws : int, optional
        Parameter draws D, in [1, 10^6] [default 100].
    runs : int, optional
        Runs per draw R, at least 2 [default 1000].
    seed : int, optional
        Master seed [default: A's ``scenario.seed``].
    threads, horizon_years
        As in :func:`run`; results do not depend on ``threads``.
    set, set_b : dict or list of str, optional
        What-ifs on both sides (``set``) and on B only, after ``set`` (``set_b``).

    Returns
    -------
    NestedComparison
        Identical to ``deter compare A B ... --format json`` of the same comparison.

    Raises
    ------
    ScenarioError
        A scenario, a prior or a what-if is invalid; or the posterior is malformed, a
        posterior column is not a path of the scenarios or one of its values is out of the
        parameter's range, located as in :func:`run_nested`; or the posterior is a directory
        or another non-regular file. A ``ValueError``.
    ValueError
        Nothing is uncertain, A and B declare different priors for one path or cannot be
        paired, or a budget is out of range.
    OSError
        The posterior file cannot be read (missing, no permission).
    KeyboardInterrupt
        Ctrl-C: stops within a second; no result.

    Warns
    -----
    UserWarning
        As :func:`run_nested`, for each side whose scenario lacks a fixed value of the
        posterior's calibration, prefixed ``A: `` or ``B: `` as ``deter compare --posterior``
        prints it; and for the posterior's columns (a dated policy that changes one, a
        ``set=`` or ``set_b=`` value on a path one draws) as :func:`run_nested`, once for A
        and B alike.

    The GIL is released while it runs.
    """
    ka, sa = _source(a, "a")
    kb, sb = _source(b, "b")
    text = _call(
        _native.compare_nested,
        ka,
        sa,
        kb,
        sb,
        posterior=None if posterior is None else _path(os.fspath(posterior), "posterior"),
        draws=draws,
        runs=runs,
        seed=seed,
        threads=threads,
        set=_sets(set),
        set_b=_sets(set_b),
        horizon_years=horizon_years,
    )
    return NestedComparison(json.loads(text))


def compare(
    a: Scenario,
    b: Scenario,
    runs: Optional[int] = None,
    seed: Optional[int] = None,
    threads: Optional[int] = None,
    set: Sets = None,
    set_b: Sets = None,
    horizon_years: Optional[int] = None,
    attribution: bool = True,
    until_ci: Optional[float] = None,
    max_runs: Optional[int] = None,
) -> Comparison:
    """Compare two scenarios with common random numbers (``deter compare``): B - A.

    ``a``, ``b``: as ``scenario`` in :func:`run`. ``runs`` and ``seed`` default to A's.
    ``set`` applies what-ifs to both sides, ``set_b`` to B only (after ``set``), so
    ``compare(s, s, set_b={...})`` measures one what-if against the file.
    Raises :class:`ScenarioError` for invalid input, ``ValueError`` when the two scenarios
    cannot be paired (different horizons: give both the same ``horizon_years``; scenarios
    with different countries or rivalries are compared region-wide and on the rivalries they
    share), KeyboardInterrupt on Ctrl-C.
    ``attribution``: as in :func:`run` (``False`` is ``--no-attribution``).
    ``until_ci``, ``max_runs``: adaptive stopping as ``deter compare --until-ci --max-runs``:
    pairs of runs are added until the paired 95% interval of every headline difference
    B - A has at most that half-width, or the cap is reached (``to_dict()["stopping"]``).
    """
    _check_until_ci(until_ci)
    _check_switch(attribution, "attribution")
    ka, sa = _source(a, "a")
    kb, sb = _source(b, "b")
    text, unchanged = _call(
        _native.compare,
        ka,
        sa,
        kb,
        sb,
        runs=runs,
        seed=seed,
        threads=threads,
        set=_sets(set),
        set_b=_sets(set_b),
        horizon_years=horizon_years,
        attribution=bool(attribution),
        until_ci=until_ci,
        max_runs=max_runs,
    )
    return Comparison(json.loads(text), json.loads(unchanged))


def sweep(
    file: Union[str, "os.PathLike[str]"],
    threads: Optional[int] = None,
    on_row: Optional[Callable[[dict, int], Any]] = None,
    runs: Optional[int] = None,
    seed: Optional[int] = None,
    horizon_years: Optional[int] = None,
    out: Optional[Union[str, "os.PathLike[str]"]] = None,
    resume: bool = False,
    until_ci: Optional[float] = None,
    max_runs: Optional[int] = None,
) -> pd.DataFrame:
    """Run a sweep file (``deter sweep``, docs/SWEEPS.md); rows are streamed as points finish.

    Returns a DataFrame with one row per design point, in point order: the columns of
    ``deter sweep --out results.csv`` (point index, the parameter values, ``runs``, then for
    each outcome its probability ``<outcome>_p``, the share of runs over the horizon, and its
    Monte Carlo 95% interval ``<outcome>_mc95_lo`` / ``_mc95_hi``, then the metrics), equal to
    ``pd.read_csv`` of that file. Without ``out`` the DataFrame is built from the rows as the
    library streams them (each point's row as soon as it is written, in point order), not
    from a file.

    Parameters
    ----------
    file : path
        The sweep file (TOML; docs/SWEEPS.md).
    threads : int, optional
        Worker threads; None or 0 = all cores. Results do not depend on it.
    on_row : callable, optional
        ``on_row(row, runs_done)`` is called for each row as it arrives, while the sweep is
        still running: ``row`` is a dict keyed by the column names (numbers as int or float),
        ``runs_done`` the runs simulated so far over all points (for a progress display). The
        sweep waits for it; if it raises, the sweep stops and the exception propagates.
    runs : int, optional
        Replications per point, in [1, 10^12] (``--runs``) [default: the sweep file's
        ``runs``, else its base scenario's].
    seed : int, optional
        Master seed, in [0, 2^63 - 1] (``--seed``) [default: the sweep file's ``seed``, else
        its base scenario's].
    horizon_years : int, optional
        Horizon in years of every point (and of every policy's scenario in a levers x futures
        sweep), in [1, 200] (``--horizon-years``) [default: the base scenario's].
    out : path, optional
        Also write the results to this CSV file point by point, with the sweep's record
        ``OUT.sweep`` beside it, as ``deter sweep --out OUT`` does (``deter robust``,
        ``deter discover`` and ``deter sweep --resume`` read them). The DataFrame is then
        ``pd.read_csv(out)``. Never an input of the sweep (its file, base scenario, policies)
        nor a ``.json`` or ``.html`` name. (Not written beside it: the sensitivity CSV, which
        is in ``df.attrs["sensitivity"]``.)
    resume : bool
        Complete the results ``out`` that an interrupted sweep left (``--resume``; same file,
        same arguments): the rows kept are checked against the sweep and only the missing
        points run (``on_row`` sees those). Needs ``out``; results that do not exist yet are
        started afresh.
    until_ci : float, optional
        Adaptive stopping per point (``--until-ci``): add runs in blocks of 1,000 until every
        headline probability's 95% interval has at most this half-width, in (0, 0.5), or
        ``max_runs`` is reached.
    max_runs : int, optional
        Cap on runs per point with ``until_ci`` (``--max-runs``) [default: ``runs``];
        refused without ``until_ci``.

    ``runs``, ``seed`` and ``horizon_years`` replace the sweep file's as the command line's
    flags do: the same rows as ``deter sweep FILE --runs N --seed S --horizon-years Y``.

    For Saltelli and Morris designs the ranked sensitivity indices are in
    ``df.attrs["sensitivity"]`` (a DataFrame, as ``results.sensitivity.csv``).

    Raises
    ------
    ScenarioError
        The sweep file (or its base scenario) is invalid, or a kept row of ``out`` cannot be
        read. A ``ValueError``.
    ValueError
        A setting out of its range, named as the keyword (```runs` 0: expected an integer in
        [1, 1000000000000]``), negative and oversized integers and bools included; an
        empty ``file`` or ``out``; ``resume`` without
        ``out``; results a resume refuses (another sweep's, other arguments, edited), in the
        words of ``deter sweep --resume``.
    KeyboardInterrupt
        Ctrl-C: the sweep stops within a second; no DataFrame (the finished rows stay in
        ``out``, for ``resume=True``).

    Warns
    -----
    UserWarning
        One per warning ``deter sweep`` prints before it runs (a base policy that changes a
        swept parameter, a policy that starts after the ``horizon_years`` asked for ends,
        ...), in its words.

    The DataFrame is only returned when every point has run: an interrupted sweep raises
    (no partial DataFrame), and the rows ``on_row`` saw are partial by design.
    """
    import csv
    import io

    _check_until_ci(until_ci)
    path = _path(os.fspath(file), "file")
    _check_out(None if out is None else _path(os.fspath(out), "out"))
    lines: list = []

    def take(text: str, runs_done: int) -> None:
        for line in text.splitlines():
            lines.append(line)
            if len(lines) > 1 and on_row is not None:
                names = next(csv.reader([lines[0]]))
                cells = next(csv.reader([line]))
                on_row({k: _number(v) for k, v in zip(names, cells)}, runs_done)

    sensitivity = _call(
        _native.sweep,
        path,
        take,
        threads=threads,
        runs=runs,
        seed=seed,
        horizon_years=horizon_years,
        out=None if out is None else os.fspath(out),
        resume=resume,
        until_ci=until_ci,
        max_runs=max_runs,
    )
    if out is None:
        df = pd.read_csv(io.StringIO("\n".join(lines) + "\n"))
    else:
        df = pd.read_csv(out)
    if sensitivity is not None:
        df.attrs["sensitivity"] = pd.read_csv(io.StringIO(sensitivity))
    return df


def _number(cell: str) -> Any:
    """A CSV cell as int, float or (failing both) the text itself."""
    try:
        return int(cell)
    except ValueError:
        pass
    try:
        return float(cell)
    except ValueError:
        return cell


def validate(scenario: Scenario, set: Sets = None) -> dict:
    """Check a file (and what-ifs) without running it (``deter validate``).

    Accepts every file kind ``deter validate`` accepts. For a scenario, returns a summary:
    ``kind`` ("scenario"), ``scenario`` (name), entity counts, ``runs``, ``seed``,
    ``horizon_years``, ``overrides`` applied and ``parameters`` (every valid parameter
    path, for ``set=``). For a sweep, calibration or historical record file: ``kind``
    ("sweep", "calibration", "historical record") and ``summary`` (the words of ``deter
    validate``'s ``ok (...)`` line); ``set=`` applies to scenarios only (a ValueError).
    Raises :class:`ScenarioError` listing every problem. Issues a ``UserWarning`` per
    warning of the file, as :func:`run` does (the text ``deter validate`` prints).
    """
    kind, source = _source(scenario)
    return json.loads(_call(_native.validate, kind, source, set=_sets(set)))
