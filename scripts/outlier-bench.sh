#!/usr/bin/env bash
# R15 on a county with known truth: scripts/outlier_county.py writes 24 townships × 14 months
# with typing errors planted in the last two; each month is run in order with one history store
# (as a county would); then the R15 findings of the last two months are scored against the
# truth: recall = planted errors flagged / planted; precision = flags on a planted error or on a
# value extreme under its own true distribution / all flags. Usage: [OUTLIER_SEED=N] [HUIZONG_BIN=PATH] scripts/outlier-bench.sh [DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-target/outlier-county}
rm -rf "$dir"
python3 scripts/outlier_county.py "$dir"
# HUIZONG_BIN: a binary to measure (a release build, say); else the debug build.
bin=${HUIZONG_BIN:-}
if [ -z "$bin" ]; then cargo build -q; bin=./target/debug/huizong; fi
for month in $(ls "$dir/returns"); do
  "$bin" run "$dir/returns/$month" --config "$dir/config.toml" --out "$dir/out/$month" \
    --json "$dir/out/$month.json" --history "$dir/history" --quiet >/dev/null || true
done
python3 - "$dir" <<'PY'
import json, sys
from collections import Counter
from pathlib import Path
d = Path(sys.argv[1])
truth = json.loads((d / "truth.json").read_text(encoding="utf-8"))
planted = {(p["period"], p["township"], p["code"]): p for p in truth["planted"]}
extreme = {(e["period"], e["township"], e["code"]) for e in truth["extremes"]}
flags = {}
for period in truth["scored"]:
    run = json.loads((d / "out" / f"{period}.json").read_text(encoding="utf-8"))
    for f in run["anomalies"]:
        if f["rule"] == "R15" and f["not_evaluable"] is None:
            flags.setdefault((period, f["township"], f["indicator"]), []).append(f)
found = [k for k in planted if k in flags]
right = [k for k in flags if k in planted or k in extreme]
print(f"planted errors: {len(planted)}; true extremes among ordinary values: {len(extreme)}")
print(f"values flagged: {len(flags)} (findings: {sum(len(v) for v in flags.values())}, "
      f"methods: {dict(Counter(f['method'] for v in flags.values() for f in v))})")
print(f"recall    {len(found)}/{len(planted)} = {len(found) / len(planted):.3f}")
print(f"precision {len(right)}/{len(flags)} = {len(right) / max(1, len(flags)):.3f}")
sizes = truth["sizes"]
classes = truth.get("classes", {})
tails = truth.get("tails", {})

def how(k):
    """Each comparison's reading of a value: method, z, limits, strong; and its true tail."""
    fs = "; ".join(f"{f['method']}: {f['message'].split('：', 1)[-1]}" for f in flags.get(k, []))
    tail = tails.get(" ".join(k))
    truth_says = f"true tail {tail:.2g}" if tail is not None else "true tail -"
    return f"{classes.get(k[2], '?')}, {sizes[k[1]]} people, {truth_says}" + (f"; {fs}" if fs else "")

for k, p in sorted(planted.items()):
    if k not in flags:
        print(f"  missed: {k[0]} {k[1]} {k[2]} {p['kind']} ({p['size']}): {p['true']} typed {p['typed']} "
              f"({how(k)})")
for k in sorted(flags):
    if k not in planted and k not in extreme:
        print(f"  false alarm: {k[0]} {k[1]} {k[2]} = {flags[k][0]['values']} ({how(k)})")
PY
