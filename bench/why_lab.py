#!/usr/bin/env python3
"""Does --why name the one bottleneck a lab sets, and does lifting it lift the rate? (issues 47 and 56)

  bench/why_lab.py [--runs 10] [--lifts 3] [--seconds 3] [--paths lan,wan,lo] [--cases rwnd,sndbuf,...,local]
                   [--dirs fwd,rev] [--servers iperf3j,3.21] [--parallel 1,4] [--label L] [--out DIR]

Three network namespaces, a client's (a), a router (r) and a server's (b). On the LAN path the router only
forwards (RTT tens of microseconds, veth); on the long path (wan) it is shared/tools/wanlab.sh's delay line,
50 ms each way behind a 200 Mbit/s tbf (RTT 100 ms); on lo both ends share one namespace and its loopback (the
`local` case: no path, so a verdict must name a CPU, never the path). One bottleneck is set at a time, on the side of the test
it belongs to (the receiver's tcp_rmem, the sender's tcp_wmem, a shaper on the router, -b, a busy core shared
with the sender, a small UDP socket buffer, a shaper on the sender's own interface), then for each cell
(path, case, direction, server, -P) the iperf3j client runs RUNS times with --why -J, and LIFTS times each:

  * with the case's cause lifted (the buffer or window raised, the shaper or -b off, the busy process stopped):
    the rate must rise by at least half (1.5 x the median of the cell's runs);
  * with a cause that was not set lifted (another one of the same list): the rate must not.

Each run's cause, confidence, figures and remedy go to OUT/<date>-why-lab-<label>.jsonl; the table (runs
naming the cause, another cause, not determined; the lifts' ratios) to .md. The check over every remedy
printed (no option of the other side, none the run rules out) is bench/why_lab.py --check FILE.jsonl.
Needs root, iproute2, tc, a C compiler (the delay line) and iperf3 3.21 (~/.cache/iperf3j/iperf3-3.21).
IPERF3J_JAR pins the jar (the script copies it first, so a rebuild during the run changes nothing).
"""
import argparse, datetime, json, os, re, shutil, signal, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PEER321 = os.path.expanduser(os.environ.get('IPERF3_321', '~/.cache/iperf3j/iperf3-3.21/bin/iperf3'))
WANLAB = os.path.join(ROOT, 'scripts', 'wanlab.sh')
DEFAULT_RMEM = '4096 131072 33554432'
DEFAULT_WMEM = '4096 16384 4194304'
BIG_RMEM = '4096 131072 67108864'
BIG_WMEM = '4096 16384 67108864'


def sh(*cmd, check=True, quiet=True):
    r = subprocess.run(list(cmd), stdout=subprocess.PIPE if quiet else None, stderr=subprocess.PIPE, text=True)
    if check and r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)}: {r.stderr.strip()}")
    return r.stdout if quiet else ''


class Lab:
    """a -- r -- b. LAN: the router forwards; wan: wanlab.sh's delay line and tbf."""

    def __init__(self, name, path):
        self.n, self.path = name, path
        self.a, self.r, self.b = f"{name}-a", f"{name}-r", f"{name}-b"
        self.server_addr = '10.234.2.1'
        self.a_if, self.b_if = f"{name}-a0", f"{name}-b0"
        self.ra, self.rb = f"{name}-ra", f"{name}-rb"

    def up(self):
        self.down()
        if self.path == 'lo':
            # one host: client and server in one namespace, over its loopback interface (issue 67: no path to name)
            self.b = self.a
            self.server_addr = '127.0.0.1'
            sh('ip', 'netns', 'add', self.a)
            sh('ip', '-n', self.a, 'link', 'set', 'lo', 'up')
            return
        if self.path == 'wan':
            sh('bash', '-c', f'. "{WANLAB}" && wan_up {self.n} 50 200mbit >/dev/null')
            return
        for s in (self.a, self.r, self.b):
            sh('ip', 'netns', 'add', s)
            sh('ip', '-n', s, 'link', 'set', 'lo', 'up')
        sh('ip', 'link', 'add', self.a_if, 'netns', self.a, 'type', 'veth', 'peer', 'name', self.ra, 'netns', self.r)
        sh('ip', 'link', 'add', self.b_if, 'netns', self.b, 'type', 'veth', 'peer', 'name', self.rb, 'netns', self.r)
        for ns, dev, addr, gw in ((self.a, self.a_if, '10.234.1.1/24', '10.234.1.254'),
                                  (self.b, self.b_if, '10.234.2.1/24', '10.234.2.254')):
            sh('ip', '-n', ns, 'addr', 'add', addr, 'dev', dev)
            sh('ip', '-n', ns, 'link', 'set', dev, 'up')
            sh('ip', '-n', ns, 'route', 'add', 'default', 'via', gw)
        sh('ip', '-n', self.r, 'addr', 'add', '10.234.1.254/24', 'dev', self.ra)
        sh('ip', '-n', self.r, 'addr', 'add', '10.234.2.254/24', 'dev', self.rb)
        sh('ip', '-n', self.r, 'link', 'set', self.ra, 'up')
        sh('ip', '-n', self.r, 'link', 'set', self.rb, 'up')
        sh('ip', 'netns', 'exec', self.r, 'sysctl', '-qw', 'net.ipv4.ip_forward=1')

    def down(self):
        if self.path == 'lo':
            subprocess.run(['ip', 'netns', 'del', self.a], stderr=subprocess.DEVNULL)
            return
        subprocess.run(['bash', '-c', f'. "{WANLAB}" && wan_down {self.n}'], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)

    def ns_of(self, side):
        return self.a if side == 'client' else self.b

    def if_of(self, side):
        """A side's own interface (its egress)."""
        return self.a_if if side == 'client' else self.b_if

    def sysctl(self, side, key, value):
        sh('ip', 'netns', 'exec', self.ns_of(side), 'sysctl', '-qw', f"{key}={value}")

    def router_shaper(self, rate):
        """tbf on both of the router's egresses (a switch's port), with a queue of 1 ms at the rate (at least 200 kB)."""
        for dev in (self.ra, self.rb):
            if rate:
                bits = parse_rate(rate)
                limit = max(200000, bits // 8 // 1000 * (100 if self.path == 'wan' else 1))
                sh('tc', '-n', self.r, 'qdisc', 'replace', 'dev', dev, 'root', 'tbf', 'rate', rate, 'burst', '256kb',
                   'limit', str(limit))
            elif self.path == 'wan':
                sh('tc', '-n', self.r, 'qdisc', 'replace', 'dev', dev, 'root', 'tbf', 'rate', '200mbit', 'burst',
                   '256kb', 'limit', '2500000')
            else:
                subprocess.run(['tc', '-n', self.r, 'qdisc', 'del', 'dev', dev, 'root'], stderr=subprocess.DEVNULL)

    def router_loss(self, percent):
        """nft on the router drops PERCENT % of forwarded UDP datagrams at random; None removes it. Only the data's:
        a lost UDP connect (iperf3's 4-byte handshake) fails the test instead of slowing it."""
        subprocess.run(['ip', 'netns', 'exec', self.r, 'nft', 'delete', 'table', 'inet', 'whylab'],
                       stderr=subprocess.DEVNULL)
        if percent:
            sh('ip', 'netns', 'exec', self.r, 'nft', f"add table inet whylab; add chain inet whylab dropper {{ type filter"
               f" hook forward priority 0; }}; add rule inet whylab dropper meta l4proto udp meta length > 1000"
               f" numgen random mod 100 < {percent} drop")

    def local_shaper(self, side, rate):
        dev = self.if_of(side)
        if rate:
            sh('tc', '-n', self.ns_of(side), 'qdisc', 'replace', 'dev', dev, 'root', 'tbf', 'rate', rate, 'burst',
               '64kb', 'limit', '1000000')
        else:
            subprocess.run(['tc', '-n', self.ns_of(side), 'qdisc', 'del', 'dev', dev, 'root'],
                           stderr=subprocess.DEVNULL)

    def reset(self):
        for side in ('client', 'server'):
            self.sysctl(side, 'net.ipv4.tcp_rmem', DEFAULT_RMEM)
            self.sysctl(side, 'net.ipv4.tcp_wmem', DEFAULT_WMEM)
            if self.path == 'lo':
                continue
            self.local_shaper(side, None)
        if self.path == 'lo':
            return
        self.router_shaper(None)
        self.router_loss(None)


def parse_rate(r):
    m = re.fullmatch(r'([0-9.]+)([kmg]?)bit', r)
    return int(float(m[1]) * {'': 1, 'k': 1e3, 'm': 1e6, 'g': 1e9}[m[2]])


class Hog:
    """A spinner pinned to CPU 0 at nice -5: the core the sender is pinned to with -A."""

    def __init__(self):
        self.p = None

    def start(self):
        if self.p is None:
            self.p = subprocess.Popen(['taskset', '-c', '0', 'nice', '-n', '-5', 'sh', '-c', 'while :; do :; done'])

    def stop(self):
        if self.p is not None:
            self.p.kill()
            self.p.wait()
            self.p = None


# A case: the cause it sets (the verdict's key), what sets it and what lifts it. `set`/`lift` get (lab, sender,
# receiver, hog) and return extra client arguments. `other` is a cause that is not set, lifted as a control.
def c_rwnd(lab, snd, rcv, hog):
    lab.sysctl(rcv, 'net.ipv4.tcp_rmem', '4096 32768 32768' if lab.path == 'lan' else '4096 131072 1048576')
    return []


def c_sndbuf(lab, snd, rcv, hog):
    lab.sysctl(snd, 'net.ipv4.tcp_wmem', '4096 16384 16384' if lab.path == 'lan' else '4096 16384 1048576')
    return []


def c_path(lab, snd, rcv, hog):
    lab.router_shaper('1gbit' if lab.path == 'lan' else '100mbit')
    return []


def c_pacing(lab, snd, rcv, hog):
    return ['-b', '1G' if lab.path == 'lan' else '20M']


def c_cpu(lab, snd, rcv, hog):
    hog.start()
    return []


def c_udp_rcvbuf(lab, snd, rcv, hog):
    # the long path carries 200 Mbit/s: -b stays under it there, so the buffer is the only place that drops,
    # and on the LAN under what these two shared cores carry (-b 2G was the sender's CPU as well: lifting the buffer
    # then lifted the rate 1.1 times only)
    return ['-u', '-b', '1G' if lab.path == 'lan' else '150M', '-l', '1460', '-w', '8K']


def c_udp_path(lab, snd, rcv, hog):
    # On the LAN a shaper on the router throttles a UDP sender without loss: every namespace's softirq work runs on
    # the same two cores, in the sending thread's context, so the router's qdisc holds the sender as a local one
    # would. A real router is another machine: here the path drops 40 % at random instead (a policer, a bad link).
    if lab.path == 'lan':
        lab.router_loss(40)
        return ['-u', '-b', '1G', '-l', '1400']
    lab.router_shaper('100mbit')
    return ['-u', '-b', '200M', '-l', '1400']


def c_udp_pacing(lab, snd, rcv, hog):
    return ['-u', '-b', '200M' if lab.path == 'lan' else '20M', '-l', '1400']


def c_udp_local(lab, snd, rcv, hog):
    lab.local_shaper(snd, '500mbit' if lab.path == 'lan' else '50mbit')
    return ['-u', '-b', '1G' if lab.path == 'lan' else '150M', '-l', '1400']


def c_local(lab, snd, rcv, hog):
    return []


CASES = {
    # name: (setter, the cause the verdict should name, the cause lifted as a control)
    'rwnd': (c_rwnd, 'receiver_window', 'sender_buffer'),
    'sndbuf': (c_sndbuf, 'sender_buffer', 'receiver_window'),
    'path': (c_path, 'path', 'receiver_window'),
    'pacing': (c_pacing, 'pacing', 'sender_buffer'),
    'cpu': (c_cpu, 'sender_cpu', 'receiver_window'),
    'udp-rcvbuf': (c_udp_rcvbuf, 'receiver_buffer', 'path'),
    'udp-path': (c_udp_path, 'path', 'receiver_buffer'),
    'udp-pacing': (c_udp_pacing, 'pacing', 'receiver_buffer'),
    'udp-local': (c_udp_local, 'path', 'receiver_buffer'),
    # the lo path only: nothing set, both ends on one host; either side's CPU is right, the path never (no lifts)
    'local': (c_local, 'cpu', None),
}
LOCAL_CASES = ('local',)


def named(cause, expected):
    return cause in ('sender_cpu', 'receiver_cpu') if expected == 'cpu' else cause == expected


def lift(cause, lab, snd, rcv, hog, args):
    """Lifts `cause` on top of the case's set-up; returns the client arguments to use."""
    args = list(args)
    if cause == 'receiver_window':
        lab.sysctl(rcv, 'net.ipv4.tcp_rmem', BIG_RMEM)
    elif cause == 'sender_buffer':
        # the LAN's lift is the default's 4 MiB: 64 MiB there queues more than the caches hold and runs slower
        # (0.32-0.46 x the 16 KiB rate, issue 56), while the default doubles it (issue 67)
        lab.sysctl(snd, 'net.ipv4.tcp_wmem', BIG_WMEM if lab.path == 'wan' else DEFAULT_WMEM)
    elif cause == 'path':
        lab.router_shaper('10gbit' if lab.path == 'wan' else None)
        lab.router_loss(None)
        lab.local_shaper(snd, None)
    elif cause == 'pacing':
        if '-b' in args:
            i = args.index('-b')
            args[i + 1] = '0' if '-u' not in args else ('8G' if lab.path == 'lan' else '2G')
    elif cause in ('sender_cpu', 'receiver_cpu'):
        hog.stop()
    elif cause == 'receiver_buffer':
        if '-w' in args:
            i = args.index('-w')
            args[i + 1] = '4M'
        elif '-u' in args:
            args += ['-w', '4M']
    elif cause == 'sender_host':
        lab.local_shaper(snd, None)
    return args


def run_one(lab, server, port, args, seconds, tmp, jar_env):
    sbin = [os.path.join(ROOT, 'iperf3j')] if server == 'iperf3j' else [PEER321]
    srv = subprocess.Popen(['ip', 'netns', 'exec', lab.b] + sbin + ['-s', '-1', '-p', str(port)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=jar_env)
    for _ in range(200):
        if sh('ip', 'netns', 'exec', lab.b, 'ss', '-Hltn', f"sport = :{port}").strip():
            break
        time.sleep(0.05)
    out = os.path.join(tmp, 'run.json')
    cmd = ['ip', 'netns', 'exec', lab.a, os.path.join(ROOT, 'iperf3j'), '-c', lab.server_addr, '-p', str(port),
           '-t', str(seconds), '-J', '--why'] + args
    with open(out, 'w') as f:
        try:
            subprocess.run(cmd, stdout=f, stderr=subprocess.DEVNULL, timeout=seconds + 40, env=jar_env)
        except subprocess.TimeoutExpired:
            pass
    try:
        srv.wait(timeout=10)
    except subprocess.TimeoutExpired:
        srv.kill()
        srv.wait()
    try:
        return json.load(open(out))
    except ValueError:
        return None


def summary(doc, direction):
    """The fields a row keeps: the rate the receiver got and the direction's verdict."""
    if not doc or 'end' not in doc:
        return {'failed': True, 'error': (doc or {}).get('error', 'no document')}
    end = doc['end']
    udp = 'sum' in end and 'sum_received' not in end
    try:
        bps = end['sum']['bits_per_second'] if udp else end['sum_received']['bits_per_second']
    except (KeyError, TypeError):
        return {'failed': True, 'error': doc.get('error', 'no sum in the document\'s end')}
    why = end.get('iperf3j_why', {}).get('directions', [{}])
    w = why[0] if why else {}
    row = {'bits_per_second': bps, 'cause': w.get('cause'), 'confidence': w.get('confidence'),
           'headline': w.get('headline'), 'reason': w.get('reason'), 'remedy': w.get('remedy'),
           'figures': w.get('figures')}
    if not udp:
        row['retransmits'] = end.get('sum_sent', {}).get('retransmits')
    else:
        row['lost_percent'] = end['sum'].get('lost_percent')
    return row


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--runs', type=int, default=10)
    ap.add_argument('--lifts', type=int, default=3)
    ap.add_argument('--seconds', type=int, default=3)
    ap.add_argument('--paths', default='lan,wan')
    ap.add_argument('--cases', default=','.join(CASES))
    ap.add_argument('--dirs', default='fwd,rev')
    ap.add_argument('--servers', default='iperf3j,3.21')
    ap.add_argument('--parallel', default='1')
    ap.add_argument('--label', default='lab')
    ap.add_argument('--out', default=os.path.join(ROOT, 'bench', 'results'))
    ap.add_argument('--check', metavar='JSONL', help='only check the remedies of a results file')
    a = ap.parse_args()
    if a.check:
        sys.exit(check_remedies([json.loads(l) for l in open(a.check)]))
    if os.geteuid() != 0:
        sys.exit('why_lab: needs root (network namespaces)')
    # a TERM (a stopped run) cleans up as an end does: the finally below deletes the namespaces
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    jar = os.environ.get('IPERF3J_JAR', os.path.join(ROOT, 'cli', 'target', 'iperf3j-0.1.0.jar'))
    tmp = tempfile.mkdtemp(prefix='why-lab-')
    snap = os.path.join(tmp, 'iperf3j.jar')
    shutil.copy(jar, snap)
    env = dict(os.environ, IPERF3J_JAR=snap)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d-%H%M')
    base = os.path.join(a.out, f"{stamp}-why-lab-{a.label}")
    rows = []
    hog = Hog()
    port = 5400
    lab = None
    try:
        with open(base + '.jsonl', 'w') as log:
            for path in a.paths.split(','):
                lab = Lab(f"wl{os.getpid() % 4096:03x}", path)
                lab.up()
                for case in a.cases.split(','):
                    setter, expected, other = CASES[case]
                    for par in a.parallel.split(','):
                        for d in a.dirs.split(','):
                            snd, rcv = ('client', 'server') if d == 'fwd' else ('server', 'client')
                            for server in a.servers.split(','):
                                if case == 'cpu' and path == 'wan' or (case in LOCAL_CASES) != (path == 'lo'):
                                    continue
                                cell = dict(path=path, case=case, dir=d, server=server, parallel=int(par),
                                            expected=expected)
                                lifts = 0 if other is None else a.lifts
                                kinds = ['run'] * a.runs + ['lift'] * lifts + ['control'] * lifts
                                # interleaved: a run, then a lift, then a control, so drift hits all alike
                                order = []
                                while kinds:
                                    for k in ('run', 'lift', 'control'):
                                        if k in kinds:
                                            kinds.remove(k)
                                            order.append(k)
                                for kind in order:
                                    lab.reset()
                                    hog.stop()
                                    extra = setter(lab, snd, rcv, hog)
                                    if case == 'cpu':
                                        extra += ['-A', '0,1' if d == 'fwd' else '1,0']
                                    if kind != 'run':
                                        extra = lift(expected if kind == 'lift' else other, lab, snd, rcv, hog, extra)
                                    args = extra + (['-R'] if d == 'rev' else []) + (['-P', par] if par != '1' else [])
                                    port += 1
                                    doc = run_one(lab, server, port, args, a.seconds, tmp, env)
                                    row = dict(cell, kind=kind, args=args, load=os.getloadavg()[0],
                                               **summary(doc, d))
                                    rows.append(row)
                                    log.write(json.dumps(row) + '\n')
                                    log.flush()
                                    print(f"{path} {case} {d} {server} P{par} {kind}: "
                                          f"{row.get('bits_per_second', 0) / 1e6:.0f} Mbit/s {row.get('cause')}"
                                          f" ({row.get('confidence')})", flush=True)
                                hog.stop()
                lab.reset()
                lab.down()
                lab = None
    finally:
        hog.stop()
        if lab:
            lab.down()
        shutil.rmtree(tmp, ignore_errors=True)
    table = report(rows, a)
    open(base + '.md', 'w').write(table)
    print(table)
    print(f"wrote {base}.jsonl and .md")
    sys.exit(check_remedies(rows))


def report(rows, a):
    cells = {}
    for r in rows:
        k = (r['path'], r['case'], r['dir'], r['server'], r['parallel'])
        cells.setdefault(k, []).append(r)
    out = [f"# --why lab, {datetime.date.today()} ({a.runs} runs, {a.lifts} lifts and controls, -t {a.seconds})", '',
           '| path | case | dir | server | -P | named the cause | another | not determined | close | median Mbit/s |'
           ' lift x | control x |', '|---|---|---|---|---|---|---|---|---|---|---|---|']
    for k, rs in cells.items():
        runs = [r for r in rs if r['kind'] == 'run' and not r.get('failed')]
        exp = rs[0]['expected']
        ok = sum(named(r['cause'], exp) for r in runs)
        nd = sum(r['cause'] == 'not_determined' for r in runs)
        close = sum(r.get('confidence') == 'close' for r in runs)
        med = statistics.median([r['bits_per_second'] for r in runs]) if runs else 0

        def ratio(kind):
            xs = [r['bits_per_second'] for r in rs if r['kind'] == kind and not r.get('failed')]
            return f"{statistics.median(xs) / med:.2f}" if xs and med else '-'
        failed = sum(1 for r in rs if r.get('failed'))
        out.append(f"| {k[0]} | {k[1]} | {k[2]} | {k[3]} | {k[4]} | {ok} / {len(runs)}"
                   f"{f' ({failed} failed)' if failed else ''} | {len(runs) - ok - nd} | {nd} | {close} |"
                   f" {med / 1e6:.0f} | {ratio('lift')} | {ratio('control')} |")
    return '\n'.join(out) + '\n'


SENDER_ONLY = ('-Z', 'tcp_wmem', 'wmem_max')
RECEIVER_ONLY = ('tcp_rmem', 'rmem_max')


def check_remedies(rows):
    """Every remedy printed: an option of the side it names, none the run's own settings rule out."""
    bad = 0
    for r in rows:
        rem = r.get('remedy') or ''
        f = r.get('figures') or {}
        if not rem:
            continue
        problems = []
        if r.get('cause') in ('receiver_cpu', 'receiver_window', 'receiver_buffer') and any(
                x in rem for x in SENDER_ONLY):
            problems.append('a sender option for a receiver cause')
        if r.get('cause') in ('sender_cpu', 'sender_buffer') and any(x in rem for x in RECEIVER_ONLY):
            problems.append('a receiver option for a sender cause')
        cores = os.cpu_count()
        if re.search(r'idle core|a core of its own', rem) and r.get('parallel', 1) >= cores:
            problems.append('a core of its own with as many streams as cores')
        if re.search(r'-P \d', rem) and r.get('parallel', 1) >= cores:
            problems.append('more streams than cores')
        if '-Z' in rem and ('-Z' in r.get('args', []) or (f.get('protocol') == 'UDP')):
            problems.append('-Z where the run rules it out')
        side = {'fwd': ('client', 'server'), 'rev': ('server', 'client')}[r['dir']]
        if rem.startswith('on the sender (') and not rem.startswith(f'on the sender (the {side[0]})'):
            problems.append('the sender named as the wrong host')
        if rem.startswith('on the receiver (') and not rem.startswith(f'on the receiver (the {side[1]})'):
            problems.append('the receiver named as the wrong host')
        if f.get('protocol') == 'UDP' and re.search(r'TCP_INFO|congestion window|tcp_[rw]mem',
                                                      (r.get('headline') or '') + (r.get('reason') or '') + rem):
            problems.append('TCP words in a UDP verdict')
        if '-A' in rem and 'on the server' not in rem and 'on the client' not in rem:
            problems.append('-A without the side')
        if problems:
            bad += 1
            print(f"remedy check: {r['path']} {r['case']} {r['dir']} {r['server']}: {'; '.join(problems)}: {rem}")
    print(f"remedy check: {bad} of {sum(1 for r in rows if r.get('remedy'))} remedies with a problem")
    return 1 if bad else 0


if __name__ == '__main__':
    main()
