#!/usr/bin/env bash
# Installs what podlab's build and tests need, and only what is missing or at the wrong version.
# Every step checks first, so a second run does nothing. Only the package registries are used.
#
#   scripts/setup.sh            everything (serve and test)
#   scripts/setup.sh serve      only what `make serve` needs (no browser)
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-all}
TRUNK_VERSION=0.22.1
BINARYEN_VERSION=132

step() { printf '\033[1msetup:\033[0m %s\n' "$*"; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }
timed() { # timed LABEL CMD... : runs CMD and prints how long it took
  local label=$1 t0 t1; shift
  t0=$(date +%s)
  "$@"
  t1=$(date +%s)
  step "$label took $((t1 - t0)) s"
}
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

command -v cargo >/dev/null || die "cargo is missing: install Rust with rustup first (https://rustup.rs)"
export PATH="$HOME/.cargo/bin:$PATH"

# The wasm-bindgen version is the one Cargo.lock pins; the CLI, Trunk.toml and Cargo.toml must agree.
lock_wbg=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)
[ -n "$lock_wbg" ] || die "Cargo.lock has no wasm-bindgen entry"
trunk_wbg=$(sed -n 's/^wasm_bindgen = "\(.*\)".*/\1/p' Trunk.toml)
[ "$trunk_wbg" = "$lock_wbg" ] ||
  die "tool drift: Trunk.toml pins wasm-bindgen $trunk_wbg but Cargo.lock has $lock_wbg; make them equal"
grep -q "wasm-bindgen = { version = \"=$lock_wbg\"" Cargo.toml ||
  die "tool drift: Cargo.toml must pin wasm-bindgen to =$lock_wbg (the version in Cargo.lock)"

# 1. The wasm32 target.
if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "wasm32-unknown-unknown target: present"
else
  timed "rustup target add wasm32-unknown-unknown" rustup target add wasm32-unknown-unknown
fi

# 2. wasm-bindgen-cli, exactly the Cargo.lock version. No --locked: its lockfile pins a crate
#    version the registry mirror lacks (toolchain notes).
have_wbg=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have_wbg" = "$lock_wbg" ]; then
  step "wasm-bindgen-cli $lock_wbg: present"
else
  step "wasm-bindgen-cli: have '${have_wbg:-none}', need $lock_wbg; installing (about 3 minutes)"
  timed "cargo install wasm-bindgen-cli" cargo install wasm-bindgen-cli --version "$lock_wbg" --force
fi

# 3. trunk. It declares a newer rustc than the one here but builds and runs on it.
have_trunk=$(trunk --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have_trunk" = "$TRUNK_VERSION" ]; then
  step "trunk $TRUNK_VERSION: present"
else
  step "trunk: have '${have_trunk:-none}', need $TRUNK_VERSION; installing (about 15 minutes on 2 cores)"
  timed "cargo install trunk" cargo install --locked trunk --version "$TRUNK_VERSION" --ignore-rust-version --force
fi

# 4. wasm-opt from npm's binaryen, and playwright-core for the end-to-end tests.
command -v npm >/dev/null || {
  step "node and npm: missing; installing from Debian"
  as_root apt-get update -qq && as_root apt-get install -y -qq nodejs npm
}
have_opt=$(node_modules/.bin/wasm-opt --version 2>/dev/null | awk '{print $3}' || true)
want_pw=$(sed -n 's/.*"playwright-core": "\(.*\)".*/\1/p' package.json)
have_pw=$(node -p 'require("./node_modules/playwright-core/package.json").version' 2>/dev/null || true)
if [ "$have_opt" = "$BINARYEN_VERSION" ] && [ "$have_pw" = "$want_pw" ]; then
  step "npm tools (binaryen $BINARYEN_VERSION, playwright-core $want_pw): present"
else
  timed "npm ci (binaryen, playwright-core)" npm ci --no-audit --no-fund --loglevel=error
fi

# 5. Debian's chromium and chromedriver, for browser and end-to-end tests.
if [ "$mode" != serve ]; then
  if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
    step "chromium and chromedriver: present ($(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}'))"
  else
    timed "apt-get install chromium chromium-driver" \
      bash -c "$(declare -f as_root); as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver"
  fi
  c=$(/usr/bin/chromium --version 2>/dev/null | grep -o '[0-9]*\.' | head -1)
  d=$(/usr/bin/chromedriver --version 2>/dev/null | grep -o '[0-9]*\.' | head -1)
  [ "$c" = "$d" ] || die "tool drift: chromium major ${c%.} and chromedriver major ${d%.} differ; reinstall both"
fi

# Trunk runs offline; fetch the crates first so a build never waits on the registry.
cargo fetch --quiet
step "ready"
