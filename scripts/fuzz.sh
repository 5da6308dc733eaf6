#!/usr/bin/env bash
# Runs each cargo-fuzz target for N seconds (default 120): `scripts/fuzz.sh [SECONDS] [TARGET...]`.
#
# cargo-fuzz needs nightly-only flags; on a stable toolchain RUSTC_BOOTSTRAP=1 unlocks them.
# No AddressSanitizer (`--sanitizer none`): podlab has no `unsafe` code (the harnesses' `Sync`
# marker aside), so ASan finds nothing a panic would not, and its allocator was a third of the
# console target's time; without it the targets run 2 to 3 times as many inputs. Findings land in fuzz/artifacts/TARGET; the corpus grows in fuzz/corpus/TARGET,
# seeded from fuzz/seeds/TARGET. Install the tool with `cargo install cargo-fuzz`.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-120}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(manifest_parse console_line scenario_file pack_file)
fi

export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR="${FUZZ_TARGET_DIR:-$PWD/fuzz/target}"
status=0
for t in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$t" "fuzz/seeds/$t"
  echo "== $t: ${seconds}s"
  mkdir -p fuzz/artifacts
  log="fuzz/artifacts/$t.log"
  # -rss_limit_mb guards against inputs that grow without bound; -timeout flags hangs. The
  # timeout is wall-clock time: a fuzzer run with `nice` beside builds can be starved past 10 s
  # on an input that takes 0.2 s alone, so give it more there (FUZZ_TIMEOUT=60).
  set +e
  cargo fuzz run --sanitizer none "$t" "fuzz/corpus/$t" "fuzz/seeds/$t" -- \
    -max_total_time="$seconds" -timeout="${FUZZ_TIMEOUT:-10}" -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1
  rc=$?
  set -e
  grep -E 'stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb|^#[0-9]+ +DONE|SUMMARY|panicked at' "$log" || true
  if [ $rc -ne 0 ]; then
    echo "!! $t failed (exit $rc); see $log and fuzz/artifacts/$t"
    status=1
  fi
done
exit $status
