#!/usr/bin/env bash
# Runs the same load scenarios against StreamChat (the Kestrel sample, in-memory default) and the SignalR peer
# (benchmarks/Peers/SignalRChat), alternating A B A B so machine drift hits both, each server started fresh in
# Release for every run, and prints one table per scenario with the ratio StreamChat / SignalR.
#
#   benchmarks/run.sh                 # fanout, capacity and idle, 3 rounds, StreamChat / SignalR / floor
#   ROUNDS=1 benchmarks/run.sh fanout idle
#   TARGETS="streamchat signalr signalr-client floor" benchmarks/run.sh fanout
#
# Targets: streamchat (the Kestrel sample), signalr (the peer, driven over a raw WebSocket with SignalR's JSON hub
# protocol and the same cheap frame scanning as StreamChat's clients), signalr-client (the same peer driven by
# Microsoft.AspNetCore.SignalR.Client, which costs the load tool far more CPU), floor (benchmarks/Peers/Floor: the
# least work a server can do to relay a frame to N sockets, so each figure can be read against what the harness
# itself can see). Each round runs every target once, in turn.
#
# Scenarios: fanout (1,000 subscribers in one stream, 10 publishers, 20 msg/s), capacity (the highest rate into
# that stream with p99 under 250 ms and no loss), rooms (2,000 connections over 200 streams), idle (10,000
# connections: memory per connection), churn (connect and disconnect 200 per second for 30 s).
# Scale-out (docs/scale-out.md): two nodes of each server on one redis-server (StreamChat.Redis against SignalR's own
# Redis backplane), subscribers and publishers split over both nodes, CPU summed over both nodes and Redis:
# scaleout-fanout (1,000 subscribers, 20 msg/s), scaleout-small (200 subscribers, 20 msg/s; Redis commands per chat
# message, counted by the load tool over the publishing window, must not grow with subscribers), scaleout-capacity (the highest rate with p99 under 250 ms and no loss).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/artifacts/bench"
rounds="${ROUNDS:-3}"
read -r -a targets <<< "${TARGETS:-streamchat signalr floor}"
scenarios=("$@")
[ ${#scenarios[@]} -eq 0 ] && scenarios=(fanout capacity idle)
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

echo "==> Building (Release)"
dotnet publish "$root/samples/StreamChat.Samples.Kestrel" -c Release -o "$out/streamchat" -v q -nologo >/dev/null
dotnet publish "$root/benchmarks/Peers/SignalRChat" -c Release -o "$out/signalr" -v q -nologo >/dev/null
dotnet publish "$root/benchmarks/Peers/Floor" -c Release -o "$out/floor" -v q -nologo >/dev/null
dotnet publish "$root/benchmarks/StreamChat.LoadTest" -c Release -o "$out/loadtest" -v q -nologo >/dev/null
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
results="$out/results-$stamp"
mkdir -p "$results"

server_pid=""
cluster_pids=()
stop_server() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
  for pid in "${cluster_pids[@]:-}"; do
    [ -n "$pid" ] && { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }
  done
  cluster_pids=()
}
trap stop_server EXIT

start_server() { # target -> sets server_pid and url
  export Logging__LogLevel__Default=Warning Logging__LogLevel__Microsoft=Warning
  if [ "$1" = streamchat ]; then
    Urls=http://127.0.0.1:5000 StreamChat__AllowDevelopmentIdentity=true StreamChat__RateLimits__Enabled=false \
      dotnet "$out/streamchat/StreamChat.Samples.Kestrel.dll" --contentRoot "$out/streamchat" > "$results/server-$1.log" 2>&1 &
    server_pid=$!; url="ws://127.0.0.1:5000/chat"; port=5000
  elif [ "$1" = floor ]; then
    Urls=http://127.0.0.1:5004 dotnet "$out/floor/Floor.dll" > "$results/server-$1.log" 2>&1 &
    server_pid=$!; url="ws://127.0.0.1:5004/chat"; port=5004
  else
    Urls=http://127.0.0.1:5001 dotnet "$out/signalr/SignalRChat.dll" > "$results/server-$1.log" 2>&1 &
    server_pid=$!; url="http://127.0.0.1:5001/chathub"; port=5001
  fi
  for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0; sleep 0.1; done
  echo "run.sh: the $1 server did not start; see $results/server-$1.log" >&2; exit 1
}

wait_port() { # port name
  for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done
  echo "run.sh: $2 did not start; see $results" >&2; exit 1
}

redis_port=6390
start_cluster() { # target -> sets cluster_pids, urls, pids (two nodes and a fresh redis-server)
  export Logging__LogLevel__Default=Warning Logging__LogLevel__Microsoft=Warning
  redis-server --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no > "$results/redis-$1.log" 2>&1 &
  local redis_pid=$!
  wait_port "$redis_port" redis-server
  local first second a b
  if [ "$1" = streamchat ]; then
    first=5000; second=5002
    for port in $first $second; do
      Urls=http://127.0.0.1:$port StreamChat__AllowDevelopmentIdentity=true StreamChat__RateLimits__Enabled=false \
        ConnectionStrings__Redis=127.0.0.1:$redis_port \
        dotnet "$out/streamchat/StreamChat.Samples.Kestrel.dll" --contentRoot "$out/streamchat" > "$results/server-$1-$port.log" 2>&1 &
      cluster_pids+=("$!")
    done
    urls="ws://127.0.0.1:$first/chat,ws://127.0.0.1:$second/chat"
  else
    first=5001; second=5003
    for port in $first $second; do
      Urls=http://127.0.0.1:$port ConnectionStrings__Redis=127.0.0.1:$redis_port \
        dotnet "$out/signalr/SignalRChat.dll" > "$results/server-$1-$port.log" 2>&1 &
      cluster_pids+=("$!")
    done
    urls="http://127.0.0.1:$first/chathub,http://127.0.0.1:$second/chathub"
  fi
  wait_port $first "the $1 node on $first"
  wait_port $second "the $1 node on $second"
  pids="${cluster_pids[0]},${cluster_pids[1]},$redis_pid"
  cluster_pids+=("$redis_pid")
}

args_for() {
  case "$1" in
    fanout)   echo "run --connections 1000 --streams 1 --publishers 10 --rate 20 --duration 20" ;;
    capacity) echo "capacity --connections 1000 --streams 1 --publishers 10 --start-rate 50 --duration 8" ;;
    rooms)    echo "run --connections 2000 --streams 200 --publishers 200 --rate 200 --duration 20" ;;
    idle)     echo "idle --connections 10000 --streams 100 --connect-concurrency 100" ;;
    churn)    echo "churn --churn-rate 200 --duration 30 --streams 20" ;;
    scaleout-fanout)   echo "run --connections 1000 --streams 1 --publishers 10 --rate 20 --duration 20" ;;
    scaleout-small)    echo "run --connections 200 --streams 1 --publishers 10 --rate 20 --duration 20" ;;
    scaleout-capacity) echo "capacity --connections 1000 --streams 1 --publishers 10 --start-rate 50 --duration 8" ;;
    *) echo "unknown scenario $1" >&2; exit 2 ;;
  esac
}

for scenario in "${scenarios[@]}"; do
  for round in $(seq 1 "$rounds"); do
    for target in "${targets[@]}"; do
      if [[ "$scenario" == scaleout-* && "$target" == floor ]]; then
        continue # the floor has no scale-out
      fi
      echo "==> $scenario, round $round, $target"
      if [[ "$scenario" == scaleout-* ]]; then
        start_cluster "$target"
        # shellcheck disable=SC2046
        dotnet "$out/loadtest/StreamChat.LoadTest.dll" $(args_for "$scenario") --target "$target" --url "$urls" --server-pid "$pids" \
          --redis "127.0.0.1:$redis_port" | tee "$results/$scenario.$target.$round.txt" | grep -v '^RESULT '
        stop_server
        sleep 1
        continue
      fi
      start_server "$target"
      # shellcheck disable=SC2046
      dotnet "$out/loadtest/StreamChat.LoadTest.dll" $(args_for "$scenario") --target "$target" --url "$url" --server-pid "$server_pid" \
        | tee "$results/$scenario.$target.$round.txt" | grep -v '^RESULT '
      stop_server
      sleep 1
    done
  done
done

echo
echo "## Results ($stamp, $(nproc) cores, server and load tool on the same machine)"
dotnet "$out/loadtest/StreamChat.LoadTest.dll" report "$results" | tee "$results/table.md"
