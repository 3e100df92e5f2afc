#!/usr/bin/env bash
# Fuzz the scenario reader on the stable toolchain (see fuzz/README.md).
# Usage: fuzz/run.sh [SECONDS] [extra libFuzzer flags...]   (default: 600 seconds)
set -euo pipefail
cd "$(dirname "$0")"
secs="${1:-600}"
shift || true
mkdir -p corpus/scenario
cp ../scenarios/*.toml ../src/scenario/template.toml corpus/scenario/
cp ../tests/bad/*.toml corpus/scenario/ 2>/dev/null || true
# -s none: no sanitizer (ASan needs nightly); RUSTC_BOOTSTRAP lets stable accept -Z flags.
RUSTC_BOOTSTRAP=1 nice -n 19 cargo fuzz run -s none scenario corpus/scenario -- \
    -dict=scenario.dict -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 "$@"
