#!/usr/bin/env python3
"""Loopback benchmark of the link module (`iperf3j link`), against sockperf for the RTT.

Per round (the order of the cases alternates between rounds, so the drift of this
shared VM hits them alike):
  * rate, unreliable and reliable: one `iperf3j link -s` server and one `iperf3j link -c`
    client (-r RATE -l SIZE -t TIME -J), a fresh server on a free port each run. Figures
    from the client's -J: messages/s = messages the server counted / TIME, datagrams/s =
    the client's link out_packets / TIME (data + acks + pings), and CPU % of each JVM
    from /proc/PID/stat utime+stime over a window inside the send phase;
  * RTT, link: the same pair at a low rate (-r 100, the client pings every 10 ms);
    p50 of the run's pings from -J;
  * RTT, sockperf: `sockperf server` + `sockperf ping-pong --full-rtt -t TIME`, both back
    to back (its default, the fastest it can) and paced at --mps 100 like the link's pings;
    p50 from its percentile lines.
Every process is started by this script and stopped by its PID. The table gives the median
(min-max) over the rounds.

Usage: bench/link.py [--rounds 3] [--time 5] [--rate 200000] [--size 64] [--out FILE]
Java: $IPERF3J_JAVA (default /usr/lib/jvm/temurin-25-jdk-amd64/bin/java); jar: $IPERF3J_JAR
(default cli/target/iperf3j-<version>.jar, built with ./iperf3j --version when missing).
The JVM flags are the launcher's (./iperf3j).
"""
import argparse
import datetime
import json
import os
import re
import select
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JVM_FLAGS = ["--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k"]
CPU_WINDOW = (1.5, 4.5)  # seconds after the client's start, inside its send phase for -t >= 5


def proc_cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        s = f.read()
    fields = s[s.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(p, timeout=5):
    """Stops a process this script started, by its PID: SIGTERM, then SIGKILL."""
    if p.poll() is None:
        os.kill(p.pid, signal.SIGTERM)
        try:
            p.wait(timeout)
        except subprocess.TimeoutExpired:
            os.kill(p.pid, signal.SIGKILL)
            p.wait(timeout)


def wait_for_line(p, pattern, timeout):
    """Reads p's stdout until a line matches; returns the line."""
    end = time.monotonic() + timeout
    buf = b""
    while time.monotonic() < end:
        r, _, _ = select.select([p.stdout], [], [], 0.1)
        if r:
            chunk = os.read(p.stdout.fileno(), 4096)
            if not chunk:
                break
            buf += chunk
            for line in buf.decode(errors="replace").splitlines():
                if re.search(pattern, line):
                    return line
    raise RuntimeError(f"no line matching {pattern!r} from {p.args[:3]}...: {buf.decode(errors='replace')!r}")


class Bench:
    def __init__(self, java, jar, args):
        self.java = java
        self.jar = jar
        self.args = args

    def link_argv(self, *a):
        return [self.java, *JVM_FLAGS, "-jar", self.jar, "link", *a]

    def link_run(self, rate, size, reliable):
        """One server + one client run; returns the client's -J document and the CPU % of both."""
        port = free_udp_port()
        server = subprocess.Popen(self.link_argv("-s", "-B", "127.0.0.1", "-p", str(port), "-t", "0"),
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        client = None
        try:
            wait_for_line(server, r"Link server listening", 20)
            cargs = ["-c", "127.0.0.1", "-p", str(port), "-r", str(rate), "-l", str(size), "-t", str(self.args.time), "-J"]
            if reliable:
                cargs.append("--reliable")
            out = tempfile.TemporaryFile()
            err = tempfile.TemporaryFile()
            t0 = time.monotonic()
            client = subprocess.Popen(self.link_argv(*cargs), stdout=out, stderr=err)
            cpu = None
            if self.args.time >= CPU_WINDOW[1] + 0.5:
                time.sleep(max(0.0, t0 + CPU_WINDOW[0] - time.monotonic()))
                w0 = time.monotonic()
                c0, s0 = proc_cpu_seconds(client.pid), proc_cpu_seconds(server.pid)
                time.sleep(max(0.0, t0 + CPU_WINDOW[1] - time.monotonic()))
                w1 = time.monotonic()
                c1, s1 = proc_cpu_seconds(client.pid), proc_cpu_seconds(server.pid)
                cpu = (100 * (c1 - c0) / (w1 - w0), 100 * (s1 - s0) / (w1 - w0))
            rc = client.wait(self.args.time + 30)
            out.seek(0)
            err.seek(0)
            text = out.read().decode()
            if rc != 0:
                raise RuntimeError(f"link client exited {rc}: {err.read().decode()} {text}")
            return json.loads(text), cpu
        finally:
            if client is not None:
                stop(client)
            stop(server)

    def rate_case(self, reliable):
        doc, cpu = self.link_run(self.args.rate, self.args.size, reliable)
        t = self.args.time
        end = doc["end"]
        link = end["link"]
        return {
            "sent_per_s": end["sent"] / t,
            "msgs_per_s": end["received"] / t,
            "lost": end["lost"],
            "dgrams_out_per_s": link["out_packets"] / t,
            "dgrams_in_per_s": link["in_packets"] / t,
            "msgs_per_dgram": link["out_messages"] / max(1, link["out_packets"]),
            "resends": link["resends"],
            "cpu_client": cpu[0] if cpu else float("nan"),
            "cpu_server": cpu[1] if cpu else float("nan"),
        }

    def link_rtt(self):
        doc, _ = self.link_run(100, self.args.size, False)
        return {"p50_us": doc["end"]["rtt_p50_us"], "p99_us": doc["end"]["rtt_p99_us"], "samples": doc["end"]["rtt_samples"]}

    def sockperf_rtt(self, mps):
        port = free_udp_port()
        server = subprocess.Popen(["sockperf", "server", "-i", "127.0.0.1", "-p", str(port)],
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            time.sleep(0.5)
            if server.poll() is not None:
                raise RuntimeError(f"sockperf server exited: {server.stdout.read().decode(errors='replace')}")
            argv = ["sockperf", "ping-pong", "-i", "127.0.0.1", "-p", str(port), "-t", str(int(self.args.time)), "--full-rtt"]
            if mps:
                argv += ["--mps", str(mps)]
            r = subprocess.run(argv, capture_output=True, text=True, timeout=self.args.time + 30)
            pct = {float(m.group(1)): float(m.group(2))
                   for m in re.finditer(r"percentile\s+([\d.]+)\s*=\s*([\d.]+)", r.stdout + r.stderr)}
            if r.returncode != 0 or 50.0 not in pct:
                raise RuntimeError(f"sockperf ping-pong failed ({r.returncode}): {r.stdout}{r.stderr}")
            return {"p50_us": pct[50.0], "p99_us": pct[99.0]}
        finally:
            stop(server)


def med(xs):
    xs = [x for x in xs if x == x]
    if not xs:
        return "n/a"
    d = 0 if all(abs(x) >= 1000 or x == int(x) for x in xs) else 1
    return f"{statistics.median(xs):,.{d}f} ({min(xs):,.{d}f}-{max(xs):,.{d}f})"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--time", type=float, default=5)
    ap.add_argument("--rate", type=int, default=200_000)
    ap.add_argument("--size", type=int, default=64)
    ap.add_argument("--out", help="also write the report (markdown) and FILE.json")
    args = ap.parse_args()
    java = os.environ.get("IPERF3J_JAVA", "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java")
    jar = os.environ.get("IPERF3J_JAR")
    if jar is None:
        version = re.search(r"^  <version>(.*)</version>", open(os.path.join(ROOT, "pom.xml")).read(), re.M).group(1)
        jar = os.path.join(ROOT, "cli", "target", f"iperf3j-{version}.jar")
        if not os.path.exists(jar):
            subprocess.run([os.path.join(ROOT, "iperf3j"), "--version"], capture_output=True)
    for need in (java, jar):
        if not os.path.exists(need):
            sys.exit(f"link bench: missing {need} (JDK 25: apt-get install temurin-25-jdk; jar: ./iperf3j --version builds it)")
    if shutil.which("sockperf") is None:
        sys.exit("link bench: sockperf is missing: apt-get install sockperf")
    tmp = tempfile.mkdtemp(prefix="linkbench-")
    snap = os.path.join(tmp, "iperf3j.jar")
    shutil.copy(jar, snap)  # a rebuild during the run cannot change what is measured
    b = Bench(java, snap, args)

    cases = {
        "unreliable": lambda: b.rate_case(False),
        "reliable": lambda: b.rate_case(True),
        "link_rtt": b.link_rtt,
        "sockperf_rtt_max": lambda: b.sockperf_rtt(None),
        "sockperf_rtt_100": lambda: b.sockperf_rtt(100),
    }
    results = {k: [] for k in cases}
    started = datetime.datetime.now(datetime.timezone.utc)
    load0 = os.getloadavg()
    try:
        for rnd in range(args.rounds):
            order = list(cases) if rnd % 2 == 0 else list(reversed(cases))
            for name in order:
                r = cases[name]()
                results[name].append(r)
                print(f"round {rnd + 1} {name}: {json.dumps(r)}", file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    load1 = os.getloadavg()

    def col(case, key):
        return [r[key] for r in results[case]]

    lines = [
        f"# link bench, loopback ({started:%Y-%m-%d %H:%M} UTC)",
        "",
        f"`bench/link.py --rounds {args.rounds} --time {args.time:g} --rate {args.rate} --size {args.size}`; "
        f"{os.cpu_count()} CPUs, load average {load0[0]:.2f} at start, {load1[0]:.2f} at end (shared VM). "
        f"Median (min-max) over {args.rounds} interleaved rounds. JVM flags as ./iperf3j: {' '.join(JVM_FLAGS)}.",
        "",
        f"## Message rate, one client -> one server (-r {args.rate} -l {args.size} -t {args.time:g})",
        "",
        "| | unreliable | reliable |",
        "| --- | --- | --- |",
    ]
    rows = [("messages sent /s (client)", "sent_per_s"), ("messages received /s (server count)", "msgs_per_s"),
            ("lost (total)", "lost"), ("datagrams out /s (client)", "dgrams_out_per_s"),
            ("datagrams in /s (client: acks, pongs, totals)", "dgrams_in_per_s"),
            ("messages per datagram (client out)", "msgs_per_dgram"), ("resends (total)", "resends"),
            (f"client CPU % ({CPU_WINDOW[0]:g}-{CPU_WINDOW[1]:g} s)", "cpu_client"),
            (f"server CPU % ({CPU_WINDOW[0]:g}-{CPU_WINDOW[1]:g} s)", "cpu_server")]
    for label, key in rows:
        lines.append(f"| {label} | {med(col('unreliable', key))} | {med(col('reliable', key))} |")
    sat = []
    for case in ("unreliable", "reliable"):
        sent = statistics.median(col(case, "sent_per_s"))
        got = statistics.median(col(case, "msgs_per_s"))
        if sent < 0.95 * args.rate:
            sat.append(f"{case}: the client queued only {sent:,.0f}/s of the {args.rate:,} asked (send() refused the "
                       f"rest: its out-buffer was full), so the sender side is the limit")
        elif got < 0.99 * sent:
            sat.append(f"{case}: the client sent the {args.rate:,}/s asked but the server counted {got:,.0f}/s "
                       f"({100 * (1 - got / sent):.1f} % lost), so the receiving side is the limit")
        else:
            sat.append(f"{case}: everything asked was sent and received; NOT saturated, the figures are a floor "
                       f"(raise --rate)")
    lines += ["", "Saturation: " + "; ".join(sat) + ".", ""]
    link_p50 = statistics.median(col("link_rtt", "p50_us"))
    sp_max = statistics.median(col("sockperf_rtt_max", "p50_us"))
    sp_100 = statistics.median(col("sockperf_rtt_100", "p50_us"))
    lines += [
        f"## Ping-pong RTT (µs), loopback, idle link",
        "",
        "| | p50 | p99 |",
        "| --- | --- | --- |",
        f"| iperf3j link (-r 100, pings every 10 ms) | {med(col('link_rtt', 'p50_us'))} | {med(col('link_rtt', 'p99_us'))} |",
        f"| sockperf ping-pong --full-rtt (back to back) | {med(col('sockperf_rtt_max', 'p50_us'))} | {med(col('sockperf_rtt_max', 'p99_us'))} |",
        f"| sockperf ping-pong --full-rtt --mps 100 | {med(col('sockperf_rtt_100', 'p50_us'))} | {med(col('sockperf_rtt_100', 'p99_us'))} |",
        "",
        f"Ratio of the p50 medians, link / sockperf: **{link_p50 / sp_max:.2f}** against back-to-back sockperf, "
        f"**{link_p50 / sp_100:.2f}** against sockperf paced like the link's pings (100/s).",
        "",
    ]
    report = "\n".join(lines)
    print(report)
    if args.out:
        with open(args.out, "w") as f:
            f.write(report)
        with open(os.path.splitext(args.out)[0] + ".json", "w") as f:
            json.dump({"args": vars(args), "results": results}, f, indent=1)


if __name__ == "__main__":
    main()
