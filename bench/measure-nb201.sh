#!/usr/bin/env bash
# Measurement-harness benchmark (docs/results/measure.md): throughput, per-run noise and re-measure stability of
# `halo measure` on a NAS-Bench-201 sample, plus the layer-wise predictor built by `halo profile`.
# Usage: bench/measure-nb201.sh [WORKDIR] [N_ARCHS]   (defaults: bench-out/measure, 50). Takes ~5-15 min.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-bench-out/measure}"
n="${2:-50}"
mkdir -p "$out"
rm -f "$out/store.db" "$out"/store.db-* "$out"/*.csv "$out/ops.tsv"
echo "== $(date -u '+%Y-%m-%dT%H:%M:%SZ')  $(uname -srm)  $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2-)"
echo "== load before: $(uptime)"
common=(--space nasbench201 --sample "$n" --seed 1 --store "$out/store.db")
echo "== run 1: two interleaved rounds"
./halo measure "${common[@]}" --rounds 2 --out "$out/run1.csv"
echo "== load: $(uptime)"
echo "== run 2 (--repeat): two more rounds, compared with run 1"
./halo measure "${common[@]}" --rounds 2 --repeat --out "$out/run2.csv"
echo "== load: $(uptime)"
echo "== layer-wise predictor: op table from 20 other archs, scored on run 1's medians"
./halo profile --space nasbench201 --sample 20 --seed 2 --runs 20 --out "$out/ops.tsv" --measured "$out/run1.csv"
echo "== load after: $(uptime)"
