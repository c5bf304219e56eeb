#!/usr/bin/env bash
# Onboards this machine twice with the same plan, to compare the two paths on real measurements (docs/farm.md):
#   1. through the farm: halo serve, one halo agent measuring with ONNX Runtime, halo farm onboard --wait;
#   2. locally: halo onboard.
# Both print their held-out validation. Usage (under halo-measure, with a jar built beforehand and copied out of the tree):
#   halo-measure bench/farm-onboard-check.sh /tmp/somewhere/halo-cli.jar [SAMPLES] [VALIDATE]
set -euo pipefail
JAR=$(readlink -f "$1")
SAMPLES=${2:-10}
VALIDATE=${3:-30}
source "$(dirname "$0")/../bin/find-jdk.sh"
HALO=("$JAVA_HOME/bin/java" -Xss8m -Djava.awt.headless=true -jar "$JAR")
WORK=$(mktemp -d /tmp/halo-farm-onboard-XXXXXX)
TOKEN=farm-onboard-check-token
PORT=$((20000 + RANDOM % 20000))
URL=http://127.0.0.1:$PORT
SERVER=; AGENT=
cleanup() { for p in $AGENT $SERVER; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

"${HALO[@]}" serve --token "$TOKEN" --port "$PORT" --data "$WORK/data" >"$WORK/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 120); do curl -fs "$URL/api/health" >/dev/null && break; sleep 0.5; done
"${HALO[@]}" agent --server "$URL" --token "$TOKEN" --name agent-1 --device farm-box --threads 1 --batch 1 --idle-exit 60 >"$WORK/agent.log" 2>&1 &
AGENT=$!
for _ in $(seq 1 120); do curl -fs "$URL/api/devices" | grep -q farm-box && break; sleep 0.5; done

echo "== through the farm: $SAMPLES samples, $VALIDATE validation archs, 2 rounds, 1 thread ($(date -u +%H:%M:%S) UTC)"
start=$(date +%s)
"${HALO[@]}" farm onboard --server "$URL" --token "$TOKEN" --device farm-box --samples "$SAMPLES" --validate "$VALIDATE" --threads 1 --wait
echo "farm onboarding: $(( $(date +%s) - start )) s"
DEVICE_ID=$(curl -fs "$URL/api/devices" | python3 -c 'import json,sys; print([d["id"] for d in json.load(sys.stdin) if d["name"]=="farm-box"][0])')
curl -fs "$URL/api/devices/$DEVICE_ID" | python3 -c '
import json, sys
d = json.load(sys.stdin)
c = d["check"]
print("GET /api/devices/%s: check %r, %d points" % (d.get("id"), c["kind"], len(c["points"])))'
grep -c ' -> 201' "$WORK/agent.log" | sed 's/^/agent results stored: /'
grep -m1 'kernels' "$WORK/agent.log" || true

echo "== locally: halo onboard, the same plan ($(date -u +%H:%M:%S) UTC)"
start=$(date +%s)
"${HALO[@]}" onboard --space nasbench201 --name local-box --samples "$SAMPLES" --validate "$VALIDATE" --threads 1 --out "$WORK/local" --format json \
  | python3 -c '
import json, sys
r = json.load(sys.stdin)
v = r  # halo onboard --format json has the validation scores at the top level
print("local: features %s; validated %d: Spearman %.3f, MAPE %.1f %%, within +-10 %% %.1f %%; round 1 vs 2 Spearman %.3f"
      % (r.get("features", {}).get("name"), v["validated"], v["spearman"], v["mape"], 100 * v["within10"], v["stability_spearman"]))'
echo "local onboarding: $(( $(date +%s) - start )) s"
echo "work folder: $WORK"
