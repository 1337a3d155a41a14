#!/usr/bin/env bash
# Runs every StreamChat test on a fresh Debian machine (as root) or a developer's box:
# installs what the tests need, builds, packs the NuGet packages, runs each test project,
# stops anything it started, and ends with one "N passed, N failed" line.
set -uo pipefail
cd "$(dirname "$0")"
root=$(pwd)
configuration=${CONFIGURATION:-Release}
results="$root/artifacts/test-results"
started_pids=()

cleanup() {
  for pid in "${started_pids[@]:-}"; do
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT INT TERM

say() { printf '\n==> %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "test.sh: need root (or sudo) to run: $*" >&2; return 1; fi
}

apt_updated=0
apt_install() {
  if [ "$apt_updated" -eq 0 ]; then as_root apt-get update -qq && apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@"
}

# --- What the tests need --------------------------------------------------------------------------
command -v dotnet >/dev/null || { echo "test.sh: the .NET SDK 10 is required (dotnet on PATH)." >&2; exit 1; }

if [ ! -x /usr/bin/chromium ]; then
  say "Installing Debian's chromium for the browser tests"
  apt_install chromium || { echo "test.sh: could not install chromium (apt-get install chromium)." >&2; exit 1; }
fi

# --- Build, pack --------------------------------------------------------------------------------
say "Building ($configuration)"
dotnet build StreamChat.sln -c "$configuration" -nologo -v quiet -clp:ErrorsOnly || { echo "0 passed, 1 failed"; exit 1; }

say "Packing NuGet packages into artifacts/packages"
rm -rf "$root/artifacts/packages"
for library in src/*/*.csproj; do
  dotnet pack "$library" -c "$configuration" --no-build -nologo -v quiet -o "$root/artifacts/packages" || { echo "0 passed, 1 failed"; exit 1; }
done
export STREAMCHAT_PACKAGES="$root/artifacts/packages"

# --- Test ---------------------------------------------------------------------------------------
rm -rf "$results"
mkdir -p "$results"
export STREAMCHAT_TEST_REPORTS="$results"
total_passed=0
total_failed=0
status=0
for project in tests/*/*.Tests.csproj; do
  name=$(basename "$project" .csproj)
  say "Testing $name"
  log="$results/$name.log"
  dotnet test "$project" -c "$configuration" --no-build -nologo \
    --logger "trx;LogFileName=$name.trx" --results-directory "$results" 2>&1 | tee "$log"
  code=${PIPESTATUS[0]}
  trx="$results/$name.trx"
  counters=$(grep -o '<Counters [^>]*' "$trx" 2>/dev/null | head -n 1)
  if [ -z "$counters" ]; then
    echo "test.sh: $name produced no test results (exit $code); counting it as one failure." >&2
    total_failed=$((total_failed + 1))
    status=1
    continue
  fi
  passed=$(sed -E 's/.* passed="([0-9]+)".*/\1/' <<<"$counters")
  failed=$(sed -E 's/.* failed="([0-9]+)".*/\1/' <<<"$counters")
  errors=$(sed -E 's/.* error="([0-9]+)".*/\1/' <<<"$counters")
  total_passed=$((total_passed + passed))
  total_failed=$((total_failed + failed + errors))
  [ "$code" -ne 0 ] && status=1
  # Reports some tests leave beside their results (the moderation corpus scores).
  for report in "$results"/*.report.md; do
    [ -f "$report" ] && { echo; cat "$report"; rm -f "$report"; }
  done
done

echo
echo "$total_passed passed, $total_failed failed"
[ "$total_failed" -eq 0 ] || status=1
exit $status
