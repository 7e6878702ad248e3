#!/usr/bin/env bash
# iperf3 (Debian) vs iperf3j on loopback, pairs in turn. See bench/README.md.
#   bench/run.sh                 full run: 3 rounds x 5 s, all cases, writes bench/results/<date>.{json,md}
#   bench/run.sh --smoke --out D quick check (1 round x 1 s, two cases) that writes D/smoke.{json,md}
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
command -v iperf3 >/dev/null || { echo "bench: iperf3 not found (apt-get install iperf3)" >&2; exit 1; }
py=$(command -v python3 || true)
[ -n "$py" ] || { echo "bench: python3 not found" >&2; exit 1; }
exec "$py" "$here/bench.py" "$@"
