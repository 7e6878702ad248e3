#!/usr/bin/env bash
# Issue 47: does --why name the one bottleneck a lab sets? One known bottleneck at a time, forward and -R, the
# iperf3j client against an iperf3j server and against iperf3 3.21's server, RUNS runs each (default 10).
#
#   path    tbf-shaped link: scripts/wanlab.sh, 1 ms each way, 100 Mbit/s
#   rwnd    RTT 100 ms (wanlab.sh, 50 ms each way, 200 Mbit/s), the receiving namespace's tcp_rmem max 1 MiB
#   sndbuf  the same path, the sending namespace's tcp_wmem max 1 MiB
#   pacing  the path case's link with -b 20M
#   cpu     loopback; the sender pinned with -A to CPU 0, which a busier process of higher priority (nice -5,
#           pinned to CPU 0, spinning) shares
#
# Prints one TSV line per run (case, direction, server, cause named, the figures the netns test checks) and writes
# them with a Markdown table (runs naming the case's cause / runs, runs naming another cause) to
# bench/results/<date>-why-lab.{tsv,md}. Needs root and a C compiler (wanlab.sh's delayline); deletes what it makes.
#   bench/why-lab.sh [RUNS] [SECONDS] [CASES]        e.g. bench/why-lab.sh 10 4 path,rwnd,sndbuf,pacing,cpu
# WHY_LAB_ONLY=rev/3.21 runs one direction/server cell of each case; WHY_LAB_TXQ the delay line's TUN queue (20000).
set -uo pipefail  # not -e: wanlab.sh's functions use failing commands as tests
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
runs=${1:-10}; secs=${2:-4}; cases=${3:-path,rwnd,sndbuf,pacing,cpu}
wanlab=${WANLAB:-$root/scripts/wanlab.sh}
peer321=${IPERF3_321:-$HOME/.cache/iperf3j/iperf3-3.21/bin/iperf3}
for tool in jq ip tc taskset "$peer321"; do
  command -v "$tool" >/dev/null || { echo "why-lab: $tool not found" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "why-lab: needs root (network namespaces)" >&2; exit 1; }
export IPERF3J_JAR=${IPERF3J_JAR:-$root/cli/target/iperf3j-0.1.0.jar}
J=$root/iperf3j
# shellcheck source=/dev/null
. "$wanlab"
n=wy$(printf '%03x' $((RANDOM % 4096)))
tmp=$(mktemp -d)
server=""; hog=""; labup=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  [ -n "$hog" ] && kill "$hog" 2>/dev/null || true
  wan_down "$n" || true
  rm -rf "$tmp"
}
trap cleanup EXIT
stamp=$(date -u +%Y-%m-%d-%H%M)
out=$root/bench/results/$stamp-why-lab
echo "# --why lab: $runs runs x -t $secs, cases $cases, load $(cut -d' ' -f1-3 /proc/loadavg), $(uname -r), cc $(sysctl -n net.ipv4.tcp_congestion_control)" | tee "$out.tsv"
printf 'case\tdir\tserver\tcause\texpected\tbits_per_second\trtt_us\tbdp_bytes\tlab_bdp_bytes\treceiver_window_bytes\tsender_buffer_bytes\tbuffer_set\trwnd_share\tsndbuf_share\tsender_run\tsender_wait\treceiver_run\treceiver_wait\tbusy_share\tretransmits\tcwnd_bytes\tlab_drops\treason\n' | tee -a "$out.tsv"

# one run: case dir(fwd|rev) server(iperf3j|3.21) client-ns server-ns address port lab_rtt_ms buffer_set extra args...
one() {
  local c=$1 dir=$2 srv=$3 cns=$4 sns=$5 addr=$6 port=$7 rtt=$8 bufset=$9; shift 9
  # WHY_LAB_ONLY=rev/3.21 (direction/server): only those cells
  [ -n "${WHY_LAB_ONLY:-}" ] && [ "$WHY_LAB_ONLY" != "$dir/$srv" ] && return 0
  local sbin=$J; [ "$srv" = 3.21 ] && sbin=$peer321
  local rflag=(); [ "$dir" = rev ] && rflag=(-R)
  local sx=(); [ -n "$sns" ] && sx=(ip netns exec "$sns")
  local cx=(); [ -n "$cns" ] && cx=(ip netns exec "$cns")
  local d0; d0=$(lab_drops)
  "${sx[@]}" "$sbin" -s -1 -p "$port" >/dev/null 2>&1 & server=$!
  for _ in $(seq 200); do "${sx[@]}" ss -Hltn "sport = :$port" | grep -q . && break; sleep 0.05; done
  timeout $((secs + 40)) "${cx[@]}" "$J" -c "$addr" -p "$port" -t "$secs" -J --why "${rflag[@]}" "$@" \
    > "$tmp/run.json" 2>/dev/null || true
  wait "$server" 2>/dev/null || true; server=""
  local drops=""; [ -n "$d0" ] && drops=$(( $(lab_drops) - d0 ))
  local expected=$c; [ "$c" = rwnd ] && expected=receiver_window; [ "$c" = sndbuf ] && expected=sender_buffer
  [ "$c" = cpu ] && expected=sender_cpu
  jq -r --arg c "$c" --arg d "$dir" --arg s "$srv" --arg e "$expected" --argjson rtt "$rtt" --arg b "$bufset" --arg drops "$drops" '
    .end.iperf3j_why.directions[0] as $w | $w.figures as $f |
    [$c, $d, $s, $w.cause, $e, ($f.bits_per_second|floor), ($f.rtt_us // ""), ($f.bdp_bytes // ""),
     (($f.bits_per_second * $rtt / 8000)|floor), ($f.receiver_window_bytes // ""), ($f.sender_buffer_bytes // ""),
     $b, ($f.rwnd_limited_share // ""), ($f.sndbuf_limited_share // ""), ($f.sender_thread_run_share // ""),
     ($f.sender_thread_wait_share // ""), ($f.receiver_thread_run_share // ""),
     ($f.receiver_thread_wait_share // ""), ($f.busy_share // ""), (.end.sum_sent.retransmits // ""),
     ($f.congestion_window_bytes // ""), $drops, $w.reason] | @tsv' "$tmp/run.json" 2>/dev/null | tee -a "$out.tsv" \
    || printf '%s\t%s\t%s\tFAILED\t%s\n' "$c" "$dir" "$srv" "$expected" | tee -a "$out.tsv"
}

lab() { # case: brings the lab up; sets A (client ns), B (server ns)
  case $1 in
    path|pacing) wan_up "$n" 1 100mbit >/dev/null || exit 1 ;;
    rwnd|sndbuf) wan_up "$n" 50 200mbit >/dev/null || exit 1 ;;
  esac
  # The delay line reads its TUN device from user space; on a loaded machine it falls behind and the device's
  # queue (500 packets by default) drops: a second bottleneck on the path, seen as retransmits and a collapsed
  # congestion window (the 2026-11-27 sndbuf runs named "path"). scripts/wanstar.sh raises it for the same reason.
  ip -n "$n-r" link set "$n-tun" txqueuelen "${WHY_LAB_TXQ:-20000}" || exit 1
  labup=1
}

# packets the lab itself dropped so far: the TUN device's and the tbf queues' (empty without a lab)
lab_drops() {
  [ -n "${labup:-}" ] || return 0
  local t q1 q2
  t=$(ip -n "$n-r" -j -s link show dev "$n-tun" | jq '.[0].stats64.tx.dropped + .[0].stats64.rx.dropped')
  q1=$(tc -n "$n-r" -j -s qdisc show dev "$n-ra" | jq '[.[].drops] | add')
  q2=$(tc -n "$n-r" -j -s qdisc show dev "$n-rb" | jq '[.[].drops] | add')
  echo $((t + q1 + q2))
}

MiB=1048576
port=5400
for c in ${cases//,/ }; do
  if [ "$c" = cpu ]; then
    taskset -c 0 nice -n -5 sh -c 'while :; do :; done' & hog=$!
    for dir in fwd rev; do
      for srv in iperf3j 3.21; do
        for _ in $(seq "$runs"); do
          port=$((port + 1))
          # -A n,m: the client on n, the server on m; the sender (the client, or with -R the server) on CPU 0
          if [ "$dir" = fwd ]; then aff=0,1; else aff=1,0; fi
          one cpu "$dir" "$srv" "" "" 127.0.0.1 "$port" 0 "" -A "$aff"
        done
      done
    done
    kill "$hog"; wait "$hog" 2>/dev/null || true; hog=""
    continue
  fi
  lab "$c"
  A=$n-a; B=$n-b
  for dir in fwd rev; do
    # the receiver is the server's namespace forward, the client's with -R; the sender the other
    if [ "$dir" = fwd ]; then rcv=$B; snd=$A; else rcv=$A; snd=$B; fi
    bufset=""
    case $c in
      rwnd) ip netns exec "$rcv" sysctl -qw net.ipv4.tcp_rmem="4096 131072 $MiB"; bufset=$MiB ;;
      sndbuf) ip netns exec "$snd" sysctl -qw net.ipv4.tcp_wmem="4096 16384 $MiB"; bufset=$MiB ;;
    esac
    case $c in path|pacing) rtt=2 ;; *) rtt=100 ;; esac
    extra=(); [ "$c" = pacing ] && extra=(-b 20M)
    for srv in iperf3j 3.21; do
      for _ in $(seq "$runs"); do
        port=$((port + 1))
        one "$c" "$dir" "$srv" "$A" "$B" 10.234.2.1 "$port" "$rtt" "$bufset" "${extra[@]}"
      done
    done
    ip netns exec "$rcv" sysctl -qw net.ipv4.tcp_rmem="4096 131072 33554432"
    ip netns exec "$snd" sysctl -qw net.ipv4.tcp_wmem="4096 16384 4194304"
  done
  wan_down "$n"; labup=""
done

# the table: per case, direction and server, runs naming the expected cause and runs naming another cause
{
  echo "# --why lab, $(date -u +%Y-%m-%d) ($runs runs x -t $secs each)"
  echo
  echo "| case | direction | server | named the cause | named another cause | not determined |"
  echo "|---|---|---|---|---|---|"
  awk -F'\t' 'NR > 2 { k = $1 "|" $2 "|" $3; n[k]++; if ($4 == $5) ok[k]++; else if ($4 == "not_determined") nd[k]++; else bad[k]++; if (!(k in seen)) { seen[k] = 1; order[++m] = k } }
    END { for (i = 1; i <= m; i++) { k = order[i]; split(k, p, "|"); printf "| %s | %s | %s | %d / %d | %d | %d |\n", p[1], p[2], p[3], ok[k], n[k], bad[k], nd[k] } }' "$out.tsv"
} | tee "$out.md"
