#!/usr/bin/env bash
# Runs the quick tier as a non-root user with no peers, offline: how docs/testing.md's figures
# were taken. Run as root on the test machine (it makes a mount and a network namespace):
#   scripts/quick-tier-check.sh USER CLONE [RUN-TESTS ARGS]
# USER: an existing non-root user; CLONE: a clone of this repository that USER owns, with its
# local Maven repository (~USER/.m2) filled. In a private mount namespace the real peers and tools
# are covered by an empty non-executable file, /root (iperf3 3.21's cache) by an empty tmpfs, and
# the network namespace has loopback only, so nothing can be fetched; then, as USER with a bare
# environment (no IPERF3_321_PREFIX), `./run-tests --quick -o` runs under `time`.
set -euo pipefail
[ "$(id -u)" -eq 0 ] || { echo "quick-tier-check.sh: run as root (it makes namespaces)" >&2; exit 1; }
user=$1 clone=$2
shift 2
home=$(getent passwd "$user" | cut -d: -f6)
hidden=$(mktemp)
chmod 644 "$hidden"
trap 'rm -f "$hidden"' EXIT
args=""
[ $# -eq 0 ] || args=$(printf ' %q' "$@")
unshare -m -n --propagation private bash -c '
set -e
hidden=$1 user=$2 home=$3 clone=$4 args=$5
ip link set lo up
for f in /usr/bin/iperf3 /usr/bin/iperf /usr/bin/node /usr/bin/nodejs /usr/bin/npm /usr/bin/npx /usr/bin/chromium \
  /usr/bin/promtool /usr/bin/prometheus /usr/bin/prometheus-pushgateway /usr/sbin/sshd /usr/bin/ssh-keygen /usr/bin/ping \
  /usr/sbin/nft /usr/sbin/tc; do
  [ -e "$f" ] && mount --bind "$hidden" "$(readlink -f "$f")"
done
mount -t tmpfs tmpfs /root
cd "$clone"
exec runuser -u "$user" -- env -i HOME="$home" PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 \
  bash -c "time ./run-tests --quick -o$args"
' bash "$hidden" "$user" "$home" "$clone" "$args"
