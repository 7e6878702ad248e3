#!/usr/bin/env python3
"""A session's CPU a test against the floor's (issue 69: at most 1.2 x two bare iperf3's, cgroup-counted).

  bench/fleet_ratio.py SESSION.json FLOOR.json

SESSION.json is bench/fleet.py's result (the hosts' sshd and all they fork, and the controller, each in a
cgroup), FLOOR.json bench/fleet_floor.py's for the same hosts, -t and -b (each test's two iperf3 in a
cgroup). Both figures are CPU seconds a test that ran; the ratio is the first over the second. Refuses
files whose hosts, duration, bitrate or per_run differ, or that have no cgroup figures.
"""
import json, sys


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    session, floor = (json.load(open(f)) for f in sys.argv[1:])
    for key in ('hosts', 'duration', 'bitrate', 'per_run'):
        if session.get(key, 0) != floor.get(key, 0):
            sys.exit(f"fleet_ratio: {key} differs: {session.get(key)} in {sys.argv[1]}, {floor.get(key)} in {sys.argv[2]}")
    if session.get('cpu_cgroup_per_test_s') is None or floor.get('cpu_cgroup_per_test_s') is None:
        sys.exit('fleet_ratio: a file has no cgroup-counted CPU (cpu_cgroup_per_test_s)')
    ratio = session['cpu_cgroup_per_test_s'] / floor['cpu_cgroup_per_test_s']
    print(f"hosts {session['hosts']}, -t {session['duration']} -b {session['bitrate']}: session "
          f"{session['cpu_cgroup_per_test_s'] * 1000:.1f} ms a test (hosts {session['cpu_cgroup_hosts_s']} s, controller "
          f"{session['cpu_cgroup_controller_s']} s), floor {floor['cpu_cgroup_per_test_s'] * 1000:.1f} ms a test: "
          f"{ratio:.2f} x")


if __name__ == '__main__':
    main()
