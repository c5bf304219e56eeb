#!/usr/bin/env bash
# Scores predictors on HELP's split and five other train/valid/test device splits of NB201 and FBNet (issue 13,
# docs/results/auto.md). Usage: bench/auto-splits.sh OUT_DIR [METHOD...]; one CSV per (space, split, method).
set -euo pipefail
HALO="$(cd "$(dirname "$0")/.." && pwd)/halo"
out=${1:?usage: auto-splits.sh OUT_DIR [METHOD...]}; shift
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
for space in nasbench201 fbnet; do
  for split in help gpu2mobile phones2gpu mixed-novalid mixed-valid gpuphone2cpu; do
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
