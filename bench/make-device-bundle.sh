#!/usr/bin/env bash
# Builds a self-contained halo for a linux-x64 machine with no JDK: a jlink'd JRE, halo-cli.jar, and lib/ with ONNX
# Runtime and sqlite-jdbc reduced to their linux-x64 natives.
#
#   bench/make-device-bundle.sh          target/device (< 40 MiB), e.g. for a lent accelerator machine: the JRE as
#                                        jre.tar.xz; run bench/device-measure.sh there with target/device carried along
#   bench/make-device-bundle.sh agent    target/halo-agent-linux-x64.tar.gz: one archive for a farm machine (docs/farm.md);
#                                        unpacked, halo/bin/halo runs halo (e.g. 'halo agent --server URL --token T')
#                                        with the runtime inside it, whatever Java the machine has or lacks
set -euo pipefail
mode="${1:-device}"
case "$mode" in device|agent) ;; *) echo "usage: bench/make-device-bundle.sh [device|agent]" >&2; exit 2 ;; esac
cd "$(dirname "$0")/.."
source bin/find-jdk.sh
start=$SECONDS
./mvnw -B -q -o -DskipTests package -pl halo-cli -am
if [ "$mode" = agent ]; then dest=target/halo-agent/halo; else dest=target/device; fi
rm -rf "$dest" && mkdir -p "$dest/lib"
# java.net.http: the agent's HTTP client; jdk.management: the memory size in its fingerprint
"$JAVA_HOME/bin/jlink" --add-modules java.base,java.sql,java.logging,jdk.unsupported,java.management,java.naming,java.xml,java.net.http,jdk.management \
  --strip-debug --no-header-files --no-man-pages --compress=zip-9 --output "$dest/jre"
cp halo-cli/target/halo-cli.jar "$dest/"
work=$(mktemp -d)
for jar in halo-cli/target/lib/*.jar; do
  name=$(basename "$jar")
  case "$name" in
    onnxruntime-*) keep=ai/onnxruntime/native; arch=linux-x64 ;;
    sqlite-jdbc-*) keep=org/sqlite/native; arch=Linux ;;
    *) cp "$jar" "$dest/lib/"; continue ;;
  esac
  rm -rf "$work/x" && mkdir "$work/x" && (cd "$work/x" && unzip -q "$OLDPWD/$jar")
  find "$work/x/$keep" -mindepth 1 -maxdepth 1 -type d ! -name "$arch" -exec rm -rf {} +
  [ "$arch" = Linux ] && find "$work/x/$keep/Linux" -mindepth 1 -maxdepth 1 -type d ! -name x86_64 -exec rm -rf {} +
  (cd "$work/x" && zip -q -r -9 "$OLDPWD/$dest/lib/$name" .)
done
rm -rf "$work"

if [ "$mode" = agent ]; then
  mkdir -p "$dest/bin"
  # the launcher runs the bundle's own runtime by its path: no JAVA_HOME, no java on PATH is looked at
  cat > "$dest/bin/halo" <<'EOF'
#!/bin/sh
# halo from the portable bundle (bench/make-device-bundle.sh agent): the jlink'd runtime beside this folder runs it.
here=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
exec "$here/jre/bin/java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -Xss8m -Djava.awt.headless=true \
  ${HALO_JAVA_OPTS:-} -jar "$here/halo-cli.jar" "$@"
EOF
  chmod +x "$dest/bin/halo"
  archive=target/halo-agent-linux-x64.tar.gz
  tar czf "$archive" -C target/halo-agent halo
  echo "$archive: $(du -h "$archive" | cut -f1) ($(stat -c %s "$archive") bytes), unpacked $(du -sh "$dest" | cut -f1), built in $((SECONDS - start)) s"
  exit 0
fi

(cd "$dest" && tar cJf jre.tar.xz jre && rm -rf jre)
du -sh "$dest"
# the HELP latency tables, for bench/device-metatrain.sh (the shared data never enters the repository)
shared="${HALO_DATA:-../shared/data}"
if [ -f "$shared/help/nasbench201/latency.csv" ]; then
  tar cJf "$dest/help-data.tar.xz" -C "$shared" $(for s in nasbench201 fbnet; do for f in archs devices hw_embedding_index latency; do
    echo "help/$s/$f.csv"; done; done)
  du -sh "$dest"
fi
