#!/usr/bin/env bash
# Kernel corpora for the kernel-level latency model (issue 14), measured on this machine:
#   zoo-1t          N zoo models (seed 1, all families in turn), 1 thread: the training corpus (kernel times + latency)
#   torchvision-1t  the torchvision exports of bench/torchvision-corpus.py, 1 thread, 2 timing rounds: the real-model test
#   torchvision-2t  the same at 2 threads: the test of a device the model was not profiled on
#   zoo-2t          40 other zoo models (seed 2) at 2 threads: the pool the few-shot measurements are drawn from
# Every step resumes (models already in a corpus are skipped). Run it on a quiet machine: other load makes the numbers
# worthless; the load before and after each step is printed. HALO overrides the halo launcher (e.g. a prebuilt jar).
# Usage: bench/profile-models.sh [OUT_DIR] [MODELS_DIR] [N]   (defaults: bench-out/kernels, .cache/models, 300)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-bench-out/kernels}"
models="${2:-.cache/models}"
n="${3:-300}"
halo="${HALO:-./halo}"
timing=(--warmup 3 --min-runs 10 --max-runs 200 --max-seconds 2 --target-ci 0.01 --timeout 120 --profile-runs 10)
[ -f "$models/index.csv" ] || { echo "no $models/index.csv: run /usr/bin/python3 bench/torchvision-corpus.py --out $models" >&2; exit 2; }
mkdir -p "$out"
step() {
  local name="$1"; shift
  echo "== $(date -u +%H:%M:%S) $name; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  "$halo" model profile "$@" "${timing[@]}" --corpus "$out/$name"
  echo "== $(date -u +%H:%M:%S) $name done; load after: $(cut -d' ' -f1-3 /proc/loadavg)"
}
echo "== $(uname -srm); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)"
step zoo-1t --zoo-sample "$n" --seed 1 --threads 1
step torchvision-1t "$models"/*.onnx --index "$models/index.csv" --threads 1 --rounds 2
step torchvision-2t "$models"/*.onnx --index "$models/index.csv" --threads 2 --rounds 2
step zoo-2t --zoo-sample 40 --seed 2 --threads 2
