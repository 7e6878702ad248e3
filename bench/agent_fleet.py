#!/usr/bin/env python3
"""Hosts that measure by themselves (issue 69): HOSTS agents from one plan, a rotating mesh, no controller.

  bench/agent_fleet.py [--hosts 96] [--runs 3] [--duration 1] [--bitrate 50M] [--every 5m] [--kill-host 0]
                       [--iperf3j './iperf3j'] [--out DIR] [--label run]

Builds HOSTS network namespaces on one bridge (bench/fleet.py's Lab, no sshd, every neighbour entry
static), writes one plan: every host, `schedule: {every: EVERY, runs: RUNS}`, one mesh of all of them both
ways with `per_run` = ceil(HOSTS x (HOSTS-1) / RUNS), so that the RUNS runs make one cycle and every
ordered pair is due exactly once; `-t DURATION -b BITRATE`. Starts `iperf3j agent --plan PLAN --host-id hN
-o DIR/hN` in every namespace just after a multiple of EVERY (so that every agent reads the plan before the
next run starts and all take the same first run), waits for them to end, and checks from the agents' own
records only:

  pairs        every ordered pair in exactly one tests.jsonl line over the cycle; the runs the same for all
  ok           the lines whose status is ok (with --kill-host K: every test without host K ok)
  served       each ok test in its receiver's served.jsonl, starting within the sender's span
  overlap      no host in two tests at once by its own records (its tests.jsonl spans as sender, its served.jsonl
               spans as receiver)
  killed       with --kill-host K: agent K is SIGKILLed 20 s into the first run; the tests it cost are those
               toward it or from it; nothing else failed or was skipped; with --archive, `iperf3j agent --resend` of its
               folder then sends what it recorded and had not sent
  archive      with --archive: a real Prometheus (--web.enable-remote-write-receiver) on the lab's leg in the root
               namespace, every agent given --remote-write.url: each ok test's series there (iperf3j_session_test_success,
               its value 1), and every live agent's heartbeat (iperf3j_agent_last_run_timestamp_seconds) once a run
  agents       RSS (VmRSS, sampled every 2 s) peak and median per agent, threads, CPU of all agents, the
               idle RSS of one agent before its first run

Needs root and iproute2. Namespaces are named ijb<pid hex>..., subnet 10.244.R.0/24. Everything is removed
at the end; processes are killed by their PIDs. Writes DIR/<date>-agent-fleet-<label>-<hosts>.json.
"""
import argparse, json, math, os, statistics, subprocess, sys, tempfile, threading, time
from datetime import datetime

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fleet  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def seconds(text):
    units = {'s': 1, 'm': 60, 'h': 3600}
    return int(text[:-1]) * units[text[-1]] if text[-1] in units else int(text)


def plan_yaml(lab, a, per_run):
    lines = ['hosts:']
    lines += [f"  - {{id: h{i}, address: {lab.address(i)}}}" for i in range(1, lab.hosts + 1)]
    lines += [f"schedule: {{every: {a.every}, runs: {a.runs}}}", 'tests:',
              f"  - {{name: m, mesh: [{', '.join(f'h{i}' for i in range(1, lab.hosts + 1))}], direction: both,"
              f" duration: {a.duration}, args: [-b, {a.bitrate}], per_run: {per_run}}}", '']
    return '\n'.join(lines)


def lines(path):
    try:
        with open(path) as f:
            return [json.loads(l) for l in f if l.strip()]
    except FileNotFoundError:
        return []


def iso(t):
    return datetime.fromisoformat(t.replace('Z', '+00:00')).timestamp()


def check(hosts, work, killed):
    """The agents' own records, read back: what the docstring lists."""
    sent, spans_by_host, sender_span, runs, problems = {}, {}, {}, set(), []
    statuses, replayed, late_starts = {}, {}, 0
    for i in range(1, hosts + 1):
        for t in lines(os.path.join(work, f"h{i}", 'tests.jsonl')):
            pair = (t['sender'], t['receiver'])
            if pair in sent:
                problems.append(f"{pair} ran twice")
            sent[pair] = t
            runs.add(t['run'])
            statuses[t['status']] = statuses.get(t['status'], 0) + 1
            # a test skipped at its time and run in its round of the run's replay (stop 75) starts a run's length late (more
            # than 30 s: no run here is shorter); one that starts 2.5-30 s late waited for its sender's test before it
            late = iso(t['started']) - iso(t['due']) if t['status'] != 'skipped' and t.get('started') else 0
            if late > 30:
                replayed[t['status']] = replayed.get(t['status'], 0) + 1
            elif late > 2.5:
                late_starts += 1
            if t['status'] == 'ok':
                span = (iso(t['started']), t['end_timestamp_seconds'])
                sender_span[pair] = span
                spans_by_host.setdefault(t['sender'], []).append((pair, span))
    served = 0
    for i in range(1, hosts + 1):
        for s in lines(os.path.join(work, f"h{i}", 'served.jsonl')):
            pair = (s['from'], s['to'])
            by = sender_span.get(pair)
            if by is None:
                # a sender killed mid-test never writes its line, though its receiver served the test whole
                if s.get('result') == 'ok' and not (killed and f"h{killed}" in pair):
                    problems.append(f"{pair} served ok but not sent ok")
                continue
            span = (iso(s['started']), iso(s['ended']))
            if not (by[0] <= span[0] < by[1]):
                problems.append(f"{pair}: served {span} outside sent {by}")
            served += 1
            # each host by its own records: what it sent (tests.jsonl) and what its server ran (served.jsonl); the
            # sender's span ends when its client returns, a moment after the receiver's server ended and took the next
            spans_by_host.setdefault(s['to'], []).append((pair, span))
    overlaps = 0
    for host, spans in spans_by_host.items():
        spans.sort(key=lambda x: x[1][0])
        for k in range(1, len(spans)):
            # sorted by start: a span that starts before any earlier one (of another pair) ended overlaps it
            for j in range(k):
                if spans[j][0] != spans[k][0] and spans[k][1][0] < spans[j][1][1]:
                    overlaps += 1
                    if overlaps <= 5:
                        problems.append(f"{host} in two tests at once: {spans[j]} and {spans[k]}")
    expected = hosts * (hosts - 1)
    want = {(f"h{a}", f"h{b}") for a in range(1, hosts + 1) for b in range(1, hosts + 1) if a != b}
    dead = f"h{killed}" if killed else None
    # a dead host sends nothing after it died: its own pairs may be missing; every other pair must be there
    missing = [p for p in want if p not in sent and p[0] != dead]
    not_ok_other = [p for p, t in sent.items() if t['status'] != 'ok' and dead not in p]
    ok_ones = sum(1 for t in sent.values() if t['status'] == 'ok')
    return {'expected_pairs': expected, 'recorded_pairs': len(sent), 'missing_pairs_not_of_killed': len(missing),
            'missing_examples': [f"{a}>{b}" for a, b in missing[:5]], 'runs': sorted(runs), 'statuses': statuses,
            'started_2_5_to_30_s_late': late_starts,
            'ran_in_the_replay': replayed,
            'ok': ok_ones, 'served_matched': served, 'overlaps': overlaps,
            'not_ok_without_killed_host': len(not_ok_other),
            'not_ok_examples': [f"{a}>{b}: {sent[(a, b)].get('error')}" for a, b in not_ok_other[:5]],
            'cost_of_killed': sum(1 for p, t in sent.items() if dead in p and t['status'] != 'ok') if dead else 0,
            'problems': problems[:20]}


def archived(receiver, a, ok):
    """What the archive holds: the ok tests' series and each host's heartbeats (samples over the last 2 hours)."""
    import urllib.parse, urllib.request
    base = receiver.url.rsplit('/api/', 1)[0]

    def query(q):
        u = f"{base}/api/v1/query?query={urllib.parse.quote(q)}"
        return json.loads(urllib.request.urlopen(u, timeout=60).read())['data']['result']
    ok_series = query('count(max_over_time(iperf3j_session_test_success[2h]) == 1)')
    beats = query('count_over_time(iperf3j_agent_last_run_timestamp_seconds[2h])')
    per_host = sorted(int(float(b['value'][1])) for b in beats)
    return {'archive_ok_series': int(float(ok_series[0]['value'][1])) if ok_series else 0, 'archive_ok_records': ok,
            'archive_all_ok_held': (int(float(ok_series[0]['value'][1])) if ok_series else 0) == ok,
            'archive_heartbeat_hosts': len(per_host),
            'archive_heartbeats_per_host': {str(k): per_host.count(k) for k in sorted(set(per_host))}}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--hosts', type=int, default=96)
    ap.add_argument('--runs', type=int, default=3)
    ap.add_argument('--duration', default='1')
    ap.add_argument('--bitrate', default='50M')
    ap.add_argument('--every', default='5m')
    ap.add_argument('--kill-host', type=int, default=0, help='SIGKILL this host\'s agent 20 s into the first run (0: none)')
    ap.add_argument('--iperf3j', default=os.path.join(ROOT, 'iperf3j'), help='the command, split on spaces')
    ap.add_argument('--out', default=os.path.join(ROOT, 'bench', 'results'))
    ap.add_argument('--label', default='run')
    ap.add_argument('--archive', action='store_true', help='remote-write every result to a real Prometheus started here')
    a = ap.parse_args()
    every = seconds(a.every)
    pairs = a.hosts * (a.hosts - 1)
    per_run = math.ceil(pairs / a.runs)
    work = tempfile.mkdtemp(prefix='agent-fleet-')
    lab = fleet.Lab(a.hosts, work)
    agents, samples, stop, receiver = [], {}, threading.Event(), None
    try:
        lab.up(sshd=False, static_neighbours=True)
        extra = []
        if a.archive:
            from archive_rate import Receiver
            receiver = Receiver('remote-write', work, host=f"{lab.net}.254")
            extra = ['--remote-write.url', receiver.url]
        plan = os.path.join(work, 'plan.yaml')
        with open(plan, 'w') as f:
            f.write(plan_yaml(lab, a, per_run))
        cmd = a.iperf3j.split()
        # the JVM's first start on this machine may build the jar: once, before the clock matters
        subprocess.run(cmd + ['--version'], capture_output=True, timeout=600)
        while time.time() % every > 2:
            time.sleep(0.2)
        t0 = time.time()
        first_run_at = (math.floor(t0 / every) + 1) * every
        for i in range(1, a.hosts + 1):
            log = open(os.path.join(work, f"h{i}.log"), 'w')
            agents.append(subprocess.Popen(['ip', 'netns', 'exec', lab.ns(i)] + cmd + [
                'agent', '--plan', plan, '--host-id', f"h{i}", '-o', os.path.join(work, f"h{i}")] + extra,
                stdout=log, stderr=subprocess.STDOUT))
        started_all = time.time() - t0

        def sample():
            while not stop.is_set():
                for i, p in enumerate(agents, 1):
                    s = fleet.status(p.pid) if p.poll() is None else None
                    if s:
                        samples.setdefault(i, []).append((time.time(), s[0], s[2]))
                stop.wait(2)
        threading.Thread(target=sample, daemon=True).start()
        idle = None
        while time.time() < first_run_at - 1:
            time.sleep(0.5)
        s = fleet.status(agents[0].pid)
        idle = {'rss_mib': round(s[0] / 1024, 1), 'threads': s[2]} if s else None
        cpu_before = sum(fleet.jiffies_of(p.pid) for p in agents)
        killed_at = None
        if a.kill_host:
            time.sleep(max(0, first_run_at + 20 - time.time()))
            agents[a.kill_host - 1].kill()
            killed_at = time.time() - first_run_at
        deadline = first_run_at + a.runs * every + 120
        cpu_last = {}
        while any(p.poll() is None for p in agents) and time.time() < deadline:
            for p in agents:
                if p.poll() is None:
                    cpu_last[p.pid] = fleet.jiffies_of(p.pid)
            time.sleep(1)
        left = [i for i, p in enumerate(agents, 1) if p.poll() is None]
        stop.set()
        resent = None
        if receiver and a.kill_host:
            # what the killed agent recorded but had not sent yet, as its operator would send it: --resend of its folder
            r = subprocess.run(cmd + ['agent', '--resend', os.path.join(work, f"h{a.kill_host}"), '--remote-write.url',
                                      receiver.url], capture_output=True, text=True, timeout=300)
            resent = {'exit': r.returncode, 'said': (r.stdout + r.stderr).strip()[-300:]}
        cpu = sum(cpu_last.values()) - cpu_before
        peak = {i: max(r for _, r, _ in v) for i, v in samples.items()}
        threads = max((t for v in samples.values() for _, _, t in v), default=0)
        result = {'date': datetime.now().isoformat(timespec='seconds'), 'label': a.label, 'hosts': a.hosts,
                  'runs_asked': a.runs, 'every_s': every, 'duration': a.duration, 'bitrate': a.bitrate, 'per_run': per_run,
                  'agents_started_in_s': round(started_all, 1), 'killed_host': a.kill_host or None,
                  'killed_at_s_into_run_1': round(killed_at, 1) if killed_at else None,
                  'agents_left_running': left,
                  'exit_statuses': {str(k): sum(1 for p in agents if p.returncode == k) for k in {p.returncode for p in agents}},
                  'idle_agent_before_first_run': idle,
                  'agent_rss_peak_mib_max': round(max(peak.values()) / 1024, 1) if peak else None,
                  'agent_rss_peak_mib_median': round(statistics.median(peak.values()) / 1024, 1) if peak else None,
                  'agent_threads_peak': threads,
                  'agents_cpu_s_over_the_runs': round(cpu, 1),
                  'load_1min_at_end': os.getloadavg()[0]}
        result.update(check(a.hosts, work, a.kill_host))
        result['tests_per_run_rounds'] = math.ceil(per_run / (a.hosts // 2))
        if receiver:
            result['killed_agent_resend'] = resent
            result.update(archived(receiver, a, result['ok']))
        said_again = 0
        for i in range(1, a.hosts + 1):
            with open(os.path.join(work, f"h{i}.log")) as f:
                said_again += f.read().count('skipped at its time')
        result['skipped_at_their_time'] = said_again
        for i in (1, a.hosts):
            with open(os.path.join(work, f"h{i}.log")) as f:
                result[f"h{i}_terminal_tail"] = f.read()[-600:]
        name = fleet.write_result(a.out, f"agent-fleet-{a.label}-{a.hosts}", result)
        print(name)
        ok = (result['missing_pairs_not_of_killed'] == 0 and result['overlaps'] == 0 and not left
              and result['not_ok_without_killed_host'] == 0 and len(result['runs']) == a.runs)
        sys.exit(0 if ok else 1)
    finally:
        stop.set()
        if receiver:
            receiver.close()
        for p in agents:
            if p.poll() is None:
                p.kill()
        lab.down()


if __name__ == '__main__':
    main()
