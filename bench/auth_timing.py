#!/usr/bin/env python3
"""Does an iperf3j server's answer time tell one bad authentication token from another? (issue 55)

  bench/auth_timing.py [--count 50] [--warmup 20] [--pkcs1-server] [--iperf3j './iperf3j'] [--out DIR] [--label L]

Starts `iperf3j -s --rsa-private-key-path K --authorized-users-path U` (with --pkcs1-server, also
`--use-pkcs1-padding`) and sends it, over real loopback connections as a client does (cookie, then
the parameters with the token), COUNT tokens of each kind, interleaved (round i sends the three kinds
in an order rotated by i, so drift of a shared machine hits all alike):

  pkcs1   a PKCS#1 v1.5 token of a listed user with a wrong password (conformant padding: what a
          Bleichenbacher attacker looks for);
  oaep    an OAEP token of the same user with a wrong password (valid padding, wrong password);
  random  random bytes of the key's length below its modulus (bad padding in either mode).

Every token is made just before it is sent (`openssl pkeyutl`, fresh timestamp), so none is stale.
The figure is the server's answer time: from the parameters' last byte written to the answer's
first byte read (SERVER_ERROR; all three kinds must get the same 9 bytes, iperf3's "test
authorization failed"). WARMUP tokens of each kind go first and are not counted (JIT).

Before issue 55 the server decrypted with PKCS#1 v1.5 and then OAEP, and a PKCS#1-conformant token
was answered in 19 ms median against 37 ms for any other. The target now: the three medians within
each other's noise (every difference of medians smaller than the smallest interquartile range).
Writes DIR/<date>-auth-timing[-pkcs1][-L].{md,json} (default bench/results/). To time another build,
IPERF3J_JAR=that.jar (the launcher runs it as it is).
"""
import argparse, base64, datetime, json, os, random, socket, statistics, struct, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DENIAL = bytes([0xFE, 0, 0, 0, 142, 0, 0, 0, 0])
KINDS = ('pkcs1', 'oaep', 'random')


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


def openssl_encrypt(pub, plain, mode):
    r = subprocess.run(['openssl', 'pkeyutl', '-encrypt', '-pubin', '-inkey', pub, '-pkeyopt',
                        f'rsa_padding_mode:{mode}'], input=plain.encode(), capture_output=True, check=True)
    return base64.b64encode(r.stdout).decode()


def modulus(priv):
    out = subprocess.run(['openssl', 'rsa', '-in', priv, '-noout', '-modulus'], capture_output=True, text=True,
                         check=True).stdout
    return int(out.strip().split('=', 1)[1], 16)


def token(kind, pub, n, k):
    plain = f'user: mario\npwd:  wrong\nts:   {int(time.time())}'
    if kind == 'pkcs1':
        return openssl_encrypt(pub, plain, 'pkcs1')
    if kind == 'oaep':
        return openssl_encrypt(pub, plain, 'oaep')
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--count', type=int, default=50)
    ap.add_argument('--warmup', type=int, default=20)
    ap.add_argument('--pkcs1-server', action='store_true', help='run the server with --use-pkcs1-padding')
    ap.add_argument('--iperf3j', default=os.path.join(ROOT, 'iperf3j'), help='the command, split on spaces')
    ap.add_argument('--out', default=os.path.join(ROOT, 'bench', 'results'))
    ap.add_argument('--label', default='', help='added to the file name and the heading (e.g. before)')
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix='auth-timing-')
    priv, pub, users = (os.path.join(work, f) for f in ('private.pem', 'public.pem', 'users.csv'))
    subprocess.run(['openssl', 'genrsa', '-out', priv, '2048'], check=True, capture_output=True)
    subprocess.run(['openssl', 'rsa', '-in', priv, '-pubout', '-out', pub], check=True, capture_output=True)
    import hashlib
    with open(users, 'w') as f:
        f.write('mario,' + hashlib.sha256(b'{mario}rossi').hexdigest() + '\n')
    n = modulus(priv)
    k = (n.bit_length() + 7) // 8
    port = free_port()
    cmd = a.iperf3j.split() + ['-s', '-p', str(port), '--server-log', '--rsa-private-key-path', priv,
                                '--authorized-users-path', users] + (['--use-pkcs1-padding'] if a.pkcs1_server else [])
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
            order = KINDS[i % 3:] + KINDS[:i % 3]
            for kind in order:
                tok = token(kind, pub, n, k)
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
    mode = 'PKCS#1 v1.5 (--use-pkcs1-padding)' if a.pkcs1_server else 'OAEP (the default)'
    commit = subprocess.run(['git', '-C', ROOT, 'rev-parse', '--short', 'HEAD'], capture_output=True, text=True).stdout.strip()
    lines = [f'# auth timing: the answer time of three kinds of bad token ({datetime.date.today()}, {commit}{", " + a.label if a.label else ""})', '',
             f'`bench/auth_timing.py --count {a.count} --warmup {a.warmup}{" --pkcs1-server" if a.pkcs1_server else ""}`: '
             f'an iperf3j server decrypting with {mode}, 2048-bit key, loopback; {a.count} tokens of each kind, '
             'interleaved, each answered with the same 9 bytes (SERVER_ERROR 142). Milliseconds from the parameters '
             'sent to the answer\'s first byte.', '', f'Machine: {os.uname().nodename}, {os.cpu_count()} cores, '
             f'load average {os.getloadavg()[0]:.2f} at the end.', '',
             '| token | median ms | IQR (q1-q3) | p10-p90 | min-max |', '|---|---|---|---|---|']
    for kind in KINDS:
        x = s[kind]
        lines.append(f'| {kind} | {x["median"]:.2f} | {x["iqr"]:.2f} ({x["q1"]:.2f}-{x["q3"]:.2f}) | '
                     f'{x["p10"]:.2f}-{x["p90"]:.2f} | {x["min"]:.2f}-{x["max"]:.2f} |')
    lines += ['', f'Largest difference of medians {diff:.3f} ms against the smallest IQR {spread:.3f} ms: '
              f'{"within the noise (target met)" if met else "NOT within the noise"}.', '',
              'The server\'s log reasons (what the operator sees; the client sees none of them):', '']
    lines += [f'- {c} x {r}' for r, c in sorted(reasons.items(), key=lambda e: -e[1])]
    text = '\n'.join(lines) + '\n'
    print(text)
    os.makedirs(a.out, exist_ok=True)
    name = f'{datetime.date.today()}-auth-timing{"-pkcs1" if a.pkcs1_server else ""}{"-" + a.label if a.label else ""}'
    with open(os.path.join(a.out, name + '.md'), 'w') as f:
        f.write(text)
    with open(os.path.join(a.out, name + '.json'), 'w') as f:
        json.dump({'mode': mode, 'commit': commit, 'count': a.count, 'warmup': a.warmup, 'ms': times, 'stats': s,
                   'reasons': reasons}, f, indent=1)
    return 0 if met else 1


if __name__ == '__main__':
    sys.exit(main())
