#!/usr/bin/env python3
"""Bench of iperf3j report on the big case: an hour at -i 0.1 (36 000 intervals) with -P 4.

  bench/report_bench.py [--out DIR] [--streams 4] [--seconds 3600] [--runs 3]

1. Records a real template run on loopback: ./iperf3j --loopback -t 5 -i 0.1 -P N -J.
2. Tiles its intervals (times shifted) into a -J document of SECONDS at -i 0.1. A real hour-long
   run would take an hour; tiling keeps every field of a real interval and the real document's
   start/end objects, only the interval count is grown.
3. Times `iperf3j report BIG.json -o BIG.html` (wall time of the process, JVM start included),
   and states the input and output sizes.
4. Opens BIG.html in headless Chromium (network off: unshare -n) RUNS times, driven over the
   DevTools protocol (--remote-debugging-pipe), and reads Chromium's own timing from the page:
   performance.now() when every chart's first draw is done (data-render-ms; the model of a big
   run is gzip'd and unpacked with DecompressionStream first) and the navigation entry's
   loadEventStart (data-load-event-ms).
Writes DIR/report-bench.json and .md (default bench/results/).
"""
import argparse, copy, datetime, json, os, re, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=600, **kw)


class Cdp:
    """Chromium's DevTools protocol over --remote-debugging-pipe (fds 3 and 4, NUL-framed JSON)."""

    def __init__(self, profile, width=1280, height=2000):
        r_in, w_in = os.pipe()    # we write, chromium reads on fd 3
        r_out, w_out = os.pipe()  # chromium writes on fd 4, we read
        def child():
            a, b = os.dup(r_in), os.dup(w_out)  # out of the way of 3 and 4 first
            os.dup2(a, 3)
            os.dup2(b, 4)
        self.p = subprocess.Popen(['unshare', '-n', 'chromium', '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
                                   '--user-data-dir=' + profile, f'--window-size={width},{height}', '--remote-debugging-pipe',
                                   'about:blank'], preexec_fn=child, close_fds=False,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(r_in); os.close(w_out)
        self.w = os.fdopen(w_in, 'wb', buffering=0)
        self.r = os.fdopen(r_out, 'rb', buffering=0)
        self.buf = b''
        self.next_id = 0

    def call(self, method, params=None, session=None, timeout=60):
        self.next_id += 1
        msg = {'id': self.next_id, 'method': method, 'params': params or {}}
        if session:
            msg['sessionId'] = session
        self.w.write(json.dumps(msg).encode() + b'\0')
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            while b'\0' not in self.buf:
                chunk = self.r.read(65536)
                if not chunk:
                    raise RuntimeError('chromium closed the pipe')
                self.buf += chunk
            line, self.buf = self.buf.split(b'\0', 1)
            reply = json.loads(line)
            if reply.get('id') == self.next_id:
                if 'error' in reply:
                    raise RuntimeError(f'{method}: {reply["error"]}')
                return reply['result']
        raise TimeoutError(method)

    def close(self):
        try:
            self.call('Browser.close', timeout=10)
        except Exception:
            pass
        try:
            self.p.wait(10)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait(10)


def page_load(html, work):
    """Opens html in a fresh headless Chromium (no network) and reads the page's timing when it is ready."""
    cdp = Cdp(tempfile.mkdtemp(prefix='chromium-', dir=work))
    try:
        target = cdp.call('Target.createTarget', {'url': 'about:blank'})['targetId']
        session = cdp.call('Target.attachToTarget', {'targetId': target, 'flatten': True})['sessionId']
        cdp.call('Page.enable', session=session)
        cdp.call('Page.navigate', {'url': 'file://' + html}, session=session)
        deadline = time.monotonic() + 120
        state = None
        while time.monotonic() < deadline:
            state = cdp.call('Runtime.evaluate', {'returnByValue': True, 'expression': """(() => {
                const h = document.documentElement;
                if (!h || h.getAttribute('data-status') == null) return null;
                const c = document.querySelector('.chart[data-points]');
                return {status: h.getAttribute('data-status'), errors: h.getAttribute('data-errors'),
                        render_ms: Number(h.getAttribute('data-render-ms')), load_event_ms: Number(h.getAttribute('data-load-event-ms')),
                        charts: document.querySelectorAll('.chart').length,
                        first_chart_points: c ? JSON.parse(c.getAttribute('data-points')) : {}};
            })()"""}, session=session)['result'].get('value')
            if state:
                return state
            time.sleep(0.05)
        raise TimeoutError('page never became ready')
    finally:
        cdp.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', default=os.path.join(ROOT, 'bench', 'results'))
    ap.add_argument('--streams', type=int, default=4)
    ap.add_argument('--seconds', type=int, default=3600)
    ap.add_argument('--runs', type=int, default=3)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    work = tempfile.mkdtemp(prefix='report-bench-')
    launcher = os.path.join(ROOT, 'iperf3j')

    template = json.loads(sh([launcher, '--loopback', '-t', '5', '-i', '0.1', '-P', str(a.streams), '-J']).stdout)
    base = template['intervals']
    span = base[-1]['sum']['end']
    want = a.seconds * 10
    intervals = []
    k = 0
    while len(intervals) < want:
        src = base[k % len(base)]
        shift = (k // len(base)) * span
        iv = copy.deepcopy(src)
        for part in iv['streams'] + [iv['sum']]:
            part['start'] = round(part['start'] + shift, 6)
            part['end'] = round(part['end'] + shift, 6)
        intervals.append(iv)
        k += 1
    doc = dict(template)
    doc['intervals'] = intervals
    doc['start']['test_start']['duration'] = a.seconds
    big = os.path.join(work, 'hour.json')
    with open(big, 'w') as f:
        json.dump(doc, f, indent='\t')
    html = os.path.join(work, 'hour.html')

    gen = []
    for _ in range(a.runs):
        t0 = time.monotonic()
        sh([launcher, 'report', big, '-o', html])
        gen.append(time.monotonic() - t0)

    loads = [page_load(html, work) for _ in range(a.runs)]
    points = loads[-1]['first_chart_points']

    res = {
        'date': datetime.datetime.now().isoformat(timespec='seconds'),
        'case': f'{a.seconds} s at -i 0.1, -P {a.streams}: {len(intervals)} intervals x {a.streams + 1} series (tiled from a real 5 s run)',
        'input_bytes': os.path.getsize(big),
        'html_bytes': os.path.getsize(html),
        'generation_s': {'median': statistics.median(gen), 'min': min(gen), 'max': max(gen), 'runs': gen},
        'page': loads,
        'render_ms_median': statistics.median(l['render_ms'] for l in loads),
        'load_event_ms_median': statistics.median(l['load_event_ms'] for l in loads),
        'first_chart_points_drawn': points,
        'intervals': len(intervals),
    }
    stamp = datetime.datetime.now().strftime('%Y-%m-%d-%H%M')
    with open(os.path.join(a.out, f'{stamp}-report.json'), 'w') as f:
        json.dump(res, f, indent=2)
    md = [f"# iperf3j report bench ({res['date']})", '', res['case'], '',
          '| figure | value |', '|---|---|',
          f"| input -J size | {res['input_bytes'] / 1e6:.1f} MB |",
          f"| report HTML size | {res['html_bytes'] / 1e6:.1f} MB |",
          f"| generation (iperf3j report, JVM start included), median of {a.runs} | {res['generation_s']['median']:.2f} s |",
          f"| Chromium: page ready, every chart drawn (performance.now since navigation), median | {res['render_ms_median']} ms |",
          f"| Chromium: loadEventStart (before the gzip'd model is unpacked), median | {res['load_event_ms_median']} ms |",
          f"| points drawn per series (first chart; downsampled for drawing only) | {points} |", '']
    with open(os.path.join(a.out, f'{stamp}-report.md'), 'w') as f:
        f.write('\n'.join(md))
    print('\n'.join(md))
    if any(l['errors'] for l in loads):
        sys.exit('page reported script errors')


if __name__ == '__main__':
    main()
