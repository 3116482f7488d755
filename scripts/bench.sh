#!/usr/bin/env bash
# Benchmark (issues 6, 15): huizong against the floor (calamine opening every workbook and
# visiting every cell, on all cores: examples/floor.rs), measured in the same run.
#   N = 1:      `huizong check` on one return (process start included) and `huizong run` on it
#   N = 200 …:  `huizong run --json` (checks, workbook and JSON report) on N generated returns
# Prints one row per measurement: medians of RUNS (3) of wall time, CPU time (user + system),
# CPU/wall, peak memory (GNU time's maximum resident set size), the floor's wall time and the
# ratio to it; and the load average before and after, since the machine may be shared.
#   scripts/bench.sh [N …]          (default: 1 200 2000 20000; corpora cached in target/bench)
#   HUIZONG=path/to/huizong …       measures that binary instead of this tree's release build
#   BUILD=0 …                       measures the release build as it is, without building
#   HISTORY=7 scripts/bench.sh …    also runs each N with 7 months of history before it (R11,
#                                   R12 and R15 at full scale; examples/bench_history.rs)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v /usr/bin/time >/dev/null || { echo "needs GNU time: apt-get install time" >&2; exit 2; }
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(1 200 2000 20000)
runs=${RUNS:-3}
# Built niced: the machine is shared, and the build is not what is measured (BUILD=0: as built).
[ "${BUILD:-1}" = 0 ] || nice -n 19 cargo build -q --release --bin huizong --example bench_corpus --example floor --example bench_history
ex=target/release/examples
huizong=${HUIZONG:-target/release/huizong}
mkdir -p target/bench

# median of a column of numbers
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

# measure CMD…: runs it $runs times; prints "wall cpu peak_mb" medians
measure() {
  local out
  out=$(mktemp)
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

# corpus N: the folder of N generated returns (generated once, then cached)
corpus() {
  local dir=target/bench/n$1
  if [ "$(ls "$dir/returns" 2>/dev/null | wc -l)" != "$1" ]; then
    rm -rf "$dir"; "$ex/bench_corpus" "$1" "$dir" >/dev/null
  fi
  echo "$dir"
}

# row N WHAT WALL CPU PEAK FLOOR_WALL FLOOR_CPU: the ratios to the floor by wall time, and by CPU
# time (which a loaded machine stretches much less)
row() {
  awk -v n="$1" -v what="$2" -v w="$3" -v c="$4" -v p="$5" -v f="$6" -v fc="$7" 'BEGIN {
    printf "%-7s %-9s %8.3f %8.3f %8.2f %9.1f %8.3f %8s %8s\n", n, what, w, c, (w > 0) ? c / w : 0, p, f,
      (f > 0) ? sprintf("%.2f", w / f) : "n/a", (fc > 0) ? sprintf("%.2f", c / fc) : "n/a" }'
}

printf "machine: %s, %s cores; load average before: %s\n" "$(uname -m)" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf "binary: %s; medians of %s runs\n" "$huizong" "$runs"
printf "%-7s %-9s %8s %8s %8s %9s %8s %8s %8s\n" N what wall_s cpu_s cpu/wall peak_MB floor_s ×floor cpu×floor
for n in "${sizes[@]}"; do
  if [ "$n" = 1 ]; then
    # One return, as it arrives: the first of the smallest cached corpus (or of a corpus of 200).
    src=$(corpus 200)
    one=target/bench/one
    first=$(find "$src/returns" -name "*.xlsx" -printf "%f\n" | sort | sed -n 1p)
    if [ ! -f "$one/returns/$first" ]; then
      rm -rf "$one"; mkdir -p "$one/returns"
      cp "$src/returns/$first" "$one/returns/"
      printf 'county = "基准县"\n[[townships]]\nname = "%s"\n' "${first%%_*}" > "$one/huizong.toml"
    fi
    # Short runs vary more: three times as many.
    read -r fw fc fp < <(MEASURE_RUNS=$((runs * 3)) measure "$ex/floor" "$one/returns")
    read -r cw cc cp < <(MEASURE_RUNS=$((runs * 3)) measure "$huizong" check "$one/returns/$first" --config "$one/huizong.toml")
    read -r rw rc rp < <(MEASURE_RUNS=$((runs * 3)) measure "$huizong" run "$one/returns" --config "$one/huizong.toml" --out "$one/out" --json "$one/out/run.json" --quiet)
    row 1 floor "$fw" "$fc" "$fp" "$fw" "$fc"
    row 1 check "$cw" "$cc" "$cp" "$fw" "$fc"
    row 1 run "$rw" "$rc" "$rp" "$fw" "$fc"
    continue
  fi
  dir=$(corpus "$n")
  read -r fw fc fp < <(measure "$ex/floor" "$dir/returns")
  # Its own store in out/ (without --history it would be 历史库/ beside the configuration): the
  # month alone, and the store that bench_history builds the months before from.
  read -r hw hc hp < <(measure "$huizong" run "$dir/returns" --config "$dir/huizong.toml" --out "$dir/out" --history "$dir/out/history" --json "$dir/out/run.json" --quiet)
  row "$n" floor "$fw" "$fc" "$fp" "$fw" "$fc"
  row "$n" run "$hw" "$hc" "$hp" "$fw" "$fc"
  if [ -n "${HISTORY:-}" ]; then
    "$ex/bench_history" "$dir" "$HISTORY" >/dev/null
    read -r yw yc yp < <(measure "$huizong" run "$dir/returns" --config "$dir/huizong.toml" --out "$dir/out-h" --history "$dir/history-$HISTORY" --json "$dir/out-h/run.json" --quiet)
    row "$n" "+${HISTORY}mo" "$yw" "$yc" "$yp" "$fw" "$fc"
  fi
done
printf "load average after: %s\n" "$(cut -d' ' -f1-3 /proc/loadavg)"
