# Sourced by ./iperf3j, ./run-tests and ./fuzz: the one place that finds a JDK 25 or newer.
#   find_jdk        prints the JDK's home directory, or fails (status 1) with nothing printed
# Order: $JAVA_HOME, the java on PATH, then /usr/lib/jvm/* (Debian's and Temurin's place).
# A JDK's release file gives its version without starting a JVM (~40 ms per candidate saved);
# a runtime without one is asked with -XshowSettings.

jdk_major() { # prints the feature version of the JDK at home $1, or 0
  local home=$1 v="" line=""
  [ -x "$home/bin/java" ] || { echo 0; return; }
  if [ -f "$home/release" ]; then
    # bash builtins only: the launcher runs this on every start, and each sed/head is a process
    while IFS= read -r line || [ -n "$line" ]; do
      case $line in
        JAVA_VERSION=\"[0-9]*) v=${line#JAVA_VERSION=\"}; v=${v%%[!0-9]*}; break ;;
      esac
    done < "$home/release"
  fi
  if [ -z "$v" ]; then
    v=$("$home/bin/java" -XshowSettings:properties -version 2>&1 \
      | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1)
  fi
  echo "${v:-0}"
}

find_jdk() {
  local candidate java_bin real
  if [ -n "${JAVA_HOME:-}" ] && [ "$(jdk_major "$JAVA_HOME")" -ge 25 ]; then
    echo "$JAVA_HOME"; return 0
  fi
  if java_bin=$(command -v java 2>/dev/null); then
    real=$(readlink -f "$java_bin")
    candidate=${real%/*}; candidate=${candidate%/*}
    if [ "$(jdk_major "$candidate")" -ge 25 ]; then echo "$candidate"; return 0; fi
  fi
  for candidate in /usr/lib/jvm/*; do
    [ -d "$candidate" ] && [ ! -L "$candidate" ] || continue
    if [ "$(jdk_major "$candidate")" -ge 25 ]; then echo "$candidate"; return 0; fi
  done
  return 1
}

# What to tell a user who has none (docs/install.md says more).
JDK_MISSING_HINT="no JDK 25 or newer found (tried JAVA_HOME, java on PATH, /usr/lib/jvm): install one \
(see docs/install.md) and set JAVA_HOME, or use the runtime image (iperf3j-VERSION-linux-x64.tar.gz or the .deb), which needs no Java"
