#!/usr/bin/env python3
"""How fast results reach an archive, by each path (issue 65): the Pushgateway (a group a request) and
Prometheus remote-write (many results a request).

  bench/archive_rate.py [--results 4561] [--rounds 3] [--paths pushgateway,remote-write] [--iperf3j './iperf3j'] [--out DIR]

Makes an output folder whose tests.jsonl holds RESULTS results of a mesh (ok, with rates, RTT and
why, ended over the last 30 minutes, as a 96-host mesh's 4 561 are), then sends them all, ROUNDS
times, through each path in turn (pushgateway, remote-write, pushgateway, ...: the drift of a shared
machine hits both alike) with the command users run for it: `iperf3j session --resend OUT
--push.url URL` and `--remote-write.url URL`, against Debian's real receivers on 127.0.0.1:
prometheus-pushgateway, and prometheus with --web.enable-remote-write-receiver (fresh for each
round, so every sample is new to it).

Per run: the wall time of the process (a JVM's start included: `--resend` of a folder of one result
is timed too, and subtracted for the rate), the sender's CPU (the process's, from its rusage), the
receiver's CPU (its /proc/PID/stat over the run), the requests the summary counts, and whether every
result was written (the summary's "all N result(s)"). Medians of the rounds, and the rate
RESULTS / (wall - one-result wall). Writes DIR/<date>-archive-rate-RESULTS.{json,md} (default bench/results/).
A Pushgateway checks each push against every group it holds, so its rate falls as groups grow: past a few
thousand groups a push takes seconds (the 4 561 of a 96-host mesh do not finish within the 15 min flush cap);
measure it at --results 1000, and remote write alone (--paths remote-write) at fleet sizes.
"""
import argparse, datetime, json, os, random, re, resource, shutil, socket, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TICK = os.sysconf('SC_CLK_TCK')


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


def cpu_of(pid):
    try:
        f = open(f"/proc/{pid}/stat").read().rsplit(')', 1)[1].split()
        return (int(f[11]) + int(f[12])) / TICK
    except OSError:
        return 0.0


def wait_http(url, seconds=30):
    import urllib.request
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.1)
    sys.exit(f"{url} did not answer within {seconds} s")


def folder(path, n, name='mesh'):
    """An output folder with n results of a mesh (ids NAME_hI-hJ) in tests.jsonl, ended over the last 30 minutes."""
    os.makedirs(path, mode=0o755)
    hosts = 1
    while hosts * (hosts - 1) // 2 < n:
        hosts += 1
    now = time.time()
    rnd = random.Random(65)
    lines = []
    k = 0
    for i in range(1, hosts + 1):
        for j in range(i + 1, hosts + 1):
            if k == n:
                break
            end = now - 1800 + 1800 * k / n
            rate = rnd.uniform(40e6, 50e6)
            lines.append(json.dumps({
                'id': f"{name}_h{i}-h{j}", 'sender': f"h{i}", 'receiver': f"h{j}", 'direction': 'up', 'protocol': 'tcp',
                'kind': 'tcp -b 50M', 'repeat': 1, 'status': 'ok', 'due': '2026-11-29T00:00:00Z', 'started': '2026-11-29T00:00:01Z',
                'error': None, 'sent_bits_per_second': rate * 1.001, 'received_bits_per_second': rate, 'received_bytes': int(rate / 4),
                'reverse_received_bits_per_second': None,
                'why': [{'from': f"h{i}", 'to': f"h{j}", 'cause': 'pacing', 'confidence': 'certain', 'headline': 'paced',
                         'reason': '-b', 'remedy': None}],
                'client_output': None, 'server_output': None, 'end_timestamp_seconds': round(end, 3), 'retransmits': 0,
                'rtt_seconds': 0.0001, 'loss_percent': None, 'jitter_seconds': None, 'duration_seconds': 2.1}))
            k += 1
    open(os.path.join(path, 'tests.jsonl'), 'w').write('\n'.join(lines) + '\n')


class Receiver:
    def __init__(self, kind, work, host='127.0.0.1'):
        """host: the address it listens on (bench/agent_fleet.py: the lab's leg in the root namespace)."""
        self.kind = kind
        self.port = free_port()
        data = tempfile.mkdtemp(prefix=kind + '-', dir=work)
        if kind == 'pushgateway':
            cmd = ['/usr/bin/prometheus-pushgateway', f"--web.listen-address={host}:{self.port}"]
            self.url = f"http://{host}:{self.port}"
            ready = self.url + '/-/ready'
        else:
            cfg = os.path.join(data, 'prometheus.yml')
            open(cfg, 'w').write('global: {evaluation_interval: 1m}\n')
            cmd = ['/usr/bin/prometheus', f"--config.file={cfg}", f"--storage.tsdb.path={data}/tsdb",
                   f"--web.listen-address={host}:{self.port}", '--web.enable-remote-write-receiver']
            self.url = f"http://{host}:{self.port}/api/v1/write"
            ready = f"http://{host}:{self.port}/-/ready"
        self.p = subprocess.Popen(cmd, stdout=open(os.path.join(data, 'log'), 'w'), stderr=subprocess.STDOUT)
        wait_http(ready)

    def option(self):
        return ['--push.url', self.url] if self.kind == 'pushgateway' else ['--remote-write.url', self.url]

    def close(self):
        self.p.terminate()
        try:
            self.p.wait(20)
        except subprocess.TimeoutExpired:
            self.p.kill()


def resend(iperf3j, out, receiver):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    rcpu0 = cpu_of(receiver.p.pid)
    t0 = time.time()
    r = subprocess.run(iperf3j.split() + ['session', '--resend', out] + receiver.option(), capture_output=True, text=True,
                       timeout=900)
    wall = time.time() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    said = r.stdout + r.stderr
    m = re.search(r': all (\d+) result\(s\) (?:written|pushed) \((\d+) requests?\)', said)
    part = re.search(r': (\d+) of (\d+) result\(s\) (?:written|pushed) \((\d+) requests?\)', said)
    written = int(m.group(1)) if m else int(part.group(1)) if part else 0
    return {'exit': r.returncode, 'wall_s': round(wall, 3), 'written': written,
            'sender_cpu_s': round((after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime), 3),
            'receiver_cpu_s': round(cpu_of(receiver.p.pid) - rcpu0, 3),
            'all_written': bool(m), 'requests': int(m.group(2)) if m else int(part.group(3)) if part else None,
            'summary': [l for l in said.splitlines() if 'result(s)' in l][-1:]}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--results', type=int, default=4561)
    ap.add_argument('--rounds', type=int, default=3)
    ap.add_argument('--paths', default='pushgateway,remote-write', help='comma-separated: pushgateway, remote-write')
    ap.add_argument('--iperf3j', default=os.path.join(ROOT, 'iperf3j'))
    ap.add_argument('--out', default=os.path.join(ROOT, 'bench', 'results'))
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix='archive-rate-')
    try:
        many = os.path.join(work, 'many')
        one = os.path.join(work, 'one')
        folder(many, a.results)
        folder(one, 1, 'one')
        paths = a.paths.split(',')
        runs = {k: [] for k in paths}
        for rnd in range(a.rounds):
            for kind in paths:
                rec = Receiver(kind, work)
                try:
                    single = resend(a.iperf3j, one, rec)
                    full = resend(a.iperf3j, many, rec)
                finally:
                    rec.close()
                full['one_result_wall_s'] = single['wall_s']
                full['results_per_s'] = round(full['written'] / max(0.001, full['wall_s'] - single['wall_s']), 1)
                runs[kind].append(full)
                print(f"round {rnd + 1} {kind}: {full}", flush=True)
        table = []
        for kind, rs in runs.items():
            table.append({'path': kind, 'all_written': all(r['all_written'] for r in rs),
                          'wall_s': statistics.median(r['wall_s'] for r in rs),
                          'results_per_s': statistics.median(r['results_per_s'] for r in rs),
                          'requests': statistics.median(r['requests'] or 0 for r in rs),
                          'sender_cpu_s': statistics.median(r['sender_cpu_s'] for r in rs),
                          'receiver_cpu_s': statistics.median(r['receiver_cpu_s'] for r in rs)})
        result = {'date': datetime.datetime.now().isoformat(timespec='seconds'), 'results': a.results, 'rounds': a.rounds,
                  'iperf3j': a.iperf3j, 'load_average': open('/proc/loadavg').read().split()[:3], 'medians': table, 'runs': runs}
        os.makedirs(a.out, exist_ok=True)
        stem = os.path.join(a.out, f"{datetime.date.today()}-archive-rate-{a.results}")
        json.dump(result, open(stem + '.json', 'w'), indent=1)
        md = [f"# Results to an archive, each path ({a.results} results, {a.rounds} rounds in turn, medians)", '',
              f"`bench/archive_rate.py --results {a.results} --rounds {a.rounds}`, {result['date']}, load average "
              f"{' '.join(result['load_average'])}.", '',
              '| path | all written | wall s | results/s | requests | sender CPU s | receiver CPU s |', '|---|---|---|---|---|---|---|']
        for t in table:
            md.append(f"| {t['path']} | {t['all_written']} | {t['wall_s']} | {t['results_per_s']} | {t['requests']} | "
                      f"{t['sender_cpu_s']} | {t['receiver_cpu_s']} |")
        open(stem + '.md', 'w').write('\n'.join(md) + '\n')
        print('\n'.join(md))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == '__main__':
    main()
