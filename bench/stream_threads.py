#!/usr/bin/env python3
"""Per-thread scheduling of one loopback pair (issue 68), over a 2 s window mid-test.

usage: bench/stream_threads.py LABEL JAR|IPERF3_BINARY [client options, e.g. -P 4]

Runs a `-s -1` server and a 5 s client (the jar through ./iperf3j with IPERF3J_JAR, or an iperf3
binary), reads every thread's /proc/PID/task/TID/{schedstat,status} 1.5 s into the test and 2 s
later, and prints each busy thread's run time and run-queue wait (% of the window) and its
voluntary and involuntary context switches per GB received (the test's average rate over the
window). With PERF=EVENTS (perf stat -e syntax, e.g.
PERF=context-switches,raw_syscalls:sys_enter,syscalls:sys_enter_recvfrom,syscalls:sys_enter_poll)
it also counts those events per process over the window, per GB. IPERF3J_JAVA_OPTS passes through.
Port 5811. Results: bench/results/2026-11-29-issue68-threads.txt.
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
if what.endswith(".jar"):
    argv = [root + "/iperf3j"]; env = dict(os.environ, IPERF3J_JAR=what)
else:
    argv = [what]; env = dict(os.environ)
port = "5811"
def snap(pid):
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            comm = open(f"/proc/{pid}/task/{tid}/comm").read().strip()
            run, wait, slices = map(int, open(f"/proc/{pid}/task/{tid}/schedstat").read().split())
            st = {l.split(":")[0]: int(l.split()[1]) for l in open(f"/proc/{pid}/task/{tid}/status") if "ctxt_switches" in l}
            out[tid] = (comm, run, wait, slices, st["voluntary_ctxt_switches"], st["nonvoluntary_ctxt_switches"])
        except (FileNotFoundError, ProcessLookupError):
            pass
    return out
srv = subprocess.Popen(argv + ["-s", "-1", "-p", port], env=env, stdout=subprocess.DEVNULL)
time.sleep(2.0)
cli = subprocess.Popen(argv + ["-c", "127.0.0.1", "-p", port, "-t", "5", "-J"] + cargs, env=env, stdout=subprocess.PIPE)
time.sleep(1.5)
a = {p: snap(p) for p in (srv.pid, cli.pid)}
perfs = []
if os.environ.get("PERF"):
    ev = os.environ["PERF"]
    for side, p in (("server", srv.pid), ("client", cli.pid)):
        perfs.append((side, subprocess.Popen(["perf", "stat", "-x", ",", "-e", ev, "-p", str(p), "--", "sleep", "2"],
                                             stderr=subprocess.PIPE, text=True)))
t0 = time.time(); time.sleep(2.0); dt = time.time() - t0
b = {p: snap(p) for p in (srv.pid, cli.pid)}
res = json.loads(cli.communicate()[0]); srv.wait()
gbps = res["end"]["sum_received"]["bits_per_second"] / 1e9
gb = gbps * dt / 8  # GB moved in the window (test average rate)
for side, pp in perfs:
    for line in pp.communicate()[1].splitlines():
        f = line.split(",")
        if len(f) > 2 and f[0].replace(".", "").isdigit():
            print(f"  perf {side}: {f[2]} {int(float(f[0]))/gb:.0f} per GB")
print(f"== {label} {' '.join(cargs)}: {gbps:.2f} Gbit/s; window {dt:.2f} s ~ {gb:.2f} GB")
for side, p in (("server", srv.pid), ("client", cli.pid)):
    tot = [0]*5
    rows = []
    for tid, v in b[p].items():
        if tid not in a[p]: continue
        u = a[p][tid]
        d = [v[i] - u[i] for i in range(1, 6)]
        if d[0] < 5e6 and d[3] + d[4] < 20: continue
        rows.append((v[0], d)); tot = [x + y for x, y in zip(tot, d)]
    print(f"  {side}: run {tot[0]/1e9/dt*100:.0f}% cpu, runqueue-wait {tot[1]/1e9/dt*100:.0f}%, vol cs/GB {tot[3]/gb:.0f}, invol cs/GB {tot[4]/gb:.0f}")
    for comm, d in sorted(rows, key=lambda r: -r[1][0]):
        print(f"    {comm:16s} run {d[0]/1e9/dt*100:5.1f}%  wait {d[1]/1e9/dt*100:5.1f}%  vol/GB {d[3]/gb:7.0f}  invol/GB {d[4]/gb:6.0f}")
