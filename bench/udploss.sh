#!/usr/bin/env bash
# UDP receive loss of the four sender/receiver pairs on loopback (issue 16): the peer
# iperf3 into itself, the peer into iperf3j, iperf3j into the peer, iperf3j into itself,
# at each rate, forward (the client sends) and with -R (the server sends, the client
# receives), pairs in turn with the order reversed every other round. Prints one TSV line
# per run and a Markdown table (median and worst receiver loss per pair) at the end.
#   bench/udploss.sh [ROUNDS] [SECONDS] [RATES] [LENGTH]   (default 8 3 "500M 1G" 1460)
#   PEER=~/.cache/iperf3j/iperf3-3.21/bin/iperf3 bench/udploss.sh 8 3
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
rounds=${1:-8}; secs=${2:-3}; rates=${3:-500M 1G}; len=${4:-1460}
peer=${PEER:-iperf3}
for tool in jq python3 ss "$peer"; do
  command -v "$tool" >/dev/null || { echo "udploss: $tool not found" >&2; exit 1; }
done
export IPERF3J_JAR=${IPERF3J_JAR:-$root/cli/target/iperf3j-0.1.0.jar}
J=$root/iperf3j
peer_version=$("$peer" --version 2>/dev/null | head -n 1 | awk '{print $2}')
tmp=$(mktemp -d)
server=""
trap 'if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi; rm -rf "$tmp"' EXIT
run() { # rate mode(fwd|-R) server-name server-bin client-name client-bin
  local rate=$1 mode=$2 sname=$3 sbin=$4 cname=$5 cbin=$6 port extra=() sender receiver
  if [ "$mode" = "-R" ]; then extra=(-R); sender=$sname; receiver=$cname; else sender=$cname; receiver=$sname; fi
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "$sbin" -s -1 -p "$port" >/dev/null 2>&1 & server=$!
  for _ in $(seq 200); do ss -Hltn "sport = :$port" | grep -q . && break; sleep 0.05; done
  timeout $((secs + 30)) "$cbin" -c 127.0.0.1 -p "$port" -u -b "$rate" -l "$len" -t "$secs" "${extra[@]}" -J \
    > "$tmp/run.json" 2>/dev/null || true
  wait "$server" || true
  server=""
  jq -r --arg r "$rate" --arg m "$mode" --arg k "$sender -> $receiver" \
    '.end | [$r, $m, $k, .sum_received.lost_percent, .sum_received.packets, .sum_received.jitter_ms] | @tsv' \
    "$tmp/run.json" 2>/dev/null | tee -a "$tmp/all.tsv" || echo -e "$rate\t$mode\t$sender -> $receiver\tFAILED" | tee -a "$tmp/all.tsv"
}
P="iperf3 $peer_version"
echo "# -u -l $len -t $secs, rates $rates, $rounds rounds, peer $peer ($peer_version), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo -e "rate\tmode\tsender -> receiver\tloss_%\tpackets\tjitter_ms"
for r in $(seq "$rounds"); do
  for rate in $rates; do
    for mode in fwd -R; do
      pairs=("$P|$peer|$P|$peer" "iperf3j|$J|$P|$peer" "$P|$peer|iperf3j|$J" "iperf3j|$J|iperf3j|$J")
      if [ $((r % 2)) -eq 0 ]; then pairs=("${pairs[3]}" "${pairs[2]}" "${pairs[1]}" "${pairs[0]}"); fi
      for p in "${pairs[@]}"; do
        IFS='|' read -r sname sbin cname cbin <<< "$p"
        run "$rate" "$mode" "$sname" "$sbin" "$cname" "$cbin"
      done
    done
  done
done
echo "# load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$tmp/all.tsv" "$rounds" <<'PY'
import sys, statistics, collections
rows = collections.OrderedDict()
failed = collections.Counter()
for line in open(sys.argv[1]):
    f = line.rstrip("\n").split("\t")
    key = (f[0], f[1], f[2])
    if len(f) < 4 or f[3] in ("", "null", "FAILED"):  # a failed run counts, it is not dropped
        failed[key] += 1
        rows.setdefault(key, [])
        continue
    rows.setdefault(key, []).append(float(f[3]))
print("\n| rate | mode | sender → receiver | median loss % | worst % | runs (loss % in run order) |")
print("|---|---|---|---|---|---|")
for (rate, mode, pair), v in sorted(rows.items(), key=lambda kv: (kv[0][0], kv[0][1] != "fwd")):
    med = f"{statistics.median(v):.2f}" if v else "-"
    worst = f"{max(v):.2f}" if v else "-"
    runs = ", ".join(f"{x:.2f}" for x in v) + (f" (+{failed[(rate, mode, pair)]} failed)" if failed[(rate, mode, pair)] else "")
    print(f"| {rate} | {'-R' if mode == '-R' else 'forward'} | {pair} | {med} | {worst} | {runs} |")
PY
