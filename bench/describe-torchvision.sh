#!/usr/bin/env bash
# Cross-checks `halo model describe` on the torchvision exports of bench/export-torchvision.py:
# MACs against PyTorch forward hooks, parameters against PyTorch's count minus the folded BatchNorm channels.
# Usage: bench/describe-torchvision.sh [MODELS_DIR] [HEAP]   (after: /usr/bin/python3 bench/export-torchvision.py > DIR/export.tsv)
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
DIR="${1:-$ROOT/.cache/describe}"
HEAP="${2:--Xmx256m}"
source "$ROOT/bin/find-jdk.sh"
JAR="$ROOT/halo-cli/target/halo-cli.jar"
[ -f "$DIR/export.tsv" ] || { echo "no $DIR/export.tsv: run /usr/bin/python3 bench/export-torchvision.py $DIR > $DIR/export.tsv" >&2; exit 2; }
echo "| model | file MB | nodes | halo MACs | hook MACs | torch params | folded BN ch. | halo params | halo buffers | params check | describe s | max RSS MB |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
while IFS=$'\t' read -r name file tp bn hm; do
  out="$(mktemp)"
  stats="$( { /usr/bin/time -f '%e %M' "$JAVA_HOME/bin/java" $HEAP -jar "$JAR" model describe "$file" --format json --out "$out" 2>&1 >/dev/null; } | tail -1)"
  python3 - "$name" "$file" "${tp#torch_params=}" "${bn#bn_channels=}" "${hm#hook_macs=}" "$out" $stats <<'PY'
import json, os, sys
name, file, tp, bn, hm, out, secs, rss = sys.argv[1:9]
d = json.load(open(out)); t = d["totals"]
folded = int(bn) - t["buffers"] // 2
ok = "ok" if int(tp) - folded == t["params"] and int(hm) == t["macs"] and not d["problems"] else "MISMATCH"
print(f"| {name} | {os.path.getsize(file)/1e6:.1f} | {t['nodes']} | {t['macs']:,} | {int(hm):,} | {int(tp):,} | {folded:,} | {t['params']:,} | {t['buffers']:,} | {ok} | {float(secs):.1f} | {int(rss)/1024:.0f} |")
PY
  rm -f "$out"
done < "$DIR/export.tsv"
