#!/usr/bin/env bash
# Runs this Lambda sample on your machine as AWS would run it: the published build (Native AOT bootstrap by default,
# or the managed build with --managed) in separate sandbox processes behind the local API Gateway stand-in
# (tools/StreamChat.LocalGateway), on a local dynalite, with the browser test page.
#
#   samples/StreamChat.Samples.Lambda/run-local.sh [--managed] [--embedding] [--port 3001] [--instances 2]
#
# --embedding runs the managed build with StreamChat.Moderation.Onnx switched on (template parameter
# EmbeddingHostility): hostile messages without a hostile word are blocked for toxicity too.
#
# Needs the .NET 10 SDK and Node.js (for dynalite, installed into artifacts/tools on first use). Set
# DYNAMODB_ENDPOINT to use a DynamoDB Local you run yourself instead. Ctrl+C stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
runtime=provided.al2023
port=3001
instances=2
embedding=false
while [ $# -gt 0 ]; do
  case "$1" in
    --managed) runtime=dotnet10 ;;
    --embedding) runtime=dotnet10; embedding=true ;;
    --port) port=$2; shift ;;
    --instances) instances=$2; shift ;;
    *) echo "usage: $0 [--managed] [--embedding] [--port N] [--instances N]" >&2; exit 2 ;;
  esac
  shift
done

build="$root/artifacts/local-lambda-$runtime"
[ "$embedding" = true ] && build="$build-embedding"
echo "==> Publishing the Lambda sample ($runtime$([ "$embedding" = true ] && echo ', with the embedding scorer')) into $build"
if [ "$runtime" = provided.al2023 ]; then
  dotnet publish samples/StreamChat.Samples.Lambda -c Release -r linux-x64 -p:PublishAot=true -o "$build" -nologo -v quiet
else
  dotnet publish samples/StreamChat.Samples.Lambda -c Release -r linux-x64 --self-contained false -p:EmbeddingHostility="$embedding" \
    -o "$build" -nologo -v quiet
fi
dotnet build tools/StreamChat.LocalGateway -c Release -nologo -v quiet

started=""
cleanup() { [ -n "$started" ] && kill "$started" 2>/dev/null || true; }
trap cleanup EXIT INT TERM
endpoint=${DYNAMODB_ENDPOINT:-}
if [ -z "$endpoint" ]; then
  dynalite="$root/artifacts/tools/node_modules/dynalite/cli.js"
  if [ ! -f "$dynalite" ]; then
    echo "==> Installing dynalite 4.0.0 into artifacts/tools"
    npm install --prefix "$root/artifacts/tools" --no-audit --no-fund --loglevel=error dynalite@4.0.0
  fi
  dynamo_port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
  node "$dynalite" --host 127.0.0.1 --port "$dynamo_port" --createTableMs 0 --deleteTableMs 0 --updateTableMs 0 &
  started=$!
  endpoint="http://127.0.0.1:$dynamo_port"
  for _ in $(seq 1 50); do (exec 3<>"/dev/tcp/127.0.0.1/$dynamo_port") 2>/dev/null && break; sleep 0.2; done
fi

echo "==> Local gateway on ws://127.0.0.1:$port/prod (DynamoDB at $endpoint; Comprehend off: the local rules moderate)"
dotnet "$root/artifacts/bin/StreamChat.LocalGateway/release/StreamChat.LocalGateway.dll" \
  --template samples/StreamChat.Samples.Lambda/template.yaml --code "$build" --dynamodb-endpoint "$endpoint" \
  --port "$port" --instances "$instances" \
  --parameter FunctionRuntime="$runtime" --parameter AllowDevelopmentIdentity=true --parameter EmbeddingHostility="$embedding" \
  --env StreamChatComprehend__Pii__Enabled=false --env StreamChatComprehend__Toxicity__Enabled=false \
  --static samples/StreamChat.Samples.Kestrel/wwwroot
