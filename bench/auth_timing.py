#!/usr/bin/env python3
"""Does an iperf3j server's answer time tell one bad authentication token from another? (issues 55, 66)

  bench/auth_timing.py [--count 200] [--warmup 20] [--server-padding default|pkcs1|oaep]
                       [--iperf3j './iperf3j'] [--out DIR] [--label L] [--date YYYY-MM-DD]

Starts `iperf3j -s --rsa-private-key-path K --authorized-users-path U` (--server-padding pkcs1 adds
`--use-pkcs1-padding`, oaep adds `--use-oaep-padding`; --pkcs1-server is the old name of the first)
and sends it, over real loopback connections as a client does (cookie, then the parameters with the
token), COUNT tokens of each kind, interleaved (round i sends the kinds in an order rotated by i, so
drift of a shared machine hits all alike):

  pkcs1          a PKCS#1 v1.5 token of a listed user with a wrong password (OpenSSL's padding);
  oaep           an OAEP token of the same user with a wrong password (OpenSSL's padding);
  pkcs1-garbage  OpenSSL's PKCS#1 v1.5 padding around random bytes of a random length: conformant
                 padding and no token inside, what a Bleichenbacher attacker's lucky query decrypts to;
  oaep-garbage   the same with OAEP padding;
  zero-lead      a block 00 || random bytes (the second byte not 02) raised to e: a leading zero and
                 neither padding, the difference Manger's attack on OAEP looks for;
  random         random bytes of the key's length below its modulus (bad padding in either mode).

Every token is made just before it is sent (fresh timestamp), so none is stale. The figure is the
server's answer time: from the parameters' last byte written to the answer's first byte read
(SERVER_ERROR; every kind must get the same 9 bytes, iperf3's "test authorization failed"). WARMUP
tokens of each kind go first and are not counted (JIT).

Before issue 55 the server decrypted with PKCS#1 v1.5 and then OAEP, and a PKCS#1-conformant token
was answered in 19 ms median against 37 ms for any other. The target (issue 55's): the medians within
each other's noise, every difference of medians smaller than the smallest interquartile range. A
second table sets each kind against `random`: the difference of medians with a 95 % bootstrap
interval, and a Mann-Whitney U test (two-sided p, normal approximation).
Writes DIR/<date>-auth-timing[-pkcs1|-oaep][-L].{md,json} (default bench/results/). To time another
build, IPERF3J_JAR=that.jar (the launcher runs it as it is).
"""
import argparse, base64, datetime, hashlib, json, math, os, random, socket, statistics, struct, subprocess, sys, \
    tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DENIAL = bytes([0xFE, 0, 0, 0, 142, 0, 0, 0, 0])
KINDS = ('pkcs1', 'oaep', 'pkcs1-garbage', 'oaep-garbage', 'zero-lead', 'random')
SERVER_FLAGS = {'default': [], 'pkcs1': ['--use-pkcs1-padding'], 'oaep': ['--use-oaep-padding']}


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


def openssl_encrypt(pub, data, mode):
    r = subprocess.run(['openssl', 'pkeyutl', '-encrypt', '-pubin', '-inkey', pub, '-pkeyopt',
                        f'rsa_padding_mode:{mode}'], input=data, capture_output=True, check=True)
    return base64.b64encode(r.stdout).decode()


def public_numbers(priv):
    out = subprocess.run(['openssl', 'rsa', '-in', priv, '-noout', '-modulus', '-text'], capture_output=True,
                         text=True, check=True).stdout
    n = int(next(l for l in out.splitlines() if l.startswith('Modulus=')).split('=', 1)[1], 16)
    e = int(next(l for l in out.splitlines() if l.startswith('publicExponent:')).split()[1])
    return n, e


def token(kind, pub, n, e, k):
    plain = f'user: mario\npwd:  wrong\nts:   {int(time.time())}'.encode()
    if kind == 'pkcs1':
        return openssl_encrypt(pub, plain, 'pkcs1')
    if kind == 'oaep':
        return openssl_encrypt(pub, plain, 'oaep')
    if kind == 'pkcs1-garbage':
        return openssl_encrypt(pub, os.urandom(random.randint(1, k - 11)), 'pkcs1')
    if kind == 'oaep-garbage':
        return openssl_encrypt(pub, os.urandom(random.randint(1, k - 42)), 'oaep')
    if kind == 'zero-lead':
        block = bytearray(os.urandom(k))
        block[0] = 0
        if block[1] == 2:
            block[1] = 3
        return base64.b64encode(pow(int.from_bytes(block, 'big'), e, n).to_bytes(k, 'big')).decode()
    while True:
        v = random.getrandbits(8 * k)
        if v < n:
            return base64.b64encode(v.to_bytes(k, 'big')).decode()


def params(tok):
    return json.dumps({'tcp': True, 'omit': 0, 'time': 1, 'num': 0, 'blockcount': 0, 'parallel': 1, 'len': 131072,
                       'pacing_timer': 1000, 'authtoken': tok, 'client_version': '3.12'}).encode()


def recv_exact(s, n):
    b = b''
    while len(b) < n:
        x = s.recv(n - len(b))
        if not x:
            break
        b += x
    return b


def ask(port, tok):
    """One control connection; returns (seconds from the parameters sent to the answer's first byte, answer)."""
    body = params(tok)
    with socket.create_connection(('127.0.0.1', port), timeout=10) as s:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s.sendall(bytes(random.choice(b'abcdefghijklmnopqrstuvwxyz') for _ in range(36)) + b'\0')
        if recv_exact(s, 1) != bytes([9]):
            sys.exit('no PARAM_EXCHANGE from the server')
        s.sendall(struct.pack('>I', len(body)) + body)  # the JSON follows in one write, as iperf3 does it
        t0 = time.perf_counter()
        first = s.recv(1)
        t1 = time.perf_counter()
        return t1 - t0, first + recv_exact(s, 8)


def stats(v):
    q = statistics.quantiles(v, n=20)  # 5 % steps
    q1, _, q3 = statistics.quantiles(v, n=4)
    return {'median': statistics.median(v), 'q1': q1, 'q3': q3, 'iqr': q3 - q1, 'p10': q[1], 'p90': q[17],
            'min': min(v), 'max': max(v), 'n': len(v)}


def mann_whitney(a, b):
    """Two-sided p of the Mann-Whitney U test (normal approximation, ties corrected)."""
    both = sorted([(v, 0) for v in a] + [(v, 1) for v in b])
    ranks, ties, i = [0.0] * len(both), 0.0, 0
    while i < len(both):
        j = i
        while j + 1 < len(both) and both[j + 1][0] == both[i][0]:
            j += 1
        for m in range(i, j + 1):
            ranks[m] = (i + j) / 2 + 1
        ties += (j - i + 1) ** 3 - (j - i + 1)
        i = j + 1
    n1, n2 = len(a), len(b)
    u = sum(r for r, (_, g) in zip(ranks, both) if g == 0) - n1 * (n1 + 1) / 2
    n = n1 + n2
    sd = math.sqrt(n1 * n2 / 12 * ((n + 1) - ties / (n * (n - 1))))
    return math.erfc(abs(u - n1 * n2 / 2) / sd / math.sqrt(2)) if sd else 1.0


def median_difference(a, b, rounds=2000):
    """median(a) - median(b), with a 95 % percentile bootstrap interval (seeded, so a rerun gives the same)."""
    r = random.Random(66)
    d = sorted(statistics.median(r.choices(a, k=len(a))) - statistics.median(r.choices(b, k=len(b)))
               for _ in range(rounds))
    return statistics.median(a) - statistics.median(b), d[int(0.025 * rounds)], d[int(0.975 * rounds) - 1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--count', type=int, default=200)
    ap.add_argument('--warmup', type=int, default=20)
    ap.add_argument('--server-padding', choices=tuple(SERVER_FLAGS), default='default',
                    help='pkcs1: --use-pkcs1-padding; oaep: --use-oaep-padding (iperf3j since issue 66)')
    ap.add_argument('--pkcs1-server', action='store_true', help='the old name of --server-padding pkcs1')
    ap.add_argument('--iperf3j', default=os.path.join(ROOT, 'iperf3j'), help='the command, split on spaces')
    ap.add_argument('--out', default=os.path.join(ROOT, 'bench', 'results'))
    ap.add_argument('--label', default='', help='added to the file name and the heading (e.g. before)')
    ap.add_argument('--date', default=str(datetime.date.today()), help='the date of the file name and heading')
    a = ap.parse_args()
    if a.pkcs1_server:
        a.server_padding = 'pkcs1'
    work = tempfile.mkdtemp(prefix='auth-timing-')
    priv, pub, users = (os.path.join(work, f) for f in ('private.pem', 'public.pem', 'users.csv'))
    subprocess.run(['openssl', 'genrsa', '-out', priv, '2048'], check=True, capture_output=True)
    subprocess.run(['openssl', 'rsa', '-in', priv, '-pubout', '-out', pub], check=True, capture_output=True)
    with open(users, 'w') as f:
        f.write('mario,' + hashlib.sha256(b'{mario}rossi').hexdigest() + '\n')
    n, e = public_numbers(priv)
    k = (n.bit_length() + 7) // 8
    port = free_port()
    cmd = a.iperf3j.split() + ['-s', '-p', str(port), '--server-log', '--rsa-private-key-path', priv,
                                '--authorized-users-path', users] + SERVER_FLAGS[a.server_padding]
    log = open(os.path.join(work, 'server.log'), 'w')
    server = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 120
        while True:
            try:
                socket.create_connection(('127.0.0.1', port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.time() > deadline:
                    sys.exit('the server did not start; see ' + log.name)
                time.sleep(0.2)
        times = {kind: [] for kind in KINDS}
        for i in range(a.warmup + a.count):
            order = KINDS[i % len(KINDS):] + KINDS[:i % len(KINDS)]
            for kind in order:
                tok = token(kind, pub, n, e, k)
                seconds, answer = ask(port, tok)
                if answer != DENIAL:
                    sys.exit(f'{kind}: answer {answer.hex()} is not the denial {DENIAL.hex()}')
                if i >= a.warmup:
                    times[kind].append(seconds * 1000)
    finally:
        server.terminate()
        server.wait(10)
        log.close()
    with open(log.name) as f:
        reasons = {}
        for line in f:
            if 'result=denied' in line and 'reason=' in line:
                r = line.split('reason=', 1)[1].strip()
                reasons[r] = reasons.get(r, 0) + 1
    s = {kind: stats(v) for kind, v in times.items()}
    spread = min(x['iqr'] for x in s.values())
    diff = max(x['median'] for x in s.values()) - min(x['median'] for x in s.values())
    met = diff < spread
    pairs = {}
    for kind in KINDS[:-1]:
        d, lo, hi = median_difference(times[kind], times['random'])
        pairs[kind] = {'difference': d, 'ci95': [lo, hi], 'mann_whitney_p': mann_whitney(times[kind], times['random'])}
    mode = {'default': 'the default padding', 'pkcs1': 'PKCS#1 v1.5 only (--use-pkcs1-padding)',
            'oaep': 'OAEP only (--use-oaep-padding)'}[a.server_padding]
    flag = '' if a.server_padding == 'default' else f' --server-padding {a.server_padding}'
    commit = subprocess.run(['git', '-C', ROOT, 'rev-parse', '--short', 'HEAD'], capture_output=True, text=True).stdout.strip()
    jar = os.environ.get('IPERF3J_JAR')
    lines = [f'# auth timing: the answer time of {len(KINDS)} kinds of bad token ({a.date}, {commit}'
             f'{", " + a.label if a.label else ""})', '',
             f'`bench/auth_timing.py --count {a.count} --warmup {a.warmup}{flag}`'
             f'{" with IPERF3J_JAR=" + os.path.basename(jar) if jar else ""}: an iperf3j server with {mode}, '
             f'2048-bit key, loopback; {a.count} tokens of each kind, interleaved, each answered with the same 9 bytes '
             '(SERVER_ERROR 142). Milliseconds from the parameters sent to the answer\'s first byte.', '',
             f'Machine: {os.uname().nodename}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at the end.', '',
             '| token | median ms | IQR (q1-q3) | p10-p90 | min-max |', '|---|---|---|---|---|']
    for kind in KINDS:
        x = s[kind]
        lines.append(f'| {kind} | {x["median"]:.2f} | {x["iqr"]:.2f} ({x["q1"]:.2f}-{x["q3"]:.2f}) | '
                     f'{x["p10"]:.2f}-{x["p90"]:.2f} | {x["min"]:.2f}-{x["max"]:.2f} |')
    lines += ['', f'Largest difference of medians {diff:.3f} ms against the smallest IQR {spread:.3f} ms: '
              f'{"within the noise (target met)" if met else "NOT within the noise"}.', '',
              'Each kind against `random`:', '',
              '| token | median - random ms | 95 % bootstrap interval | Mann-Whitney p |', '|---|---|---|---|']
    for kind, p in pairs.items():
        lines.append(f'| {kind} | {p["difference"]:+.2f} | {p["ci95"][0]:+.2f} to {p["ci95"][1]:+.2f} | '
                     f'{p["mann_whitney_p"]:.3g} |')
    lines += ['', 'The server\'s log reasons (what the operator sees; the client sees none of them):', '']
    lines += [f'- {c} x {r}' for r, c in sorted(reasons.items(), key=lambda e: -e[1])]
    text = '\n'.join(lines) + '\n'
    print(text)
    os.makedirs(a.out, exist_ok=True)
    name = (f'{a.date}-auth-timing{"" if a.server_padding == "default" else "-" + a.server_padding}'
            f'{"-" + a.label if a.label else ""}')
    with open(os.path.join(a.out, name + '.md'), 'w') as f:
        f.write(text)
    with open(os.path.join(a.out, name + '.json'), 'w') as f:
        json.dump({'mode': mode, 'commit': commit, 'jar': jar, 'count': a.count, 'warmup': a.warmup, 'ms': times,
                   'stats': s, 'against_random': pairs, 'reasons': reasons}, f, indent=1)
    return 0 if met else 1


if __name__ == '__main__':
    sys.exit(main())
