#!/usr/bin/env bash
# Checks the portable agent bundle (bench/make-device-bundle.sh agent) the way a machine without a JDK would use it:
# unpacked in a fresh folder under /tmp, run with an empty environment (no JAVA_HOME) and PATH=/usr/bin:/bin, against a
# halo serve started from this tree; then offline (job file + model file beside it, result imported). Prints what
# each step stored and exits non-zero on the first mismatch.
# Usage: bench/check-agent-bundle.sh [ARCHIVE] [PORT]   (defaults: target/halo-agent-linux-x64.tar.gz, 7391)
set -euo pipefail
cd "$(dirname "$0")/.."
archive=$(readlink -f "${1:-target/halo-agent-linux-x64.tar.gz}")
port="${2:-7391}"
url="http://127.0.0.1:$port"
token="bundle-check-$RANDOM$RANDOM"
work=$(mktemp -d /tmp/halo-agent-check.XXXXXX)
server_pid=
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; wait 2>/dev/null || true; }
trap cleanup EXIT

./halo serve --port "$port" --token "$token" --data "$work/server" >"$work/server.log" 2>&1 &
server_pid=$!
tar xzf "$archive" -C "$work"
# what a machine without a JDK has: no JAVA_HOME, the system's bin folders only
bare() { env -i PATH=/usr/bin:/bin HOME="$work" "$work/halo/bin/halo" "$@"; }
echo "== system java on PATH=/usr/bin:/bin: $(env -i PATH=/usr/bin:/bin sh -c 'command -v java && java -version 2>&1 | head -1 || echo none' | tr '\n' ' ')"
for _ in $(seq 120); do curl -sf "$url/api/health" >/dev/null && break; sleep 0.5; done
curl -sf "$url/api/health" >/dev/null || { echo "the server did not start: $(tail -5 "$work/server.log")" >&2; exit 1; }

count() { curl -sf "$url/api/measurements?device=$1" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
expect() { [ "$1" = "$2" ] || { echo "FAILED: $3: expected $2, got $1" >&2; exit 1; }; echo "ok: $3 = $1"; }

quick=(--threads 1)
archs=('|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|'
       '|skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|')
mkdir -p "$work/zoo"
bare zoo export resnet:block=basic:depth=1-1:width=8-16:res=32 --out "$work/zoo" >/dev/null
model=$(ls "$work"/zoo/*.onnx | head -1)
for d in bundle-box bundle-offline; do
  bare farm measure --server "$url" --token "$token" --device "$d" --arch "${archs[0]}" --arch "${archs[1]}" --rounds 2 "${quick[@]}"
  bare farm measure --server "$url" --token "$token" --device "$d" --model "$model" --rounds 2 "${quick[@]}"
done

# online: the bundle's agent drains its device's 6 tasks (4 architecture rounds, 2 model rounds) with real ONNX Runtime
bare agent --server "$url" --token "$token" --name bundle-1 --device bundle-box --threads 1 --idle-exit 3 | tail -1
expect "$(count bundle-box)" 6 "rows stored for bundle-box by the bundle's agent"

# offline: a job file and the model file beside it, measured with no server URL, the result imported
mkdir -p "$work/carried"
bare farm export-job --server "$url" --token "$token" --device bundle-offline --out "$work/carried/job.json"
ls "$work/carried"
bare agent --offline --job "$work/carried/job.json" --result "$work/carried/result.json" | tail -1
bare farm import-result --server "$url" --token "$token" "$work/carried/result.json"
expect "$(count bundle-offline)" 6 "rows stored for bundle-offline from the offline result file"
echo "== the agent ran on: $(curl -sf "$url/api/devices" | python3 -c 'import json,sys; d=[x for x in json.load(sys.stdin) if x["name"]=="bundle-box"][0]; print(d["label"])')"
rm -rf "$work"
