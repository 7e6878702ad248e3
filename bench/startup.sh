#!/usr/bin/env bash
# Start-up and teardown overhead of a short client run: hyperfine of
# `iperf3j -c 127.0.0.1 -t 1` against `iperf3 -c 127.0.0.1 -t 1` (Debian's, and 3.21 when
# built), all against one iperf3 3.12 server this script starts and stops by its PID, so
# the difference is the client's own (the server gets 0.3 s between tests). iperf3j runs twice: from the
# runtime image (dist/target/iperf3j-VERSION/bin/iperf3j, what the tarball and the .deb install: a
# /bin/sh launcher, the image's runtime and AOT cache) when it is built, and through ./iperf3j (the
# source tree's bash launcher: JDK search, a stale-jar check skipped here by IPERF3J_JAR). Also
# `iperf3j --version` (the JVM's start with the AOT cache, nothing else) to split the overhead.
#   bench/startup.sh [RUNS] [OUT_DIR]      (default 10, bench/results/startup-<date>)
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
runs=${1:-10}
out=${2:-$root/bench/results/startup-$(date -u +%Y-%m-%d-%H%M)}
for tool in hyperfine iperf3 python3; do
  command -v "$tool" >/dev/null || { echo "startup: $tool not found (apt-get install $tool)" >&2; exit 1; }
done
version=$(sed -n 's:^  <version>\(.*\)</version>:\1:p' "$root/pom.xml" | head -n 1)
export IPERF3J_JAR=${IPERF3J_JAR:-$root/cli/target/iperf3j-$version.jar}
[ -f "$IPERF3J_JAR" ] || { echo "startup: $IPERF3J_JAR missing (mvn -pl cli -am package)" >&2; exit 1; }
peer321=${IPERF3_321:-$HOME/.cache/iperf3j/iperf3-3.21/bin/iperf3}
mkdir -p "$out"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
iperf3 -s -p "$port" >/dev/null 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 100); do ss -Hltn "sport = :$port" | grep -q . && break; sleep 0.05; done
image="$root/dist/target/iperf3j-$version/bin/iperf3j"
cmds=(-n "iperf3 3.12" "iperf3 -c 127.0.0.1 -p $port -t 1")
versions=(-n "iperf3 --version" "iperf3 --version")
if [ -x "$image" ]; then
  cmds+=(-n "iperf3j (image)" "$image -c 127.0.0.1 -p $port -t 1")
  versions+=(-n "iperf3j (image) --version" "$image --version")
fi
cmds+=(-n "iperf3j (./iperf3j)" "$root/iperf3j -c 127.0.0.1 -p $port -t 1")
versions+=(-n "iperf3j (./iperf3j) --version" "$root/iperf3j --version")
if [ -x "$peer321" ]; then
  cmds+=(-n "iperf3 3.21" "$peer321 -c 127.0.0.1 -p $port -t 1")
fi
hyperfine -N --warmup 2 --runs "$runs" --prepare "sleep 0.3" --export-json "$out/client-t1.json" --export-markdown "$out/client-t1.md" \
  "${cmds[@]}"
hyperfine -N --warmup 2 --runs "$runs" --export-json "$out/version.json" --export-markdown "$out/version.md" \
  "${versions[@]}"
echo "startup: results in $out"
