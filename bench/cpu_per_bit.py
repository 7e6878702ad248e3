#!/usr/bin/env python3
"""CPU per bit: iperf3j beside iperf3 3.21 and 3.12, each process in its own cgroup (issue 58).

Every run puts the server and the client of one implementation in two fresh cgroups (cgroup v2's
cpu.stat usage_usec; cgroup v1's cpuacct.usage where v2 has no mount) before they exec, so all their
threads and children (the launcher's bash, the JVM) are charged, start-up and exit included. The
figure is CPU seconds per Gbit moved: (server + client CPU) / (receiver bytes x 8 / 1e9).

Three kinds of figures, the implementations always in turn (A B C, then C B A, ...):

* pairs: a `-s -1` server and a `-c` client of the same implementation, both started per run;
* client alone: the client of each implementation against one long-lived server of the reference
  iperf3 (the first --peer), only the client's cgroup counted: the same server for everyone;
* server alone: one long-lived server per implementation (warmed by one uncounted 1 s test, so its
  JVM start-up is not in the figure), only the server's cgroup counted while the reference iperf3
  client runs against it: the same client for everyone.

Usage: bench/cpu_per_bit.py [--smoke] [--rounds N] [--time S] [--long] [--cases a,b]
       [--peer PATH ...] [--jar JAR] [--compare-jar JAR] [--variant NAME=JVM_OPTS] [--out DIR]
"""
import argparse
import datetime
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from bench import free_port, iperf3_version, stop_process as stop, wait_listening, write_results  # noqa: E402  (the side-by-side bench's helpers)

PEER_321 = os.path.expanduser("~/.cache/iperf3j/iperf3-3.21/bin/iperf3")
# name -> (client args, kind). kind "bidir" adds both directions' receiver bytes.
CASES = {
    "tcp_b5g": (["-b", "5G"], "tcp"),
    "tcp_unpaced": ([], "tcp"),
    "tcp_r_b5g": (["-R", "-b", "5G"], "tcp"),
    "udp_b2g": (["-u", "-b", "2G", "-l", "1460"], "udp"),
    "tcp_p4": (["-P", "4"], "tcp"),
    "tcp_bidir": (["--bidir"], "bidir"),
    "tcp_z": (["-Z"], "tcp"),
}
LONG_CASES = ("tcp_b5g", "tcp_unpaced", "tcp_r_b5g")  # also run at -t 60 with --long
ALONE_CASES = ("tcp_b5g", "tcp_unpaced", "tcp_r_b5g", "udp_b2g")  # client alone / server alone


class Cgroups:
    """Fresh leaf cgroups under one parent of this run; v2 where mounted, else v1 cpuacct."""

    def __init__(self, prefix="iperf3j-cpb"):
        self.v2 = self.v1 = None
        with open("/proc/mounts") as f:
            for line in f:
                dev, mnt, fstype = line.split()[:3]
                if fstype == "cgroup2" and self.v2 is None:
                    self.v2 = mnt
                elif fstype == "cgroup" and "cpuacct" in line.split()[3].split(","):
                    self.v1 = mnt
        base = self.v2 or self.v1
        if base is None:
            sys.exit("cpu_per_bit: no cgroup2 mount and no cgroup v1 cpuacct mount")
        self.parent = os.path.join(base, f"{prefix}-{os.getpid()}")
        os.makedirs(self.parent, exist_ok=True)
        self.count = 0
        self.kind = "cgroup2 cpu.stat usage_usec" if self.v2 else "cgroup v1 cpuacct.usage"

    def new(self, label):
        self.count += 1
        path = os.path.join(self.parent, f"{self.count}-{label}")
        os.mkdir(path)
        return path

    def usage_s(self, path):
        """CPU seconds charged to the cgroup so far (user + system)."""
        if self.v2:
            with open(os.path.join(path, "cpu.stat")) as f:
                for line in f:
                    k, v = line.split()
                    if k == "usage_usec":
                        return int(v) / 1e6
            return 0.0
        with open(os.path.join(path, "cpuacct.usage")) as f:
            return int(f.read()) / 1e9

    def split_s(self, path):
        """(user, system) seconds, for the table's notes."""
        if self.v2:
            d = {}
            with open(os.path.join(path, "cpu.stat")) as f:
                for line in f:
                    k, v = line.split()
                    d[k] = int(v)
            return d.get("user_usec", 0) / 1e6, d.get("system_usec", 0) / 1e6
        with open(os.path.join(path, "cpuacct.usage_user")) as f:
            u = int(f.read()) / 1e9
        with open(os.path.join(path, "cpuacct.usage_sys")) as f:
            s = int(f.read()) / 1e9
        return u, s

    def remove(self, path):
        for _ in range(50):
            try:
                os.rmdir(path)
                return
            except OSError:
                time.sleep(0.1)  # a process still leaving

    def close(self):
        try:
            for d in os.listdir(self.parent):  # the control files are listed too: only the child groups
                if os.path.isdir(os.path.join(self.parent, d)):
                    self.remove(os.path.join(self.parent, d))
            os.rmdir(self.parent)
        except OSError:
            pass


def spawn(argv, cgroup, env, stdout=subprocess.DEVNULL):
    """Starts argv at nice 19 in `cgroup` (it moves itself there before exec, so every thread and child is in it)."""
    def enter():
        with open(os.path.join(cgroup, "cgroup.procs"), "w") as f:
            f.write("0")
        os.nice(19)
    return subprocess.Popen(argv, stdout=stdout, stderr=subprocess.PIPE, env=env, preexec_fn=enter,
                            start_new_session=True)


class Impl:
    def __init__(self, name, argv, env=None, is_java=False):
        self.name, self.argv, self.env, self.is_java = name, argv, env, is_java


def moved_gbit(doc, kind):
    end = doc["end"]
    r = end.get("sum_received") or end.get("sum") or {}
    b = r.get("bytes", 0)
    if kind == "bidir":
        b += (end.get("sum_received_bidir_reverse") or {}).get("bytes", 0)
    return b * 8 / 1e9


def client_run(impl, case, secs, port, cg, label):
    """Runs impl's client (in its own cgroup) against a listening server; (doc, client cpu, (user, sys))."""
    cargs, _ = CASES[case]
    path = cg.new(label)
    try:
        argv = impl.argv + ["-c", "127.0.0.1", "-p", str(port), "-J", "-t", str(secs)] + cargs
        client = spawn(argv, path, impl.env, stdout=subprocess.PIPE)
        out, err = client.communicate(timeout=secs + 90)
        if client.returncode != 0:
            raise RuntimeError(f"{impl.name} {case} client failed ({client.returncode}): "
                               f"{err.decode()[-300:]} {out.decode()[-300:]}")
        return json.loads(out), cg.usage_s(path), cg.split_s(path)
    finally:
        cg.remove(path)


def pair_run(impl, case, secs, args, cg):
    """A -s -1 server and a client of the same implementation, each in its own cgroup."""
    _, kind = CASES[case]
    port = free_port(args.port)
    spath = cg.new(impl.name.replace(" ", "_") + "-server")
    try:
        server = spawn(impl.argv + ["-s", "-1", "-p", str(port)], spath, impl.env)
        try:
            wait_listening(server, port, impl.name)
            doc, ccpu, csplit = client_run(impl, case, secs, port, cg, impl.name.replace(" ", "_") + "-client")
            server.wait(timeout=30)
        finally:
            stop(server)
        scpu, ssplit = cg.usage_s(spath), cg.split_s(spath)
    finally:
        cg.remove(spath)
    gbit = moved_gbit(doc, kind)
    return {"gbit": gbit, "server_cpu_s": scpu, "client_cpu_s": ccpu, "server_user_sys": ssplit,
            "client_user_sys": csplit, "cpu_per_gbit": (scpu + ccpu) / gbit if gbit else None}


class LongServer:
    """A long-lived server of one implementation in its own cgroup (server-alone and client-alone figures)."""

    def __init__(self, impl, args, cg):
        self.impl, self.cg = impl, cg
        self.port = free_port(args.port + 100)
        self.path = cg.new(impl.name.replace(" ", "_") + "-longserver")
        self.proc = spawn(impl.argv + ["-s", "-p", str(self.port)], self.path, impl.env)
        wait_listening(self.proc, self.port, impl.name)

    def usage(self):
        return self.cg.usage_s(self.path)

    def close(self):
        stop(self.proc)
        self.cg.remove(self.path)


def settle(server, quiet_s=0.3, max_s=5.0):
    """Waits until the long-lived server's CPU stops growing (its teardown after the client left)."""
    last = server.usage()
    end = time.monotonic() + max_s
    while time.monotonic() < end:
        time.sleep(quiet_s)
        now = server.usage()
        if now - last < 0.002:
            return now
        last = now
    return last


def machine_line(impls, cg):
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    versions = {}
    for i in impls:
        out = subprocess.run(i.argv + ["--version"], capture_output=True, text=True, env=i.env)
        versions[i.name] = (out.stdout.splitlines() or ["?"])[0]
    with open("/proc/loadavg") as f:
        load = f.read().split()[:3]
    return {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "host": platform.node(), "kernel": platform.release(), "cpu": cpu, "cpus": os.cpu_count(),
            "versions": versions, "commit": commit.stdout.strip(), "loadavg_at_start": load, "accounting": cg.kind,
            "quiet_ok": os.path.exists("/work/quiet-ok")}


def summarise(xs):
    xs = [x for x in xs if x is not None]
    if not xs:
        return None
    return {"median": statistics.median(xs), "min": min(xs), "max": max(xs), "n": len(xs)}


def cell(s, digits=3):
    if s is None:
        return "-"
    return f"{s['median']:.{digits}f} ({s['min']:.{digits}f}–{s['max']:.{digits}f})"


def implementations(args):
    launcher = os.path.join(ROOT, "iperf3j")
    jar = args.jar
    if jar is None:
        cands = sorted(f for f in os.listdir(os.path.join(ROOT, "cli", "target"))
                       if f.startswith("iperf3j-") and f.endswith(".jar") and "-cli-" not in f)
        if not cands:
            sys.exit("cpu_per_bit: no jar in cli/target (build: mvn -pl cli -am package -DskipTests)")
        jar = os.path.join(ROOT, "cli", "target", cands[0])
    impls = [Impl("iperf3j", [launcher], dict(os.environ, IPERF3J_JAR=jar), True)]
    if args.compare_jar:
        impls.append(Impl("iperf3j-base", [launcher], dict(os.environ, IPERF3J_JAR=args.compare_jar), True))
    for v in args.variant:
        name, _, opts = v.partition("=")
        impls.append(Impl("iperf3j-" + name, [launcher], dict(impls[0].env, IPERF3J_JAVA_OPTS=opts), True))
    peers = args.peer or [p for p in (PEER_321, "/usr/bin/iperf3") if os.path.exists(p)]
    for p in peers:
        binary = shutil.which(p) or p
        words = iperf3_version(binary).split()
        impls.append(Impl("iperf3 " + (words[1] if len(words) > 1 else binary), [binary]))
    return impls


def markdown(table):
    m = table["machine"]
    names = table["implementations"]
    ref = table["reference"]
    lines = [f"# CPU per bit: iperf3j beside iperf3 ({m['date']})", "",
             f"Machine: {m['host']}, {m['cpus']} CPUs ({m['cpu']}), Linux {m['kernel']}; load average at start "
             f"{' '.join(m['loadavg_at_start'])}; /work/quiet-ok present: {m['quiet_ok']}; commit {m['commit']}.",
             "Versions: " + "; ".join(f"{k}: {v}" for k, v in m["versions"].items()) + ".",
             f"Method: {table['rounds']} round(s), implementations in turn; each process in its own cgroup "
             f"({m['accounting']}), start-up and exit included; every process at nice 19. "
             "Figures: CPU seconds per Gbit received, median (min–max); ratio = iperf3j / the column's iperf3.",
             ""]
    for section, title in (("pairs", "Pairs (server + client of the same implementation, CPU s per Gbit)"),
                           ("client_alone", f"Client alone against one long-lived {ref} server (client CPU s per Gbit)"),
                           ("server_alone", f"Server alone, long-lived and warmed, the {ref} client (server CPU s per Gbit)")):
        rows = table[section]
        if not rows:
            continue
        peers = [n for n in names if n.startswith("iperf3 ")]
        lines += [f"## {title}", "",
                  "| case | " + " | ".join(names) + " | " + " | ".join(f"ratio vs {p}" for p in peers) + " |",
                  "|---|" + "---|" * (len(names) + len(peers))]
        for case, per in rows.items():
            sums = {n: summarise([r["cpu_per_gbit"] for r in per.get(n, [])]) for n in names}
            ratios = []
            for p in peers:
                a, b = sums.get("iperf3j"), sums.get(p)
                ratios.append(f"{a['median'] / b['median']:.2f}" if a and b and b["median"] else "-")
            lines.append(f"| {case} | " + " | ".join(cell(sums[n]) for n in names) + " | " + " | ".join(ratios) + " |")
        lines.append("")
    if table["failures"]:
        lines += ["Failures: " + "; ".join(f"{f['section']} {f['case']} {f['impl']}: {f['error'][:120]}"
                                           for f in table["failures"]), ""]
    return "\n".join(lines)


def main():
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--smoke", action="store_true", help="1 round of 1 s per case: checks the bench works")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--time", type=int, default=10)
    ap.add_argument("--long", action="store_true", help="also the 60 s variants of " + ", ".join(LONG_CASES))
    ap.add_argument("--cases", default=",".join(CASES))
    ap.add_argument("--sections", default="pairs,client_alone,server_alone")
    ap.add_argument("--peer", action="append", default=[],
                    help="an iperf3 binary (repeatable; default 3.21 from ~/.cache/iperf3j, then /usr/bin/iperf3); "
                         "the first is the reference server/client of the alone figures")
    ap.add_argument("--jar", default=None)
    ap.add_argument("--compare-jar", default=None, help="also run this jar as 'iperf3j-base' (before/after)")
    ap.add_argument("--variant", action="append", default=[], help="NAME=JVM_OPTS: iperf3j with these options too")
    ap.add_argument("--port", type=int, default=5901)
    ap.add_argument("--out", default=None, help="directory (default bench/results; with --smoke a temporary one)")
    ap.add_argument("--name", default=None, help="file stem (default <date>-cpu-per-bit)")
    args = ap.parse_args()
    if args.smoke:
        args.rounds, args.time = 1, 1
    if args.out is None:
        args.out = tempfile.mkdtemp(prefix="cpu-per-bit-smoke-") if args.smoke else os.path.join(ROOT, "bench", "results")
    cases = [c for c in args.cases.split(",") if c]
    for c in cases:
        if c not in CASES:
            sys.exit(f"unknown case {c}; known: {', '.join(CASES)}")
    sections = args.sections.split(",")
    impls = implementations(args)
    names = [i.name for i in impls]
    peers = [i for i in impls if not i.is_java]
    if not peers:
        sys.exit("cpu_per_bit: no iperf3 peer found (--peer PATH)")
    ref = peers[0]
    cg = Cgroups()
    table = {"implementations": names, "reference": ref.name, "rounds": args.rounds, "time_s": args.time,
             "pairs": {}, "client_alone": {}, "server_alone": {}, "failures": []}
    try:
        table["machine"] = machine_line(impls, cg)
        runs = [(c, args.time) for c in cases]
        if args.long and not args.smoke:
            runs += [(c, 60) for c in LONG_CASES if c in cases]

        def record(section, case, secs, impl, fn):
            key = case if secs == args.time else f"{case}_{secs}s"
            try:
                r = fn()
            except (RuntimeError, subprocess.TimeoutExpired, ValueError, KeyError) as e:
                print(f"  FAILED {section} {key} {impl.name}: {e}", file=sys.stderr, flush=True)
                table["failures"].append({"section": section, "case": key, "impl": impl.name, "error": str(e)})
                return
            table[section].setdefault(key, {}).setdefault(impl.name, []).append(r)
            print(f"{section:12s} {key:18s} {impl.name:14s} {r['gbit']:8.2f} Gbit  "
                  f"{r.get('server_cpu_s', 0):6.3f} + {r.get('client_cpu_s', 0):6.3f} CPU s  "
                  f"-> {r['cpu_per_gbit']:.4f} s/Gbit", file=sys.stderr, flush=True)

        for rnd in range(args.rounds):
            order = impls if rnd % 2 == 0 else impls[::-1]
            if "pairs" in sections:
                for case, secs in runs:
                    for impl in order:
                        record("pairs", case, secs, impl, lambda: pair_run(impl, case, secs, args, cg))
            if "client_alone" in sections:
                server = LongServer(ref, args, cg)
                try:
                    for case, secs in runs:
                        if case not in ALONE_CASES:
                            continue
                        for impl in order:
                            def alone():
                                doc, ccpu, split = client_run(impl, case, secs, server.port, cg,
                                                              impl.name.replace(" ", "_") + "-alone")
                                gbit = moved_gbit(doc, CASES[case][1])
                                return {"gbit": gbit, "client_cpu_s": ccpu, "client_user_sys": split,
                                        "cpu_per_gbit": ccpu / gbit if gbit else None}
                            record("client_alone", case, secs, impl, alone)
                finally:
                    server.close()
            if "server_alone" in sections:
                for impl in order:
                    try:
                        server = LongServer(impl, args, cg)
                    except RuntimeError as e:
                        table["failures"].append({"section": "server_alone", "case": "-", "impl": impl.name,
                                                  "error": str(e)})
                        continue
                    try:
                        client_run(ref, "tcp_unpaced", 1, server.port, cg, "warmup")  # JVM start-up out
                        for case, secs in runs:
                            if case not in ALONE_CASES:
                                continue
                            def alone():
                                before = settle(server)
                                doc, _, _ = client_run(ref, case, secs, server.port, cg, "refclient")
                                used = settle(server) - before
                                gbit = moved_gbit(doc, CASES[case][1])
                                return {"gbit": gbit, "server_cpu_s": used,
                                        "cpu_per_gbit": used / gbit if gbit else None}
                            record("server_alone", case, secs, impl, alone)
                    finally:
                        server.close()
    finally:
        cg.close()
    stem = args.name or (("smoke-" if args.smoke else "") + datetime.date.today().isoformat() + "-cpu-per-bit")
    write_results(args.out, stem, table, markdown(table))
    print(f"written: {os.path.join(args.out, stem)}.{{json,md}}", file=sys.stderr)
    return 1 if table["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
