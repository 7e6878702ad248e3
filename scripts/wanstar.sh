# Long-distance paths from one server namespace to several clients, each with its own delay: the
# star that scripts/wanlab.sh (one path, fixed names) cannot build. Sourced; needs root,
# iproute2 and a C compiler. Modelled on wanlab.sh and reusing its delay line (delayline.c).
#
#   star_up NAME RATE ONE_WAY_MS...    e.g. star_up ws12ab 200mbit 10 25 50 75  (RTT 20/50/100/150 ms)
#   star_down NAME
#
# Namespaces: NAME-s (the server) and, for the i-th delay (i = 1..9), a router NAME-ri and a client
# NAME-ci. The server is 10.235.i.1 on the path to client i, the client 10.236.i.1. In router i every
# forwarded packet is routed into a TUN device, held ONE_WAY_MS by a delay line of its own and routed
# on; each way is shaped to RATE by tbf on the router's egress with a queue of one bandwidth-delay
# product (at least 200 000 bytes), as wanlab.sh does. Unlike wanlab.sh, the TUN device's queue is
# raised from 500 to 20 000 packets: a delay line descheduled on a busy host (2 cores, load 15) let
# the kernel drop thousands of packets there, which its own counters never see (`ip -s link`, TX
# dropped) and which read as path loss. NAME is at most 8 characters (interface names are NAME plus 4).
# The delay line is compiled from scripts/delayline.c (beside this file; DELAYLINE_C to override) into
# a temporary folder. Each delay line's counters (SIGUSR1, and at exit) go to
# $STAR_DIR/NAME-ri.log.
STAR_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
STAR_DIR=${STAR_DIR:-${TMPDIR:-/tmp}/wanstar-$UID}

star_up() {
  local n=$1 rate=$2 i=0 ms src=${DELAYLINE_C:-$STAR_HERE/delayline.c}
  shift 2
  [ ${#n} -le 8 ] || { echo "star_up: name '$n' longer than 8" >&2; return 1; }
  [ $# -ge 1 ] && [ $# -le 9 ] || { echo "star_up: 1 to 9 delays" >&2; return 1; }
  mkdir -p "$STAR_DIR" || return 1
  local bin=$STAR_DIR/delayline
  if ! [ -x "$bin" ] || ! [ "$bin" -nt "$src" ]; then
    cc -O2 -o "$bin.$$" "$src" && mv -f "$bin.$$" "$bin" || return 1
  fi
  star_down "$n"
  ip netns add "$n-s" || return 1
  ip -n "$n-s" link set lo up
  local bits
  bits=$(python3 -c "import re; m=re.match(r'([0-9.]+)([kmg]?)bit','$rate'); print(int(float(m[1])*{'':1,'k':1e3,'m':1e6,'g':1e9}[m[2]]))") || return 1
  for ms in "$@"; do
    i=$((i + 1))
    local r=$n-r$i c=$n-c$i
    ip netns add "$r" || return 1; ip netns add "$c" || return 1
    ip -n "$r" link set lo up; ip -n "$c" link set lo up
    ip link add "${n}s$i" netns "$n-s" type veth peer name "${n}a$i" netns "$r" || return 1
    ip link add "${n}c$i" netns "$c" type veth peer name "${n}b$i" netns "$r" || return 1
    ip -n "$n-s" addr add "10.235.$i.1/24" dev "${n}s$i"; ip -n "$n-s" link set "${n}s$i" up
    ip -n "$n-s" route add "10.236.$i.0/24" via "10.235.$i.254"
    ip -n "$c" addr add "10.236.$i.1/24" dev "${n}c$i"; ip -n "$c" link set "${n}c$i" up
    ip -n "$c" route add default via "10.236.$i.254"
    ip -n "$r" addr add "10.235.$i.254/24" dev "${n}a$i"; ip -n "$r" addr add "10.236.$i.254/24" dev "${n}b$i"
    ip -n "$r" link set "${n}a$i" up; ip -n "$r" link set "${n}b$i" up
    ip netns exec "$r" sh -c 'sysctl -qw net.ipv4.ip_forward=1; for f in /proc/sys/net/ipv4/conf/*/rp_filter; do echo 0 > $f; done'
    ip netns exec "$r" "$bin" "${n}t$i" "$ms" 2>"$STAR_DIR/$r.log" &
    for _ in $(seq 50); do ip -n "$r" link show "${n}t$i" >/dev/null 2>&1 && break; sleep 0.1; done
    ip -n "$r" link set "${n}t$i" txqueuelen 20000 up || return 1
    ip netns exec "$r" sh -c "echo 0 > /proc/sys/net/ipv4/conf/${n}t$i/rp_filter"
    ip -n "$r" route add default dev "${n}t$i" table 100
    ip -n "$r" rule add iif "${n}a$i" lookup 100; ip -n "$r" rule add iif "${n}b$i" lookup 100
    local bdp=$(( bits / 8 * ms * 2 / 1000 )); [ $bdp -lt 200000 ] && bdp=200000
    for d in a b; do ip netns exec "$r" tc qdisc replace dev "${n}$d$i" root tbf rate "$rate" burst 256kb limit "$bdp" || return 1; done
  done
}

# Kills (by PID) what runs in NAME's namespaces (the delay lines and anything a test left) and deletes them.
star_down() {
  local n=$1 ns pid
  for ns in $(ip netns list | awk '{print $1}' | grep -E "^$n-(s|r[1-9]|c[1-9])$"); do
    for pid in $(ip netns pids "$ns"); do kill "$pid" 2>/dev/null; done
  done
  sleep 0.2
  for ns in $(ip netns list | awk '{print $1}' | grep -E "^$n-(s|r[1-9]|c[1-9])$"); do
    for pid in $(ip netns pids "$ns"); do kill -9 "$pid" 2>/dev/null; done
    ip netns del "$ns"
  done
  return 0
}
