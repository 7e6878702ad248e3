#!/usr/bin/env bash
# Records the report tests' inputs on loopback (run from the repository root; about a minute):
# iperf3j's own -J and --json-stream outputs, and runs of the real iperf3 3.12 (/usr/bin/iperf3)
# and 3.21 ($IPERF3_321_PREFIX/bin/iperf3). Each server is a one-off (-1) on a free port.
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
out=$root/report/src/test/resources/io/iperf3j/report/runs
ours=$root/iperf3j
v312=/usr/bin/iperf3
v321=${IPERF3_321_PREFIX:-$HOME/.cache/iperf3j/iperf3-3.21}/bin/iperf3
mkdir -p "$out"
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
run() { # NAME SERVER CLIENT ARGS...
  local name=$1 server=$2 client=$3; shift 3
  local port; port=$(free_port)
  timeout 60 "$server" -s -1 -p "$port" -B 127.0.0.1 >/dev/null 2>&1 &
  local pid=$!
  for _ in $(seq 100); do ss -ltnH "sport = :$port" | grep -q . && break; sleep 0.1; done
  "$client" -c 127.0.0.1 -p "$port" "$@" >"$out/$name" || true
  wait "$pid" || true
}
[ $# -gt 0 ] && { run "$@"; exit; }  # one case: record-fixtures.sh NAME SERVER CLIENT ARGS...
run ours_tcp.json "$ours" "$ours" -t 3 -J
run ours_tcp_p4.json "$ours" "$ours" -t 3 -P 4 -J
run ours_tcp_reverse.json "$ours" "$ours" -t 3 -R -J
run ours_tcp_bidir.json "$ours" "$ours" -t 3 --bidir -J
run ours_udp.json "$ours" "$ours" -t 3 -u -b 50M -J
run ours_tcp_stream.jsonl "$ours" "$ours" -t 3 -P 2 --json-stream
run v321_tcp_stream.jsonl "$v321" "$v321" -t 3 --json-stream
run v321_udp.json "$v321" "$v321" -t 3 -u -b 20M -J
run v312_tcp_p2_vs_ours.json "$ours" "$v312" -t 3 -P 2 -J
# forward UDP with --get-server-output against a server without -J: server_output_text (issue 38)
run ours_udp_server_text.json "$ours" "$ours" -t 3 -u -b 20M --get-server-output -J
# latency under load (--latency, docs/design/latency.md): against ours, and against a real iperf3
# server, which answers no probe (end.latency.error)
run ours_latency.json "$ours" "$ours" -t 3 --latency -J
run ours_latency_stream.jsonl "$ours" "$ours" -t 3 --latency --json-stream
run ours_latency_vs_iperf3.json "$v312" "$ours" -t 2 --latency -J
# a failed run: nothing listens on this port
"$ours" -c 127.0.0.1 -p "$(free_port)" -t 1 -J >"$out/ours_refused.json" || true
# a session directory with two kinds of test of one pair (report's per-kind matrices): two TCP
# repeats a -> b (iperf3 3.12) and one UDP --bidir test at 50M (iperf3 3.21); tests.jsonl as the
# session writes it (PlanOutputDirectory.jsonLine), the figures read from each -J output's end
kinds=$root/report/src/test/resources/io/iperf3j/report/session-kinds
mkdir -p "$kinds/raw"
out=$kinds/raw
run tcp_a-b_r1.json "$v312" "$v312" -t 2 -J
run tcp_a-b_r2.json "$v312" "$v312" -t 2 -J
run udp_bidir_a-b.json "$v321" "$v321" -t 2 -u -b 50M --bidir -J
python3 - "$kinds" >"$kinds/tests.jsonl" <<'PY'
import json, sys
tests = [("tcp_a-b_r1", "forward", "tcp", "tcp", 1, "tcp_a-b_r1.json"),
         ("tcp_a-b_r2", "forward", "tcp", "tcp", 2, "tcp_a-b_r2.json"),
         ("udp_bidir_a-b", "bidir", "udp", "udp bidir -b 50M", 1, "udp_bidir_a-b.json")]
for id, direction, protocol, kind, repeat, output in tests:
    end = json.load(open(sys.argv[1] + "/raw/" + output))["end"]
    print(json.dumps({"id": id, "sender": "a", "receiver": "b", "direction": direction, "protocol": protocol,
        "kind": kind, "repeat": repeat, "status": "ok", "error": None,
        "sent_bits_per_second": end["sum_sent"]["bits_per_second"],
        "received_bits_per_second": end["sum_received"]["bits_per_second"],
        "received_bytes": end["sum_received"]["bytes"],
        "reverse_received_bits_per_second": end.get("sum_received_bidir_reverse", {}).get("bits_per_second"),
        "client_output": "raw/" + output, "server_output": None}, separators=(",", ":")))
PY
# session-order (issue 38): not a session run but assembled the same way. Its tests.jsonl lists the
# tests in the order they finished (h2 -> h3, h3 -> h1, h1 -> h2) and hosts.txt the plan's order
# (h1, h2, h3); the two finished tests' outputs are copies of session/outputs/t1-a-b-tcp.json, and
# the failed test (the sender's sshd refused) has no client output, only its server's, recorded with
# `iperf3j -s -J` stopped by SIGTERM while idle ("interrupt - the server has terminated").
