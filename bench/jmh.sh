#!/usr/bin/env bash
# JMH micro-benchmarks (bench/jmh): UDP header encode/decode, the auth token block (issue 66), the
# receiver's statistics, interval reporting and JSON output.
#   bench/jmh.sh            all benchmarks (about 4 minutes)
#   bench/jmh.sh --smoke    one short iteration each (about 40 s): checks they run
#   bench/jmh.sh REGEX ...  JMH arguments as usual
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
: "${JAVA_HOME:=/usr/lib/jvm/temurin-25-jdk-amd64}"
export JAVA_HOME
jar="$root/bench/jmh/target/iperf3j-benchmarks.jar"
(cd "$root" && mvn -q -B -Pbench -DskipTests -Diperf3j.aot.skip=true -pl bench/jmh -am package) >&2
if [ "${1:-}" = "--smoke" ]; then
  shift
  exec "$JAVA_HOME/bin/java" -jar "$jar" -wi 1 -w 200ms -i 1 -r 300ms -f 1 "$@"
fi
exec "$JAVA_HOME/bin/java" -jar "$jar" "$@"
