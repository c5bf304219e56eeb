#!/usr/bin/env bash
# Wall clock of `./halo model predict MODEL.onnx --device DEVICE.json` as a user runs it, in a copy of a halo tree
# whose CLI is already built (so that a rebuild elsewhere cannot swap the jars mid-run). Run it under halo-measure:
#   halo-measure bash bench/predict-command-speed.sh TREE MODEL.onnx DEVICE.json [RUNS]
# Prints one line per run and a summary (median, min, max in ms). The AOT cache starts empty (its own folder): run 1
# records it, run 2 starts its assembly in the background, which is waited for before runs 3..RUNS (so that it does
# not compete with them for the CPUs). Also times `java -version` (the floor of any fresh JVM) and `./halo --version`.
# RESIDENT=1 also times runs answered by a resident process (`./halo resident`), the first one apart.
set -euo pipefail
tree="$(cd "$1" && pwd)" model="$(readlink -f "$2")" device="$(readlink -f "$3")" runs="${4:-9}"
export HALO_AOT_DIR; HALO_AOT_DIR="$(mktemp -d /tmp/halo-speed-aot.XXXXXX)"
source "$tree/bin/find-jdk.sh"

ms_of() { # runs "$@" with output discarded, prints its wall-clock ms
  local t0=$EPOCHREALTIME
  "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; return 1; }
  local t1=$EPOCHREALTIME
  echo $(( (${t1/./} - ${t0/./}) / 1000 ))
}
summary() { # label, then ms values: median, min, max
  local label=$1; shift
  local sorted; sorted=$(printf '%s\n' "$@" | sort -n | tr '\n' ' ')
  read -ra s <<<"$sorted"
  printf '%-44s n=%-2d median %5d ms  min %5d  max %5d  (%s)\n' "$label" "${#s[@]}" "${s[$(( ${#s[@]} / 2 ))]}" "${s[0]}" "${s[-1]}" "${sorted% }"
}

echo "machine: $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1) x$(nproc); $(date -u '+%Y-%m-%d %H:%M UTC'); load: $(cut -d' ' -f1-3 /proc/loadavg)"
predict=("$tree/halo" model predict "$model" --device "$device")
first=$(ms_of "${predict[@]}")
second=$(ms_of "${predict[@]}")
for _ in $(seq 1 600); do compgen -G "$HALO_AOT_DIR/model-*.aot" >/dev/null && break; sleep 0.1; done
sleep 1
later=(); for _ in $(seq 3 "$runs"); do later+=("$(ms_of "${predict[@]}")"); done
jv=(); for _ in 1 2 3 4 5; do jv+=("$(ms_of "$JAVA_HOME/bin/java" -version)"); done
hv=(); for _ in 1 2 3 4 5; do hv+=("$(ms_of "$tree/halo" --version)"); done
summary "java -version" "${jv[@]}"
summary "./halo --version (no AOT cache: not a subcommand)" "${hv[@]}"
summary "./halo model predict, run 1 (records AOT)" "$first"
summary "./halo model predict, run 2 (no cache yet)" "$second"
summary "./halo model predict, runs 3.. (AOT cache)" "${later[@]}"
if [ "${RESIDENT:-0}" = 1 ]; then
  "$tree/halo" resident --idle 5 >/dev/null 2>&1 &
  for _ in $(seq 1 600); do [ "$tree/halo-cli/target/halo-resident" -nt "$tree/halo-cli/target/halo-cli.jar" ] && break; sleep 0.1; done
  served=(); for _ in $(seq 1 "$runs"); do served+=("$(ms_of "${predict[@]}")"); done
  "$tree/halo" resident --stop >/dev/null
  wait
  summary "./halo model predict, resident: request 1" "${served[0]}"
  summary "./halo model predict, resident: requests 2.." "${served[@]:1}"
  summary "./halo model predict, resident: last half" "${served[@]:$(( runs / 2 ))}"
fi
echo "prediction: $("${predict[@]}" 2>&1 | sed -n 3p | tr -s ' ' | cut -d' ' -f1-5)"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
rm -rf "$HALO_AOT_DIR"
