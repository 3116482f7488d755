#!/usr/bin/env bash
# Builds the folder of bad inputs (issue 4) and runs huizong on it, reporting wall time and
# peak memory. Usage: scripts/bad-inputs.sh [--release]
set -euo pipefail
cd "$(dirname "$0")/.."
profile=debug
flags=()
if [ "${1:-}" = "--release" ]; then profile=release; flags=(--release); fi
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time: apt-get install time" >&2; exit 2; }
cargo build -q "${flags[@]}" --bin huizong --example bad_inputs
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"target/$profile/examples/bad_inputs" "$dir/in" >/dev/null
for i in 1 2 3; do
  /usr/bin/time -f "run $i: wall %e s, cpu %U+%S s, peak %M KB" \
    "target/$profile/huizong" run "$dir/in" --config samples/huizong.toml --out "$dir/out" --quiet >/dev/null || true
done 2>&1 | grep '^run'
