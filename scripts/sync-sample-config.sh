#!/usr/bin/env bash
# samples/huizong.toml is the county's part (county, roster) followed by the built-in form
# verbatim (a test checks it). After editing src/config/default_form.toml, run this to copy the
# form in again. Usage: scripts/sync-sample-config.sh
set -euo pipefail
cd "$(dirname "$0")/.."
marker='# The default form: 县卫生健康工作月报表'
prefix=$(awk -v m="$marker" 'index($0, m) == 1 { exit } { print }' samples/huizong.toml)
{ printf '%s\n' "$prefix"; cat src/config/default_form.toml; } > samples/huizong.toml.tmp
mv samples/huizong.toml.tmp samples/huizong.toml
