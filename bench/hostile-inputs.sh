#!/usr/bin/env bash
# Runs every hostile-input case of issue 15 against ./halo and prints a markdown table row per case:
# | case | command | exit | first line of stderr (or what happened) |. The record is in docs/RESULTS.md §10.
# Usage: bench/hostile-inputs.sh [WORKDIR]   (needs python3 for building broken files; about 2 minutes)
set -uo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
H="$ROOT/halo"
W="${1:-$(mktemp -d /tmp/halo-hostile.XXXXXX)}"
mkdir -p "$W" && cd "$W" || exit 1
DATA="${HALO_DATA:-$ROOT/../shared/data}"
Q="--warmup 1 --min-runs 3 --max-runs 3 --max-seconds 0.3 --rounds 1"

row() { # row CASE NOTE -- command...
  local case="$1" note="$2"; shift 3
  "$@" >"$W/out.txt" 2>"$W/err.txt"; local rc=$?
  local msg; msg="$(grep '^halo: ' "$W/err.txt" | head -1 | cut -c1-230)"
  [ -z "$msg" ] && msg="$(grep -v '^\s*$' "$W/err.txt" | grep -v '^measure\|%\]\|^reading\|^writing' | head -1 | cut -c1-230)"
  [ -n "$note" ] && msg="${msg:+$msg — }$note"
  local shown="${*/#$H/halo}"; shown="${shown//$W\//}"; shown="${shown//$DATA/DATA}"
  printf '| %s | `%s` | %s | %s |\n' "$case" "${shown//|/\\|}" "$rc" "${msg//|/\\|}"
}

echo "| case | command | exit | message |"
echo "|---|---|---|---|"
# ---- inputs ----
"$H" arch sample --space nasbench201 -n 5 --format csv > archs.csv
python3 - "$DATA" <<'PY'
import csv, sys, gzip, json
d = sys.argv[1] + '/help/nasbench201/'
refs = list(csv.DictReader(open(d + 'hw_embedding_index.csv')))
lat = list(csv.DictReader(open(d + 'latency.csv')))
with open('samples.csv', 'w') as f:
    f.write('arch,latency_ms\n')
    for r in refs + lat[100:110]: f.write('%s,%s\n' % (r['arch_str'], r['gold_6226']))
with open('tiny.csv', 'w') as f:
    f.write('arch,latency_ms\n')
    for i, r in enumerate(lat[200:220]): f.write('%s,%s\n' % (r['arch_str'], '1e-300' if i == 0 else r['gold_6226']))
# a gzip "model" that inflates to 660 MB (a 660 MB device name)
with gzip.open('bomb.json.gz', 'wb', compresslevel=9) as g:
    g.write(b'{"format":"halo-op-costs","space":"nasbench201","device":"')
    chunk = b'A' * (1 << 20)
    for _ in range(660): g.write(chunk)
    g.write(b'"}')
with gzip.open('bomb2.json.gz', 'wb', compresslevel=9) as g:
    g.write(b'{"format":"halo-op-costs","space":"nasbench201","device":"x",')
    chunk = b' ' * (1 << 20)
    for _ in range(660): g.write(chunk)
    g.write(b'}')
PY
"$H" adapt --method op-costs --device box --samples samples.csv --out model.json >/dev/null 2>&1
python3 - <<'PY'
import json
m = json.load(open('model.json')); m['samples'][0]['ms'] = 1e-300
json.dump(m, open('nan-model.json', 'w'))
PY
python3 - "$DATA" <<'PY'
import zipfile, sys, struct
src = sys.argv[1] + '/help/nasbench201/checkpoint/help_max_corr.pt'
with zipfile.ZipFile(src) as z, zipfile.ZipFile('corrupt.pt', 'w', zipfile.ZIP_STORED) as out:
    for i in z.infolist():
        b = z.read(i.filename)
        if i.filename.endswith('/data/94745935576944'):  # a 40000-byte weight tensor: 16 floats of 7e28
            b = struct.pack('<16f', *([7e28] * 16)) + b[64:]
        out.writestr(i, b)
PY
python3 - "$DATA" <<'PY'
import sqlite3
c = sqlite3.connect('foreign.db'); c.execute('create table customers (id integer primary key, name text)')
c.execute("insert into customers (name) values ('ada')"); c.commit(); c.close()
PY
head -c 200000000 < <(yes "$(sed -n 2p archs.csv | cut -d, -f1)") > big-archs.txt; sed -i '1s/^/arch\n/' big-archs.txt
mkfifo pipe; ln -s other/linked.json link.json; mkdir -p other
mkdir -p sub/shared/data/help/nasbench201 sub/wd  # a decoy data folder above the working directory

"$H" --version >/dev/null 2>&1 # build first, so no row shows the build message
# ---- 1. outputs: devices, FIFOs, links, umask ----
row "1 --out /dev/stdout, stdout a file" "" -- "$H" predict --model model.json --archs archs.csv --out /dev/stdout
echo "|  | the file stdout went to | | $(wc -l < "$W/out.txt") lines, first: $(head -1 "$W/out.txt") |"
echo "earlier line" > log.txt
row "1 --out /dev/stdout >> log" "" -- bash -c "$H predict --model model.json --archs archs.csv --out /dev/stdout >> log.txt"
echo "|  | log.txt afterwards | | $(wc -l < log.txt) lines: '$(head -1 log.txt)', then $(sed -n 2p log.txt | cut -c1-30)... |"
row "1 --out /dev/stdout into a pipe" "" -- bash -c "$H predict --model model.json --archs archs.csv --out /dev/stdout | wc -l"
echo "|  | wc -l at the pipe's end | | $(cat "$W/out.txt") |"
(cat pipe > pipe.read &) ; row "1 --out FIFO" "" -- "$H" predict --model model.json --archs archs.csv --out pipe
sleep 0.5; echo "|  | FIFO after the run | | $(stat -c %F pipe), reader got $(wc -l < pipe.read) lines |"
row "1 adapt --out symlink into another folder" "" -- "$H" adapt --method op-costs --device box --samples samples.csv --out link.json
echo "|  | link after the run | | $(stat -c %F link.json) -> $(readlink link.json); target $(stat -c '%F %a' other/linked.json) |"
(umask 027; row "1 umask 027, new --out" "" -- "$H" predict --model model.json --archs archs.csv --out perm.csv)
echo "|  | permissions of perm.csv | | $(stat -c %a perm.csv) (umask 027 gives 640) |"
row "1/5 --out is a directory" "" -- "$H" predict --model model.json --archs archs.csv --out other
row "1/5 --out empty" "" -- "$H" adapt --method op-costs --device box --samples samples.csv --out ""
(cat pipe > pipe2.read &) ; row "1 measure --out FIFO" "" -- "$H" measure --space nasbench201 --sample 1 $Q --store m.db --out pipe
sleep 0.5; echo "|  | FIFO after the run | | $(stat -c %F pipe), reader got $(wc -l < pipe2.read) lines: $(head -1 pipe2.read | cut -c1-40)... |"

# ---- 2. two writers on one store ----
"$H" measure --space nasbench201 --sample 20 --warmup 1 --min-runs 50 --max-runs 50 --max-seconds 2 --rounds 3 --store two.db >first.out 2>first.err &
FIRST=$!
for _ in $(seq 600); do grep -q 'measure ' first.err 2>/dev/null && break; sleep 0.1; done # the first run is timing
row "2 second measure on a store in use" "" -- "$H" measure --space nasbench201 --sample 6 $Q --store two.db
wait $FIRST; echo "|  | the first run | | exit $?; $(grep -o 'measured now *[0-9]* ([0-9]* failed)' first.out) |"

# ---- 3. sizes and counts ----
row "3 gzip model inflating to 660 MB (one huge string)" "" -- "$H" predict --model bomb.json.gz --archs archs.csv
row "3 gzip model inflating to 660 MB (whitespace)" "" -- "$H" predict --model bomb2.json.gz --archs archs.csv
row "3 adapt --mc 10000" "" -- "$H" adapt --device box --samples samples.csv --out a.json --mc 10000
row "3 measure --max-runs 2147483647" "" -- "$H" measure --space nasbench201 --sample 1 --store m.db --max-runs 2147483647
row "3 evaluate --seeds 1000000" "" -- "$H" evaluate --space nasbench201 --method flops --seeds 1000000
row "3 predict --archs 200 MB file" "" -- "$H" predict --model model.json --archs big-archs.txt
row "3 measure --archs 200 MB file" "" -- "$H" measure --space nasbench201 --archs big-archs.txt --store m.db
row "3 an OutOfMemoryError that escapes (16 MB heap)" "" -- env HALO_JAVA_OPTS=-Xmx16m "$H" evaluate --space nasbench201 --method flops --seeds 1

# ---- 4. garbage ----
row "4 op-costs samples with 1e-300 ms" "" -- "$H" adapt --method op-costs --device box --samples tiny.csv --out bad.json
row "4 op-costs model file with 1e-300 ms" "" -- "$H" predict --model nan-model.json --archs archs.csv
row "4 HELP checkpoint, corrupted tensor" "" -- "$H" adapt --model corrupt.pt --device box --samples samples.csv --out c.json
row "4 evaluate a corrupted checkpoint" "" -- "$H" evaluate --space nasbench201 --model corrupt.pt --seeds 1
for c in made-up swapped dup-ref three-refs; do
  python3 "$ROOT/bench/hostile-help-data.py" "$DATA/help-raw/nasbench201" "help-$c" "$c" >/dev/null
  row "4 import-help: $c" "" -- "$H" data import-help "help-$c" --space nasbench201 --out "ds-$c"
done

# ---- 5. documented behaviour ----
row "5 measure --archs (arch sample CSV)" "" -- "$H" measure --space nasbench201 --archs archs.csv $Q --store csv.db
echo "|  | its summary | | $(grep -o 'measured now.*' "$W/out.txt" | sed 's/  */ /g') |"
row "5 data folder, started elsewhere" "" -- bash -c "cd / && $H data devices --space nasbench201 >/dev/null"
row "5 data folder, decoy shared/data above" "" -- bash -c "cd sub/wd && $H data devices --space nasbench201 >/dev/null"
SUM=$(md5sum < foreign.db)
row "5 someone else's SQLite as --store" "" -- "$H" measure --space nasbench201 --sample 1 $Q --store foreign.db
echo "|  | foreign.db afterwards | | $([ "$SUM" = "$(md5sum < foreign.db)" ] && echo unchanged || echo CHANGED) |"

# ---- 6. leftovers and plausibility ----
touch .perm.csv.halo-tmp-999999-dead ; mkdir -p .ds.importing-999999-dead
row "6 stale temp file of a dead pid" "" -- "$H" predict --model model.json --archs archs.csv --out perm.csv
echo "|  | .perm.csv.halo-tmp-999999-dead | | $([ -e .perm.csv.halo-tmp-999999-dead ] && echo LEFT || echo removed) |"
python3 "$ROOT/bench/hostile-help-data.py" "$DATA/help-raw/nasbench201" help-ok ok >/dev/null
row "6 stale .importing folder of a dead pid" "" -- "$H" data import-help help-ok --space nasbench201 --out ds
echo "|  | .ds.importing-999999-dead | | $([ -e .ds.importing-999999-dead ] && echo LEFT || echo removed) |"
row "6 measure --threads 1000" "" -- "$H" measure --space nasbench201 --sample 1 $Q --store m.db --threads 1000
row "6 ... with --allow-oversubscribe" "" -- "$H" measure --space nasbench201 --sample 1 $Q --store over.db --threads 64 --allow-oversubscribe
echo "|  | its summary | | $(grep -o 'flagged implausible.*' "$W/out.txt" | sed 's/  */ /g') |"
