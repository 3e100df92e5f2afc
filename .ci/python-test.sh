#!/usr/bin/env bash
# The Python package (python/): a fresh venv, `pip install ./python` (maturin builds the
# PyO3 binding over the same library), pytest (compares with the CLI's JSON, so it runs
# after `cargo test --release` has built target/release/deter), then the example notebook.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! "$PY" -m venv "$tmp/venv" >/dev/null 2>&1; then
  echo "ci: installing Debian's python3-venv"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
  "$PY" -m venv "$tmp/venv"
fi
V="$tmp/venv/bin"
"$V/pip" install -q --upgrade pip
"$V/pip" install -q maturin pandas pytest nbclient nbformat ipykernel matplotlib
"$V/pip" install -q ./python
"$V/python" -c 'import deter; print("ci: deter", deter.ENGINE_VERSION, "installed from ./python")'
DETER_BIN="$PWD/target/release/deter" "$V/python" -m pytest -q -p no:cacheprovider python/tests
"$V/python" python/run_notebook.py examples/python-quickstart.ipynb
