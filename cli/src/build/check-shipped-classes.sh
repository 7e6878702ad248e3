#!/usr/bin/env bash
# Fails the build when the fat jar lacks a class that a class inside it needs.
#
#   check-shipped-classes.sh JDK_HOME FAT_JAR ALLOWED_FILE
#
# jdeps --missing-deps lists every reference from a class in the jar to a class that is in
# neither the jar nor the JDK. Each reference is reduced to "from-package -> to-package".
#  - A reference from iperf3j's own code (io.iperf3j.*) is always an error: it is the
#    NoClassDefFoundError a user would meet (0.1.0 shipped report and session without
#    jackson-databind because a test-scope line in cli/pom.xml won Maven's nearest-wins rule).
#  - A reference from a library is an error unless ALLOWED_FILE lists it: libraries have
#    optional paths (MINA SSHD's Bouncy Castle, Tomcat APR agent, ...) that are never loaded
#    unless their classes are present. A library whose hard dependency went missing adds lines.
#  - A listed pair that no longer occurs is an error too, so the list says what the jar is.
# Why jdeps and not a Maven enforcer rule: the question is what the shipped jar contains after
# shading, not what the dependency tree says; jdeps reads the jar itself and ships with the JDK.
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: $0 JDK_HOME FAT_JAR ALLOWED_FILE" >&2; exit 2; }
jdk=$1 jar=$2 allowed=$3

found=$("$jdk/bin/jdeps" --multi-release 25 --missing-deps "$jar" 2>&1) || {
  echo "check-shipped-classes: jdeps failed on $jar:" >&2; echo "$found" >&2; exit 1; }
# lines: "   a.b.C   -> x.y.Z   not found"
pairs=$(awk '$2 == "->" && $4 == "not" { f = $1; t = $3; sub(/\.[^.]*$/, "", f); sub(/\.[^.]*$/, "", t); print f " -> " t }' \
  <<<"$found" | sort -u)
listed=$(sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e 's/^[[:space:]]*//' "$allowed" | grep -v '^$' | sort -u)

status=0
own=$(grep '^io\.iperf3j' <<<"$pairs" || true)
if [ -n "$own" ]; then
  echo "check-shipped-classes: iperf3j's own classes need classes the shipped jar lacks (a dependency left out of" >&2
  echo "  the fat jar: check the scope of every dependency of cli and of the modules it ships):" >&2
  grep -E '^[[:space:]]*io\.iperf3j' <<<"$found" | sed -E 's/^[[:space:]]*/    /' >&2 || true
  status=1
fi
new=$(comm -23 <(grep -v '^io\.iperf3j' <<<"$pairs" || true) <(echo "$listed"))
if [ -n "$new" ]; then
  echo "check-shipped-classes: library classes in the jar need packages the jar lacks, and $allowed does not" >&2
  echo "  list them as optional (a library's dependency left out, or a new optional path to list with its reason):" >&2
  sed 's/^/    /' <<<"$new" >&2
  status=1
fi
stale=$(comm -13 <(echo "$pairs") <(echo "$listed"))
if [ -n "$stale" ]; then
  echo "check-shipped-classes: $allowed lists references that no longer occur (delete them):" >&2
  sed 's/^/    /' <<<"$stale" >&2
  status=1
fi
[ $status -ne 0 ] || echo "check-shipped-classes: every class the jar's classes need is in the jar or the JDK ($(wc -l <<<"$listed") optional library paths listed)"
exit $status
