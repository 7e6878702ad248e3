#!/usr/bin/env python3
"""Bench of iperf3j report on the big case: an hour at -i 0.1 (36 000 intervals) with -P 4.

  bench/report_bench.py [--out DIR] [--streams 4] [--seconds 3600] [--runs 3]

1. Records a real template run on loopback: ./iperf3j --loopback -t 5 -i 0.1 -P N -J.
2. Tiles its intervals (times shifted) into a -J document of SECONDS at -i 0.1. A real hour-long
   run would take an hour; tiling keeps every field of a real interval and the real document's
   start/end objects, only the interval count is grown.
3. Times `iperf3j report BIG.json -o BIG.html` (wall time of the process, JVM start included),
   and states the input and output sizes.
4. Opens BIG.html in headless Chromium (network off: unshare -n) RUNS times and reads Chromium's
   own timing from the page: performance.now() when the scripts and uPlot's first draws are done
   (data-render-ms) and the navigation entry's loadEventStart (data-load-event-ms).
Writes DIR/report-bench.json and .md (default bench/results/).
"""
import argparse, copy, datetime, json, os, re, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=600, **kw)


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

    loads = []
    for _ in range(a.runs):
        prof = tempfile.mkdtemp(prefix='chromium-', dir=work)
        dom = sh(['unshare', '-n', 'chromium', '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
                  '--user-data-dir=' + prof, '--window-size=1280,2000', '--dump-dom', 'file://' + html]).stdout
        attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', re.search(r'<html\b([^>]*)>', dom).group(1)))
        charts = re.findall(r'data-chart="([^"]+)" data-intervals="(\d+)" data-points="([^"]*)"', dom)
        loads.append({'render_ms': int(attrs.get('data-render-ms', -1)), 'load_event_ms': int(attrs.get('data-load-event-ms', -1)),
                      'errors': attrs.get('data-errors'), 'charts': len(charts)})
    points = json.loads(charts[0][2].replace('&quot;', '"')) if charts else {}

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
          f"| Chromium: scripts and first draws done (performance.now), median | {res['render_ms_median']} ms |",
          f"| Chromium: loadEventStart, median | {res['load_event_ms_median']} ms |",
          f"| points drawn per series (first chart; downsampled for drawing only) | {points} |", '']
    with open(os.path.join(a.out, f'{stamp}-report.md'), 'w') as f:
        f.write('\n'.join(md))
    print('\n'.join(md))
    if any(l['errors'] for l in loads):
        sys.exit('page reported script errors')


if __name__ == '__main__':
    main()
