#!/usr/bin/env bash
# Fails if a test, script or build file names a path outside the repository, so a clone passes
# its tests alone. The one way out is the third-party parse corpus, read through PODLAB_CORPUS:
# its default (../shared/corpus/k8spatterns-examples, beside the repository) may appear only in
# files that also read PODLAB_CORPUS.
#
# What it reads: tests/ (code, not data), scripts/, benches/, .ci/, .cargo/, .github/ and the
# build files (Cargo.toml files, Trunk.toml, Makefile, package.json, static/index.html).
# What it flags:
#   - a relative path with a `..` component that leaves the repository. It is resolved against
#     the file's own folder where the path is relative to the file (TOML, HTML and JSON files;
#     lines with include_str!/include_bytes!/include!, import.meta, `from '...'`, import(),
#     or `$(dirname "$0")`), and against the repository root elsewhere (tests and scripts run
#     there: CARGO_MANIFEST_DIR, `cd "$(dirname "$0")/.."`);
#   - an absolute path under a place that holds people's files rather than the system: /work,
#     /home, /root, /mnt, /media, /srv, /Users, /tmp (not in Rust tests, whose manifests use
#     /tmp as a path inside containers), and ~/ or $HOME/ other than ~/.cargo (the Rust tools).
# System paths (/usr/bin/chromium, /bin/sh, /dev/null) are tools, not data, and pass.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
default=../shared/corpus/k8spatterns-examples

files=()
while IFS= read -r -d '' f; do files+=("${f#./}"); done < <(
  find ./tests ./scripts ./benches ./.ci ./.cargo ./.github \
    \( -path ./tests/golden -o -path ./tests/scenarios -o -path ./tests/fixtures \) -prune -o \
    -type f \( -name '*.rs' -o -name '*.mjs' -o -name '*.js' -o -name '*.sh' -o -name '*.toml' \
    -o -name '*.yml' -o -name '*.yaml' -o -path './.ci/*' \) -print0 2>/dev/null
  find . -maxdepth 2 \( -name target -o -name node_modules -o -name .git \) -prune -o \
    -type f -name Cargo.toml -print0
  for f in Trunk.toml Makefile package.json static/index.html; do [ -f "$f" ] && printf '%s\0' "./$f"; done
)

bad=0
flag() { # flag FILE LINE PATH WHY
  printf 'check-paths: %s:%s: %s %s\n' "$1" "$2" "$3" "$4" >&2
  bad=1
}

file_relative_line='include_str!|include_bytes!|include!|import\.meta|from +["'\'']|import\(|dirname'
for f in "${files[@]}"; do
  [ "$f" = scripts/check-paths.sh ] && continue # its comments and patterns name the places it looks for
  dir=$(dirname "$f")
  reads_var=0
  grep -q PODLAB_CORPUS "$f" && reads_var=1
  case "$f" in *.toml | *.html | *.json) whole_file_relative=1 ;; *) whole_file_relative=0 ;; esac
  # Lines that may hold a way out: a `..` component, or an absolute path under a personal place.
  while IFS= read -r hit; do
    n=${hit%%:*}
    line=${hit#*:}
    # $(dirname "$0") and friends stand for the file's folder.
    line=${line//'$(dirname "$0")'/@DIR@}
    line=${line//'$(dirname "${BASH_SOURCE[0]}")'/@DIR@}
    relative_to=$root
    if [ $whole_file_relative = 1 ] || [[ $line =~ $file_relative_line ]]; then relative_to=$root/$dir; fi
    while IFS= read -r tok; do
      # A bare `..` is a path only when quoted or after cd (not Rust's `{ .. }` or `a..b`).
      if [ "$tok" = .. ] && ! [[ $line =~ [\"\'\`]\.\.[\"\'\`/]|cd\ +\.\. ]]; then continue; fi
      if [[ $tok =~ (^|/)\.\.(/|$) ]]; then
        case "$tok" in
          @DIR@*) path=$root/$dir${tok#@DIR@} ;;
          /*) path=$tok ;;
          *) path=$relative_to/$tok ;;
        esac
        resolved=$(realpath -m "$path")
        if [ "$resolved" != "$root" ] && [[ $resolved != "$root"/* ]]; then
          if [ "$tok" = "$default" ] && [ $reads_var = 1 ]; then continue; fi
          flag "$f" "$n" "${tok/@DIR@/\$(dirname \"\$0\")}" "leaves the repository (only the corpus may, through PODLAB_CORPUS)"
        fi
      elif [[ $tok =~ ^/(work|home|root|mnt|media|srv|Users)(/|$) ]]; then
        flag "$f" "$n" "$tok" "is outside the repository"
      elif [[ $tok =~ ^/tmp(/|$) ]] && [[ $f != *.rs ]]; then
        flag "$f" "$n" "$tok" "is outside the repository (use target/ or mktemp)"
      elif [[ $tok =~ ^(~|\$HOME|\$\{HOME\})/ ]] && ! [[ $tok =~ ^(~|\$HOME|\$\{HOME\})/\.cargo(/|$) ]]; then
        flag "$f" "$n" "$tok" "is outside the repository"
      fi
    done < <(grep -oE '[A-Za-z0-9_.@+~${}/-]+' <<<"$line")
  done < <(grep -nE '(^|/|[^A-Za-z0-9_.])\.\.(/|$|[^A-Za-z0-9_.])|/(work|home|root|mnt|media|srv|Users|tmp)(/|$|[^A-Za-z0-9_.-])|~/|\$HOME|\$\{HOME\}' "$f" || true)
done

if [ $bad = 1 ]; then
  echo "check-paths: tests, scripts and build files may read only the repository (and the corpus through PODLAB_CORPUS)" >&2
  exit 1
fi
echo "check-paths: ${#files[@]} files read nothing outside the repository"
