#!/usr/bin/env python3
"""What a session test costs its hosts in processes (issue 45), counted exactly with strace.

  bench/fleet_forks.py [--hosts 4] [--tests 40] [--sftp internal|external] [--iperf3j './iperf3j'] [--label L] [--out DIR]

bench/fleet.py counts forks machine-wide (/proc/stat), which also counts every thread a JVM or a build
beside it starts. This bench builds HOSTS namespaces with a real sshd each (fleet.py's Lab; with
`--sftp external`, the default, the sshd runs Debian's default `Subsystem sftp /usr/lib/openssh/sftp-server`),
attaches `strace -f -e trace=execve,clone,clone3,fork,vfork` to every sshd, and runs `iperf3j session`
over pairs of the hosts (`-t 1 -b 50M`, Debian's iperf3, one test at a time). It counts, over all hosts,
the processes created (a clone without CLONE_THREAD, a fork, a vfork) and the programs executed, each by
name. Each run of a plan pays a start-up (logins, the host agents and their clean-up after sessions gone,
which in this lab sees every other lab's state: the namespaces share /tmp), so the plan runs twice in the
same lab, with TESTS/4 tests and with TESTS, and the difference divided by the difference in tests is a
test's own cost. The floor is the two iperf3 (a server and a client) a test needs.
Writes DIR/<date>-fleet-forks-<label>.json and prints a Markdown row.
"""
import argparse, collections, datetime, json, os, re, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fleet  # noqa: E402

ROOT = fleet.ROOT


def plan_yaml(lab, tests):
    ids = [f"{lab.tag}h{i}" for i in range(1, lab.hosts + 1)]
    lines = ['hosts:']
    for i in range(1, lab.hosts + 1):
        lines += [f"  - id: {ids[i - 1]}", f"    address: {lab.address(i)}", '    iperf: iperf3',
                  '    commands: {iperf3: /usr/bin/iperf3}', '    connection:', '      type: ssh', '      user: root',
                  f"      identity: {lab.key}", f"      known_hosts: {lab.known_hosts}", '      accept_new_host_keys: true',
                  '      connect_timeout: 10', '      auth_timeout: 10']
    pairs = [f"[{ids[2 * k]}, {ids[2 * k + 1]}]" for k in range(lab.hosts // 2)]
    repeat = max(1, tests // len(pairs))
    lines += ['tests:', '  - name: forks', f"    pairs: [{', '.join(pairs)}]", '    direction: up', '    duration: 1',
              '    args: [-b, 50M]', f"    repeat: {repeat}", '']
    return '\n'.join(lines), repeat * len(pairs)


def count(work, hosts):
    """Processes created and programs executed (a Counter by name) in the sshd traces so far."""
    created = 0
    programs = collections.Counter()
    for i in range(1, hosts + 1):
        path = os.path.join(work, f"trace_{i}.txt")
        if not os.path.exists(path):
            continue
        for line in open(path, errors='replace'):
            if re.search(r'= -1 E', line):
                continue
            if re.search(r'\bclone3?\(', line) and 'CLONE_THREAD' not in line:
                created += 1
            elif re.search(r'\bv?fork\(', line):
                created += 1
            m = re.search(r'execve\("([^"]+)"', line)
            if m:
                programs[os.path.basename(m.group(1))] += 1
    return created, programs


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--hosts', type=int, default=4)
    ap.add_argument('--tests', type=int, default=40)
    ap.add_argument('--sftp', choices=['internal', 'external'], default='external')
    ap.add_argument('--iperf3j', default=os.path.join(ROOT, 'iperf3j'))
    ap.add_argument('--label', default='run')
    ap.add_argument('--out', default=os.path.join(ROOT, 'bench', 'results'))
    a = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit('needs root (network namespaces, sshd, strace)')
    work = tempfile.mkdtemp(prefix='fleet-forks-')
    lab = fleet.Lab(a.hosts, work, sftp='/usr/lib/openssh/sftp-server' if a.sftp == 'external' else 'internal-sftp')
    tracers = []
    try:
        lab.up()
        runs = []
        for wanted in (a.tests // 4, a.tests):
            yaml, tests = plan_yaml(lab, wanted)
            plan = os.path.join(work, f"plan_{tests}.yaml")
            open(plan, 'w').write(yaml)
            out = os.path.join(work, f"out_{tests}")
            # a tracer per run, ended after it: strace buffers its file, and only its end flushes it all (counted
            # while tracing, a run's last lines went to the next run's count)
            for i, p in enumerate(lab.sshd, start=1):
                # `ip netns exec NS sshd`: ip execs sshd, so the PID is sshd's
                tracers.append(subprocess.Popen(['strace', '-f', '-qq', '-e', 'trace=execve,clone,clone3,fork,vfork',
                                                 '-e', 'signal=none', '-o', os.path.join(work, f"trace_{i}.txt"), '-p', str(p.pid)],
                                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            time.sleep(1)
            before = count(work, a.hosts)
            r = subprocess.run(a.iperf3j.split() + ['session', plan, '-o', out], capture_output=True, text=True, timeout=1800)
            time.sleep(1)
            for t in tracers:
                t.terminate()
                t.wait(10)
            tracers.clear()
            after = count(work, a.hosts)
            for i in range(1, a.hosts + 1):
                if os.path.exists(os.path.join(work, f"trace_{i}.txt")):
                    os.replace(os.path.join(work, f"trace_{i}.txt"), os.path.join(work, f"trace_{i}_{tests}.txt"))
            lines = [json.loads(l) for l in open(os.path.join(out, 'tests.jsonl'))]
            runs.append({'tests': tests, 'ok': sum(1 for l in lines if l.get('status') == 'ok'), 'exit_status': r.returncode,
                         'created': after[0] - before[0], 'executed': after[1] - before[1]})
        if os.environ.get('FLEET_FORKS_KEEP'):
            import shutil
            shutil.copytree(work, os.environ['FLEET_FORKS_KEEP'], dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns('*.sock', 'ssh*', 'home*'))
        small, large = runs
        extra = large['tests'] - small['tests']
        created = large['created'] - small['created']
        programs = large['executed'] - small['executed']
        start_up = (small['created'] * large['tests'] - large['created'] * small['tests']) / extra
        result = {'date': datetime.datetime.now().isoformat(timespec='seconds'), 'label': a.label, 'hosts': a.hosts,
                  'sftp': a.sftp, 'runs': [{k: v for k, v in r.items() if k != 'executed'} for r in runs],
                  'start_up_per_run': round(start_up, 1), 'per_test': round(created / extra, 2),
                  'executed_per_test': {k: round(v / extra, 2) for k, v in programs.most_common()}}
        fleet.write_result(a.out, f"fleet-forks-{a.label}", result)
        print(f"| {a.label} | {small['tests']}+{large['tests']} | {small['ok'] + large['ok']} | {start_up:.0f} | "
              f"{created / extra:.1f} | " + ', '.join(f"{k} {v / extra:.1f}" for k, v in programs.most_common(10)) + ' |')
    finally:
        for t in tracers:
            if t.poll() is None:
                t.kill()
        lab.down()


if __name__ == '__main__':
    main()
