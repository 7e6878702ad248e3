#!/usr/bin/env python3
"""Side-by-side loopback benchmark: iperf3 (Debian's C build) against iperf3j.

Each case runs as a pair of processes per implementation (``-s -1`` server and
``-c`` client, as iperf3 is used), the two implementations in turn (A B, then
B A in the next round, ...), so slow drift of this shared VM hits both alike.
Before every run the script waits for an idle CPU; a run during which processes
outside the pair used noticeable CPU is repeated (at most twice, or --retries times, then kept and
flagged). Every server is started and stopped by its PID.

Figures come from the client's ``-J`` output (the receiver's figures reach it
through iperf3's results exchange). The table gives median (min-max) per
implementation and the ratio of the medians iperf3j / iperf3.

Usage: bench/run.sh [--smoke] [--rounds N] [--time S] [--cases a,b] [--out DIR]
"""
import argparse
import datetime
import json
import os
import platform
import resource
import shutil
import signal
import socket
import tempfile
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# name -> (client args, kind, target). Targets are the ratios against iperf3 3.21 that issue 16
# asks for (tcp_p4 and tcp_bidir were 1.15/1.10 against 3.12 in issue 6).
CASES = {
    "tcp_p1":    (["-t", "{t}"], "tcp", {"recv_gbps": 1.00}),
    "tcp_p4":    (["-t", "{t}", "-P", "4"], "tcp", {"recv_gbps": 1.00}),
    "tcp_r":     (["-t", "{t}", "-R"], "tcp", {"recv_gbps": 1.00}),
    "tcp_bidir": (["-t", "{t}", "--bidir"], "bidir", {"recv_gbps": 1.00}),
    "tcp_z":     (["-t", "{t}", "-Z"], "tcp", {"recv_gbps": 1.05}),
    "tcp_skiprx": (["-t", "{t}", "--skip-rx-copy"], "tcp", {"recv_gbps": 1.00}),
    "udp_b0":    (["-t", "{t}", "-u", "-b", "0", "-l", "1460"], "udp", {"recv_kpps": 1.20, "loss_pct": "<=1.00"}),
    "udp_gsro":  (["-t", "{t}", "-u", "-b", "0", "-l", "1460", "--gsro"], "udp", {"recv_kpps": 1.00}),
    "udp_1g":    (["-t", "{t}", "-u", "-b", "1G", "-l", "1460"], "udp", {"cpu_total": "<=1.00"}),
    # Issue 68: many streams on few cores (more busy threads than cores), forward and -R.
    "tcp_p2":    (["-t", "{t}", "-P", "2"], "tcp", {"recv_gbps": 1.00}),
    "tcp_p8":    (["-t", "{t}", "-P", "8"], "tcp", {"recv_gbps": 1.00}),
    "tcp_p2_r":  (["-t", "{t}", "-P", "2", "-R"], "tcp", {"recv_gbps": 1.00}),
    "tcp_p4_r":  (["-t", "{t}", "-P", "4", "-R"], "tcp", {"recv_gbps": 1.00}),
    "tcp_p8_r":  (["-t", "{t}", "-P", "8", "-R"], "tcp", {"recv_gbps": 1.00}),
}
# The full run's cases (issue 16's table); the others are run by name or through a set.
DEFAULT_CASES = ["tcp_p1", "tcp_p4", "tcp_r", "tcp_bidir", "tcp_z", "tcp_skiprx", "udp_b0", "udp_gsro", "udp_1g"]
# --cases NAME expands to these (issue 68's matrix: -P 2/4/8 forward and -R, and --bidir).
CASE_SETS = {
    "streams": ["tcp_p2", "tcp_p4", "tcp_p8", "tcp_bidir", "tcp_p2_r", "tcp_p4_r", "tcp_p8_r"],
}
# Options an iperf3 binary must be at least this version to take (3.12 has neither): such a
# case is left out for older binaries, and its column says "-".
NEEDS_VERSION = {"tcp_skiprx": (3, 18), "udp_gsro": (3, 20)}

# metric -> (label, lower is better)
METRICS = {
    "recv_gbps": ("receiver Gbit/s", False),
    "send_gbps": ("sender Gbit/s", False),
    "send_kpps": ("sender kpps", False),
    "recv_kpps": ("receiver kpps", False),
    "loss_pct": ("loss %", True),
    "jitter_ms": ("jitter ms", True),
    "cpu_client": ("client CPU %", True),
    "cpu_server": ("server CPU %", True),
    "cpu_total": ("CPU % (client+server)", True),
    "cpu_per_gbit": ("CPU % per Gbit/s", True),
}
SHOWN = {
    "tcp": ["recv_gbps", "cpu_client", "cpu_server", "cpu_per_gbit"],
    "bidir": ["recv_gbps", "cpu_client", "cpu_server", "cpu_per_gbit"],
    "udp": ["send_kpps", "recv_kpps", "loss_pct", "recv_gbps", "jitter_ms", "cpu_client", "cpu_server",
            "cpu_total", "cpu_per_gbit"],
}


def cpu_times():
    """(all jiffies, idle jiffies, task jiffies): task = user + nice + system, the time
    charged to processes; irq/softirq time (loopback traffic) and steal are not."""
    with open("/proc/stat") as f:
        parts = f.readline().split()[1:]
    v = [int(x) for x in parts]
    idle = v[3] + v[4]
    return sum(v[:8]), idle, v[0] + v[1] + v[2]


def proc_cpu_seconds(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            s = f.read()
        fields = s[s.rindex(")") + 2:].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError):
        return 0.0


def wait_idle(max_wait, need=0.92, window=1.0):
    """Waits until the whole machine was at least `need` idle over `window` s; returns the seconds waited."""
    start = time.monotonic()
    while True:
        t0, i0, _ = cpu_times()
        time.sleep(window)
        t1, i1, _ = cpu_times()
        idle = (i1 - i0) / max(1, t1 - t0)
        waited = time.monotonic() - start
        if idle >= need or waited >= max_wait:
            return waited


def write_results(out, stem, table, md):
    """OUT/STEM.json (every run) and OUT/STEM.md (the summary), and the summary on stdout."""
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, stem + ".json"), "w") as f:
        json.dump(table, f, indent=1)
    with open(os.path.join(out, stem + ".md"), "w") as f:
        f.write(md)
    print(md)


def wait_listening(proc, port, name):
    """Waits up to 30 s until a server the bench started listens on port; raises if it exits first."""
    deadline = time.monotonic() + 30
    while not port_listening(port):
        if proc.poll() is not None:
            raise RuntimeError(f"{name} server exited: {proc.stderr.read().decode()[:500]}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{name} server did not listen on {port}")
        time.sleep(0.02)


def stop_process(p, group=False):
    """SIGTERM, and SIGKILL after 5 s, to a process the bench started (with group: its own session's group)."""
    if p.poll() is None:
        kill = os.killpg if group else os.kill
        kill(p.pid, signal.SIGTERM)
        try:
            p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            kill(p.pid, signal.SIGKILL)
            p.wait()


def port_listening(port):
    for path in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(path) as f:
                next(f)
                for line in f:
                    p = line.split()
                    if p[3] == "0A" and int(p[1].rsplit(":", 1)[1], 16) == port:
                        return True
        except OSError:
            pass
    return False


def free_port(start):
    port = start
    while port < start + 200:
        if not port_listening(port):
            with socket.socket() as s:
                try:
                    s.bind(("127.0.0.1", port))
                    return port
                except OSError:
                    pass
        port += 1
    raise RuntimeError("no free port")


class Impl:
    def __init__(self, name, argv, env=None, client_extra=()):
        self.name = name
        self.argv = argv
        self.env = env
        self.client_extra = list(client_extra)  # --client-args: options only the client gets


def snapshot_jar(args, tmp):
    """The iperf3j jar the run uses, copied so that a rebuild during the run cannot change it."""
    src = args.jar
    if src is None:
        subprocess.run([os.path.join(ROOT, "iperf3j"), "--version"], capture_output=True)  # builds if stale
        cands = [f for f in os.listdir(os.path.join(ROOT, "cli", "target"))
                 if f.startswith("iperf3j-") and f.endswith(".jar") and "-cli-" not in f]
        src = os.path.join(ROOT, "cli", "target", sorted(cands)[0])
    return src  # used in place through IPERF3J_JAR (no rebuild check); the AOT cache stays valid there
    dst = os.path.join(tmp, "iperf3j.jar")
    shutil.copyfile(src, dst)
    for ext in (".aot", ".jsa"):  # a start-up archive built next to the jar goes along
        if os.path.exists(src[:-4] + ext):
            shutil.copyfile(src[:-4] + ext, dst[:-4] + ext)
    return dst


def implementations(args, tmp):
    iperf3 = shutil.which(args.iperf3) or args.iperf3
    launcher = os.path.join(ROOT, "iperf3j")
    impls = [Impl("iperf3", [iperf3]),
             Impl("iperf3j", [launcher], dict(os.environ, IPERF3J_JAR=snapshot_jar(args, tmp)))]
    if args.compare_jar:
        impls.append(Impl("iperf3j-base", [launcher], dict(os.environ, IPERF3J_JAR=args.compare_jar)))
    if args.compare_iperf3:  # a second iperf3 build (e.g. Debian's 3.12 beside 3.21) as another column
        other = shutil.which(args.compare_iperf3) or args.compare_iperf3
        impls.append(Impl(iperf3_label(other), [other]))
    for impl in impls:
        impl.version = binary_version(impl.argv[0]) if impl.name.startswith("iperf3 ") or impl.name == "iperf3" else None
    for v in args.variant:  # NAME=JVM options: the same jar with other settings
        name, _, opts = v.partition("=")
        impls.append(Impl("iperf3j-" + name, [launcher], dict(impls[1].env, IPERF3J_JAVA_OPTS=opts)))
    for v in args.client_args:  # NAME=client options: the same jar, its client with these options (e.g. --why)
        name, _, opts = v.partition("=")
        impls.append(Impl("iperf3j-" + name, [launcher], impls[1].env, opts.split()))
    return impls


def run_once(impl, case, args, port):
    cargs, kind, _ = CASES[case]
    cargs = [a.format(t=args.time) for a in cargs]
    server = subprocess.Popen(impl.argv + ["-s", "-1", "-p", str(port)], stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, start_new_session=True, env=impl.env)
    try:
        wait_listening(server, port, impl.name)
        server_cpu0 = proc_cpu_seconds(server.pid)
        _, _, task0 = cpu_times()
        t0 = time.monotonic()
        reaped0 = children_cpu()
        client = subprocess.Popen(impl.argv + ["-c", "127.0.0.1", "-p", str(port), "-J"] + cargs + impl.client_extra,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=impl.env)
        out, err = client.communicate(timeout=float(args.time) + 60)
        wall = time.monotonic() - t0
        _, _, task1 = cpu_times()
        reaped1 = children_cpu()
        client_cpu = reaped1 - reaped0  # the client was reaped by communicate()
        try:
            server.wait(timeout=15)
            server_cpu = children_cpu() - reaped1 - server_cpu0
        except subprocess.TimeoutExpired:
            server_cpu = proc_cpu_seconds(server.pid) - server_cpu0
    finally:
        stop_process(server)
    if client.returncode != 0:
        msg = err.decode()[-500:]
        try:
            msg += " " + str(json.loads(out).get("error"))
        except ValueError:
            msg += out.decode()[-500:]
        raise RuntimeError(f"{impl.name} {case} client failed ({client.returncode}): {msg}")
    doc = json.loads(out)
    busy = (task1 - task0) / os.sysconf("SC_CLK_TCK")
    outside = max(0.0, busy - client_cpu - max(0.0, server_cpu))
    m = metrics(doc, kind)
    m["wall_s"] = wall
    m["outside_cpu_s"] = round(outside, 3)
    return m


def children_cpu():
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def metrics(doc, kind):
    end = doc["end"]
    cpu = end.get("cpu_utilization_percent", {})
    m = {"cpu_client": cpu.get("host_total", 0.0), "cpu_server": cpu.get("remote_total", 0.0)}
    m["cpu_total"] = m["cpu_client"] + m["cpu_server"]
    if kind in ("tcp", "bidir"):
        recv = end["sum_received"]["bits_per_second"]
        sent = end["sum_sent"]["bits_per_second"]
        if kind == "bidir":
            recv += end["sum_received_bidir_reverse"]["bits_per_second"]
            sent += end["sum_sent_bidir_reverse"]["bits_per_second"]
        m["recv_gbps"] = recv / 1e9
        m["send_gbps"] = sent / 1e9
    else:
        s, r = end["sum_sent"], end["sum_received"]
        m["send_kpps"] = s["packets"] / s["seconds"] / 1e3
        m["recv_kpps"] = (r["packets"] - r["lost_packets"]) / r["seconds"] / 1e3
        m["loss_pct"] = r["lost_percent"]
        m["jitter_ms"] = r["jitter_ms"]
        m["send_gbps"] = s["bits_per_second"] / 1e9
        m["recv_gbps"] = r["bits_per_second"] / 1e9
    m["cpu_per_gbit"] = m["cpu_total"] / m["recv_gbps"] if m.get("recv_gbps") else 0.0
    return m


def binary_version(binary):
    """(3, 21) for a binary whose --version starts 'iperf 3.21+ ...'; None if it cannot be read."""
    words = iperf3_version(binary).split()
    try:
        major, minor = words[1].rstrip("+").split(".")[:2]
        return int(major), int("".join(ch for ch in minor if ch.isdigit()))
    except (IndexError, ValueError):
        return None


def supports(impl, case):
    need = NEEDS_VERSION.get(case)
    version = getattr(impl, "version", None)
    return need is None or version is None or version >= need


def iperf3_version(binary):
    out = subprocess.run([binary, "--version"], capture_output=True, text=True)
    return (out.stdout.splitlines() or ["?"])[0]


def iperf3_label(binary):
    """'iperf3 3.12' for a binary whose --version starts 'iperf 3.12 ...' (a column name)."""
    words = iperf3_version(binary).split()
    return "iperf3 " + words[1] if len(words) > 1 else binary


def machine_line(env, args):
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    java = subprocess.run([os.path.join(ROOT, "iperf3j"), "--version"], capture_output=True, text=True, env=env)
    iperf3 = iperf3_version(shutil.which(args.iperf3) or args.iperf3)
    if args.compare_iperf3:
        iperf3 += "; second column " + iperf3_version(shutil.which(args.compare_iperf3) or args.compare_iperf3)
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "host": platform.node(),
        "kernel": platform.release(),
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "iperf3": iperf3,
        "iperf3j": (java.stdout.splitlines() or ["?"])[0],
        "commit": commit.stdout.strip(),
    }


def summarise(samples):
    if not samples:
        return None
    return {"median": statistics.median(samples), "min": min(samples), "max": max(samples), "n": len(samples)}


def fmt(v, metric):
    if v is None:
        return "-"
    if metric in ("loss_pct",):
        return f"{v:.2f}"
    if metric == "jitter_ms":
        return f"{v:.4f}"
    if metric.startswith("cpu"):
        return f"{v:.1f}"
    return f"{v:.2f}" if abs(v) < 100 else f"{v:.1f}"


def cell(s, metric):
    if s is None:
        return "-"
    return f"{fmt(s['median'], metric)} ({fmt(s['min'], metric)}–{fmt(s['max'], metric)})"


def build_table(results, cases, machine, args):
    rows = []
    for case in cases:
        _, kind, targets = CASES[case]
        for metric in SHOWN[kind]:
            a = summarise([r[metric] for r in results[case]["iperf3"] if metric in r])
            b = summarise([r[metric] for r in results[case]["iperf3j"] if metric in r])
            ratio = b["median"] / a["median"] if a and b and a["median"] else None
            base = None
            extra = {}
            for name in results[case]:
                if name not in ("iperf3", "iperf3j"):
                    extra[name] = summarise([r[metric] for r in results[case][name] if metric in r])
            base = extra.get("iperf3j-base")
            target = targets.get(metric)
            ok = None
            if target is not None and ratio is not None:
                if isinstance(target, str):  # "<=x": lower is better
                    ok = ratio <= float(target[2:])
                else:
                    ok = ratio >= target
            rows.append({"case": case, "metric": metric, "label": METRICS[metric][0], "iperf3": a, "iperf3j": b,
                         "ratio": ratio, "target": target, "met": ok, "iperf3j_base": base, "extra": extra})
        # Loss: iperf3j must not lose more than iperf3 (UDP -b 0).
    return {"machine": machine, "time_s": args.time, "rounds": args.rounds, "rows": rows,
            "runs": results}


def markdown(table):
    m = table["machine"]
    lines = [f"# iperf3 vs iperf3j on loopback ({m['date']})", "",
             f"Machine: {m['host']}, {m['cpus']} CPUs ({m['cpu']}), Linux {m['kernel']}; {m['iperf3']}; "
             f"{m['iperf3j']} (commit {m['commit']}).",
             f"Method: {table['rounds']} rounds × {table['time_s']} s per run, iperf3 and iperf3j pairs in turn "
             "(A B, B A, ...), idle CPU awaited before each run; median (min–max); ratio = iperf3j / iperf3 medians.",
             ""]
    names = []
    for r in table["rows"]:
        for n in r.get("extra", {}):
            if n not in names:
                names.append(n)
    lines += ["| case | metric | iperf3 | iperf3j | ratio | target |" + "".join(f" {n} |" for n in names),
              "|---|---|---|---|---|---|" + "---|" * len(names)]
    for r in table["rows"]:
        ratio = "-" if r["ratio"] is None else f"{r['ratio']:.2f}"
        tgt = "" if r["target"] is None else (str(r["target"]) if isinstance(r["target"], str)
                                               else f"≥ {r['target']:.2f}")
        if r["met"] is not None:
            tgt += " ✔" if r["met"] else " ✘"
        lines.append(f"| {r['case']} | {r['label']} | {cell(r['iperf3'], r['metric'])} | "
                     f"{cell(r['iperf3j'], r['metric'])} | {ratio} | {tgt} |"
                     + "".join(f" {cell(r.get('extra', {}).get(n), r['metric'])} |" for n in names))
    return "\n".join(lines) + "\n"


def main():
    # A TERM (e.g. a test's timeout) unwinds through the finally blocks that stop servers.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    ap = argparse.ArgumentParser()
    ap.add_argument("--smoke", action="store_true", help="1 round of 1 s, two cases: checks the bench works")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--time", default="5")
    ap.add_argument("--cases", default=",".join(DEFAULT_CASES),
                    help="comma-separated case names, or a set: " + ", ".join(CASE_SETS))
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results"))
    ap.add_argument("--name", default=None, help="file name stem (default: date)")
    ap.add_argument("--iperf3", default="iperf3")
    ap.add_argument("--idle-wait", type=float, default=30.0)
    ap.add_argument("--retries", type=int, default=2,
                    help="runs disturbed by other work are run again this many times (0 on a machine that is "
                         "never quiet: the retries only triple the time)")
    ap.add_argument("--port", type=int, default=5701)
    ap.add_argument("--jar", default=None, help="iperf3j jar to run (default: the build's, snapshotted)")
    ap.add_argument("--compare-jar", default=None, help="also run this iperf3j jar as 'iperf3j-base'")
    ap.add_argument("--compare-iperf3", default=None,
                    help="also run this iperf3 binary (a column named by its version, e.g. 'iperf3 3.12')")
    ap.add_argument("--variant", action="append", default=[],
                    help="NAME=JVM_OPTS: also run iperf3j with these options as 'iperf3j-NAME' (repeatable)")
    ap.add_argument("--client-args", action="append", default=[],
                    help="NAME=OPTIONS: also run iperf3j with these client options as 'iperf3j-NAME' "
                         "(repeatable; e.g. why=--why, the cost of issue 47's verdict)")
    args = ap.parse_args()
    if args.smoke:
        args.rounds, args.time, args.idle_wait = 1, "1", 0.0
        if args.cases == ",".join(DEFAULT_CASES):
            args.cases = "tcp_p1,udp_1g"
    cases = [n for c in args.cases.split(",") if c for n in CASE_SETS.get(c, [c])]
    for c in cases:
        if c not in CASES:
            sys.exit(f"unknown case {c}; known: {', '.join(CASES)}; sets: {', '.join(CASE_SETS)}")
    tmp = tempfile.mkdtemp(prefix="iperf3j-bench-")
    impls = implementations(args, tmp)
    results = {c: {i.name: [] for i in impls} for c in cases}
    machine = machine_line(impls[1].env, args)
    failures = []
    budget = 0.06 * float(args.time)  # CPU seconds others may use during a run
    for rnd in range(args.rounds):
        order = impls if rnd % 2 == 0 else impls[::-1]  # A B, B A, ...
        for case in cases:
            for impl in order:
                if not supports(impl, case):
                    continue
                for attempt in range(args.retries + 1):
                    if args.idle_wait > 0:
                        wait_idle(args.idle_wait)
                    port = free_port(args.port)
                    try:
                        m = run_once(impl, case, args, port)
                    except RuntimeError as e:  # kept in the table's failures; the run is tried again
                        print(f"  FAILED: {e}", file=sys.stderr, flush=True)
                        failures.append({"round": rnd + 1, "case": case, "impl": impl.name, "error": str(e)})
                        if attempt == args.retries:
                            m = None
                            break
                        continue
                    m["attempt"] = attempt
                    if m["outside_cpu_s"] <= budget or attempt == args.retries:
                        break
                    print(f"  (disturbed: {m['outside_cpu_s']:.2f} s CPU outside; again)", file=sys.stderr)
                if m is None:
                    continue
                results[case][impl.name].append(m)
                key = CASES[case][2]
                main_metric = next(iter(key))
                if main_metric == "cpu_total":
                    main_metric = "recv_gbps"
                print(f"round {rnd + 1} {case:10s} {impl.name:8s} {main_metric}={m.get(main_metric, 0):.2f} "
                      f"cpu={m['cpu_client']:.0f}/{m['cpu_server']:.0f} "
                      + (f"loss={m['loss_pct']:.2f}% " if "loss_pct" in m else "")
                      + f"outside={m['outside_cpu_s']:.2f}s", file=sys.stderr, flush=True)
    table = build_table(results, cases, machine, args)
    table["failures"] = failures
    stem = args.name or ("smoke" if args.smoke else datetime.datetime.now().strftime("%Y-%m-%d-%H%M"))
    write_results(args.out, stem, table, markdown(table))
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
