# Sourced by ./halo, ./run-tests and .ci/run: sets HALO_JAVA_HOME to a JDK >= 21, or exits 2 saying how to get one.
# Looks in JAVA_HOME, then the java on PATH, then /usr/lib/jvm/* and /opt/java/* (newest first).
# Also sets HALO_JAVA_MAJOR (its major version) and HALO_JVM_FLAGS.
# Every halo command sources this, so the usual path runs on bash builtins alone: each process it forks (readlink,
# dirname, sed, ls, sort) cost 1-5 ms on the 2-vCPU VM, and they added up to 90-120 ms of a command under load.

halo_java_major() { # prints the major version of the java binary $1, or nothing
  # the JDK's release file first: starting a JVM only to ask its version cost every halo command about 0.2 s, twice
  local bin=$1 line
  [ -L "$bin" ] && bin=$(readlink -f "$bin")
  if [ -r "${bin%/bin/java}/release" ]; then
    while IFS= read -r line; do
      if [[ $line =~ ^JAVA_VERSION=\"([0-9]+) ]]; then echo "${BASH_REMATCH[1]}"; return; fi
    done <"${bin%/bin/java}/release"
  fi
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -1
}

halo_try_jdk() { # sets HALO_JAVA_HOME and HALO_JAVA_MAJOR when $1 is a JDK >= 21
  local major
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 1
  major=$(halo_java_major "$1/bin/java")
  [ -n "$major" ] && [ "$major" -ge 21 ] || return 1
  HALO_JAVA_HOME=$1 HALO_JAVA_MAJOR=$major
}

halo_find_jdk() {
  local javac c
  [ -n "${JAVA_HOME:-}" ] && halo_try_jdk "$JAVA_HOME" && return 0
  if javac=$(command -v javac); then
    [ -L "$javac" ] && javac=$(readlink -f "$javac")
    halo_try_jdk "${javac%/bin/javac}" && return 0
  fi
  # only when neither JAVA_HOME nor the javac on PATH will do: the folders, newest version first
  for c in $(ls -d /usr/lib/jvm/* /opt/java/* 2>/dev/null | sort -rV); do halo_try_jdk "$c" && return 0; done
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
if [ "$HALO_JAVA_MAJOR" -ge 24 ]; then
  HALO_JVM_FLAGS="$HALO_JVM_FLAGS --sun-misc-unsafe-memory-access=allow"
fi
