#!/usr/bin/env bash
# The zoo latency campaign (docs/results/zoo.md): N generated models (all eight families in turn, seed 1) timed with
# ONNX Runtime under two settings, 2 interleaved rounds each:
#   1t: 1 intra-op thread, batch 1            2t: 2 intra-op threads, batch 1 (spinning off, halo's default)
# Resumable across days: the SQLite stores in STORE_DIR hold every finished (model, round); run the same command again
# after a crash, a reboot or Ctrl-C and it continues. Work goes in chunks of 100 models, alternating the settings, so
# both tables grow together; the sample is prefix-stable (the first 100 of 1000 are the 100 of a 100-model draw).
# Writes TABLE_DIR/zoo-<fingerprint>.csv + .json per setting (the fingerprint names CPU, cores, OS, JVM, ORT, threads,
# batch, optimisation, spinning). Run it on a quiet machine: other load makes the numbers worthless. A changed
# fingerprint (say a kernel or JDK update between days) is another device: that setting starts again from zero.
# Usage: bench/measure-zoo.sh [N] [STORE_DIR] [TABLE_DIR]   (defaults: 1000, bench-out/zoo, data/measured)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-1000}"
stores="${2:-bench-out/zoo}"
tables="${3:-data/measured}"
chunk="${ZOO_CHUNK:-100}"
mkdir -p "$stores" "$tables"
echo "== $(date -u '+%Y-%m-%dT%H:%M:%SZ')  $(uname -srm)  $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2-)"
echo "== load before: $(uptime)"
if awk -v cores="$(nproc)" '{ exit !($1 > cores) }' /proc/loadavg; then
  echo "== WARNING: load $(cut -d' ' -f1 /proc/loadavg) on $(nproc) cores: these timings will measure the other load, not the models" >&2
fi
./halo zoo sample --family all -n "$n" --seed 1 > "$stores/specs.csv"
timing=(--rounds 2 --seed 1 --warmup 3 --min-runs 5 --max-runs 100 --target-ci 0.02 --max-seconds 2 --timeout 120)
start=$(date +%s)
for ((k = (n < chunk ? n : chunk); ; k = (k + chunk < n ? k + chunk : n))); do
  for setting in 1t 2t; do
    threads="${setting%t}"
    echo "== $(date -u +%H:%M:%S) setting $setting, models 1-$k of $n; load: $(cut -d' ' -f1-3 /proc/loadavg)"
    ./halo zoo measure --sample "$k" --family all "${timing[@]}" --threads "$threads" \
      --store "$stores/zoo-$setting.db" --out "$tables"
  done
  [ "$k" -ge "$n" ] && break
done
echo "== done in $(( $(date +%s) - start )) s; load after: $(uptime)"
