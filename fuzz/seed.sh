#!/usr/bin/env bash
# Seeds the fuzz corpus with the sample returns (samples/returns/*/*).
# The target reads the input's first byte as the extension hint (0 xlsx, 1 xls, 2 ods,
# 3 xlsb, 4 none) and the rest as the file, so each sample is copied behind the byte of its
# own extension: a sample copied bare would lose its first byte, and with it its signature.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
corpus="$here/corpus/locate_bytes"
mkdir -p "$corpus"
n=0
for f in "$here"/../samples/returns/*/*; do
    [ -f "$f" ] || continue
    case "${f##*.}" in
        xlsx | XLSX) hint='\x00' ;;
        xls | XLS) hint='\x01' ;;
        ods | ODS) hint='\x02' ;;
        xlsb | XLSB) hint='\x03' ;;
        *) hint='\x04' ;;
    esac
    # Named by content, as libFuzzer names its own corpus entries: reseeding adds nothing twice.
    tmp="$(mktemp "$corpus/.seed.XXXXXX")"
    { printf "$hint"; cat "$f"; } >"$tmp"
    sum="$(sha1sum "$tmp" | cut -d' ' -f1)"
    mv "$tmp" "$corpus/$sum"
    n=$((n + 1))
done
echo "seeded $n sample files into $corpus"
