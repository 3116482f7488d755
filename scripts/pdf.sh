#!/usr/bin/env bash
# The county workbook as PDF (LibreOffice headless) and PNGs of its summary, 分乡镇, 异常清单,
# 图表, 数据质量 and 趋势 pages, and of a feedback workbook's 差错清单, for docs/ (set
# PDF_OUT=DIR to keep the PDFs).
#   scripts/pdf.sh [WORKBOOK]   (default: runs huizong on the samples' three months in order, so
#                                that the history store gives the trend, and takes October's)
# Needs: libreoffice-calc, poppler-utils, and fonts (fonts-crosextra-carlito, whose widths are
# Calibri's, and fonts-wqy-microhei) from Debian.
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in soffice pdftoppm; do
  command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install libreoffice-calc poppler-utils fonts-wqy-microhei)" >&2; exit 2; }
done
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
workbook=${1:-}
if [ -z "$workbook" ]; then
  for m in 2026-08 2026-09 2026-10; do
    cargo run -q -- run "samples/returns/$m" --config samples/huizong.toml --out "$out" \
      --feedback "$out/feedback" --quiet >/dev/null || true
  done
  workbook="$out/安平县_2026-10_汇总.xlsx"
fi
soffice --headless "-env:UserInstallation=file://$out/lo" --convert-to pdf --outdir "$out" "$workbook" >/dev/null
pdf="$out/$(basename "${workbook%.*}").pdf"
[ -s "$pdf" ] || { echo "LibreOffice made no PDF" >&2; exit 1; }
mkdir -p docs
cp "$pdf" "${PDF_OUT:-$out}/" 2>/dev/null || true
last=$(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}')
# The first page whose text holds `$1` (anywhere on it).
page_of() {
  for p in $(seq 1 "$last"); do
    # Read whole before matching: under pipefail, `grep -q` closing the pipe early would fail
    # pdftotext with SIGPIPE and the match would count as a miss.
    text=$(pdftotext -f "$p" -l "$p" "$pdf" -)
    if grep -q "$1" <<<"$text"; then echo "$p"; return; fi
  done
  echo 1
}
# The first page that opens with a sheet's title: its first line, so that a summary page
# mentioning another sheet by name ("见分乡镇数据") is not taken for that sheet.
page_titled() {
  for p in $(seq 1 "$last"); do
    text=$(pdftotext -f "$p" -l "$p" "$pdf" -)
    if head -1 <<<"$text" | grep -q "$1"; then echo "$p"; return; fi
  done
  echo "no page titled $1" >&2
  exit 1
}
shot() { pdftoppm -png -r 70 -singlefile -f "$1" -l "$1" "$pdf" "docs/$2"; }
shot 1 county-workbook-summary
shot "$(page_titled 分乡镇数据)" county-workbook-by-township
shot "$(page_titled 审核异常清单)" county-workbook-findings
shot "$(page_titled 主要指标分乡镇对比)" county-workbook-charts
shot "$(page_titled 报表数据质量)" county-workbook-quality
shot "$(page_titled 主要指标逐月趋势)" county-workbook-trend
shot "$(page_of 99.8%上限)" county-workbook-funnel
echo "PDF: $last pages; docs/county-workbook-{summary,by-township,findings,charts,quality,trend,funnel}.png"
feedback="$out/feedback/青石镇_2026-10_退回修改通知.xlsx"
if [ -f "$feedback" ]; then
  soffice --headless "-env:UserInstallation=file://$out/lo" --convert-to pdf --outdir "$out" "$feedback" >/dev/null
  fb_pdf="$out/$(basename "${feedback%.*}").pdf"
  cp "$fb_pdf" "${PDF_OUT:-$out}/" 2>/dev/null || true
  pdftoppm -png -r 70 -singlefile -f 1 -l 1 "$fb_pdf" docs/feedback-list
  echo "feedback PDF: $(pdfinfo "$fb_pdf" | awk '/^Pages:/ {print $2}') pages; docs/feedback-list.png"
fi
