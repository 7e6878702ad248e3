#!/usr/bin/env bash
# UDP jitter of iperf3 and iperf3j receivers, pairs in turn on loopback (issue 16):
# the peer iperf3 into itself and into iperf3j, iperf3j into the peer and into itself;
# iperf3j's receiver with the kernel's per-datagram receive times (SO_TIMESTAMPNS, the
# default) and, in the same rounds, with one arrival time per recvmmsg batch
# (-Diperf3j.udp.rxTimestamps=false, the path before). Prints one TSV line per run
# (receiver's jitter_ms, loss, CPU) and the median per case at the end.
#   bench/jitter.sh [RATE] [RUNS] [SECONDS] [LENGTH]     (default 1G 3 5 1460)
#   PEER=~/.cache/iperf3j/iperf3-3.21/bin/iperf3 bench/jitter.sh 0 5 3
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
rate=${1:-1G}; runs=${2:-3}; secs=${3:-5}; len=${4:-1460}
peer=${PEER:-iperf3}
for tool in jq python3 "$peer"; do
  command -v "$tool" >/dev/null || { echo "jitter: $tool not found" >&2; exit 1; }
done
export IPERF3J_JAR=${IPERF3J_JAR:-$root/cli/target/iperf3j-0.1.0.jar}
J=$root/iperf3j
peer_version=$("$peer" --version 2>/dev/null | head -n 1 | awk '{print $2}')
tmp=$(mktemp -d)
server=""
trap 'if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi; rm -rf "$tmp"' EXIT
pair() { # name server-cmd... -- client-cmd...
  local name=$1; shift; local srv=() cli=() port
  while [ "$1" != "--" ]; do srv+=("$1"); shift; done; shift; cli=("$@")
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "${srv[@]}" -s -1 -p "$port" >/dev/null 2>&1 & server=$!
  for _ in $(seq 200); do ss -Hltn "sport = :$port" | grep -q . && break; sleep 0.05; done
  "${cli[@]}" -c 127.0.0.1 -p "$port" -u -b "$rate" -l "$len" -t "$secs" -J > "$tmp/run.json" || true
  wait "$server" || true
  server=""
  jq -r --arg n "$name" '.end | [$n, .sum_received.jitter_ms, .sum_received.lost_percent,
      .cpu_utilization_percent.host_total, .cpu_utilization_percent.remote_total] | @tsv' "$tmp/run.json" \
    | tee -a "$tmp/all.tsv"
}
P="iperf3 $peer_version"
BATCH=(env IPERF3J_JAVA_OPTS=-Diperf3j.udp.rxTimestamps=false "$J")
echo "# -u -b $rate -l $len -t $secs, $runs rounds, peer $peer ($peer_version)"
echo -e "case\tjitter_ms\tloss_%\tclient_cpu\tserver_cpu"
for r in $(seq "$runs"); do
  pair "$P -> $P" "$peer" -- "$peer"
  pair "$P -> iperf3j (kernel times)" "$J" -- "$peer"
  pair "$P -> iperf3j (batch time)" "${BATCH[@]}" -- "$peer"
  pair "iperf3j -> $P" "$peer" -- "$J"
  pair "iperf3j -> iperf3j (kernel times)" "$J" -- "$J"
  pair "iperf3j -> iperf3j (batch time)" "${BATCH[@]}" -- "$J"
done
echo "# medians (jitter_ms, loss_%) over $runs rounds"
python3 - "$tmp/all.tsv" <<'PY'
import sys, statistics, collections
rows = collections.OrderedDict()
for line in open(sys.argv[1]):
    f = line.rstrip("\n").split("\t")
    if len(f) < 3 or f[1] in ("", "null"):
        continue
    rows.setdefault(f[0], []).append((float(f[1]), float(f[2])))
for name, v in rows.items():
    print(f"{name}\t{statistics.median(j for j, _ in v):.5f}\t{statistics.median(l for _, l in v):.3f}\tn={len(v)}")
PY
