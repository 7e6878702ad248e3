#!/usr/bin/env python3
"""Kernel-event counts per GB of iperf3j and iperf3, one side at a time (issue 58).

CPU time cannot be measured on a loaded machine; counts can. For each case this runs the side under
study (the client, against a long-lived reference iperf3 server; or a long-lived server, against the
reference iperf3 client) under `perf stat` and reports, per GB received: system calls (all, and
write/read/futex/clock_nanosleep/getsockopt/epoll_wait), context switches, page faults and timer
starts. A server is counted for one test after an uncounted warm-up test (perf stat attaches to its
PID for the test's duration), so its JVM start-up is left out; a client's start-up is in.

Usage: bench/cpu_counts.py [--time 5] [--cases tcp_b5g,...] [--side client,server]
       [--impl NAME=ARGV ...] [--peer PATH] [--out FILE.md]
e.g.   bench/cpu_counts.py --impl "iperf3j=./iperf3j" --impl "before=env IPERF3J_JAR=old.jar ./iperf3j"
"""
import argparse
import json
import os
import shlex
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from bench import free_port, port_listening, stop_process  # noqa: E402
from cpu_per_bit import CASES, PEER_321  # noqa: E402

EVENTS = ["raw_syscalls:sys_enter", "syscalls:sys_enter_write", "syscalls:sys_enter_read",
          "syscalls:sys_enter_futex", "syscalls:sys_enter_clock_nanosleep", "syscalls:sys_enter_getsockopt",
          "syscalls:sys_enter_epoll_wait", "context-switches", "page-faults", "timer:hrtimer_start"]
SHORT = {"raw_syscalls:sys_enter": "syscalls", "syscalls:sys_enter_write": "write",
         "syscalls:sys_enter_read": "read", "syscalls:sys_enter_futex": "futex",
         "syscalls:sys_enter_clock_nanosleep": "clock_nanosleep", "syscalls:sys_enter_getsockopt": "getsockopt",
         "syscalls:sys_enter_epoll_wait": "epoll_wait", "context-switches": "ctx switches",
         "page-faults": "page faults", "timer:hrtimer_start": "hrtimer starts"}


def perf_counts(path):
    counts = {}
    with open(path) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            parts = line.strip().split(",")
            if len(parts) > 2 and parts[0].replace(".", "").isdigit():
                counts[SHORT.get(parts[2], parts[2])] = int(float(parts[0]))
    return counts


def start_server(argv, port, env=None):
    p = subprocess.Popen(["nice", "-n", "19"] + argv + ["-s", "-p", str(port)], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True, env=env)
    deadline = time.monotonic() + 30
    while not port_listening(port):
        if p.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"server {argv} did not listen")
        time.sleep(0.05)
    return p


def stop(p):
    stop_process(p, group=True)  # started in a session of its own (perf stat and its child)


def java_pid(p):
    """The JVM under a launcher (bash execs it, so usually the same PID)."""
    return p.pid


def client(argv, port, case, secs, env=None, perf_out=None):
    cargs, _ = CASES[case]
    cmd = argv + ["-c", "127.0.0.1", "-p", str(port), "-J", "-t", str(secs)] + cargs
    if perf_out:
        cmd = ["perf", "stat", "-x,", "-e", ",".join(EVENTS), "-o", perf_out] + cmd
    out = subprocess.run(["nice", "-n", "19"] + cmd, capture_output=True, env=env, timeout=secs + 90)
    doc = json.loads(out.stdout)
    end = doc["end"]
    r = end.get("sum_received") or end.get("sum") or {}
    b = r.get("bytes", 0)
    if CASES[case][1] == "bidir":
        b += (end.get("sum_received_bidir_reverse") or {}).get("bytes", 0)
    return b


def parse_impl(spec):
    name, _, cmd = spec.partition("=")
    words = shlex.split(cmd)
    env = dict(os.environ)
    while words and words[0] == "env":
        words.pop(0)
        while words and "=" in words[0] and not words[0].startswith("/"):
            k, _, v = words.pop(0).partition("=")
            env[k] = v
    return name, words, env


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--time", type=int, default=5)
    ap.add_argument("--cases", default="tcp_b5g,tcp_unpaced,tcp_r_b5g,udp_b2g")
    ap.add_argument("--side", default="client,server")
    ap.add_argument("--impl", action="append", default=[])
    ap.add_argument("--peer", default=PEER_321 if os.path.exists(PEER_321) else "iperf3")
    ap.add_argument("--port", type=int, default=5951)
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    impls = [parse_impl(s) for s in args.impl] or [("iperf3j", [os.path.join(ROOT, "iperf3j")], dict(os.environ))]
    impls.append(("iperf3 (" + os.path.basename(os.path.dirname(os.path.dirname(args.peer))) + ")", [args.peer], None))
    tmp = f"/tmp/cpu-counts-{os.getpid()}.txt"
    rows = []
    for side in args.side.split(","):
        for case in args.cases.split(","):
            for name, argv, env in impls:
                port = free_port(args.port)
                if side == "client":
                    srv = start_server([args.peer], port)
                    try:
                        b = client(argv, port, case, args.time, env, tmp)
                    finally:
                        stop(srv)
                    counts = perf_counts(tmp)
                else:
                    srv = start_server(argv, port, env)
                    try:
                        client([args.peer], port, "tcp_unpaced", 1)  # warm-up, not counted
                        perf = subprocess.Popen(["nice", "-n", "19", "perf", "stat", "-x,", "-e", ",".join(EVENTS),
                                                 "-o", tmp, "-p", str(java_pid(srv))])
                        time.sleep(0.5)
                        b = client([args.peer], port, case, args.time)
                        time.sleep(0.5)
                        perf.send_signal(signal.SIGINT)
                        perf.wait(timeout=10)
                    finally:
                        stop(srv)
                    counts = perf_counts(tmp)
                gb = b / 1e9
                row = {"side": side, "case": case, "impl": name, "GB": round(gb, 2)}
                row.update({k: round(v / gb) if gb else None for k, v in counts.items()})
                rows.append(row)
                print(json.dumps(row), file=sys.stderr, flush=True)
    keys = ["GB"] + [SHORT[e] for e in EVENTS]
    lines = ["| side | case | implementation | " + " | ".join(k if k == "GB" else k + " /GB" for k in keys) + " |",
             "|---|---|---|" + "---|" * len(keys)]
    for r in rows:
        lines.append(f"| {r['side']} | {r['case']} | {r['impl']} | " + " | ".join(str(r.get(k, "-")) for k in keys) + " |")
    md = "\n".join(lines) + "\n"
    print(md)
    if args.out:
        with open(args.out, "w") as f:
            f.write(md)
    try:
        os.remove(tmp)
    except OSError:
        pass


if __name__ == "__main__":
    main()
