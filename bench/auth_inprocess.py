#!/usr/bin/env python3
"""The server's token work per kind of bad token, in one JVM, below the network's noise (issue 66).

  bench/auth_inprocess.py [--open-rounds 20000] [--decrypt-rounds 2000] [--label L] [--date YYYY-MM-DD]

Builds bench/jmh (the bench profile) and runs io.iperf3j.bench.TokenBlockTiming: for each kind of
bench/auth_timing.py (a token with a wrong password in either padding, conformant PKCS#1 v1.5 or OAEP
padding around random bytes, a leading zero and neither padding, random), 256 different blocks, timed
call by call with System.nanoTime, the kinds interleaved. Two figures: `open` (TokenBlock.open alone:
both paddings checked and the text parsed), `decryptAndOpen` (the JDK's blinded RSA private-key
operation and it, as AuthCheck runs them), and for comparison `jdkOaep`, `jdkPkcs1` (the JDK's Cipher
with one padding, a failure thrown: how the server decrypted before issue 66). Medians, IQRs, and each kind against `random` with a 95 %
bootstrap interval of the difference of medians and a Mann-Whitney p, as auth_timing.py.
Writes bench/results/<date>-auth-inprocess[-L].{md,json}.
"""
import argparse, datetime, json, os, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from auth_timing import KINDS, ROOT, mann_whitney, median_difference, stats  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--open-rounds', type=int, default=20000)
    ap.add_argument('--decrypt-rounds', type=int, default=2000)
    ap.add_argument('--label', default='')
    ap.add_argument('--date', default=str(datetime.date.today()))
    ap.add_argument('--no-build', action='store_true', help='use bench/jmh/target/iperf3j-benchmarks.jar as it is')
    a = ap.parse_args()
    java_home = os.environ.get('JAVA_HOME', '/usr/lib/jvm/temurin-25-jdk-amd64')
    if not a.no_build:
        subprocess.run(['mvn', '-q', '-B', '-Pbench', '-DskipTests', '-Diperf3j.aot.skip=true', '-pl', 'bench/jmh', '-am',
                        'package'], cwd=ROOT, check=True, env=dict(os.environ, JAVA_HOME=java_home))
    jar = os.path.join(ROOT, 'bench', 'jmh', 'target', 'iperf3j-benchmarks.jar')
    out = os.path.join(tempfile.mkdtemp(prefix='auth-inprocess-'), 'ns.json')
    subprocess.run([os.path.join(java_home, 'bin', 'java'), '-cp', jar, 'io.iperf3j.bench.TokenBlockTiming', out,
                    str(a.open_rounds), str(a.decrypt_rounds)], check=True)
    with open(out) as f:
        ns = json.load(f)
    commit = subprocess.run(['git', '-C', ROOT, 'rev-parse', '--short', 'HEAD'], capture_output=True, text=True).stdout.strip()
    lines = [f'# auth in-process timing: the token work per kind of bad token ({a.date}, {commit}'
             f'{", " + a.label if a.label else ""})', '',
             f'`bench/auth_inprocess.py --open-rounds {a.open_rounds} --decrypt-rounds {a.decrypt_rounds}`: one JVM, '
             '256 blocks of each kind, the kinds interleaved call by call in a shuffled order, System.nanoTime around each call; '
             '2048-bit key, the server\'s default (either padding).', '',
             f'Machine: {os.uname().nodename}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at the end.']
    summary = {}
    titles = {'open': 'TokenBlock.open alone', 'decryptAndOpen': 'the RSA operation and TokenBlock.open, the server now',
              'jdkOaep': 'before: the JDK\'s Cipher, OAEP (main\'s default)',
              'jdkPkcs1': 'before: the JDK\'s Cipher, PKCS#1 v1.5 (main\'s --use-pkcs1-padding)'}
    for what, unit, scale in (('open', 'us', 1e3), ('decryptAndOpen', 'ms', 1e6), ('jdkOaep', 'ms', 1e6),
                              ('jdkPkcs1', 'ms', 1e6)):
        v = {k: [x / scale for x in ns[what][k]] for k in KINDS}
        s = {k: stats(v[k]) for k in KINDS}
        lines += ['', f'## {what}: {titles[what]} ({unit})', '', f'| token | median {unit} | IQR (q1-q3) | p10-p90 |', '|---|---|---|---|']
        for k in KINDS:
            x = s[k]
            lines.append(f'| {k} | {x["median"]:.3f} | {x["iqr"]:.3f} ({x["q1"]:.3f}-{x["q3"]:.3f}) | '
                         f'{x["p10"]:.3f}-{x["p90"]:.3f} |')
        lines += ['', f'| token | median - random {unit} | 95 % bootstrap interval | Mann-Whitney p |', '|---|---|---|---|']
        pairs = {}
        for k in KINDS[:-1]:
            d, lo, hi = median_difference(v[k], v['random'], rounds=500)
            p = mann_whitney(v[k], v['random'])
            pairs[k] = {'difference': d, 'ci95': [lo, hi], 'mann_whitney_p': p}
            lines.append(f'| {k} | {d:+.3f} | {lo:+.3f} to {hi:+.3f} | {p:.3g} |')
        summary[what] = {'unit': unit, 'stats': s, 'against_random': pairs}
    text = '\n'.join(lines) + '\n'
    print(text)
    name = f'{a.date}-auth-inprocess{"-" + a.label if a.label else ""}'
    with open(os.path.join(ROOT, 'bench', 'results', name + '.md'), 'w') as f:
        f.write(text)
    with open(os.path.join(ROOT, 'bench', 'results', name + '.json'), 'w') as f:
        json.dump({'commit': commit, 'summary': summary}, f, indent=1)
    return 0


if __name__ == '__main__':
    sys.exit(main())
