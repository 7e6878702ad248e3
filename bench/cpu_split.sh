#!/bin/bash
# Where a loopback pair's CPU goes, per Gbit/s (issue 68): perf cpu-clock samples at 4 999 Hz of both
# processes over 3 s mid-test, split into kernel and user time and into stream threads and the rest.
# usage: bench/cpu_split.sh JAR|IPERF3_BINARY PORT [client options, e.g. -P 4]
# A jar runs through ./iperf3j (IPERF3J_JAR); its .aot next to it is used when newer. Prints one line:
#   GBIT Gbit/s; samples per Gbit/s, kernel+user: cli/other K+U cli/stream K+U srv/other K+U srv/stream K+U | total
# Needs perf and root (or perf_event_paranoid <= 0). Results: docs/design/cpu-per-bit.md, "The data path by address".
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
what=$1; port=$2; shift 2
d=$(mktemp -d)
if [[ $what == *.jar ]]; then run=(env IPERF3J_JAR=$what "$root/iperf3j"); w=1.5; else run=($what); w=0.3; fi
"${run[@]}" -s -1 -p $port >/dev/null 2>&1 & sp=$!
sleep $w
"${run[@]}" -c 127.0.0.1 -p $port -t 6 -J "$@" > $d/out.json 2>/dev/null & cp=$!
sleep 2
perf record -q -e cpu-clock -F 4999 -o $d/p.data -p $sp,$cp -- sleep 3 >/dev/null 2>&1
wait $cp; wait $sp
gbps=$(python3 -c "import json; print(round(json.load(open('$d/out.json'))['end']['sum_received']['bits_per_second']/1e9,2))")
perf script -i $d/p.data -F pid,tid,comm,ip 2>/dev/null | python3 -c "
import sys, collections
sp, cp, g = '$sp', '$cp', float('$gbps')
K = collections.Counter(); U = collections.Counter()
for line in sys.stdin:
    parts = line.split()
    ip = parts[-1]; pid = parts[-2].split('/')[0]; comm = ' '.join(parts[:-2])
    side = 'srv' if pid == sp else 'cli'
    grp = 'stream' if (('test' in comm and '-s' in comm) or comm.startswith('iperf3j-client') or comm == 'iperf3') else 'other'
    (K if ip.startswith('ffff') else U)[side + '/' + grp] += 1
print(g, 'Gbit/s; samples per Gbit/s, kernel+user:', ' '.join('%s %.0f+%.0f' % (k, K[k]/g, U[k]/g) for k in sorted(set(K)|set(U))),
      '| total %.0f' % ((sum(K.values()) + sum(U.values()))/g))
"
rm -rf $d
