#!/usr/bin/env bash
# Prints the gzipped size of the release site's wasm, js and css, and fails above the budget.
# The size is deterministic for a given toolchain, so this is a test, not a benchmark.
set -euo pipefail
dist=${1:-dist}
# The shell alone was 70 KB against a first budget of 350 KB. With the whole core in the page
# (engine, YAML reader, console) the bundle was 612 KB; the model's own Decode/Encode derives and
# sorted-vector maps brought it to 470.7 KB; exact float code without the standard library's
# tables, fewer engine B-tree types, wasm-opt flags and the last serde_derive structs to
# 436.3 KB. The reviewer's fixes (editor drawing only the lines in view, Tab indents, share box,
# menus that close and fit, console that follows forks, share links in the same tab) took it to
# 446.9 KB, against a budget of 450 KB. The budget is a ratchet that funds features: it is
# 560 KB for the next wave (StatefulSets, locks, exercise packs), each feature records its cost
# in CONTRIBUTING.md ("Bundle size") as it lands, and the budget comes back down to the measured
# total when the wave is in. Change this line only in a commit that says what it buys.
budget_kb=${PODLAB_BUNDLE_BUDGET_KB:-560}

shopt -s nullglob
files=("$dist"/*.wasm "$dist"/*.js "$dist"/*.css)
[ ${#files[@]} -gt 0 ] || { echo "bundle: no wasm, js or css in $dist (run trunk build --release)" >&2; exit 1; }
ls "$dist"/*.wasm >/dev/null 2>&1 || { echo "bundle: no .wasm in $dist" >&2; exit 1; }

total=0
for f in "${files[@]}"; do
  raw=$(wc -c <"$f")
  gz=$(gzip -9 -c "$f" | wc -c)
  total=$((total + gz))
  printf 'bundle: %-40s %8d B raw %8d B gzip\n' "$(basename "$f")" "$raw" "$gz"
done
printf 'bundle: total gzipped %d B (%d.%d KB) of a %d KB budget\n' \
  "$total" $((total / 1024)) $(((total % 1024) * 10 / 1024)) "$budget_kb"
if [ "$total" -gt $((budget_kb * 1024)) ]; then
  echo "bundle: over budget by $((total - budget_kb * 1024)) B" >&2
  exit 1
fi
