#!/usr/bin/env bash
# Scores predictors on HELP's split and five other train/valid/test device splits of NB201 and FBNet (issue 13,
# docs/results/auto.md). Usage: bench/auto-splits.sh OUT_DIR [METHOD...]; one CSV per (space, split, method).
set -euo pipefail
HALO="$(cd "$(dirname "$0")/.." && pwd)/halo"
set_name=first; if [ "${1:-}" = --fresh ]; then set_name=fresh; shift; fi
out=${1:?usage: auto-splits.sh [--fresh] OUT_DIR [METHOD...]}; shift
methods=("$@"); [ ${#methods[@]} -gt 0 ] || methods=(auto op-costs device-mix nearest-device flops params)
mkdir -p "$out"
declare -A SPLITS
# space:split -> "train|valid|test" (valid may be empty)
SPLITS[nasbench201:gpu2mobile]="1080ti_1,1080ti_32,1080ti_256,2080ti_1,2080ti_32,titan_rtx_32,titanx_1,titanx_256|titanxp_1|essential_ph_1,pixel3,samsung_s7,gold_6240,silver_4114"
SPLITS[nasbench201:phones2gpu]="essential_ph_1,pixel3,samsung_a50,samsung_s7,pixel2||titan_rtx_1,2080ti_256,titanxp_32,1080ti_1"
SPLITS[nasbench201:mixed-novalid]="1080ti_1,titanx_32,pixel3,samsung_a50,silver_4114||raspi4,fpga,eyeriss,gold_6226,titan_rtx_256"
SPLITS[nasbench201:mixed-valid]="2080ti_1,titanxp_256,gold_6240,silver_4210r,essential_ph_1|titanx_1,pixel3|pixel2,samsung_s7,raspi4,titan_rtx_32"
SPLITS[nasbench201:gpuphone2cpu]="titan_rtx_1,1080ti_32,samsung_a50,pixel3||gold_6226,gold_6240,silver_4114,silver_4210r"
SPLITS[fbnet:gpu2mobile]="1080ti_1,1080ti_32,1080ti_64,2080ti_1,2080ti_32,titan_rtx_32,titanx_1,titanx_64|titanxp_1|essential_ph_1,pixel3,samsung_s7,gold_6240,silver_4114"
SPLITS[fbnet:phones2gpu]="essential_ph_1,pixel3,samsung_a50,samsung_s7||titan_rtx_1,2080ti_64,titanxp_32,1080ti_1"
SPLITS[fbnet:mixed-novalid]="1080ti_1,titanx_32,pixel3,samsung_a50,silver_4114||raspi4,fpga,eyeriss,gold_6240,titan_rtx_64"
SPLITS[fbnet:mixed-valid]="2080ti_1,titanxp_64,gold_6240,silver_4210r,essential_ph_1|titanx_1,pixel3|samsung_s7,raspi4,titan_rtx_32,samsung_a50"
SPLITS[fbnet:gpuphone2cpu]="titan_rtx_1,1080ti_32,samsung_a50,pixel3||gold_6240,silver_4114,silver_4210r"
# the fresh set (docs/results/auto.md, rule v3): defined before any of its runs
SPLITS[nasbench201:cpu2gpu]="gold_6226,gold_6240,silver_4114,silver_4210r||titanx_1,2080ti_32,titan_rtx_256,1080ti_32,titanxp_1"
SPLITS[nasbench201:gpubatch]="1080ti_1,2080ti_1,titan_rtx_1,titanx_1|titanxp_1|1080ti_256,2080ti_256,titan_rtx_256,titanxp_256"
SPLITS[nasbench201:phonescpu2others]="essential_ph_1,samsung_a50,pixel3,silver_4114,gold_6240||eyeriss,fpga,raspi4,samsung_s7"
SPLITS[nasbench201:nophones2phones]="1080ti_32,2080ti_32,titan_rtx_32,titanxp_32,gold_6226,gold_6240,silver_4114,silver_4210r|titanx_1|essential_ph_1,samsung_a50,samsung_s7,pixel3,pixel2"
SPLITS[nasbench201:twodevices]="titanx_32,pixel3||gold_6240,raspi4,samsung_a50,2080ti_1"
SPLITS[nasbench201:helpreversed]="titan_rtx_256,gold_6226,fpga,pixel2,raspi4,eyeriss||1080ti_1,silver_4114,samsung_a50,pixel3,essential_ph_1"
SPLITS[fbnet:cpu2gpu]="gold_6240,silver_4114,silver_4210r||titanx_1,2080ti_32,titan_rtx_64,1080ti_32,titanxp_1"
SPLITS[fbnet:gpubatch]="1080ti_1,2080ti_1,titan_rtx_1,titanx_1|titanxp_1|1080ti_64,2080ti_64,titan_rtx_64,titanxp_64"
SPLITS[fbnet:phonescpu2others]="essential_ph_1,samsung_a50,pixel3,silver_4114,gold_6240||eyeriss,fpga,raspi4,samsung_s7"
SPLITS[fbnet:nophones2phones]="1080ti_32,2080ti_32,titan_rtx_32,titanxp_32,gold_6240,silver_4114,silver_4210r|titanx_1|essential_ph_1,samsung_a50,samsung_s7,pixel3"
SPLITS[fbnet:twodevices]="titanx_32,pixel3||gold_6240,raspi4,samsung_a50,2080ti_1"
SPLITS[fbnet:helpreversed]="eyeriss,fpga,raspi4||1080ti_1,silver_4114,samsung_a50,pixel3,essential_ph_1"
if [ "$set_name" = fresh ]; then splits=(cpu2gpu gpubatch phonescpu2others nophones2phones twodevices helpreversed)
else splits=(help gpu2mobile phones2gpu mixed-novalid mixed-valid gpuphone2cpu); fi
for space in nasbench201 fbnet; do
  for split in "${splits[@]}"; do
    if [ "$split" = help ]; then args=(--split help)
    else
      IFS='|' read -r train valid test <<<"${SPLITS[$space:$split]}"
      args=(--train-devices "$train" --test-devices "$test"); [ -n "$valid" ] && args+=(--valid-devices "$valid")
    fi
    for m in "${methods[@]}"; do
      f="$out/$space.$split.${m//[:+]/_}.csv"
      [ -s "$f" ] && continue   # resumable
      echo "auto-splits: $space $split $m" >&2
      "$HALO" evaluate --space "$space" --method "$m" "${args[@]}" --samples 10 --seeds 5 --format csv >"$f.tmp" 2>"$f.log" && mv "$f.tmp" "$f" \
        || { echo "auto-splits: $space $split $m failed: $(tail -1 "$f.log")" >&2; rm -f "$f.tmp"; }
    done
  done
done
