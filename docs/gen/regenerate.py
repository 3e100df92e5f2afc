#!/usr/bin/env python3
"""Regenerate every number in the docs that deter produces, on the current commit.

    python3 docs/gen/regenerate.py            # build if needed, then cog -r on every file
    python3 docs/gen/regenerate.py --check    # fail if any file would change (no rewrite)
    python3 docs/gen/regenerate.py --check --cheap   # CI: skip the expensive commands
    ... --no-build    # use target/release/deter as it is (CI: `cargo test --release` built it)

Needs cogapp (`pip install cogapp`). Each file's cog blocks call docs/gen/deter_docs.py, which
runs target/release/deter with the command shown in the doc. All files are processed in one
process, so a command quoted in several files runs once. `--cheap` sets
DETER_DOCS_SKIP_EXPENSIVE=1: the blocks needing an expensive command (deter_docs.EXPENSIVE:
calibration, the long sweeps, the validation tests) keep their text and are listed as skipped.
"""

import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# In dependency order (docs/CALIBRATION.md writes the calibration the others read).
FILES = [
    "README.md",
    "docs/CALIBRATION.md",
    "docs/MODEL.md",
    "docs/POLICY-BRIEF.md",
    "docs/SWEEPS.md",
    "docs/VALIDATION.md",
    "BENCHMARKS.md",
]


def main(argv):
    check = "--check" in argv
    cheap = "--cheap" in argv
    no_build = "--no-build" in argv
    unknown = [a for a in argv if a not in ("--check", "--cheap", "--no-build")]
    if unknown:
        print(__doc__, file=sys.stderr)
        return 2
    os.chdir(ROOT)
    if cheap:
        os.environ["DETER_DOCS_SKIP_EXPENSIVE"] = "1"
    sys.path.insert(0, os.path.join(ROOT, "docs", "gen"))
    try:
        from cogapp import Cog
    except ImportError:
        print("regenerate: cogapp is missing: pip install cogapp", file=sys.stderr)
        return 1
    t0 = time.monotonic()
    if no_build:
        if not os.path.exists(os.path.join(ROOT, "target", "release", "deter")):
            print("regenerate: --no-build, but target/release/deter is missing", file=sys.stderr)
            return 1
    else:
        print("regenerate: cargo build --release", file=sys.stderr)
        subprocess.run(["cargo", "build", "--release", "--quiet"], check=True)
        print(f"regenerate: build {time.monotonic() - t0:.1f} s", file=sys.stderr)
    failed = []
    for f in FILES:
        t = time.monotonic()
        print(f"regenerate: {f}", file=sys.stderr)
        args = ["cog", "-I", "docs/gen", "--check" if check else "-r", "--verbosity=0"]
        if check:
            args += ["--diff", "--check-fail-msg=run python3 docs/gen/regenerate.py"]
        rc = Cog().main(args + [f])
        print(f"regenerate: {f}: {time.monotonic() - t:.1f} s", file=sys.stderr)
        if rc != 0:
            failed.append(f)
    print(f"regenerate: all files {time.monotonic() - t0:.1f} s"
          + (" (expensive commands skipped)" if cheap else ""), file=sys.stderr)
    if failed:
        print(f"regenerate: {'stale' if check else 'failed'}: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
