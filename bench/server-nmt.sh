#!/usr/bin/env bash
# usage: bench/server-nmt.sh IMAGE_DIR N1 N2 OUTDIR: an iperf3j server from the runtime image with NMT,
# N2 sequential real iperf3 clients (-n 1M), and /proc status, NMT summary, heap info and class
# histogram snapshots idle, after N1 and after N2 tests (jcmd of a JDK 25). Issue 28.
img=$1; n1=$2; n2=$3; out=$4; mkdir -p $out
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin
port=5701
IPERF3J_JAVA_OPTS="-XX:NativeMemoryTracking=summary" $img/bin/iperf3j -s -p $port > $out/server.log 2>&1 &
pid=$!
for i in $(seq 100); do ss -Hltn "sport = :$port" | grep -q . && break; sleep 0.1; done
sleep 3
snap() { tag=$1
  grep -E 'VmRSS|VmHWM|Threads|RssAnon|RssFile' /proc/$pid/status > $out/$tag.status
  $J/jcmd $pid VM.native_memory summary > $out/$tag.nmt 2>&1
  $J/jcmd $pid GC.heap_info > $out/$tag.heap 2>&1
  $J/jcmd $pid GC.class_histogram > $out/$tag.histo 2>&1
  ls /proc/$pid/fd | wc -l > $out/$tag.fds
}
snap idle
fail=0
for i in $(seq 1 $n2); do
  iperf3 -c 127.0.0.1 -p $port -n 1M > /dev/null 2>&1 || fail=$((fail+1))
  [ $i -eq $n1 ] && snap after$n1
done
snap after$n2
echo "failed $fail" > $out/failed
kill $pid; wait $pid 2>/dev/null
