#!/usr/bin/env bash
# The county workbook as PDF (LibreOffice headless) and PNGs of its first and chart pages for
# docs/ (set PDF_OUT=DIR to keep the PDF).
#   scripts/pdf.sh [WORKBOOK]   (default: runs huizong on the samples' latest month)
# Needs: libreoffice-calc, poppler-utils, and a CJK font (fonts-wqy-microhei) from Debian.
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in soffice pdftoppm; do
  command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install libreoffice-calc poppler-utils fonts-wqy-microhei)" >&2; exit 2; }
done
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
workbook=${1:-}
if [ -z "$workbook" ]; then
  cargo run -q -- run samples/returns/2026-10 --config samples/huizong.toml --out "$out" --quiet >/dev/null || true
  workbook="$out/安平县_2026-10_汇总.xlsx"
fi
soffice --headless "-env:UserInstallation=file://$out/lo" --convert-to pdf --outdir "$out" "$workbook" >/dev/null
pdf="$out/$(basename "${workbook%.*}").pdf"
[ -s "$pdf" ] || { echo "LibreOffice made no PDF" >&2; exit 1; }
mkdir -p docs
cp "$pdf" "${PDF_OUT:-$out}/" 2>/dev/null || true
last=$(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}')
pdftoppm -png -r 70 -singlefile -f 1 -l 1 "$pdf" docs/county-workbook-summary
pdftoppm -png -r 70 -singlefile -f "$last" -l "$last" "$pdf" docs/county-workbook-charts
echo "PDF: $last pages; docs/county-workbook-summary.png, docs/county-workbook-charts.png"
