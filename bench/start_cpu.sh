#!/usr/bin/env bash
# The CPU a short test costs each iperf3j process, builds in turn: per round and per build, an iperf3j
# client against an iperf3 3.21 server, then an iperf3j server against a 3.21 client, each process's CPU
# from `perf stat -e task-clock` (exact; /proc's tick counts under-count on a VM, docs/design/cpu-per-bit.md).
# With a short, slow test (default `-t 1 -b 1G`: ~0.05 s of sending) the figure is mostly what a process
# costs once: the JVM's start, FFM's stubs, C1, the control exchange (docs/design/cpu-per-bit.md, "What a
# JVM's start costs here"). The machine is noisy: compare builds of the same run only, over many rounds.
#   bench/start_cpu.sh ROUNDS "CLIENT ARGS" NAME=JAR [NAME=JAR ...]
#   e.g. bench/start_cpu.sh 16 "-t 1 -b 1G" head=/tmp/head.jar new=cli/target/iperf3j-0.1.0.jar
# Each JAR runs with the launcher's options (cli/src/main/launcher/jvm.options) and the AOT cache next to
# it (JAR without .jar, plus .aot) when there is one. Medians (min-max) in ms on stdout.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
rounds=${1:?rounds}
args=${2:?client args}
shift 2
[ $# -gt 0 ] || { echo "start_cpu: give NAME=JAR pairs" >&2; exit 1; }
for tool in perf python3; do
  command -v "$tool" >/dev/null || { echo "start_cpu: $tool not found" >&2; exit 1; }
done
java=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
peer=${IPERF3_321:-$HOME/.cache/iperf3j/iperf3-3.21/bin/iperf3}
[ -x "$peer" ] || { echo "start_cpu: iperf3 3.21 not at $peer (.ci/run builds it)" >&2; exit 1; }
options="$root/cli/src/main/launcher/jvm.options"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# listening PORT: waits up to 10 s for a TCP listener on PORT
listening() {
  for _ in $(seq 200); do ss -Hltn "sport = :$1" | grep -q . && return 0; sleep 0.05; done
  echo "start_cpu: nothing listens on port $1" >&2
  return 1
}

jvm() { # jvm JAR: sets cmd to the JVM command the launcher would run for JAR
  cmd=("$java" @"$options")
  [ -f "${1%.jar}.aot" ] && cmd+=(-XX:AOTCache="${1%.jar}.aot")
  cmd+=(-cp "$1" io.iperf3j.cli.Main) # as ./iperf3j runs it
}

task_clock() { # the task-clock ms perf stat wrote to FILE
  awk -F, '/task-clock/ {print $1}' "$1"
}

for _ in $(seq "$rounds"); do
  for pair in "$@"; do
    name=${pair%%=*}
    jar=${pair#*=}
    port=$(free_port)
    "$peer" -s -1 -p "$port" >/dev/null 2>&1 &
    server=$!
    listening "$port"
    jvm "$jar"
    # shellcheck disable=SC2086 # the client's arguments are words
    perf stat -x, -e task-clock -o "$tmp/client" -- "${cmd[@]}" -c 127.0.0.1 -p "$port" $args >/dev/null 2>&1
    wait "$server" || true
    echo "$name client $(task_clock "$tmp/client")"
    port=$(free_port)
    perf stat -x, -e task-clock -o "$tmp/server" -- "${cmd[@]}" -s -1 -p "$port" >/dev/null 2>&1 &
    server=$!
    listening "$port"
    # shellcheck disable=SC2086
    "$peer" -c 127.0.0.1 -p "$port" $args >/dev/null 2>&1 || true
    wait "$server" || true
    echo "$name server $(task_clock "$tmp/server")"
  done
done | tee "$tmp/all" >&2
python3 - "$tmp/all" <<'EOF'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    name, side, ms = line.split()
    runs.setdefault((name, side), []).append(float(ms))
for (name, side), ms in sorted(runs.items(), key=lambda kv: (kv[0][1], kv[0][0])):
    print(f"{name:12s} {side:6s} median {statistics.median(ms):6.0f} ms ({min(ms):.0f}-{max(ms):.0f}), n={len(ms)}")
EOF
