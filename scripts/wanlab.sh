# A long-distance path between two network namespaces, for kernels without netem. Sourced.
# (Copied into the repository, issue 57, from shared/tools/wanlab.sh beside the clone, with its delay line
# scripts/delayline.c: a clone has what its own scripts run. Unchanged but for these lines.)
#
#   wan_up NAME ONE_WAY_MS RATE [LOSS_PERCENT]   e.g. wan_up w 25 500mbit 0.01   (RTT 50 ms)
#   wan_down NAME
#
# NAME-a (10.234.1.1) -- NAME-r (router) -- NAME-b (10.234.2.1). In NAME-r every forwarded packet is
# routed into a TUN device, held ONE_WAY_MS by delayline (delayline.c beside this file, built with cc on
# first use), optionally dropped at random, and routed on; each way is shaped to RATE by tbf on the
# router's egress with a queue of one bandwidth-delay product. Needs root, iproute2 and a C compiler.
# Tests use only these namespaces' addresses.
WANLAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
wan_up() {
  local n=$1 ms=$2 rate=$3 loss=${4:-0} bin=/tmp/delayline-$UID s d
  wan_down "$n"
  [ -x "$bin" ] && [ "$bin" -nt "$WANLAB_DIR/delayline.c" ] || cc -O2 -o "$bin" "$WANLAB_DIR/delayline.c" || return 1
  for s in a r b; do ip netns add "$n-$s" || return 1; ip -n "$n-$s" link set lo up; done
  ip link add "$n-a0" netns "$n-a" type veth peer name "$n-ra" netns "$n-r" || return 1
  ip link add "$n-b0" netns "$n-b" type veth peer name "$n-rb" netns "$n-r" || return 1
  ip -n "$n-a" addr add 10.234.1.1/24 dev "$n-a0"; ip -n "$n-a" link set "$n-a0" up
  ip -n "$n-b" addr add 10.234.2.1/24 dev "$n-b0"; ip -n "$n-b" link set "$n-b0" up
  ip -n "$n-a" route add default via 10.234.1.254; ip -n "$n-b" route add default via 10.234.2.254
  ip -n "$n-r" addr add 10.234.1.254/24 dev "$n-ra"; ip -n "$n-r" addr add 10.234.2.254/24 dev "$n-rb"
  ip -n "$n-r" link set "$n-ra" up; ip -n "$n-r" link set "$n-rb" up
  ip netns exec "$n-r" sh -c 'sysctl -qw net.ipv4.ip_forward=1; for f in /proc/sys/net/ipv4/conf/*/rp_filter; do echo 0 > $f; done'
  ip netns exec "$n-r" "$bin" "$n-tun" "$ms" "$loss" 2>"/tmp/wanlab-$n.log" &
  echo $! > "/tmp/wanlab-$n.pid"
  for _ in $(seq 50); do ip -n "$n-r" link show "$n-tun" >/dev/null 2>&1 && break; sleep 0.1; done
  # a long queue into the delay line, so that it is never a second bottleneck beside the tbf
  ip -n "$n-r" link set "$n-tun" txqueuelen 20000 up || return 1
  ip netns exec "$n-r" sh -c 'echo 0 > /proc/sys/net/ipv4/conf/'"$n-tun"'/rp_filter'
  ip -n "$n-r" route add default dev "$n-tun" table 100
  ip -n "$n-r" rule add iif "$n-ra" lookup 100; ip -n "$n-r" rule add iif "$n-rb" lookup 100
  # a queue of one bandwidth-delay product at the bottleneck, as a well-sized router has
  local bits; bits=$(python3 -c "import re,sys; m=re.match(r'([0-9.]+)([kmg]?)bit','$rate'); print(int(float(m[1])*{'':1,'k':1e3,'m':1e6,'g':1e9}[m[2]]))")
  local bdp=$(( bits / 8 * ms * 2 / 1000 )); [ $bdp -lt 200000 ] && bdp=200000
  for d in ra rb; do ip netns exec "$n-r" tc qdisc replace dev "$n-$d" root tbf rate "$rate" burst 256kb limit "$bdp" || return 1; done
}
wan_down() {
  local n=$1 s
  [ -f "/tmp/wanlab-$n.pid" ] && { kill "$(cat "/tmp/wanlab-$n.pid")" 2>/dev/null; rm -f "/tmp/wanlab-$n.pid"; }
  for s in a r b; do ip netns del "$n-$s" 2>/dev/null; done
  return 0
}
