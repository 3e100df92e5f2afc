"""Type stubs of ``deter._native``, the compiled binding (python/src/lib.rs).

Use the ``deter`` package instead: it turns these JSON strings into DataFrames and
``InputError`` into :class:`deter.ScenarioError`. ``kind`` is ``"path"`` (``source`` a str),
``"toml"`` (the text itself) or ``"dict"`` (``source`` a mapping shaped like the TOML file,
rendered as TOML by the binding; its faults named at their key paths).
"""

from typing import Any, Callable, List, Optional, Tuple

ENGINE_VERSION: str

class InputError(ValueError):
    """args: (text as the CLI prints it, JSON list of problems with file, line, column,
    key, message, help, the input file that does not exist or None)."""

def run(
    kind: str,
    source: Any,
    runs: Optional[int] = None,
    seed: Optional[int] = None,
    threads: Optional[int] = None,
    set: List[str] = ...,
    horizon_years: Optional[int] = None,
    attribution: bool = True,
    until_ci: Optional[float] = None,
    max_runs: Optional[int] = None,
) -> str:
    """The JSON report of ``deter run --format json`` (docs/OUTPUT.md)."""

def run_nested(
    kind: str,
    source: Any,
    posterior: Optional[str] = None,
    draws: Optional[int] = None,
    runs: Optional[int] = None,
    seed: Optional[int] = None,
    threads: Optional[int] = None,
    set: List[str] = ...,
    horizon_years: Optional[int] = None,
) -> str:
    """The JSON of a nested run (``deter run --posterior ... --format json``)."""

def compare(
    kind_a: str,
    source_a: Any,
    kind_b: str,
    source_b: Any,
    runs: Optional[int] = None,
    seed: Optional[int] = None,
    threads: Optional[int] = None,
    set: List[str] = ...,
    set_b: List[str] = ...,
    horizon_years: Optional[int] = None,
    attribution: bool = True,
    until_ci: Optional[float] = None,
    max_runs: Optional[int] = None,
) -> Tuple[str, str]:
    """The JSON of ``deter compare --format json``, and the JSON of its differences that are
    0 in every run (``{"outcomes": [[scope, outcome], ...], "metrics": [[scope, metric],
    ...], "attribution_shift": [[scope, outcome, level], ...]}``), which the command line's
    table says "unchanged in every run" beside."""

def compare_nested(
    kind_a: str,
    source_a: Any,
    kind_b: str,
    source_b: Any,
    posterior: Optional[str] = None,
    draws: Optional[int] = None,
    runs: Optional[int] = None,
    seed: Optional[int] = None,
    threads: Optional[int] = None,
    set: List[str] = ...,
    set_b: List[str] = ...,
    horizon_years: Optional[int] = None,
) -> str:
    """The JSON of a nested comparison (``deter compare A B --posterior ... --format json``,
    or A and B declaring ``[[uncertain]]`` priors): A and B on the same parameter draws and,
    within each draw, the same run streams."""

def sweep(
    path: str,
    on_rows: Callable[[str, int], Any],
    threads: Optional[int] = None,
    runs: Optional[int] = None,
    seed: Optional[int] = None,
    horizon_years: Optional[int] = None,
    out: Optional[str] = None,
    resume: bool = False,
    until_ci: Optional[float] = None,
    max_runs: Optional[int] = None,
) -> Optional[str]:
    """Streams the CSV of ``deter sweep --out``: ``on_rows(text, runs_done)`` gets the header
    line, then each batch of rows as soon as it is written (the sweep waits for it; raising
    stops the sweep). Returns the sensitivity CSV (Saltelli and Morris designs) or None.
    ``runs``, ``seed``, ``horizon_years``, ``until_ci``, ``max_runs``: as the flags of
    ``deter sweep``; ``out`` also writes the results file and its record, ``resume``
    completes it (``--out OUT --resume``; ``on_rows`` then gets the rows this call adds)."""

def merge(parts: List[str], per_run: Optional[str] = None) -> str:
    """The JSON of ``deter merge PARTS --format json`` for a sharded run's partial files
    (``per_run``: also write the per-run CSV, ``--per-run PATH``)."""

def merge_nested(parts: List[str]) -> str:
    """The JSON of ``deter merge PARTS --format json`` for a sharded nested run's partial
    files: what ``run_nested`` returns for the unsharded run."""

def validate(kind: str, source: Any, set: List[str] = ...) -> str:
    """A JSON summary of the validated scenario; raises InputError."""
