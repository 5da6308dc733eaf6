#!/usr/bin/env bash
# Runs every podlab test in order and stops at the first failure:
# paths, lint, native tests, browser tests, the end-to-end test, and the bundle budget.
# `make test` runs scripts/setup.sh first; .ci/run runs `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export TRUNK_SKIP_VERSION_CHECK=true

# The third-party parse corpus (k8spatterns/examples) is not in the repository. When it is
# beside it, or PODLAB_CORPUS names it, its tests run (tests/manifest_corpus.rs); a
# PODLAB_CORPUS naming a missing folder fails them. Without it they print that they skipped.
if [ -z "${PODLAB_CORPUS:-}" ] && [ -d ../shared/corpus/k8spatterns-examples ]; then
  PODLAB_CORPUS=$(cd ../shared/corpus/k8spatterns-examples && pwd)
  export PODLAB_CORPUS
fi
if [ -n "${PODLAB_CORPUS:-}" ]; then
  printf 'corpus: PODLAB_CORPUS=%s\n' "$PODLAB_CORPUS"
else
  printf 'corpus: none (PODLAB_CORPUS unset, no shared corpus beside the repository); its tests are skipped\n'
fi

passed=0
run_step() { # run_step NAME CMD...
  local name=$1 t0 t1; shift
  printf '\n\033[1m== %s\033[0m\n' "$name"
  t0=$(date +%s)
  if "$@"; then
    t1=$(date +%s)
    passed=$((passed + 1))
    printf '\033[1m== %s: ok in %d s\033[0m\n' "$name" $((t1 - t0))
  else
    printf '\033[1;31m== %s: FAILED\033[0m\n' "$name"
    printf 'steps: %d passed, 1 failed\n' "$passed"
    exit 1
  fi
}

t_start=$(date +%s)
run_step "paths stay in the repository" scripts/check-paths.sh
run_step "rustfmt" cargo fmt --check
run_step "clippy (native core)" cargo clippy --all-targets -- -D warnings
run_step "clippy (wasm32, feature web)" \
  cargo clippy --target wasm32-unknown-unknown --features web --lib --bins --test web --test web_memory -- -D warnings
run_step "native tests" cargo test
# Every built-in exercise pack is proved: its tasks fail without the reference solution and
# pass with it (docs/packs.md).
run_step "exercise packs (podlab check)" \
  cargo run --quiet --bin podlab -- check exercises/packs/*.yaml
run_step "browser tests (headless chromium)" \
  cargo test --target wasm32-unknown-unknown --features web --test web --test web_memory
run_step "release build (trunk, /podlab/)" \
  trunk build --release --public-url /podlab/
run_step "end-to-end tests (headless chromium)" node --test tests/e2e/
run_step "bundle budget" scripts/bundle-budget.sh dist
printf '\nall steps took %d s\n' $(($(date +%s) - t_start))
printf 'steps: %d passed, 0 failed\n' "$passed"
