#!/usr/bin/env bash
# Measures NB201 archs (target/device/archs.txt) on a lent many-core machine that has no JDK, with the bundle from
# bench/make-device-bundle.sh. Three runtime settings run side by side on disjoint cores (half the machine, to keep
# them from disturbing each other much): A = 1 thread, batch 1 (4 shards on cores 0,4,8,12); B = 2 threads, batch 1
# (2 shards on cores 2-3 and 10-11); C = 2 threads, batch 32 on the first 300 archs (2 shards on cores 6-7, 14-15).
# Two interleaved rounds each. Everything comes back as one tarball (the stores and per-shard CSVs).
# Usage: bench/device-campaign.sh OUTDIR SECONDS_LIMIT
set -uo pipefail
cd "$(dirname "$0")/../target/device"
out="$1"; limit="${2:-300}"
work=$(mktemp -d)
mkdir -p tmp
[ -x jre/bin/java ] || tar xJf jre.tar.xz
echo "== $(date -u +%FT%TZ) $(uname -srm) cores $(nproc) $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)"
run() { # name cores threads batch archfile
  taskset -c "$2" timeout "$limit" jre/bin/java --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
    -Djava.io.tmpdir="$PWD/tmp" -jar halo-cli.jar measure --space nasbench201 --archs "$5" --threads "$3" --batch "$4" \
    --rounds 2 --max-seconds 1 --store "$work/$1.db" --out "$work/$1.csv" >"$work/$1.log" 2>&1
}
split -n r/4 -d archs.txt shardA.
split -n r/2 -d archs.txt shardB.
head -300 archs.txt | split -n r/2 -d - shardC.
cores=(0 4 8 12); for i in 0 1 2 3; do run A$i "${cores[$i]}" 1 1 shardA.0$i & done
run B0 2,3 2 1 shardB.00 & run B1 10,11 2 1 shardB.01 &
run C0 6,7 2 32 shardC.00 & run C1 14,15 2 32 shardC.01 &
wait
echo "== done $(date -u +%T)"
for f in "$work"/*.log; do echo "-- $(basename "$f")"; tail -n 4 "$f"; done
tar czf "$out/campaign.tgz" -C "$work" .
