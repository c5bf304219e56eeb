#!/usr/bin/env bash
# Runs several `halo meta-train` jobs side by side on a many-core machine without a JDK, each with a time limit, then
# evaluates every model on its space's HELP test devices, and packs models, logs and tables into OUTDIR.
# Needs target/device from bench/make-device-bundle.sh plus the HELP latency tables packed by
#   tar cJf target/device/help-data.tar.xz -C ../shared/data help/nasbench201/{archs,devices,hw_embedding_index,latency}.csv \
#       help/fbnet/{archs,devices,hw_embedding_index,latency}.csv
# Usage: bench/device-metatrain.sh OUTDIR MINUTES JOBFILE
#   JOBFILE: one job a line, `NAME SPACE THREADS [meta-train options...]`; '#' starts a comment.
#   MINUTES: each job's --time-limit (it stops at the first validation after it and keeps its best model so far).
set -uo pipefail
out="$(realpath -m "$1")"; minutes="$2"; jobs="$(realpath "$3")"
cd "$(dirname "$0")/../target/device"
mkdir -p "$out" tmp work data
[ -x jre/bin/java ] || tar xJf jre.tar.xz
[ -f data/help/nasbench201/latency.csv ] || tar xJf help-data.tar.xz -C data
export HALO_DATA="$PWD/data"
halo() { jre/bin/java -Xmx6g --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -Djava.io.tmpdir="$PWD/tmp" -jar halo-cli.jar "$@"; }
echo "== $(date -u '+%Y-%m-%dT%H:%M:%SZ')  $(uname -srm)  cores $(nproc)  $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)"
pids=()
while read -r name space threads args; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  # shellcheck disable=SC2086
  halo meta-train --space "$space" --threads "$threads" --time-limit "$minutes" --out "work/$name.json.gz" \
      --checkpoint "work/$name.ckpt.json" $args > "work/$name.out" 2> "work/$name.log" &
  pids+=($!)
  echo "started $name ($space, $threads threads): $args"
done < "$jobs"
wait "${pids[@]}"
echo "== training done $(date -u +%T)  load: $(uptime)"
for f in work/*.out; do echo "--- $f"; cat "$f"; done
while read -r name space threads args; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  [ -f "work/$name.json.gz" ] || continue
  halo evaluate --space "$space" --model "work/$name.json.gz" --split help --samples 10 --seeds 5 > "work/$name.eval.txt" 2>&1 &
done < "$jobs"
wait
for f in work/*.eval.txt; do echo "--- $f"; cat "$f"; done
# one archive per space (each returned file must stay small); job names and spaces are the job file's first two fields
for space in nasbench201 fbnet; do
  models=$(awk -v s="$space" '$1 !~ /^#/ && $2 == s { print $1 ".json.gz" }' "$jobs" | while read -r m; do [ -f "work/$m" ] && echo "$m"; done)
  [ -n "$models" ] && tar czf "$out/models-$space.tgz" -C work $models
done
tar czf "$out/logs.tgz" -C work $(cd work && ls *.log *.out *.eval.txt)
ls -la "$out"
echo "== end $(date -u +%T)"
