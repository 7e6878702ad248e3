#!/usr/bin/env bash
# How batching changes iperf3's jitter figure: the same iperf3 sender into iperf3,
# iperf3j plain and iperf3j batched receivers, and iperf3j plain and batched senders
# into iperf3's receiver. Prints the receiver's jitter_ms, loss and CPU per run.
#   bench/jitter.sh [RATE] [RUNS] [SECONDS]     (default 1G 3 5)
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
rate=${1:-1G}; runs=${2:-3}; secs=${3:-5}; port=5790
export IPERF3J_JAR=${IPERF3J_JAR:-$root/cli/target/iperf3j-0.1.0.jar}
J=$root/iperf3j
pair() { # name server-cmd... -- client-cmd...
  local name=$1; shift; local srv=() cli=()
  while [ "$1" != "--" ]; do srv+=("$1"); shift; done; shift; cli=("$@")
  "${srv[@]}" -s -1 -p $port >/dev/null 2>&1 & local sp=$!
  for _ in $(seq 100); do ss -Hltn "sport = :$port" | grep -q . && break; sleep 0.05; done
  "${cli[@]}" -c 127.0.0.1 -p $port -u -b "$rate" -l 1460 -t "$secs" -J > /tmp/jitter.$$.json || true
  wait $sp || true
  jq -r --arg n "$name" '.end | [$n, .sum_received.jitter_ms, .sum_received.lost_percent,
      .cpu_utilization_percent.host_total, .cpu_utilization_percent.remote_total] | @tsv' /tmp/jitter.$$.json
}
echo -e "case\tjitter_ms\tloss_%\tclient_cpu\tserver_cpu"
for r in $(seq "$runs"); do
  pair "iperf3->iperf3" iperf3 -- iperf3
  pair "iperf3->iperf3j(read)" env IPERF3J_JAVA_OPTS=-Diperf3j.udp.io=plain $J -- iperf3
  pair "iperf3->iperf3j(recvmmsg+GRO)" $J -- iperf3
  pair "iperf3j(write)->iperf3" iperf3 -- env IPERF3J_JAVA_OPTS=-Diperf3j.udp.io=plain $J
  pair "iperf3j(sendmmsg)->iperf3" iperf3 -- env IPERF3J_JAVA_OPTS=-Diperf3j.udp.io=mmsg $J
  pair "iperf3j(GSO)->iperf3" iperf3 -- $J
done
rm -f /tmp/jitter.$$.json
