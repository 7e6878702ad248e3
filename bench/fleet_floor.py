#!/usr/bin/env python3
"""The floor of a fleet mesh on this machine: the same tests with no SSH, no shell and no controller JVM.

  bench/fleet_floor.py [--hosts 48] [--duration 1] [--bitrate 50M] [--out DIR]

Builds bench/fleet.py's lab of HOSTS network namespaces on one bridge, without sshd, and runs the mesh
a session plan with `parallel: true` runs (every pair once, direction up, `-t DURATION -b BITRATE`,
Debian's iperf3) the cheapest way there is: `ip netns exec` straight into `iperf3 -s -1` and `iperf3 -c`,
a test started as soon as both its hosts are free (the session's own dispatch rule, in the plan's
order). What it costs is what any tool must pay here: the two iperf3 processes of each test, on
this machine's cores. The session's time over this floor is SSH, the hosts' shells and the
controller (issue 37's bound, 2 x rounds x DURATION, is measured against both).

Reports the wall (first start to last end), the machine's busy CPU (/proc/stat), the children's
CPU and the same cgroup-counted (every test's processes in one cgroup; a test's share is what
bench/fleet_ratio.py sets a session's against), and failures (a client's non-zero exit after its retries: a client that finds the server not
yet listening tries again every 10 ms, for at most 2 s). Writes DIR/<date>-fleet-floor-<hosts>.json.
"""
import datetime, os, resource, subprocess, sys, tempfile, threading, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fleet import Lab, into, machine_busy, mesh_arguments, mesh_pairs, mesh_rounds, write_result  # noqa: E402
from cpu_per_bit import Cgroups  # noqa: E402


def one_test(lab, sender, receiver, duration, bitrate, cgroup):
    """A server on the receiver, a client on the sender, both in CGROUP; returns None or the failure."""
    server = subprocess.Popen(['ip', 'netns', 'exec', lab.ns(receiver), 'iperf3', '-s', '-1', '-p', '5201'],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=into(cgroup))
    try:
        deadline = time.time() + 2
        while True:
            try:
                c = subprocess.run(['ip', 'netns', 'exec', lab.ns(sender), 'iperf3', '-c', lab.address(receiver), '-p', '5201',
                                    '-t', duration, '-b', bitrate], capture_output=True, text=True, timeout=30,
                                   preexec_fn=into(cgroup))
            except subprocess.TimeoutExpired:
                # a failed test, not a dead bench (stop 53: one client hung and the run waited for its thread for good)
                return f"{sender}->{receiver}: the client did not end within 30 s"
            if c.returncode == 0:
                break
            if 'Connection refused' not in c.stdout + c.stderr or time.time() > deadline:
                return f"{sender}->{receiver}: exit {c.returncode}: {(c.stdout + c.stderr).strip()[-200:]}"
            time.sleep(0.01)
        server.wait(10)
        return None
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


def main():
    a = mesh_arguments(__doc__, 48).parse_args()
    if os.geteuid() != 0:
        sys.exit('needs root (network namespaces)')
    work = tempfile.mkdtemp(prefix='fleet-floor-')
    lab = Lab(a.hosts, work)
    cgroups = Cgroups('iperf3j-floor')
    tests_group = cgroups.new('tests')
    try:
        # static ARP entries, as the sessions it is set beside run (bench/fleet.py --static-neighbours): without them,
        # 48 hosts on one bridge lost some of their ARP answers (no route to host) and a client hung
        lab.up(sshd=False, static_neighbours=True)
        # the whole mesh in host order, or a rotating mesh's first run of PER_RUN pairs, in its order
        pending = mesh_pairs(a.hosts, a.per_run) if a.per_run else [(i, j) for i in range(1, a.hosts + 1) for j in range(i + 1, a.hosts + 1)]
        busy_hosts, failures, lock, done = set(), [], threading.Condition(), [0]

        def run(pair):
            f = one_test(lab, pair[0], pair[1], a.duration, a.bitrate, tests_group)
            with lock:
                busy_hosts.difference_update(pair)
                done[0] += 1
                if f:
                    failures.append(f)
                lock.notify_all()

        total = len(pending)
        children0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        busy0 = machine_busy()
        started = time.time()
        with lock:
            while done[0] < total:
                for pair in list(pending):
                    if pair[0] not in busy_hosts and pair[1] not in busy_hosts:
                        busy_hosts.update(pair)
                        pending.remove(pair)
                        threading.Thread(target=run, args=(pair,), daemon=True).start()
                if time.time() - started > 1800:
                    sys.exit('the mesh ran past 1800 s')
                lock.wait(5)
        wall = time.time() - started
        busy1 = machine_busy()
        children1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        tests_cpu = cgroups.usage_s(tests_group)
        rounds = mesh_rounds(a.hosts, a.per_run)
        bound = rounds * float(a.duration)
        result = {
            'date': datetime.datetime.now().isoformat(timespec='seconds'), 'hosts': a.hosts, 'per_run': a.per_run, 'tests': total,
            'failed': len(failures), 'failures': failures[:20], 'duration': a.duration, 'bitrate': a.bitrate,
            'rounds': rounds, 'lower_bound_s': bound, 'wall_s': round(wall, 1), 'wall_over_bound': round(wall / bound, 2),
            'cpu_children_s': round((children1.ru_utime + children1.ru_stime) - (children0.ru_utime + children0.ru_stime), 1),
            'cpu_machine_busy_s': round(busy1[0] - busy0[0], 1), 'cpu_machine_capacity_s': round(busy1[1] - busy0[1], 1),
            'cpu_cgroup': cgroups.kind, 'cpu_cgroup_s': round(tests_cpu, 1),
            'cpu_cgroup_per_test_s': round(tests_cpu / total, 4),
            'load_average': open('/proc/loadavg').read().split()[:3], 'iperf_left': lab.iperf_left(),
        }
        print(f"written: {write_result(a.out, f'fleet-floor-{a.hosts}' + (f'-per-run-{a.per_run}' if a.per_run else ''), result)}")
    finally:
        lab.down()
        cgroups.close()


if __name__ == '__main__':
    main()
