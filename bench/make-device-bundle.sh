#!/usr/bin/env bash
# Builds target/device: a self-contained halo bundle (< 40 MiB) for a linux-x64 machine with no JDK, e.g. a lent
# accelerator machine: jre.tar.xz (jlink'd JRE), halo-cli.jar, lib/ with ONNX Runtime and sqlite-jdbc reduced to
# their linux-x64 natives. Then run bench/device-measure.sh there with target/device carried along.
set -euo pipefail
cd "$(dirname "$0")/.."
source bin/find-jdk.sh
./mvnw -B -q -o -DskipTests package -pl halo-cli -am
dest=target/device
rm -rf "$dest" && mkdir -p "$dest/lib"
"$JAVA_HOME/bin/jlink" --add-modules java.base,java.sql,java.logging,jdk.unsupported,java.management,java.naming,java.xml \
  --strip-debug --no-header-files --no-man-pages --compress=zip-9 --output "$dest/jre"
(cd "$dest" && tar cJf jre.tar.xz jre && rm -rf jre)
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
du -sh "$dest"
# the HELP latency tables, for bench/device-metatrain.sh (the shared data never enters the repository)
shared="${HALO_DATA:-../shared/data}"
if [ -f "$shared/help/nasbench201/latency.csv" ]; then
  tar cJf "$dest/help-data.tar.xz" -C "$shared" $(for s in nasbench201 fbnet; do for f in archs devices hw_embedding_index latency; do
    echo "help/$s/$f.csv"; done; done)
  du -sh "$dest"
fi
