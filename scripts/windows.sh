#!/usr/bin/env bash
# Windows: cross-builds huizong.exe (target x86_64-pc-windows-gnu, Debian's mingw-w64), runs it
# under Wine on the samples' three months in order (so the history store is written and read by
# the Windows build too), and compares the county workbooks' consolidated cells (汇总, 分乡镇)
# and the run reports' figures with the Linux build's. Then packs the folder a county installs.
#   scripts/windows.sh                 release build (what a county installs)
#   PROFILE=dev scripts/windows.sh     quicker unoptimised build, for checking only
#   INSTALL=1 scripts/windows.sh       first installs what it needs (apt-get, rustup; as root)
# Leaves target/windows/huizong/ (huizong.exe, huizong-run.cmd, huizong.toml, returns/) and
# target/windows/huizong-windows.zip.
# Wine 8 (Debian 12) lacks bcryptprimitives.dll, which Rust's standard library imports for
# random bytes: a shim built from scripts/windows/bcryptprimitives.c is put beside the exe in
# the scratch folder of this check only, never in the package.
set -euo pipefail
cd "$(dirname "$0")/.."
target=x86_64-pc-windows-gnu
profile=${PROFILE:-release}
wine=$(command -v wine64 || command -v wine || ls /usr/lib/wine/wine64 2>/dev/null || true)

if [ "${INSTALL:-0}" = 1 ]; then
  rustup target list --installed | grep -qx "$target" || rustup target add "$target"
  pkgs=()
  command -v x86_64-w64-mingw32-gcc >/dev/null || pkgs+=(gcc-mingw-w64-x86-64)
  [ -n "$wine" ] || pkgs+=(wine64)
  command -v zip >/dev/null || pkgs+=(zip)
  if [ ${#pkgs[@]} -gt 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${pkgs[@]}"
  fi
  wine=$(command -v wine64 || command -v wine || ls /usr/lib/wine/wine64 2>/dev/null || true)
fi
rustup target list --installed | grep -qx "$target" || { echo "needs: rustup target add $target (or INSTALL=1)" >&2; exit 2; }
command -v x86_64-w64-mingw32-gcc >/dev/null || { echo "needs: apt-get install gcc-mingw-w64-x86-64 (or INSTALL=1)" >&2; exit 2; }
[ -n "$wine" ] || { echo "needs: apt-get install wine64 (or INSTALL=1)" >&2; exit 2; }

export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc
dir=$([ "$profile" = dev ] && echo debug || echo "$profile")
start=$(date +%s)
cargo build -q --profile "$profile" --target "$target" --bin huizong
exe=target/$target/$dir/huizong.exe
echo "built $exe ($(du -m "$exe" | cut -f1) MB) in $(( $(date +%s) - start )) s"
cargo build -q --bin huizong --example same_cells
linux=target/debug/huizong

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/bin"
cp "$exe" "$scratch/bin/huizong.exe"
x86_64-w64-mingw32-gcc -O2 -shared -o "$scratch/bin/bcryptprimitives.dll" \
  scripts/windows/bcryptprimitives.c -ladvapi32
export WINEPREFIX="$scratch/wine" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
"$wine" wineboot -i >/dev/null 2>&1 || true

# A Unix path as Windows sees it under Wine (drive Z: is /).
winpath() { local p; p=$(realpath -m "$1"); echo "Z:${p//\//\\}"; }

status=0
for m in 2026-08 2026-09 2026-10; do
  for side in linux windows; do mkdir -p "$scratch/$side"; done
  "$linux" run "samples/returns/$m" --config samples/huizong.toml --out "$scratch/linux" \
    --json "$scratch/linux/$m.json" --quiet >/dev/null || true
  "$wine" "$scratch/bin/huizong.exe" run "$(winpath "samples/returns/$m")" \
    --config "$(winpath samples/huizong.toml)" --out "$(winpath "$scratch/windows")" \
    --json "$(winpath "$scratch/windows/$m.json")" --quiet >/dev/null 2>"$scratch/wine.err" || true
  book="安平县_${m}_汇总.xlsx"
  if [ ! -s "$scratch/windows/$book" ]; then
    echo "$m: the Windows build wrote no workbook" >&2; cat "$scratch/wine.err" >&2; status=1; continue
  fi
  echo "$m:"
  target/debug/examples/same_cells "$scratch/linux/$book" "$scratch/windows/$book" | sed 's/^/  /' || status=1
  # The run reports' figures (totals, rates, townships, findings) — not the paths in them.
  for key in totals rates townships anomalies; do
    if ! cmp -s <(python3 -c "import json,sys; print(json.dumps(json.load(open(sys.argv[1]))['$key'], sort_keys=True))" "$scratch/linux/$m.json") \
                <(python3 -c "import json,sys; print(json.dumps(json.load(open(sys.argv[1]))['$key'], sort_keys=True))" "$scratch/windows/$m.json"); then
      echo "  run report: $key differs" >&2; status=1
    fi
  done
done
[ "$status" = 0 ] && echo "Windows build: the same cells and figures as on Linux, three months in order"

# The folder a county installs: the exe, a double-click starter, the configuration, returns/.
pkg=target/windows/huizong
rm -rf "$pkg" && mkdir -p "$pkg/returns"
cp "$exe" "$pkg/huizong.exe"
cp scripts/windows/huizong-run.cmd "$pkg/"
cp samples/huizong.toml "$pkg/huizong.toml"
if command -v zip >/dev/null; then
  (cd target/windows && rm -f huizong-windows.zip && zip -qr huizong-windows.zip huizong)
  echo "package: target/windows/huizong-windows.zip"
fi
exit "$status"
