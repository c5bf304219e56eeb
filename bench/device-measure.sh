#!/usr/bin/env bash
# Runs the measure benchmark on a machine without a JDK or Maven: uses a self-contained bundle in target/device
# (a jlink'd JRE as jre.tar.xz, halo-cli.jar, lib/ with linux-x64-only ONNX Runtime and sqlite natives).
# Usage: bench/device-measure.sh OUTDIR [N_ARCHS]
set -euo pipefail
cd "$(dirname "$0")/../target/device"
out="$1"; n="${2:-50}"
mkdir -p "$out" tmp
if [ ! -x jre/bin/java ]; then tar xJf jre.tar.xz; fi
halo() { jre/bin/java --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -Djava.io.tmpdir="$PWD/tmp" -jar halo-cli.jar "$@"; }
echo "== $(date -u '+%Y-%m-%dT%H:%M:%SZ')  $(uname -srm)  cores $(nproc)  $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)"
echo "== load before: $(uptime)"
common=(--space nasbench201 --sample "$n" --seed 1 --store "$out/store.db")
halo measure "${common[@]}" --rounds 2 --out "$out/run1.csv" 2>"$out/progress1.log"
echo "== load: $(uptime)"
halo measure "${common[@]}" --rounds 2 --repeat --out "$out/run2.csv" 2>"$out/progress2.log"
echo "== load: $(uptime)"
halo profile --space nasbench201 --sample 20 --seed 2 --runs 20 --out "$out/ops.tsv" --measured "$out/run1.csv" 2>&1 | grep -v '^profile'
echo "== load after: $(uptime)"
