#!/usr/bin/env bash
# Benchmark (issues 6, 15): huizong run (with --json, checks and workbook) against the floor (calamine opening every workbook and
# visiting every cell, on all cores) on N = 200, 2,000 and 20,000 generated returns, and
# huizong check on one return. Prints medians of wall time, CPU time and peak memory, and the
# ratios to the floor measured in the same run.
#   scripts/bench.sh [N …]          (default: 200 2000 20000; corpora cached in target/bench)
#   HISTORY=7 scripts/bench.sh …    also runs each N with 7 months of history before it (R11,
#                                   R12 and R15 at full scale; examples/bench_history.rs)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time: apt-get install time" >&2; exit 2; }
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(200 2000 20000)
runs=${RUNS:-3}
cargo build -q --release --bin huizong --example bench_corpus --example floor --example bench_history
bin=target/release
mkdir -p target/bench

# median of a column of numbers
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

# measure NAME CMD…: runs it $runs times; prints "wall cpu peak_mb" medians
measure() {
  local out=$(mktemp)
  for _ in $(seq "${MEASURE_RUNS:-$runs}"); do
    /usr/bin/time -f "%e %U %S %M" -o "$out.t" "$@" >/dev/null 2>&1 || true
    tail -1 "$out.t" >> "$out"
  done
  local wall cpu peak
  wall=$(awk '{print $1}' "$out" | median)
  cpu=$(awk '{print $2+$3}' "$out" | median)
  peak=$(awk '{print $4/1024}' "$out" | median)
  rm -f "$out" "$out.t"
  echo "$wall $cpu $peak"
}

printf "machine: %s, %s cores\n" "$(uname -m)" "$(nproc)"
printf "%-8s %-8s %9s %9s %10s %8s %8s\n" N what wall_s cpu_s peak_MB cpu/wall ratio
for n in "${sizes[@]}"; do
  dir=target/bench/n$n
  if [ "$(ls "$dir/returns" 2>/dev/null | wc -l)" != "$n" ]; then
    rm -rf "$dir"; "$bin/examples/bench_corpus" "$n" "$dir" >/dev/null
  fi
  read -r fw fc fp < <(measure "$bin/examples/floor" "$dir/returns")
  read -r hw hc hp < <(measure "$bin/huizong" run "$dir/returns" --config "$dir/huizong.toml" --out "$dir/out" --json "$dir/out/run.json" --quiet)
  printf "%-8s %-8s %9.3f %9.3f %10.1f %8.2f %8s\n" "$n" floor "$fw" "$fc" "$fp" "$(echo "$fc $fw" | awk '{print ($2>0)?$1/$2:0}')" "1.00"
  printf "%-8s %-8s %9.3f %9.3f %10.1f %8.2f %8.2f\n" "$n" huizong "$hw" "$hc" "$hp" "$(echo "$hc $hw" | awk '{print ($2>0)?$1/$2:0}')" "$(echo "$hw $fw" | awk '{print ($2>0)?$1/$2:0}')"
  if [ -n "${HISTORY:-}" ]; then
    "$bin/examples/bench_history" "$dir" "$HISTORY" >/dev/null
    read -r yw yc yp < <(measure "$bin/huizong" run "$dir/returns" --config "$dir/huizong.toml" --out "$dir/out-h" --history "$dir/history-$HISTORY" --quiet)
    printf "%-8s %-8s %9.3f %9.3f %10.1f %8.2f %8.2f\n" "$n" "+${HISTORY}mo" "$yw" "$yc" "$yp" "$(echo "$yc $yw" | awk '{print ($2>0)?$1/$2:0}')" "$(echo "$yw $fw" | awk '{print ($2>0)?$1/$2:0}')"
  fi
done
# One return: `huizong check` as a return arrives, process start included.
one=target/bench/one
mkdir -p "$one/returns"
first=$(find "target/bench/n${sizes[0]}/returns" -name "*.xlsx" -printf "%f\n" | sort | sed -n 1p)
cp "target/bench/n${sizes[0]}/returns/$first" "$one/returns/"
cp "target/bench/n${sizes[0]}/huizong.toml" "$one/"
read -r ow oc op < <(MEASURE_RUNS=$((runs * 3)) measure "$bin/examples/floor" "$one/returns")
read -r cw cc cp < <(MEASURE_RUNS=$((runs * 3)) measure "$bin/huizong" check "$one/returns/$first" --config "$one/huizong.toml")
printf "%-8s %-8s %9.3f %9.3f %10.1f %8s %8s\n" 1 floor "$ow" "$oc" "$op" - "1.00"
printf "%-8s %-8s %9.3f %9.3f %10.1f %8s %8s\n" 1 check "$cw" "$cc" "$cp" - "$(echo "$cw $ow" | awk '{print ($2>0)?sprintf("%.2f",$1/$2):"n/a"}')"
