#!/usr/bin/env python3
"""Does a hung Pushgateway slow a session plan? (issue 37: 6 tests went from 6.4 s to 36.1 s)

  bench/session_push.py [--rounds 3] [--tests 6] [--iperf3j './iperf3j'] [--out DIR]

A plan of TESTS one-second TCP tests between two `local` hosts (Debian's iperf3, loopback) is run
by `iperf3j session --push.url` ROUNDS times against each of two gateways, in turn (healthy, hung,
healthy, hung, ... so drift of a shared machine hits both alike):

  healthy  Debian's real prometheus-pushgateway on 127.0.0.1;
  hung     a socket that accepts connections and never answers (this script holds them).

The figure is the plan's own time as the command prints it (`plan ran N test(s) in X s`, before
the final flush of at most 10 s, which only the hung case waits for). The target: the hung case's
median at most 1.10 x the healthy case's. Also checked per run: every result pushed (healthy), every
result named as not pushed in summary.txt (hung). Writes DIR/<date>-session-push.md (default
bench/results/).
"""
import argparse, datetime, os, re, socket, statistics, subprocess, sys, tempfile, threading, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port(exclude=()):
    """A port in 6000-6999 free just now: below the ephemeral range, so no client connection holds it."""
    for port in range(6000 + os.getpid() % 500, 7000):
        if port in exclude:
            continue
        s = socket.socket()
        try:
            s.bind(('', port))
            return port
        except OSError:
            continue
        finally:
            s.close()
    sys.exit('no free port in 6000-6999')


class HungGateway:
    """Accepts and never answers; the connections are held until close()."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(('127.0.0.1', 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.held = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        try:
            while True:
                self.held.append(self.sock.accept()[0])
        except OSError:
            pass

    def close(self):
        self.sock.close()
        for c in self.held:
            c.close()


def start_gateway(work, exclude):
    port = free_port(exclude)
    log = open(os.path.join(work, 'pushgateway.log'), 'w')
    p = subprocess.Popen(['/usr/bin/prometheus-pushgateway', f'--web.listen-address=127.0.0.1:{port}',
                          '--persistence.file='], stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(('127.0.0.1', port), timeout=1).close()
            return p, port
        except OSError:
            time.sleep(0.1)
    p.kill()
    sys.exit('pushgateway did not start')


def run_plan(iperf3j, plan, out, url):
    t0 = time.monotonic()
    r = subprocess.run(iperf3j + ['session', plan, '-o', out, '--push.url', url], capture_output=True, text=True,
                       timeout=600)
    wall = time.monotonic() - t0
    m = re.search(r'plan ran (\d+) test\(s\) in ([\d.]+) s', r.stdout)
    if r.returncode != 0 or not m:
        sys.exit(f'iperf3j session failed ({r.returncode}):\n{r.stdout}\n{r.stderr}')
    summary = open(os.path.join(out, 'summary.txt')).read()
    return float(m.group(2)), wall, summary


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--rounds', type=int, default=3)
    ap.add_argument('--tests', type=int, default=6)
    ap.add_argument('--iperf3j', default=os.path.join(ROOT, 'iperf3j'), help='the command, split on spaces')
    ap.add_argument('--out', default=os.path.join(ROOT, 'bench', 'results'))
    a = ap.parse_args()
    iperf3j = a.iperf3j.split()
    work = tempfile.mkdtemp(prefix='session-push-')
    plan = os.path.join(work, 'plan.yaml')
    iperf_port = free_port()
    with open(plan, 'w') as f:
        f.write('hosts:\n  - {id: left, address: 127.0.0.1, iperf: iperf3}\n'
                '  - {id: right, address: 127.0.0.1, iperf: iperf3}\n'
                f'tests:\n  - {{name: loop, pairs: [[left, right]], duration: 1, port: {iperf_port}, repeat: {a.tests}}}\n')
    gw, gw_port = start_gateway(work, {iperf_port})
    hung = HungGateway()
    times = {'healthy': [], 'hung': []}
    walls = {'healthy': [], 'hung': []}
    try:
        for i in range(a.rounds):
            for case, url in (('healthy', f'http://127.0.0.1:{gw_port}'), ('hung', f'http://127.0.0.1:{hung.port}')):
                plan_s, wall, summary = run_plan(iperf3j, plan, os.path.join(work, f'{case}-{i}'), url)
                if case == 'healthy' and f'all {a.tests} result(s) pushed' not in summary:
                    sys.exit('healthy gateway: not every result pushed:\n' + summary)
                if case == 'hung' and f'NOT PUSHED: {a.tests}' not in summary:
                    sys.exit('hung gateway: the summary does not name every result:\n' + summary)
                times[case].append(plan_s)
                walls[case].append(wall)
                print(f'round {i + 1} {case}: plan {plan_s:.1f} s, process {wall:.1f} s', flush=True)
    finally:
        hung.close()
        gw.terminate()
        gw.wait(10)
    med = {c: statistics.median(v) for c, v in times.items()}
    ratio = med['hung'] / med['healthy']
    verdict = 'met' if ratio <= 1.10 else 'NOT met'
    lines = [f'# session push: a hung Pushgateway against a healthy one ({datetime.date.today()})', '',
             f'`bench/session_push.py --rounds {a.rounds} --tests {a.tests}`: a plan of {a.tests} one-second TCP tests between '
             'two `local` hosts (iperf3 3.12, loopback), run in turn against a real Pushgateway and a socket that never answers.',
             '', '| gateway | plan s (median, min-max) | process s (median) |', '|---|---|---|']
    for c in ('healthy', 'hung'):
        lines.append(f'| {c} | {med[c]:.1f} ({min(times[c]):.1f}-{max(times[c]):.1f}) | {statistics.median(walls[c]):.1f} |')
    lines += ['', f'hung / healthy plan time: {ratio:.3f} (target at most 1.10: {verdict}). The process time of the hung case '
              'adds the final flush (10 s at most).']
    text = '\n'.join(lines) + '\n'
    print(text)
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, f'{datetime.date.today()}-session-push.md'), 'w') as f:
        f.write(text)
    return 0 if ratio <= 1.10 else 1


if __name__ == '__main__':
    sys.exit(main())
