#!/usr/bin/env python3
"""A session plan over a fleet of SSH hosts (issue 37: 48 hosts, one login each, wall time, memory).

  bench/fleet.py [--hosts 24] [--duration 1] [--bitrate 50M] [--iperf3j './iperf3j'] [--out DIR] [--label before]

Builds a lab of HOSTS network namespaces on one bridge, each running a real OpenSSH sshd with
Debian's default settings (MaxSessions 10) logging at DEBUG1, as the session module's NetnsLab does:
root logs in with an ed25519 key made for the run, HOME of the sessions is an empty directory (this
machine's root .bashrc runs `pyenv init`, which serialises every shell on one lock). Then runs, as a
process, `iperf3j session PLAN -o OUT` with a mesh of every host, `parallel: true`, direction up,
`-t DURATION -b BITRATE` with Debian's iperf3, and reports:

  tests, failures       from OUT/tests.jsonl
  wall                  the plan's own time (from its "running" line to its last result) and the process's, against
                        the lower bound rounds x DURATION (rounds: HOSTS-1 for an even mesh, the
                        circle method's; HOSTS for an odd one)
  controller memory     VmRSS sampled every 0.2 s from /proc/PID/status: peak (VmHWM), at the
                        200th result, at the end; threads (peak)
  SSH                   per sshd, from its DEBUG1 log: logins (Accepted publickey), the most
                        channels open at once (channel N: new / channel N: free), and the controller's
                        heartbeats all sshds answered (rtype keepalive@...)
  archive               with --archive pushgateway|remote-write (issue 65): a real receiver on 127.0.0.1 (Debian's
                        prometheus-pushgateway, or prometheus with --web.enable-remote-write-receiver), what the
                        summary says was written, whether every ok result is in the receiver, the CPU of the
                        controller's sending thread (iperf3j-archive) against the controller's whole, the receiver's CPU
  CPU                   cgroup-counted (issue 69): every sshd and all it forks in one cgroup, the controller in another
                        (cgroup2 cpu.stat usage_usec, else v1 cpuacct.usage; bench/cpu_per_bit.py's Cgroups), a test's
                        share of both, set against bench/fleet_floor.py's two bare iperf3 a test by bench/fleet_ratio.py

Needs root, iproute2, openssh-server, iperf3. Namespaces are named ijb<pid hex>..., subnet
10.244.R.0/24 (R from the PID); everything is removed at the end, processes killed by their PIDs.
Writes DIR/<date>-fleet-<label>-<hosts>.json and prints a Markdown row (default DIR: bench/results/).
"""
import argparse, datetime, json, os, re, resource, shutil, subprocess, sys, tempfile, threading, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def sh(*cmd, check=True):
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    if check and r.returncode != 0:
        sys.exit(f"{' '.join(cmd)}: {r.stderr.strip()}")
    return r.stdout


class Lab:
    """HOSTS namespaces on a bridge in a hub namespace, one sshd each; the bench's leg is in the root namespace."""

    def __init__(self, hosts, work, sftp='internal-sftp'):
        """sftp: the sshd's SFTP subsystem (Debian's default is the program /usr/lib/openssh/sftp-server)."""
        self.hosts = hosts
        self.sftp = sftp
        self.work = work
        self.tag = f"ijb{os.getpid() & 0xfffff:05x}"
        self.net = f"10.244.{os.getpid() % 250 + 1}"
        self.sshd = []
        self.namespaces = []
        self.key = os.path.join(work, 'id_ed25519')
        self.known_hosts = os.path.join(work, 'known_hosts')

    def ns(self, i):
        return f"{self.tag}n{i}"

    def address(self, i):
        return f"{self.net}.{i}"

    def up(self, sshd=True, static_neighbours=False, cgroup=None):
        """The namespaces on their bridge; with sshd, one real sshd in each (bench/fleet_floor.py runs none), each in
        CGROUP when given (so that every session, shell and iperf3 it forks is charged there)."""
        home = os.path.join(self.work, 'home')
        os.makedirs(home)
        os.makedirs('/run/sshd', exist_ok=True)
        sh('ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-f', self.key)
        sh('ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-f', os.path.join(self.work, 'host_key'))
        shutil.copy(self.key + '.pub', os.path.join(self.work, 'authorized_keys'))
        hub = f"{self.tag}hub"
        sh('ip', 'netns', 'add', hub)
        self.namespaces.append(hub)
        sh('ip', '-n', hub, 'link', 'add', 'br0', 'type', 'bridge')
        sh('ip', '-n', hub, 'link', 'set', 'br0', 'up')
        sh('ip', 'link', 'add', f"{self.tag}c0", 'type', 'veth', 'peer', 'name', f"{self.tag}bc", 'netns', hub)
        sh('ip', '-n', hub, 'link', 'set', f"{self.tag}bc", 'master', 'br0', 'up')
        sh('ip', 'addr', 'add', f"{self.net}.254/24", 'dev', f"{self.tag}c0")
        sh('ip', 'link', 'set', f"{self.tag}c0", 'up')
        for i in range(1, self.hosts + 1):
            n = self.ns(i)
            sh('ip', 'netns', 'add', n)
            self.namespaces.append(n)
            sh('ip', '-n', n, 'link', 'set', 'lo', 'up')
            sh('ip', 'link', 'add', f"{self.tag}h{i}", 'netns', n, 'type', 'veth', 'peer', 'name', f"{self.tag}b{i}", 'netns', hub)
            sh('ip', '-n', hub, 'link', 'set', f"{self.tag}b{i}", 'master', 'br0', 'up')
            sh('ip', '-n', n, 'addr', 'add', f"{self.address(i)}/24", 'dev', f"{self.tag}h{i}")
            sh('ip', '-n', n, 'link', 'set', f"{self.tag}h{i}", 'up')
            if not sshd:
                continue
            conf = os.path.join(self.work, f"sshd_{i}.conf")
            with open(conf, 'w') as f:
                f.write('\n'.join([f"ListenAddress {self.address(i)}:22", f"HostKey {self.work}/host_key",
                                   f"AuthorizedKeysFile {self.work}/authorized_keys", 'PidFile none',
                                   'PermitRootLogin prohibit-password', 'PasswordAuthentication no',
                                   'KbdInteractiveAuthentication no', 'UsePAM no', 'StrictModes no',
                                   'MaxStartups 100', 'LogLevel DEBUG1', f"SetEnv HOME={home}",
                                   f"Subsystem sftp {self.sftp}", '']))
            log = open(os.path.join(self.work, f"sshd_{i}.log"), 'w')
            self.sshd.append(subprocess.Popen(['ip', 'netns', 'exec', n, '/usr/sbin/sshd', '-D', '-e', '-f', conf],
                                              stdout=log, stderr=subprocess.STDOUT, preexec_fn=into(cgroup)))
        if static_neighbours:
            self.fill_neighbours()
        for i in range(1, len(self.sshd) + 1):
            deadline = time.time() + 30
            while ':22' not in sh('ip', 'netns', 'exec', self.ns(i), 'ss', '-Hltn', 'sport = :22', check=False):
                if time.time() > deadline or self.sshd[i - 1].poll() is not None:
                    sys.exit(f"sshd {i} did not listen: " + open(os.path.join(self.work, f"sshd_{i}.log")).read())
                time.sleep(0.05)

    def fill_neighbours(self):
        """Every host's address and MAC in every other host's neighbour table, for good (nud permanent). At 96
        hosts on 2 busy cores, ARP for a first contact gave up ("No route to host": 280 of 4560 tests failed, 228 of the first 240 so); the floor
        met it at 48. A fleet's hosts each have their own CPUs: this takes the lab's artefact out."""
        macs = {}
        for i in range(1, self.hosts + 1):
            link = json.loads(sh('ip', '-n', self.ns(i), '-j', 'link', 'show', 'dev', f"{self.tag}h{i}"))
            macs[i] = link[0]['address']
        for i in range(1, self.hosts + 1):
            batch = ''.join(f"neigh replace {self.address(j)} lladdr {macs[j]} dev {self.tag}h{i} nud permanent\n"
                            for j in range(1, self.hosts + 1) if j != i)
            r = subprocess.run(['ip', '-n', self.ns(i), '-batch', '-'], input=batch, capture_output=True, text=True, timeout=60)
            if r.returncode != 0:
                sys.exit(f"neighbours of host {i}: {r.stderr.strip()}")

    def iperf_left(self):
        """iperf processes in any host namespace, by PID."""
        left = []
        for n in self.namespaces[1:]:
            for pid in sh('ip', 'netns', 'pids', n, check=False).split():
                try:
                    cmd = open(f"/proc/{pid}/cmdline").read().replace('\0', ' ')
                except OSError:
                    continue
                if 'iperf' in cmd and not cmd.startswith('sshd'):
                    left.append(f"{n} {pid} {cmd}")
        return left

    def sshd_counts(self, i):
        logins = opened = peak = beats = 0
        for line in open(os.path.join(self.work, f"sshd_{i}.log"), errors='replace'):
            if 'Accepted publickey for ' in line:
                logins += 1
            elif 'rtype keepalive@' in line:
                beats += 1
            elif re.search(r'debug1: channel \d+: new ', line):
                opened += 1
                peak = max(peak, opened)
            elif re.search(r'debug1: channel \d+: free: ', line):
                opened -= 1
        return logins, peak, beats

    def down(self):
        for p in self.sshd:
            p.terminate()
        for p in self.sshd:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
        for n in self.namespaces:
            for pid in sh('ip', 'netns', 'pids', n, check=False).split():
                subprocess.run(['kill', '-KILL', pid], capture_output=True)
            sh('ip', 'netns', 'del', n, check=False)
        sh('ip', 'link', 'del', f"{self.tag}c0", check=False)
        shutil.rmtree(self.work, ignore_errors=True)


def plan_yaml(lab, duration, bitrate, per_run=0, every=0):
    # ids of the run's own: a host's state folder (STATE/<id>+<tag>, root's /run/iperf3j-session) is shared by everything on
    # this machine, and a session's start kills the processes it finds marked with its id there
    ids = [f"{lab.tag}h{i}" for i in range(1, lab.hosts + 1)]
    # a rotating mesh (issue 69): one run of a schedule, PER_RUN of its pairs (Rotation's order: whole rounds when
    # PER_RUN is a multiple of HOSTS/2); run once, a plan runs every pair, per_run or not. A schedule spreads a run's tests
    # evenly over its period (ScheduledRuns): the period is the run's bound, rounds x DURATION, so that the tests are due
    # as fast as the fewest rounds could run them, and may start until a period late (slip: a whole period); a lab
    # slower than that skips tests (EVERY longer: none skipped, and the run takes the period at least)
    every = every or mesh_rounds(lab.hosts, per_run) * int(duration)
    lines = ['parallel: true'] + ([f"schedule: {{every: {every}s, runs: 1}}"] if per_run else []) + ['hosts:']
    for i in range(1, lab.hosts + 1):
        lines += [f"  - id: {ids[i - 1]}", f"    address: {lab.address(i)}", '    iperf: iperf3', '    commands: {iperf3: /usr/bin/iperf3}',
                  '    connection:', '      type: ssh', '      user: root', f"      identity: {lab.key}",
                  f"      known_hosts: {lab.known_hosts}", '      accept_new_host_keys: true', '      connect_timeout: 10',
                  '      auth_timeout: 10']
    lines += ['tests:', '  - name: mesh', f"    mesh: [{', '.join(ids)}]", '    direction: up', f"    duration: {duration}",
              f"    args: [-b, {bitrate}]"] + ([f"    per_run: {per_run}"] if per_run else []) + ['']
    return '\n'.join(lines)


def into(cgroup):
    """A preexec_fn that moves the child into CGROUP before it execs (None: stays where it is)."""
    if cgroup is None:
        return None

    def enter():
        with open(os.path.join(cgroup, 'cgroup.procs'), 'w') as f:
            f.write('0')
    return enter


def jiffies_of(pid):
    """CPU seconds of a live process and of its children it has waited for (utime, stime, cutime, cstime)."""
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(')', 1)[1].split()
        return sum(int(f) for f in fields[11:15]) / os.sysconf('SC_CLK_TCK')
    except OSError:
        return 0.0


def machine_busy():
    """(busy, total) CPU seconds of the whole machine so far, from /proc/stat."""
    f = [int(x) for x in open('/proc/stat').readline().split()[1:]]
    idle = f[3] + f[4]
    return (sum(f) - idle) / os.sysconf('SC_CLK_TCK'), sum(f) / os.sysconf('SC_CLK_TCK')


def forks():
    """Processes forked on the machine since boot (/proc/stat)."""
    for line in open('/proc/stat'):
        if line.startswith('processes '):
            return int(line.split()[1])
    return 0


def threads_cpu(pid, seen):
    """Adds to SEEN (tid -> (comm, CPU s)) what /proc/PID/task/* says now: a thread's last reading before it ends."""
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            try:
                comm = open(f"/proc/{pid}/task/{tid}/comm").read().strip()
                f = open(f"/proc/{pid}/task/{tid}/stat").read().rsplit(')', 1)[1].split()
                seen[tid] = (comm, (int(f[11]) + int(f[12])) / os.sysconf('SC_CLK_TCK'))
            except OSError:
                pass
    except OSError:
        pass


def by_thread_name(seen):
    """CPU s by thread name, its numbers dropped (C1 CompilerThre0 and 1 are one; iperf3j-archive keeps its 3), most first."""
    out = {}
    for comm, cpu in seen.values():
        k = re.sub(r'(?<![a-z])\d+|\d+$', '#', comm)
        out[k] = out.get(k, 0.0) + cpu
    return {k: round(v, 1) for k, v in sorted(out.items(), key=lambda kv: -kv[1]) if v >= 0.05}


def archive_figures(kind, receiver, said, tests, archive_cpu, controller_cpu, receiver_cpu):
    """What reached the archive (the summary's line, and the receiver's own count of ok results) and what sending cost."""
    import urllib.parse, urllib.request
    ok = [t for t in tests if t['status'] == 'ok']
    line = [l for l in said.splitlines() if 'result(s) written' in l or 'result(s) pushed' in l]
    if kind == 'remote-write':
        base = receiver.url.rsplit('/api/', 1)[0]
        q = urllib.parse.quote('count(count_over_time(iperf3j_session_test_success[2h]) > 0)')
        answer = json.loads(urllib.request.urlopen(f"{base}/api/v1/query?query={q}", timeout=30).read())
        held = int(float(answer['data']['result'][0]['value'][1])) if answer['data']['result'] else 0
    else:
        answer = json.loads(urllib.request.urlopen(f"{receiver.url}/api/v1/metrics", timeout=60).read())
        held = sum(1 for g in answer.get('data', []) if 'iperf3j_session_test_success' in g)
    return {'archive': kind, 'archive_summary': line[-1] if line else None, 'archive_held_results': held,
            'archive_ok_results': len(ok), 'archive_all_ok_held': held >= len(ok),
            'archive_thread_cpu_s': round(archive_cpu, 2),
            'archive_share_of_controller_cpu': round(archive_cpu / controller_cpu, 4) if controller_cpu else None,
            'archive_receiver_cpu_s': round(receiver_cpu, 1)}


def mesh_rounds(hosts, per_run=0):
    """The fewest rounds a mesh of HOSTS can take (the circle method): HOSTS-1 when even, HOSTS when odd; a rotating mesh's
    run of PER_RUN pairs, at least PER_RUN over the pairs a round (HOSTS/2, rounded down)."""
    if per_run:
        return -(-per_run // (hosts // 2))
    return hosts - 1 if hosts % 2 == 0 else hosts


def mesh_pairs(hosts, per_run=0):
    """The mesh's pairs (1-based hosts), round by round of the circle method, as Rotation orders a rotating mesh's (its
    direction aside: the floor's cost is the same either way); the first PER_RUN of them when given, else all."""
    n = hosts if hosts % 2 == 0 else hosts + 1  # an odd mesh: a host that rests each round
    pairs = []
    for r in range(n - 1):
        rnd = [(r % (n - 1), n - 1)] + [((r + k) % (n - 1), (r - k) % (n - 1)) for k in range(1, n // 2)]
        pairs += [(min(x, y) + 1, max(x, y) + 1) for x, y in rnd if max(x, y) < hosts]
    return pairs[:per_run] if per_run else pairs


def results_seen(said):
    """Results the session's progress lines have said: `[i/N] ...` run once, `[run n] ...` on a schedule."""
    return len(re.findall(r'(?m)^\[(?:run \d+|\d+/\d+)\] ', said))


def write_result(out, stem, result):
    """DIR/<date>-STEM.json, printed too; returns its path."""
    os.makedirs(out, exist_ok=True)
    name = os.path.join(out, f"{datetime.date.today()}-{stem}.json")
    json.dump(result, open(name, 'w'), indent=1)
    print(json.dumps(result, indent=1))
    return name


def status(pid):
    """VmRSS, VmHWM (KiB), Threads, and VmRSS's parts (RssAnon, RssFile, RssShmem, KiB) of a live process, or None."""
    try:
        f = {l.split(':')[0]: l.split(':')[1].split() for l in open(f"/proc/{pid}/status")}
        return (int(f['VmRSS'][0]), int(f['VmHWM'][0]), int(f['Threads'][0]),
                {k: int(f[k][0]) for k in ('RssAnon', 'RssFile', 'RssShmem')})
    except (OSError, KeyError):
        return None


def mesh_arguments(doc, hosts):
    """The options every fleet bench takes: --hosts, --duration, --bitrate, --out."""
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--hosts', type=int, default=hosts)
    ap.add_argument('--duration', default='1')
    ap.add_argument('--bitrate', default='50M')
    ap.add_argument('--out', default=os.path.join(ROOT, 'bench', 'results'))
    ap.add_argument('--per-run', type=int, default=0,
                    help='a rotating mesh: only the first PER_RUN pairs of its order (the session: one run of a schedule, '
                         '`per_run` on the mesh), for fleets whose whole mesh is too long a run')
    return ap


def main():
    ap = mesh_arguments(__doc__, 24)
    ap.add_argument('--iperf3j', default=os.path.join(ROOT, 'iperf3j'), help='the command, split on spaces')
    ap.add_argument('--label', default='run')
    ap.add_argument('--static-neighbours', action='store_true',
                    help="fill the hosts' neighbour tables first (no ARP: see Lab.fill_neighbours)")
    ap.add_argument('--nmt', action='store_true',
                    help='run the JVM with native memory tracking and keep its summary, the heap and the live set\'s largest classes at 90%% of the tests (jcmd on PATH)')
    ap.add_argument('--heap-owners', action='store_true',
                    help='with --nmt: also a live heap dump at 90%% of the tests, its arrays summed by who holds them '
                         '(bench/hprof_owners.py)')
    ap.add_argument('--timeout', type=int, default=3600, help='seconds the plan may take')
    ap.add_argument('--every', type=int, default=0,
                    help="with --per-run: the schedule's period in seconds (default: the run's rounds x DURATION)")
    ap.add_argument('--archive', choices=['none', 'pushgateway', 'remote-write'], default='none',
                    help='send every result to a real receiver started here (bench/archive_rate.py\'s)')
    a = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit('needs root (network namespaces, sshd)')
    work = tempfile.mkdtemp(prefix='fleet-bench-')
    lab = Lab(a.hosts, work)
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from cpu_per_bit import Cgroups
    cgroups = Cgroups('iperf3j-fleet')
    hosts_group, controller_group = cgroups.new('hosts'), cgroups.new('controller')
    try:
        t0 = time.time()
        lab.up(static_neighbours=a.static_neighbours, cgroup=hosts_group)
        print(f"lab: {a.hosts} hosts with sshd in {time.time() - t0:.1f} s ({lab.tag}*, {lab.net}.0/24)", flush=True)
        plan = os.path.join(work, 'plan.yaml')
        open(plan, 'w').write(plan_yaml(lab, a.duration, a.bitrate, a.per_run, a.every))
        out = os.path.join(work, 'out')
        stdout_path = os.path.join(work, 'stdout.txt')
        hosts_cpu0 = sum(jiffies_of(q.pid) for q in lab.sshd)
        hosts_group0 = cgroups.usage_s(hosts_group)
        children0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        busy0 = machine_busy()
        forks0 = forks()
        started = time.time()
        env = dict(os.environ)
        if a.nmt:
            env['IPERF3J_JAVA_OPTS'] = (env.get('IPERF3J_JAVA_OPTS', '') + ' -XX:NativeMemoryTracking=summary').strip()
        receiver = None
        extra = []
        if a.archive != 'none':
            sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
            from archive_rate import Receiver, cpu_of
            receiver = Receiver(a.archive, work)
            extra = receiver.option()
            receiver_cpu0 = cpu_of(receiver.p.pid)
        p = subprocess.Popen(a.iperf3j.split() + ['session', plan, '-o', out] + extra, stdout=open(stdout_path, 'w'),
                             stderr=subprocess.STDOUT, env=env, preexec_fn=into(controller_group))
        thread_seen = {}
        rss, hwm, threads, at200, first, last = [], 0, 0, None, None, None
        parts_at_peak, peak_sample = None, 0
        total = min(a.per_run, a.hosts * (a.hosts - 1) // 2) if a.per_run else a.hosts * (a.hosts - 1) // 2
        memory_at_90 = None
        while p.poll() is None:
            s = status(p.pid)
            said = open(stdout_path, errors='replace').read()
            seen = results_seen(said)
            if a.nmt and memory_at_90 is None and seen >= total * 9 // 10:
                # where the memory is, near the end: the JVM's own account (NMT) and the heap's
                memory_at_90 = {'rss_kib': s[0] if s else None,
                                'nmt': subprocess.run(['jcmd', str(p.pid), 'VM.native_memory', 'summary'], capture_output=True,
                                                      text=True, timeout=60).stdout,
                                'heap': subprocess.run(['jcmd', str(p.pid), 'GC.heap_info'], capture_output=True, text=True,
                                                       timeout=60).stdout}
                # the live set (a full collection first) by class, its 25 largest: what the controller holds per test
                histogram = subprocess.run(['jcmd', str(p.pid), 'GC.class_histogram'], capture_output=True, text=True,
                                           timeout=120).stdout.splitlines()
                memory_at_90['live_histogram_top'] = histogram[:28] + histogram[-1:]
                if a.heap_owners:
                    # whose the live set's arrays are: a live heap dump, read by bench/hprof_owners.py
                    dump = os.path.join(work, 'controller.hprof')
                    subprocess.run(['jcmd', str(p.pid), 'GC.heap_dump', dump], capture_output=True, timeout=120)
                    owners = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'hprof_owners.py')
                    memory_at_90['live_owners'] = {
                        c: subprocess.run([sys.executable, owners, dump, '--top', '30', '--depth', '5', '--class', c],
                                          capture_output=True, text=True, timeout=600).stdout.splitlines()
                        for c in ('[B', '[I', '[Ljava/lang/Object;')}
            if first is None and re.search(r'(^|\n)running ', said):
                first = time.time()
            if last is None and seen >= total:
                last = time.time()
            if s:
                if s[0] > peak_sample:
                    peak_sample, parts_at_peak = s[0], {k: round(v / 1024, 1) for k, v in s[3].items()}
                rss.append(s[0])
                hwm = max(hwm, s[1])
                threads = max(threads, s[2])
                if at200 is None and seen >= 200:
                    at200 = s[0]
            threads_cpu(p.pid, thread_seen)
            if time.time() - started > a.timeout:
                p.kill()
                sys.exit(f"the plan ran past {a.timeout} s")
            time.sleep(0.2)
        wall = time.time() - started
        busy1 = machine_busy()
        forked = forks() - forks0
        children1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        controller_cpu = (children1.ru_utime + children1.ru_stime) - (children0.ru_utime + children0.ru_stime)
        said = open(stdout_path, errors='replace').read()
        # the plan's own time: from its "running N test(s)" line to its last result (polled every 0.2 s);
        # a plan over few hosts may end between two polls: then the process's start and end bound it
        plan_bounded_by_process = first is None or last is None
        if first is None:
            first = started
        if last is None and results_seen(said) >= total:
            last = started + wall
        plan_s = round(last - first, 1) if last else float('nan')
        rounds_said = re.search(r'in (\d+) parallel round\(s\)', said)
        tests = [json.loads(l) for l in open(os.path.join(out, 'tests.jsonl'))] if os.path.exists(os.path.join(out, 'tests.jsonl')) else []
        failed = [t for t in tests if t['status'] != 'ok']
        rounds = mesh_rounds(a.hosts, a.per_run)
        bound = rounds * float(a.duration)
        per_host = [lab.sshd_counts(i) for i in range(1, a.hosts + 1)]
        heartbeats = sum(b for _, _, b in per_host)
        time.sleep(1)
        left = lab.iperf_left()
        # every sshd's sessions, shells and iperfs, reaped by it once the controller's connections closed
        hosts_cpu = sum(jiffies_of(q.pid) for q in lab.sshd) - hosts_cpu0
        group_hosts = cgroups.usage_s(hosts_group) - hosts_group0
        group_controller = cgroups.usage_s(controller_group)
        ran = sum(1 for t in tests if t['status'] != 'skipped')
        result = {
            'date': datetime.datetime.now().isoformat(timespec='seconds'), 'label': a.label, 'hosts': a.hosts,
            'static_neighbours': a.static_neighbours,
            'command': ' '.join(a.iperf3j.split() + ['session', 'PLAN', '-o', 'OUT']), 'exit_status': p.returncode,
            'duration': a.duration, 'bitrate': a.bitrate, 'per_run': a.per_run,
            'every_s': (a.every or bound) if a.per_run else None,
            'skipped': sum(1 for t in tests if t['status'] == 'skipped'), 'tests': len(tests), 'expected_tests': total,
            'failed': len(failed), 'failures': [f"{t['id']}: {t.get('error')}" for t in failed][:20],
            'memory_at_90_percent': memory_at_90,
            'rounds': rounds, 'rounds_said': int(rounds_said.group(1)) if rounds_said else None,
            'lower_bound_s': bound, 'plan_s': plan_s, 'plan_s_bounded_by_process': plan_bounded_by_process, 'process_s': round(wall, 1), 'plan_over_bound': round(plan_s / bound, 2),
            'rss_peak_mib': round(hwm / 1024, 1), 'rss_parts_at_peak_sample_mib': parts_at_peak, 'rss_at_200_mib': round(at200 / 1024, 1) if at200 else None,
            'rss_end_mib': round(rss[-1] / 1024, 1) if rss else None, 'threads_peak': threads,
            'logins_per_host': sorted({l for l, _, _ in per_host}), 'max_logins': max(l for l, _, _ in per_host),
            'max_channels_per_sshd': max(c for _, c, _ in per_host), 'heartbeats': heartbeats, 'iperf_left': left,
            'load_average': open('/proc/loadavg').read().split()[:3],
            'processes_forked': forked, 'cpu_controller_s': round(controller_cpu, 1), 'cpu_hosts_s': round(hosts_cpu, 1),
            'cpu_machine_busy_s': round(busy1[0] - busy0[0], 1), 'cpu_machine_capacity_s': round(busy1[1] - busy0[1], 1),
            'cpu_cgroup': cgroups.kind, 'cpu_cgroup_hosts_s': round(group_hosts, 1),
            'cpu_cgroup_controller_s': round(group_controller, 1),
            'cpu_cgroup_per_test_s': round((group_hosts + group_controller) / ran, 4) if ran else None,
            'cpu_controller_by_thread_s': by_thread_name(thread_seen),
        }
        if receiver is not None:
            # the sending thread's last reading (thread_seen keeps it after the thread ends)
            archive_cpu = sum(cpu for comm, cpu in thread_seen.values() if comm == 'iperf3j-archive')
            result.update(archive_figures(a.archive, receiver, said, tests, archive_cpu, controller_cpu,
                                          cpu_of(receiver.p.pid) - receiver_cpu0))
            receiver.close()
        name = write_result(a.out, f"fleet-{a.label}-{a.hosts}", result)
        print('| hosts | tests | failed | plan s (bound) | x bound | RSS peak / @200 / end MiB | threads | logins/host | max channels |')
        print(f"| {a.hosts} | {len(tests)} | {len(failed)} | {plan_s:.1f} ({bound:.0f}) | {result['plan_over_bound']} | "
              f"{result['rss_peak_mib']} / {result['rss_at_200_mib']} / {result['rss_end_mib']} | {threads} | "
              f"{result['logins_per_host']} | {result['max_channels_per_sshd']} |")
        print(f"written: {name}")
    finally:
        lab.down()
        cgroups.close()


if __name__ == '__main__':
    main()
