#!/usr/bin/env python3
"""TCP ACK counters per GB received over one loopback pair (issue 68).

usage: bench/stream_acks.py LABEL JAR|IPERF3_BINARY [client options, e.g. -P 4]

Runs a `-s -1` server and a 4 s client (a jar through ./iperf3j with IPERF3J_JAR, or an iperf3 binary),
reads /proc/net/netstat and /proc/net/snmp just before and after the client and prints, per GB received:
pure ACKs, fast-path ACKs (TCPHPAcks: the receive low-water mark makes the kernel ACK at once and loses
them), receive-queue coalescing, delayed ACKs and segments. Counts, so a loaded machine does not change
them much; but they are the root namespace's, so other loopback TCP traffic during the run adds to them.
Port 5821. Results: bench/results/2026-11-29-issue68-rest.txt.
"""
import json
import os
import subprocess
import sys
import time

if len(sys.argv) < 3:
    sys.exit(__doc__)
label, what, *cargs = sys.argv[1:]
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
env = dict(os.environ)
if what.endswith(".jar"):
    argv = [root + "/iperf3j"]
    env["IPERF3J_JAR"] = what
else:
    argv = [what]
port = "5821"
KEYS = ["TcpExt:TCPPureAcks", "TcpExt:TCPHPAcks", "TcpExt:TCPRcvCoalesce", "TcpExt:DelayedACKs",
        "Tcp:OutSegs", "Tcp:InSegs"]


def counters():
    out = {}
    for f in ("/proc/net/netstat", "/proc/net/snmp"):
        lines = open(f).read().splitlines()
        for names, values in zip(lines[::2], lines[1::2]):
            k, v = names.split(), values.split()
            for n, x in zip(k[1:], v[1:]):
                out[k[0] + n] = int(x)
    return out


srv = subprocess.Popen(argv + ["-s", "-1", "-p", port], env=env, stdout=subprocess.DEVNULL)
try:
    time.sleep(2.0)
    before = counters()
    cli = subprocess.run(argv + ["-c", "127.0.0.1", "-p", port, "-t", "4", "-J"] + cargs, env=env,
                         capture_output=True, text=True)
    after = counters()
    srv.wait(timeout=10)
finally:
    if srv.poll() is None:
        srv.terminate()
gb = json.loads(cli.stdout)["end"]["sum_received"]["bytes"] / 1e9
print(f"{label:6s} {gb:5.1f} GB  " + "  ".join(f"{k.split(':')[1]} {(after[k] - before[k]) / gb:7.0f}" for k in KEYS))
