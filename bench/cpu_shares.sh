#!/usr/bin/env bash
# Where each process of one loopback pair spends its CPU during the test (issue 68).
#   bench/cpu_shares.sh LABEL JAR|IPERF3_BINARY [client options, e.g. -P 4]
# perf record -F 999 of the whole server and client processes (a jar through ./iperf3j with IPERF3J_JAR, or
# an iperf3 binary), a 4 s test; samples from each process's first sample in a data thread on (so the JVM's
# start-up before the test is left out), split into data threads (iperf3j-test*, iperf3j-client-*; every
# iperf3 thread) and the others (compiler, test, main), each kernel (k) or user space (u). Shares within a
# process, so a machine busy with other work changes them little. Port 5822; files in ${TMPDIR:-/tmp}.
# Results: bench/results/2026-11-29-issue68-rest.txt.
set -euo pipefail
[ $# -ge 2 ] || { sed -n '2,9p' "$0"; exit 2; }
label=$1 what=$2; shift 2
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
if [[ $what == *.jar ]]; then export IPERF3J_JAR=$what; cmd=$here/../iperf3j; else cmd=$what; fi
out=$(mktemp -d "${TMPDIR:-/tmp}/cpu-shares.XXXXXX")
perf record -q -F 999 -o "$out/server.data" -- "$cmd" -s -1 -p 5822 >/dev/null 2>&1 &
server=$!
sleep 2
perf record -q -F 999 -o "$out/client.data" -- "$cmd" -c 127.0.0.1 -p 5822 -t 4 "$@" -J >"$out/client.json" 2>/dev/null
wait "$server"
python3 - "$out" "$label" <<'PY'
import collections, json, re, subprocess, sys
out, label = sys.argv[1:]
gbps = json.load(open(out + "/client.json"))["end"]["sum_received"]["bits_per_second"] / 1e9
line = [f"{label:10s} {gbps:6.2f} Gbit/s"]
def is_data(comm):
    return comm.startswith("iperf3j-test") or comm.startswith("iperf3j-client") or comm == "iperf3"
for side in ("server", "client"):
    script = subprocess.run(["perf", "script", "-i", f"{out}/{side}.data", "-F", "comm,time,ip,dso"],
                            capture_output=True, text=True).stdout
    rows = [(m.group(1), float(m.group(2)), m.group(3)) for m in
            (re.match(r"\s*(.+?)\s+(\d+\.\d+):\s+.*\((.*)\)\s*$", l) for l in script.splitlines()) if m]
    starts = [t for c, t, _ in rows if is_data(c)]
    t0 = min(starts) if starts else 0
    tot = collections.Counter(("data" if is_data(c) else "other", "k" if "kernel" in d else "u")
                              for c, t, d in rows if t >= t0)
    n = sum(tot.values()) or 1
    p = {k: 100 * v / n for k, v in tot.items()}
    line.append(f"{side}: data-k {p.get(('data', 'k'), 0):5.1f}% data-u {p.get(('data', 'u'), 0):4.1f}% "
                f"other-k {p.get(('other', 'k'), 0):4.1f}% other-u {p.get(('other', 'u'), 0):4.1f}% (n={n})")
print("  ".join(line))
PY
rm -rf "$out"
