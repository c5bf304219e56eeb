# Sourced by ./halo, ./run-tests and .ci/run: sets HALO_JAVA_HOME to a JDK >= 21, or exits 2 saying how to get one.
# Looks in JAVA_HOME, then the java on PATH, then /usr/lib/jvm/* and /opt/java/* (newest first).

halo_java_major() { # prints the major version of the java binary $1, or nothing
  # the JDK's release file first: starting a JVM only to ask its version cost every halo command about 0.2 s, twice
  local release major
  release="$(dirname "$(dirname "$(readlink -f "$1")")")/release"
  major=$(sed -n 's/^JAVA_VERSION="\([0-9][0-9]*\).*/\1/p' "$release" 2>/dev/null | head -1)
  if [ -n "$major" ]; then echo "$major"; return; fi
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -1
}

halo_find_jdk() {
  local candidates=() c major
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v javac >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
  fi
  for c in $(ls -d /usr/lib/jvm/* /opt/java/* 2>/dev/null | sort -rV); do candidates+=("$c"); done
  for c in "${candidates[@]}"; do
    [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ] || continue
    major=$(halo_java_major "$c/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then HALO_JAVA_HOME="$c"; return 0; fi
  done
  return 1
}

if ! halo_find_jdk; then
  echo "halo: no JDK >= 21 found (looked at JAVA_HOME, javac on PATH, /usr/lib/jvm/*, /opt/java/*)." >&2
  echo "halo: install one, e.g. 'apt-get install openjdk-21-jdk' or Temurin 21+, or set JAVA_HOME to it." >&2
  exit 2
fi
export JAVA_HOME="$HALO_JAVA_HOME"
export PATH="$JAVA_HOME/bin:$PATH"
# Flags that JDK 22+ needs for ONNX Runtime and sqlite-jdbc natives (harmless on 21 with a warning filter).
HALO_JVM_FLAGS="--enable-native-access=ALL-UNNAMED"
if [ "$(halo_java_major "$JAVA_HOME/bin/java")" -ge 24 ]; then
  HALO_JVM_FLAGS="$HALO_JVM_FLAGS --sun-misc-unsafe-memory-access=allow"
fi
