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

  bench/report_bench.py --fleet 24,48,96 [--old-launcher OLD/iperf3j] [--shots docs/images] [--runs 3]

A fleet's page (issue 48): for each host count N, a synthetic session directory of a mesh, one
`--bidir` test per pair of hosts (N x (N-1) / 2 tests), each test's -J a real 10 s
`iperf3j --loopback --bidir -J` run recorded once, its rates scaled to the pair's (about 940 Mbit/s,
a third for a slow host, a few bad paths; one host down: its tests failed with the session's reason,
no output). Then `iperf3j report DIR` with this tree's launcher and, given --old-launcher, with
another build's (the page before), each opened RUNS times in headless Chromium at 1920 x 1080 (no
network): load event, the scripts' end (data-render-ms: the overview drawn), the top and width of
the overview (the old page has none: its first matrix), the page's height and tables, the bytes.
--shots saves each new page's first screen as report-fleet-N.png. Writes DIR/*-report-fleet.json/.md.

  bench/report_bench.py --history 96,200 [--cycle-runs 5] [--cycles 2] [--shots docs/images] [--runs 3]

A rotating mesh's history (issue 69): for each host count N, a scheduled session's tests.jsonl as the session writes
it for a mesh both ways with per_run: ceil(N x (N-1) / CYCLE_RUNS), so every ordered pair runs once in CYCLE_RUNS
runs, over CYCLES cycles (run numbers as agents give them, n x 600 s since the epoch); one host down in the last
cycle (its tests failed), one slow host, every 997th pair skipped in its turn of the last cycle (its latest result a
cycle older: stale). Then `iperf3j report DIR` and the page opened as for --fleet, plus where the needs-a-look lists
end (they must be on the first screen). Writes DIR/*-report-history.json/.md.
"""
import argparse, copy, datetime, json, os, re, select, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=600, **kw)


class Cdp:
    """Chromium's DevTools protocol over --remote-debugging-pipe (fds 3 and 4, NUL-framed JSON)."""

    def __init__(self, profile, width=1280, height=2000):
        self.width, self.height = width, height
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
                # a page busy in its scripts answers nothing: the wait is bounded here, not by the read
                if not select.select([self.r], [], [], max(0.0, deadline - time.monotonic()))[0]:
                    raise TimeoutError(method)
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


FLEET_PROBE = """(() => {
    const h = document.documentElement;
    if (!h || h.getAttribute('data-status') == null) return null;
    const ov = document.querySelector('[data-overview]') || document.querySelector('table.matrix');
    const r = ov ? ov.getBoundingClientRect() : null;
    const hm = document.querySelector('table.heat, canvas.heat-canvas') || document.querySelector('table.matrix');
    const heat = hm ? hm.getBoundingClientRect() : null;
    return {status: h.getAttribute('data-status'), errors: h.getAttribute('data-errors'),
            render_ms: Number(h.getAttribute('data-render-ms')), load_event_ms: Number(h.getAttribute('data-load-event-ms')),
            model_ms: Number(h.getAttribute('data-model-ms')), parsed_ms: Number(h.getAttribute('data-parsed-ms')),
            overview: ov ? (ov.hasAttribute('data-overview') ? 'data-overview' : 'first table.matrix') : null,
            overview_top: r ? Math.round(r.top + window.scrollY) : null, overview_width: r ? Math.round(r.width) : null,
            overview_right: r ? Math.round(r.right) : null,
            heat_width: heat ? Math.round(heat.width) : null, heat_bottom: heat ? Math.round(heat.bottom + window.scrollY) : null,
            page_height: h.scrollHeight, page_width: h.scrollWidth,
            tables: document.querySelectorAll('table').length, canvases: document.querySelectorAll('canvas').length,
            elements: document.getElementsByTagName('*').length,
            heat_canvas: !!document.querySelector('canvas.heat-canvas'),
            lists_bottom: Math.max(0, ...Array.prototype.map.call(document.querySelectorAll('.ov-failed, .ov-stale, .ov-slowest'),
                                   e => Math.round(e.getBoundingClientRect().bottom + window.scrollY))),
            stale_listed: document.querySelectorAll('.ov-stale li').length,
            model_bytes: Number((document.getElementById('iperf3j-model') || {getAttribute: () => 0}).getAttribute('data-size'))};
})()"""


def fleet_page(html, work, timeout, shot=None):
    """Opens html at 1920 x 1080 in a fresh headless Chromium (no network) and reads FLEET_PROBE when it is ready."""
    cdp = Cdp(tempfile.mkdtemp(prefix='chromium-', dir=work), 1920, 1080)
    try:
        target = cdp.call('Target.createTarget', {'url': 'about:blank'})['targetId']
        session = cdp.call('Target.attachToTarget', {'targetId': target, 'flatten': True})['sessionId']
        cdp.call('Emulation.setDeviceMetricsOverride', {'width': 1920, 'height': 1080, 'deviceScaleFactor': 1, 'mobile': False},
                 session=session)
        cdp.call('Page.enable', session=session)
        cdp.call('Page.navigate', {'url': 'file://' + html}, session=session)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            state = cdp.call('Runtime.evaluate', {'returnByValue': True, 'expression': FLEET_PROBE}, session=session,
                             timeout=max(1.0, deadline - time.monotonic()))['result'].get('value')
            if state:
                if shot:
                    import base64
                    png = cdp.call('Page.captureScreenshot', {'format': 'png'}, session=session)['data']
                    with open(shot, 'wb') as f:
                        f.write(base64.b64decode(png))
                return state
            time.sleep(0.05)
        return {'status': f'not ready within {timeout} s'}
    except TimeoutError:
        return {'status': f'not ready within {timeout} s'}
    finally:
        cdp.close()


def scale_run(node, fwd, rev, in_reverse=False):
    """Each direction's bytes and bits_per_second times its factor (the reverse half: sender false, or *_bidir_reverse)."""
    rev_here = in_reverse or node.get('sender') is False
    for k, v in node.items():
        child_rev = rev_here or 'bidir_reverse' in k
        if isinstance(v, dict):
            scale_run(v, fwd, rev, child_rev)
        elif isinstance(v, list):
            for x in v:
                if isinstance(x, dict):
                    scale_run(x, fwd, rev, child_rev)
    f = rev if rev_here else fwd
    if isinstance(node.get('bits_per_second'), (int, float)):
        node['bits_per_second'] = node['bits_per_second'] * f
    if isinstance(node.get('bytes'), (int, float)) and 'seconds' in node:
        node['bytes'] = round(node['bytes'] * f)


def write_fleet(out, hosts, template, down=('fl05',), slow=('fl31',), seed=48):
    """A mesh session directory as the session writes it: hosts.txt, tests.jsonl, one -J a test."""
    import random
    rnd = random.Random(seed)
    os.makedirs(os.path.join(out, 'outputs'), exist_ok=True)
    names = ['fl%02d' % i for i in range(1, hosts + 1)]
    with open(os.path.join(out, 'hosts.txt'), 'w') as f:
        f.write('\n'.join(names) + '\n')
    t_fwd = template['end']['sum_received']['bits_per_second']
    t_rev = template['end']['sum_received_bidir_reverse']['bits_per_second']
    lines = []
    for i in range(hosts):
        for j in range(i + 1, hosts):
            a, b = names[i], names[j]
            tid = f'm_{a}-{b}'
            line = {'id': tid, 'sender': a, 'receiver': b, 'direction': 'bidir', 'protocol': 'tcp', 'kind': 'tcp bidir', 'repeat': 1}
            if a in down or b in down:
                line.update(status='failed', error='unable to connect to server: Connection refused', sent_bits_per_second=None,
                            received_bits_per_second=None, received_bytes=None, reverse_received_bits_per_second=None,
                            client_output=None, server_output=None)
            else:
                def factor(x, y):
                    f = 0.9 + 0.15 * rnd.random()
                    return f / 3 if x in slow or y in slow else f
                fwd, rev = factor(a, b), factor(b, a)
                if rnd.randrange(40) == 0:
                    fwd *= 0.12
                doc = copy.deepcopy(template)
                doc['start']['connecting_to']['host'] = b
                for iv in doc['intervals']:
                    noise = 1 + 0.03 * (2 * rnd.random() - 1)
                    scale_run(iv, 940e6 * fwd * noise / t_fwd, 940e6 * rev * noise / t_rev)
                scale_run(doc['end'], 940e6 * fwd / t_fwd, 940e6 * rev / t_rev)
                output = f'outputs/{tid}.json'
                with open(os.path.join(out, output), 'w') as f:
                    json.dump(doc, f, indent='\t')
                end = doc['end']
                line.update(status='ok', error=None, sent_bits_per_second=end['sum_sent']['bits_per_second'],
                            received_bits_per_second=end['sum_received']['bits_per_second'],
                            received_bytes=end['sum_received']['bytes'],
                            reverse_received_bits_per_second=end['sum_received_bidir_reverse']['bits_per_second'],
                            client_output=output, server_output=None)
            lines.append(line)
    with open(os.path.join(out, 'tests.jsonl'), 'w') as f:
        for line in lines:
            f.write(json.dumps(line) + '\n')
    return len(lines)


def fleet_main(a):
    os.makedirs(a.out, exist_ok=True)
    work = tempfile.mkdtemp(prefix='report-fleet-bench-')
    launcher = os.path.join(ROOT, 'iperf3j')
    template = json.loads(sh([launcher, '--loopback', '-t', '10', '--bidir', '-J']).stdout)
    builds = [('new', launcher)] + ([('old', a.old_launcher)] if a.old_launcher else [])
    res = {'date': datetime.datetime.now().isoformat(timespec='seconds'), 'window': '1920x1080',
           'template': f"iperf3j --loopback -t 10 --bidir -J: {len(template['intervals'])} intervals", 'fleets': []}
    for hosts in [int(x) for x in a.fleet.split(',')]:
        d = os.path.join(work, f'fleet{hosts}')
        tests = write_fleet(d, hosts, template)
        entry = {'hosts': hosts, 'tests': tests, 'outputs_bytes': sum(os.path.getsize(os.path.join(d, 'outputs', f))
                                                                        for f in os.listdir(os.path.join(d, 'outputs')))}
        for name, cmd in builds:
            html = os.path.join(work, f'fleet{hosts}-{name}.html')
            t0 = time.monotonic()
            sh([cmd, 'report', d, '-o', html])
            gen = time.monotonic() - t0
            runs = a.runs if name == 'new' else max(1, min(a.runs, 1))
            timeout = 120 if name == 'new' else a.old_timeout
            shot = os.path.join(a.shots, f'report-fleet-{hosts}.png') if a.shots and name == 'new' else None
            if shot:
                os.makedirs(a.shots, exist_ok=True)
            loads = [fleet_page(html, work, timeout, shot if k == 0 else None) for k in range(runs)]
            ok = [l for l in loads if l.get('status') == 'ready']
            entry[name] = {'html_bytes': os.path.getsize(html), 'generation_s': round(gen, 2), 'page': loads,
                           'load_event_ms_median': statistics.median(l['load_event_ms'] for l in ok) if ok else None,
                           'render_ms_median': statistics.median(l['render_ms'] for l in ok) if ok else None}
            print(hosts, name, entry[name]['html_bytes'], entry[name]['load_event_ms_median'], entry[name]['render_ms_median'],
                  loads[0].get('overview_top'), loads[0].get('overview_width'), file=sys.stderr)
        res['fleets'].append(entry)
    stamp = datetime.datetime.now().strftime('%Y-%m-%d-%H%M')
    with open(os.path.join(a.out, f'{stamp}-report-fleet.json'), 'w') as f:
        json.dump(res, f, indent=2)
    md = [f"# iperf3j report: a fleet's page ({res['date']}, Chromium {res['window']})", '',
          f"Mesh sessions, one --bidir test per pair of hosts, one host down; each test's -J from {res['template']}.", '',
          '| hosts | tests | page | bytes | load event ms | scripts done ms | overview top px | overview width px | heatmap width px | heatmap bottom px | page height px | tables |',
          '|---|---|---|---|---|---|---|---|---|---|---|---|']
    for e in res['fleets']:
        for name, _ in builds:
            p = e[name]
            first = p['page'][0]
            md.append(f"| {e['hosts']} | {e['tests']} | {name} | {p['html_bytes'] / 1e6:.2f} MB | {p['load_event_ms_median']} | "
                      f"{p['render_ms_median']} | {first.get('overview_top')} | {first.get('overview_width')} | "
                      f"{first.get('heat_width')} | {first.get('heat_bottom')} | {first.get('page_height')} | {first.get('tables')} |"
                      if first.get('status') == 'ready' else
                      f"| {e['hosts']} | {e['tests']} | {name} | {p['html_bytes'] / 1e6:.2f} MB | {first.get('status')} | | | | | | | |")
    md.append('')
    md.append('Medians of ' + str(a.runs) + ' opens for the new page, one for the old. "scripts done": performance.now() when the '
              'report\u2019s script has drawn what it draws at load (the overview; the old page: every chart; a model over 1 MiB is '
              'unpacked after the load event, so there the load event comes first). The old page has no overview: its first matrix '
              'stands for it (top, width), and its heatmap columns are that matrix.')
    with open(os.path.join(a.out, f'{stamp}-report-fleet.md'), 'w') as f:
        f.write('\n'.join(md) + '\n')
    print('\n'.join(md))
    if any(l.get('errors') for e in res['fleets'] for name, _ in builds for l in e[name]['page']):
        sys.exit('page reported script errors')


def write_rotating_history(out, hosts, cycle_runs, cycles, down='fl005', slow='fl031', stale_every=997, seed=69):
    """A rotating mesh's history as the session writes tests.jsonl (FleetSession.rotatingHistory's shape)."""
    import math, random
    rnd = random.Random(seed)
    os.makedirs(out, exist_ok=True)
    names = ['fl%03d' % i for i in range(1, hosts + 1)]
    pairs = [(a, b) for a in names for b in names if a != b]
    per_run = math.ceil(len(pairs) / cycle_runs)
    cycle = math.ceil(len(pairs) / per_run)
    first = 2_992_000
    lines = stale = 0
    with open(os.path.join(out, 'tests.jsonl'), 'w') as f:
        for c in range(cycles):
            last_cycle = c == cycles - 1
            for r in range(cycle):
                run = first + c * cycle + r
                for p in range(r * per_run, min(len(pairs), (r + 1) * per_run)):
                    a, b = pairs[p]
                    end = run * 600 + 12 + (p - r * per_run) * 0.05
                    if last_cycle and p % stale_every == stale_every // 2:
                        status, error = 'skipped', f'no place within its slip (2 s): the server of {b} was busy'
                        stale += 1
                    elif last_cycle and down in (a, b):
                        status, error = 'failed', 'unable to connect to server: Connection refused'
                    else:
                        status, error = 'ok', None
                    bps = 940e6 * (0.9 + 0.15 * rnd.random()) / (3 if slow in (a, b) else 1)
                    if rnd.randrange(400) == 0:
                        bps *= 0.12
                    ok = status == 'ok'
                    line = {'id': f'r_{a}-{b}', 'run': run, 'rotation_run': r + 1, 'rotation_runs': cycle, 'rotation_pair': p + 1,
                            'rotation_pairs': len(pairs), 'sender': a, 'receiver': b, 'direction': 'forward', 'protocol': 'tcp',
                            'kind': 'tcp', 'repeat': 1, 'status': status, 'due': None, 'started': None, 'error': error,
                            'sent_bits_per_second': round(bps * 1.001) if ok else None, 'received_bits_per_second': round(bps) if ok else None,
                            'received_bytes': round(bps * 10 / 8) if ok else None, 'reverse_received_bits_per_second': None, 'why': None,
                            'client_output': None, 'server_output': None, 'end_timestamp_seconds': round(end, 3),
                            'retransmits': rnd.randrange(20) if ok else None, 'rtt_seconds': round(0.0003 + 0.0002 * rnd.random(), 6) if ok else None,
                            'loss_percent': None, 'jitter_seconds': None, 'duration_seconds': 10.2 if ok else None}
                    f.write(json.dumps(line) + '\n')
                    lines += 1
    return {'hosts': hosts, 'pairs': len(pairs), 'per_run': per_run, 'cycle_runs': cycle, 'cycles': cycles, 'lines': lines,
            'stale_written': stale, 'tests_jsonl_bytes': os.path.getsize(os.path.join(out, 'tests.jsonl'))}


def history_main(a):
    os.makedirs(a.out, exist_ok=True)
    work = tempfile.mkdtemp(prefix='report-history-bench-')
    launcher = os.path.join(ROOT, 'iperf3j')
    res = {'date': datetime.datetime.now().isoformat(timespec='seconds'), 'window': '1920x1080', 'histories': []}
    for hosts in [int(x) for x in a.history.split(',')]:
        d = os.path.join(work, f'history{hosts}')
        entry = write_rotating_history(d, hosts, a.cycle_runs, a.cycles)
        html = os.path.join(work, f'history{hosts}.html')
        t0 = time.monotonic()
        sh([launcher, 'report', d, '-o', html])
        entry['generation_s'] = round(time.monotonic() - t0, 2)
        entry['html_bytes'] = os.path.getsize(html)
        shot = os.path.join(a.shots, f'report-history-{hosts}.png') if a.shots else None
        if shot:
            os.makedirs(a.shots, exist_ok=True)
        loads = [fleet_page(html, work, 120, shot if k == 0 else None) for k in range(a.runs)]
        ok = [l for l in loads if l.get('status') == 'ready']
        entry['page'] = loads
        entry['load_event_ms_median'] = statistics.median(l['load_event_ms'] for l in ok) if ok else None
        entry['render_ms_median'] = statistics.median(l['render_ms'] for l in ok) if ok else None
        print(hosts, entry['html_bytes'], entry['load_event_ms_median'], entry['render_ms_median'], file=sys.stderr)
        res['histories'].append(entry)
    stamp = datetime.datetime.now().strftime('%Y-%m-%d-%H%M')
    with open(os.path.join(a.out, f'{stamp}-report-history.json'), 'w') as f:
        json.dump(res, f, indent=2)
    md = [f"# iperf3j report: a rotating mesh's history ({res['date']}, Chromium {res['window']})", '',
          f"A mesh both ways with per_run set for a cycle of {a.cycle_runs} runs, {a.cycles} cycles; one host down in the last cycle, "
          'one slow host, every 997th pair skipped in its turn of the last cycle (stale).', '',
          '| hosts | tests | lines | tests.jsonl | report s | page | model JSON | load event ms | overview drawn ms | heatmap | heatmap bottom px | needs-a-look lists end px | stale listed | elements | page height px |',
          '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|']
    for e in res['histories']:
        p = e['page'][0]
        md.append(f"| {e['hosts']} | {e['pairs']} | {e['lines']} | {e['tests_jsonl_bytes'] / 1e6:.1f} MB | {e['generation_s']} | "
                  f"{e['html_bytes'] / 1e6:.2f} MB | {p.get('model_bytes', 0) / 1e6:.1f} MB | {e['load_event_ms_median']} | {e['render_ms_median']} | "
                  f"{'canvas' if p.get('heat_canvas') else 'table'} | {p.get('heat_bottom')} | {p.get('lists_bottom')} | {p.get('stale_listed')} | "
                  f"{p.get('elements')} | {p.get('page_height')} |" if p.get('status') == 'ready' else
                  f"| {e['hosts']} | {e['pairs']} | {e['lines']} | | {e['generation_s']} | {e['html_bytes'] / 1e6:.2f} MB | | {p.get('status')} | | | | | | | |")
    md.append('')
    md.append(f'Medians of {a.runs} opens (a fresh headless Chromium each, no network). "overview drawn": performance.now() when the '
              'report\u2019s script has drawn the overview (the model gzip\u2019d, unpacked with DecompressionStream, parsed, the heatmap and '
              'its lists built). "report s": `iperf3j report DIR -o page.html`, JVM start included.')
    with open(os.path.join(a.out, f'{stamp}-report-history.md'), 'w') as f:
        f.write('\n'.join(md) + '\n')
    print('\n'.join(md))
    if any(l.get('errors') for e in res['histories'] for l in e['page']):
        sys.exit('page reported script errors')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--fleet', help='host counts, e.g. 24,48,96: bench a mesh session\'s page instead of the hour-long run')
    ap.add_argument('--history', help='host counts, e.g. 96,200: bench a rotating mesh\'s history page (issue 69)')
    ap.add_argument('--cycle-runs', type=int, default=5, help='with --history: the runs a rotation\'s cycle takes')
    ap.add_argument('--cycles', type=int, default=2, help='with --history: the cycles written')
    ap.add_argument('--old-launcher', help='another build\'s iperf3j launcher, for the page before')
    ap.add_argument('--old-timeout', type=int, default=300)
    ap.add_argument('--shots', help='directory for the new pages\' first screens (PNG)')
    ap.add_argument('--out', default=os.path.join(ROOT, 'bench', 'results'))
    ap.add_argument('--streams', type=int, default=4)
    ap.add_argument('--seconds', type=int, default=3600)
    ap.add_argument('--runs', type=int, default=3)
    a = ap.parse_args()
    if a.history:
        history_main(a)
        return
    if a.fleet:
        fleet_main(a)
        return
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
