#!/bin/sh
# Profile-guided build of deter (opt-in; `cargo build --release` stays the default build).
#
#   tools/pgo.sh            # -> target/pgo/use/release/deter
#
# 1. builds an instrumented deter (-Cprofile-generate) in target/pgo/gen,
# 2. runs it on a fixed training workload (the bundled and historical scenarios with and
#    without the attribution, a comparison, a small sweep; one thread, so the model's
#    counts are the same on every invocation: only a few counters of the thread pool,
#    output buffering and timing vary),
# 3. merges the profiles with llvm-profdata and builds deter with -Cprofile-use in
#    target/pgo/use.
# PGO changes code layout and inlining, never the floating-point operations: the outputs are
# those of `cargo build --release` byte for byte (BENCHMARKS.md, "Profile-guided build").
#
# Needs an llvm-profdata of the LLVM that rustc uses (`rustc -vV`, "LLVM version"): the one
# of `rustup component add llvm-tools` is found by itself; otherwise set LLVM_PROFDATA.
# A distribution's llvm-profdata of another LLVM major version cannot read the profiles.
# The training runs print "LLVM Profile Warning: Unable to track new values: Running out of
# static counters": value profiling (indirect-call targets) keeps a few targets per call
# site; the block counts PGO uses are complete.
set -eu

cd "$(dirname "$0")/.."
root=$(pwd)
out="$root/target/pgo"
host=$(rustc -vV | sed -n 's/^host: //p')
rust_llvm=$(rustc -vV | sed -n 's/^LLVM version: //p')
profdata=${LLVM_PROFDATA:-$(rustc --print sysroot)/lib/rustlib/$host/bin/llvm-profdata}

if [ ! -x "$profdata" ]; then
    echo "tools/pgo.sh: no llvm-profdata at $profdata" >&2
    echo "  install it with 'rustup component add llvm-tools', or set LLVM_PROFDATA to one of LLVM ${rust_llvm%%.*}" >&2
    exit 2
fi
# `merge --version`: older llvm-profdata (LLVM 14) have no top-level --version
tool_llvm=$("$profdata" merge --version 2>&1 | sed -n 's/.*LLVM version \([0-9][0-9.]*\).*/\1/p')
if [ "${tool_llvm%%.*}" != "${rust_llvm%%.*}" ]; then
    echo "tools/pgo.sh: $profdata is LLVM ${tool_llvm:-of an unknown version}, rustc uses LLVM $rust_llvm: the major versions must match" >&2
    exit 2
fi

echo "== 1/3 instrumented build (target/pgo/gen)"
rm -rf "$out/profiles"
mkdir -p "$out/profiles"
RUSTFLAGS="${RUSTFLAGS:-} -Cprofile-generate=$out/profiles" CARGO_TARGET_DIR="$out/gen" \
    cargo build --release --bin deter
gen="$out/gen/release/deter"

echo "== 2/3 training runs"
# The build scripts and procedural macros of the build above are instrumented too and wrote
# their own profiles there: only deter's training runs go into the profile.
rm -rf "$out/profiles"
mkdir -p "$out/profiles"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for f in scenarios/*.toml scenarios/history/russia-*-20*.toml scenarios/history/serbia-kosovo-2008.toml; do
    "$gen" run "$f" --runs 2000 --threads 1 --quiet --format json --yearly > /dev/null
    "$gen" run "$f" --runs 20000 --threads 1 --quiet --format json --no-attribution > /dev/null
done
"$gen" compare scenarios/western-balkans-2024.toml scenarios/mediu-tri-level.toml \
    --runs 2000 --threads 1 --quiet --format json > /dev/null
"$gen" sweep scenarios/sweeps/envoy-magnitude-x-futures.toml --runs 100 --threads 1 --quiet \
    --out "$work/sweep.csv"
"$profdata" merge -o "$out/deter.profdata" "$out/profiles"

echo "== 3/3 optimised build (target/pgo/use)"
RUSTFLAGS="${RUSTFLAGS:-} -Cprofile-use=$out/deter.profdata" CARGO_TARGET_DIR="$out/use" \
    cargo build --release --bin deter
echo "profile-guided deter: $out/use/release/deter"
