#!/usr/bin/env bash
# Fuzzes the chat pipeline (frame parser, handlers, text hygiene, moderators) with AFL++ through SharpFuzz for a fixed
# time, then keeps what AFL learned in fuzz/corpus and replays every finding. Usage: fuzz/run.sh [SECONDS] (default 300).
# On a fresh Debian machine as root it installs afl++ and the SharpFuzz instrumentation tool itself.
# Exit status: 0 when no input crashed or hung the harness, 1 otherwise (the inputs are under artifacts/fuzz/findings).
set -euo pipefail
seconds=${1:-300}
root=$(cd "$(dirname "$0")/.." && pwd)
work="$root/artifacts/fuzz"
harness="$work/harness"
mkdir -p "$work"

if ! command -v afl-fuzz >/dev/null; then
  echo "fuzz/run.sh: installing afl++" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq afl++ >/dev/null
fi
if [ ! -x "$work/tools/sharpfuzz" ]; then
  dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$work/tools" >/dev/null
fi

rm -rf "$harness"
dotnet publish "$root/fuzz/StreamChat.Fuzz" -c Release -o "$harness" -v q -nologo >/dev/null
# Coverage for AFL: SharpFuzz rewrites the library under test with edge counters (the harness and the runtime stay as they are).
"$work/tools/sharpfuzz" "$harness/StreamChat.Core.dll" >/dev/null

rm -rf "$work/findings"
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1
echo "fuzz/run.sh: fuzzing for ${seconds}s from $(ls "$root/fuzz/corpus" | wc -l) corpus inputs"
afl-fuzz -V "$seconds" -t 5000 -m none -i "$root/fuzz/corpus" -o "$work/findings" -- dotnet "$harness/StreamChat.Fuzz.dll" > "$work/afl.log" 2>&1 || {
  echo "fuzz/run.sh: afl-fuzz failed; the end of its log:" >&2; tail -20 "$work/afl.log" >&2; exit 1; }

stats="$work/findings/default/fuzzer_stats"
grep -E "^(execs_done|execs_per_sec|corpus_count|saved_crashes|saved_hangs|bitmap_cvg)" "$stats" | sed 's/^/  /'

# Keep the inputs with which AFL found new edges ("+cov"), named by content, so the next run starts where this one ended
# and tests/StreamChat.Core.Tests replays them on every test run (FuzzCorpusTests).
for input in "$work/findings/default/queue"/id:*+cov*; do
  [ -f "$input" ] || continue
  cp "$input" "$root/fuzz/corpus/q-$(sha1sum "$input" | cut -c1-12)"
done
echo "fuzz/run.sh: corpus now $(ls "$root/fuzz/corpus" | wc -l) inputs"

crashes=$(find "$work/findings/default/crashes" "$work/findings/default/hangs" -type f -name 'id:*' 2>/dev/null | wc -l)
if [ "$crashes" -gt 0 ]; then
  echo "fuzz/run.sh: $crashes crashing or hanging input(s); replaying them:" >&2
  for input in "$work/findings/default/crashes"/id:* "$work/findings/default/hangs"/id:*; do
    [ -f "$input" ] || continue
    echo "--- $input" >&2
    timeout 30 dotnet "$harness/StreamChat.Fuzz.dll" "$input" 2>&1 | tail -15 >&2 || true
  done
  exit 1
fi
echo "fuzz/run.sh: no crash, no hang"
