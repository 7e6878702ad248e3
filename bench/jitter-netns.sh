#!/usr/bin/env bash
# UDP jitter across a shaped link (issue 16): two network namespaces joined by a veth pair,
# the sender's side shaped with tbf, the four sender/receiver pairs of the peer iperf3 and
# iperf3j in turn (order reversed every other round). The client sends (server in the
# receiving namespace). Prints one TSV line per run and a Markdown table (median, min-max
# jitter and loss per pair). Needs root; makes only its own namespaces and deletes them.
#   bench/jitter-netns.sh [ROUNDS] [SECONDS] [RATE] [SHAPE] [LENGTH]
#                         (default 6 5 40M "rate 50mbit burst 32kbit latency 50ms" 1400)
#   PEER=~/.cache/iperf3j/iperf3-3.21/bin/iperf3 bench/jitter-netns.sh
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
rounds=${1:-6}; secs=${2:-5}; rate=${3:-40M}; shape=${4:-rate 50mbit burst 32kbit latency 50ms}; len=${5:-1400}
peer=$(command -v "${PEER:-iperf3}")
for tool in jq python3 ip tc "$peer"; do
  command -v "$tool" >/dev/null || { echo "jitter-netns: $tool not found" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "jitter-netns: needs root (network namespaces)" >&2; exit 1; }
export IPERF3J_JAR=${IPERF3J_JAR:-$root/cli/target/iperf3j-0.1.0.jar}
J=$root/iperf3j
peer_version=$("$peer" --version 2>/dev/null | head -n 1 | awk '{print $2}')
tag=ijj$(printf '%04x' $((RANDOM)))
A=${tag}a; B=${tag}b
tmp=$(mktemp -d)
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi
  ip netns del "$A" 2>/dev/null || true; ip netns del "$B" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
ip netns add "$A"; ip netns add "$B"
ip link add "${tag}x" type veth peer name "${tag}y"
ip link set "${tag}x" netns "$A"; ip link set "${tag}y" netns "$B"
ip -n "$A" addr add 10.77.0.1/24 dev "${tag}x"; ip -n "$B" addr add 10.77.0.2/24 dev "${tag}y"
for n in "$A" "$B"; do ip -n "$n" link set lo up; done
ip -n "$A" link set "${tag}x" up; ip -n "$B" link set "${tag}y" up
# shellcheck disable=SC2086
tc -n "$A" qdisc add dev "${tag}x" root tbf $shape
run() { # name server-bin client-bin
  local name=$1 sbin=$2 cbin=$3
  ip netns exec "$B" "$sbin" -s -1 -p 5201 >/dev/null 2>&1 & server=$!
  for _ in $(seq 200); do ip netns exec "$B" ss -Hltn "sport = :5201" | grep -q . && break; sleep 0.05; done
  timeout $((secs + 30)) ip netns exec "$A" "$cbin" -c 10.77.0.2 -u -b "$rate" -l "$len" -t "$secs" -J \
    > "$tmp/run.json" 2>/dev/null || true
  wait "$server" || true
  server=""
  jq -r --arg n "$name" '.end | [$n, .sum_received.jitter_ms, .sum_received.lost_percent] | @tsv' \
    "$tmp/run.json" 2>/dev/null | tee -a "$tmp/all.tsv" || echo -e "$name\tFAILED" | tee -a "$tmp/all.tsv"
}
P="iperf3 $peer_version"
echo "# -u -b $rate -l $len -t $secs across veth shaped 'tbf $shape', $rounds rounds, peer $peer ($peer_version), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo -e "sender -> receiver\tjitter_ms\tloss_%"
for r in $(seq "$rounds"); do
  pairs=("$P -> $P|$peer|$peer" "$P -> iperf3j|$J|$peer" "iperf3j -> $P|$peer|$J" "iperf3j -> iperf3j|$J|$J")
  if [ $((r % 2)) -eq 0 ]; then pairs=("${pairs[3]}" "${pairs[2]}" "${pairs[1]}" "${pairs[0]}"); fi
  for p in "${pairs[@]}"; do
    IFS='|' read -r name sbin cbin <<< "$p"
    run "$name" "$sbin" "$cbin"
  done
done
echo "# load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$tmp/all.tsv" <<'PY'
import sys, statistics, collections
rows = collections.OrderedDict()
for line in open(sys.argv[1]):
    f = line.rstrip("\n").split("\t")
    rows.setdefault(f[0], [])
    if len(f) >= 3 and f[1] not in ("", "null", "FAILED"):
        rows[f[0]].append((float(f[1]), float(f[2])))
print("\n| sender → receiver | jitter ms, median (min–max) | loss %, median | runs |")
print("|---|---|---|---|")
for name in sorted(rows):
    v = rows[name]
    if not v:
        print(f"| {name} | - | - | 0 |")
        continue
    j = [x for x, _ in v]
    print(f"| {name} | {statistics.median(j):.4f} ({min(j):.4f}–{max(j):.4f}) | "
          f"{statistics.median(l for _, l in v):.2f} | {len(v)} |")
PY
