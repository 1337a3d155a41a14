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
  # The Redis tests start (and stop) their own redis-server processes; any a crashed test host left behind go too.
  for pidfile in "$root/artifacts/redis-pids"/*.pid; do
    [ -f "$pidfile" ] && { kill "$(cat "$pidfile")" 2>/dev/null || true; rm -f "$pidfile"; }
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

# redis-server (Debian's package), for the Redis scale-out tests: each test class starts its own on a free loopback
# port and stops it (some kill and restart it to play an outage), recording its pid under artifacts/redis-pids.
if ! command -v redis-server >/dev/null; then
  say "Installing Debian's redis-server for the scale-out tests"
  apt_install redis-server || { echo "test.sh: could not install redis-server (apt-get install redis-server)." >&2; exit 1; }
  # Where the package started its system service on 6379, stop it: the tests never use it.
  { command -v service >/dev/null && service redis-server stop; } >/dev/null 2>&1 || true
fi
mkdir -p "$root/artifacts/redis-pids"
export STREAMCHAT_REDIS_PIDS="$root/artifacts/redis-pids"

# dynalite: a DynamoDB-compatible server (npm), for the DynamoDB store tests.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  say "Installing Node.js and npm for dynalite"
  apt_install nodejs npm || { echo "test.sh: could not install nodejs and npm (apt-get install nodejs npm)." >&2; exit 1; }
fi
tools="$root/artifacts/tools"
dynalite_js="$tools/node_modules/dynalite/cli.js"
if [ ! -f "$dynalite_js" ]; then
  say "Installing dynalite 4.0.0 into artifacts/tools"
  mkdir -p "$tools"
  npm install --prefix "$tools" --no-audit --no-fund --loglevel=error dynalite@4.0.0 || { echo "test.sh: npm install dynalite@4.0.0 failed." >&2; exit 1; }
fi
# dynalite keys index entries by a 6-hex-digit hash of the table key, so in a stream of thousands of
# connections two ids can collide and one silently drops out of the stream index (DynamoDB has no such
# limit). Make the index key carry the whole table key. Idempotent; fails loudly if the code moved.
index_js="$tools/node_modules/dynalite/db/index.js"
if ! grep -q "hashPrefix.apply(this, tableKeyPieces) + '/' + createKey(item, table)" "$index_js"; then
  sed -i "s|  return createKey(item, table, keySchema) + hashPrefix.apply(this, tableKeyPieces)$|  return createKey(item, table, keySchema) + hashPrefix.apply(this, tableKeyPieces) + '/' + createKey(item, table)|" "$index_js"
  grep -q "hashPrefix.apply(this, tableKeyPieces) + '/' + createKey(item, table)" "$index_js" \
    || { echo "test.sh: could not patch dynalite's index keys ($index_js)." >&2; exit 1; }
fi
mkdir -p "$root/artifacts"
dynalite_port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
say "Starting dynalite on 127.0.0.1:$dynalite_port"
node "$dynalite_js" --host 127.0.0.1 --port "$dynalite_port" --createTableMs 0 --deleteTableMs 0 --updateTableMs 0 \
  > "$root/artifacts/dynalite.log" 2>&1 &
started_pids+=("$!")
for _ in $(seq 1 50); do
  (exec 3<>"/dev/tcp/127.0.0.1/$dynalite_port") 2>/dev/null && break
  sleep 0.2
done
(exec 3<>"/dev/tcp/127.0.0.1/$dynalite_port") 2>/dev/null || { echo "test.sh: dynalite did not start; see artifacts/dynalite.log." >&2; exit 1; }
export STREAMCHAT_DYNAMODB_URL="http://127.0.0.1:$dynalite_port"

# --- Build, pack --------------------------------------------------------------------------------
say "Building ($configuration)"
dotnet build StreamChat.sln -c "$configuration" -nologo -v quiet -clp:ErrorsOnly || { echo "0 passed, 1 failed"; exit 1; }

say "Packing NuGet packages into artifacts/packages"
rm -rf "$root/artifacts/packages"
for library in src/*/*.csproj; do
  dotnet pack "$library" -c "$configuration" --no-build -nologo -v quiet -o "$root/artifacts/packages" || { echo "0 passed, 1 failed"; exit 1; }
done
export STREAMCHAT_PACKAGES="$root/artifacts/packages"

# The Lambda sample as it is deployed, for the local gateway's tests: the managed ReadyToRun build and the Native AOT
# bootstrap (template.yaml's default runtime). objdump (binutils) checks the bootstrap's glibc needs.
command -v objdump >/dev/null || apt_install binutils || { echo "test.sh: could not install binutils (objdump)." >&2; exit 1; }
# Native AOT links with clang (the image has clang-14; install it where neither is there).
command -v clang >/dev/null || command -v clang-14 >/dev/null || apt_install clang || { echo "test.sh: could not install clang for the Native AOT publish." >&2; exit 1; }
say "Publishing the Lambda sample (managed and Native AOT) into artifacts/lambda-*"
# The managed build carries StreamChat.Moderation.Onnx (-p:EmbeddingHostility=true); template.yaml switches it off
# (StreamChatEmbedding__Enabled=false) except in the one test that switches it on.
dotnet publish samples/StreamChat.Samples.Lambda -c "$configuration" -r linux-x64 --self-contained false -p:EmbeddingHostility=true \
  -nologo -v quiet -o "$root/artifacts/lambda-managed" || { echo "0 passed, 1 failed"; exit 1; }
dotnet publish samples/StreamChat.Samples.Lambda -c "$configuration" -r linux-x64 -p:PublishAot=true -nologo -v quiet \
  -o "$root/artifacts/lambda-aot" || { echo "0 passed, 1 failed"; exit 1; }
export STREAMCHAT_LAMBDA_MANAGED="$root/artifacts/lambda-managed"
export STREAMCHAT_LAMBDA_AOT="$root/artifacts/lambda-aot"

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
