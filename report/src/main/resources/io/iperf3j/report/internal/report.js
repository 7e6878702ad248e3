/* iperf3j report: draws the embedded model (script#iperf3j-model) with uPlot.
   Every chart records what it drew on its element: data-intervals (intervals in the input view)
   and data-points (JSON: series label -> points handed to uPlot after any downsampling), and
   window.iperf3jReport.charts lists the same. <html data-status="ready"> when done. */
(function () {
  'use strict';
  var modelNode = document.getElementById('iperf3j-model');
  var model = null;
  var root = document.getElementById('report');
  var charts = [];       // {el, build, plot}
  var drawnRecords = [];
  window.iperf3jReport = { model: null, charts: drawnRecords };

  /* ---------- units: units.js (iperf3's -f a / -f A, the same strings as core's UnitFormat) ---------- */
  var U = window.iperf3jUnits;
  var iperfNumber = U.number, fmtRate = U.rate, fmtBytes = U.bytes, fmtPlain = U.plain, fmtMs = U.ms;
  function fixedAxis(div, label) { return { scale: function (v) { return v / div; }, label: label }; }
  /* What each metric is, how its axis is scaled and how a value reads in a tooltip. */
  var METRICS = {
    bits_per_second: { title: 'Throughput', axis: U.rateAxis,
      exact: function (v) { return fmtRate(v) + ' (' + fmtPlain(v, 0) + ' bits/s)'; } },
    retransmits: { title: 'Retransmits per interval', axis: function () { return fixedAxis(1, 'retransmits'); }, step: true,
      exact: function (v) { return fmtPlain(v, 0); } },
    snd_cwnd: { title: 'Congestion window', axis: U.byteAxis,
      exact: function (v) { return fmtBytes(v) + ' (' + fmtPlain(v, 0) + ' bytes)'; } },
    rtt: { title: 'Round-trip time', axis: function () { return fixedAxis(1000, 'ms'); },
      exact: function (v) { return fmtPlain(v / 1000, 3) + ' ms (' + fmtPlain(v, 0) + ' µs)'; } },
    jitter_ms: { title: 'Jitter', axis: function () { return fixedAxis(1, 'ms'); },
      exact: function (v) { return fmtPlain(v, 6) + ' ms'; } },
    lost_packets: { title: 'Lost datagrams per interval', axis: function () { return fixedAxis(1, 'datagrams'); }, step: true,
      exact: function (v) { return fmtPlain(v, 0); } },
    lost_percent: { title: 'Loss', axis: function () { return fixedAxis(1, '%'); },
      exact: function (v) { return fmtPlain(v, 4) + ' %'; } },
    out_of_order: { title: 'Out-of-order datagrams per interval', axis: function () { return fixedAxis(1, 'datagrams'); }, step: true,
      exact: function (v) { return fmtPlain(v, 0); } }
  };
  var PALETTE = ['#0b63c5', '#d1495b', '#2a9d5b', '#e6a100', '#7b4fbf', '#00a3a3', '#c2571a', '#6b7c93', '#b83280', '#3d7a00'];
  var SUM_COLOR = { light: '#1b1f24', dark: '#e6e9ee' };

  /* ---------- small DOM helpers ---------- */
  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        if (k === 'text') { e.textContent = attrs[k]; } else if (k === 'cls') { e.className = attrs[k]; } else { e.setAttribute(k, attrs[k]); }
      });
    }
    (children || []).forEach(function (c) { if (c != null) { e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); } });
    return e;
  }
  function dark() { return window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches && !printing; }
  function cssVar(name) { return getComputedStyle(document.documentElement).getPropertyValue(name).trim(); }
  var printing = false;

  /* ---------- downsampling (drawing only): min and max per bucket keep every peak ---------- */
  function downsample(x, ys, maxPoints) {
    var n = x.length;
    if (n <= maxPoints) { return { x: x, ys: ys, sampled: false }; }
    var buckets = Math.floor(maxPoints / 2);
    var size = n / buckets;
    var ox = [], oys = ys.map(function () { return []; });
    for (var b = 0; b < buckets; b++) {
      var from = Math.floor(b * size), to = Math.min(n, Math.floor((b + 1) * size));
      if (to <= from) { continue; }
      ox.push(x[from]); ox.push(x[to - 1]);
      for (var s = 0; s < ys.length; s++) {
        var y = ys[s], lo = null, hi = null, loAt = 0, hiAt = 0;
        for (var i = from; i < to; i++) {
          var v = y[i];
          if (v == null) { continue; }
          if (lo == null || v < lo) { lo = v; loAt = i; }
          if (hi == null || v > hi) { hi = v; hiAt = i; }
        }
        if (loAt <= hiAt) { oys[s].push(lo); oys[s].push(hi); } else { oys[s].push(hi); oys[s].push(lo); }
      }
    }
    return { x: ox, ys: oys, sampled: true };
  }
  function nearest(x, t) {
    var lo = 0, hi = x.length - 1;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (x[mid] < t) { lo = mid + 1; } else { hi = mid; } }
    if (lo > 0 && Math.abs(x[lo - 1] - t) < Math.abs(x[lo] - t)) { lo--; }
    return lo;
  }

  /* ---------- one chart ---------- */
  var tip = el('div', { cls: 'tip', role: 'tooltip' });
  document.body.appendChild(tip);

  /* spec: {key, title, metric, x (seconds), series: [{label, values, color, width, dash}], intervals, xMax, yMax} */
  function chart(parent, spec) {
    var box = el('div', { cls: 'chart', 'data-chart': spec.key, 'data-intervals': String(spec.intervals) });
    var head = el('div', { cls: 'ctitle', text: spec.title });
    var note = el('div', { cls: 'cnote' });
    var plotBox = el('div');
    box.appendChild(head); box.appendChild(note); box.appendChild(plotBox);
    parent.appendChild(box);
    var entry = { el: box, plotBox: plotBox, note: note, spec: spec, plot: null };
    charts.push(entry);
    build(entry);
    return box;
  }

  function build(entry) {
    var spec = entry.spec;
    if (spec.kind === 'cdf') { buildCdf(entry); return; }
    var m = METRICS[spec.metric];
    if (entry.plot) { entry.plot.destroy(); entry.plot = null; }
    var width = Math.max(320, entry.el.clientWidth || root.clientWidth || 900);
    if (printing) { width = 680; }
    var maxY = spec.yMax != null ? spec.yMax : 0;
    spec.series.forEach(function (s) { s.values.forEach(function (v) { if (v != null && v > maxY) { maxY = v; } }); });
    var axis = m.axis(maxY || 1);
    var ds = downsample(spec.x, spec.series.map(function (s) { return s.values; }), Math.max(1000, 2 * width));
    var data = [ds.x].concat(ds.ys.map(function (y) { return y.map(function (v) { return v == null ? null : axis.scale(v); }); }));
    var fg = cssVar('--fg'), grid = cssVar('--grid'), muted = cssVar('--muted');
    var isDark = dark();
    var opts = {
      width: width, height: 250,
      pxAlign: 0,
      cursor: { drag: { x: true, y: false }, points: { size: 6 } },
      legend: { show: true, live: true },
      scales: { x: spec.xLabel ? { time: !!spec.xTime } : { time: false, range: function (u, lo, hi) { return [0, Math.max(hi, spec.xMax || hi)]; } },
        y: { range: function (u, lo, hi) { return [Math.min(0, lo), Math.max(hi, axis.scale(spec.yMax || 0)) * 1.05 || 1]; } } },
      axes: [
        { label: spec.xLabel || 'seconds since the test started (each interval drawn at its middle)', stroke: muted, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } },
        { label: axis.label, stroke: muted, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, size: 60 }
      ],
      series: [spec.xSeries || { label: 'seconds', value: function (u, v) { return v == null ? '–' : v.toFixed(3) + ' s'; } }].concat(spec.series.map(function (s) {
        var color = s.color === 'sum' ? (isDark ? SUM_COLOR.dark : SUM_COLOR.light) : s.color;
        var ser = { label: s.label, stroke: color, width: s.width || 1.5, spanGaps: false,
          points: { show: !s.noPoints && spec.x.length <= 60, size: 4 },
          value: function (u, v) { return v == null ? '–' : iperfNumber(v) + ' ' + axis.label; } };
        if (s.dash) { ser.dash = s.dash; }
        if (s.marks) { ser.paths = function () { return null; }; ser.points = { show: true, size: 8, fill: s.color, stroke: s.color }; }
        return ser;
      })),
      hooks: {
        draw: [function (u) { record(entry, u, ds.sampled); }],
        setCursor: [function (u) { tooltip(u, entry); }]
      }
    };
    entry.note.textContent = ds.sampled
      ? 'Drawn from ' + ds.x.length + ' points (minimum and maximum of every ' + Math.round(spec.x.length / (ds.x.length / 2)) +
        ' intervals); the table below has all ' + spec.x.length + ' intervals.' : '';
    entry.plot = new uPlot(opts, data, entry.plotBox);
    entry.plot.root.addEventListener('mouseleave', function () { tip.style.display = 'none'; });
  }

  function record(entry, u, sampled) {
    var points = {};
    for (var i = 1; i < u.data.length; i++) {
      var c = 0, y = u.data[i];
      for (var j = 0; j < y.length; j++) { if (y[j] != null) { c++; } }
      points[u.series[i].label] = c;
    }
    var rec = { key: entry.spec.key, title: entry.spec.title, intervals: entry.spec.intervals, downsampled: sampled, points: points };
    entry.el.setAttribute('data-points', JSON.stringify(points));
    entry.el.setAttribute('data-downsampled', String(sampled));
    var k = drawnRecords.indexOf(entry.rec);
    if (k >= 0) { drawnRecords[k] = rec; } else { drawnRecords.push(rec); }
    entry.rec = rec;
  }

  /** Shows the tooltip's rows beside the cursor of chart u, kept inside the window. */
  function showTip(u, rows, left, top) {
    tip.textContent = '';
    tip.appendChild(el('table', null, rows));
    var r = u.over.getBoundingClientRect();
    tip.style.display = 'block';
    var x = r.left + left + 14, y = r.top + top + 14;
    if (x + tip.offsetWidth > window.innerWidth - 8) { x = r.left + left - tip.offsetWidth - 14; }
    tip.style.left = x + 'px';
    tip.style.top = Math.min(y, window.innerHeight - tip.offsetHeight - 8) + 'px';
  }

  function tooltip(u, entry) {
    var left = u.cursor.left, top = u.cursor.top;
    if (left == null || left < 0 || u.cursor.idx == null) { tip.style.display = 'none'; return; }
    var spec = entry.spec, m = METRICS[spec.metric];
    var t = u.posToVal(left, 'x');
    var i = nearest(spec.x, t);
    var rows = spec.xRows ? spec.xRows(i) : [el('tr', null, [el('td', { text: 'interval' }), el('td', { text: spec.start ? fmtPlain(spec.start[i], 3) + '–' + fmtPlain(spec.end[i], 3) + ' s' : fmtPlain(spec.x[i], 3) + ' s' })])];
    spec.series.forEach(function (s, k) {
      var v = s.values[i];
      var sw = el('span', { cls: 'swatch' });
      sw.style.background = u.series[k + 1].stroke();
      rows.push(el('tr', null, [el('td', null, [sw, s.label]), el('td', { text: v == null ? '–' : s.marks ? s.marks(i) : m.exact(v) })]));
    });
    showTip(u, rows, left, top);
  }

  function rebuildAll() { charts.forEach(build); }
  var resizeTimer = null;
  window.addEventListener('resize', function () { clearTimeout(resizeTimer); resizeTimer = setTimeout(rebuildAll, 150); });
  if (window.matchMedia) {
    var mq = window.matchMedia('(prefers-color-scheme: dark)');
    if (mq.addEventListener) { mq.addEventListener('change', rebuildAll); }
  }
  window.addEventListener('beforeprint', function () { printing = true; rebuildAll(); });
  window.addEventListener('afterprint', function () { printing = false; rebuildAll(); });

  /* ---------- what goes on a run's charts ---------- */
  function seriesLabel(run, view, s) {
    var who = s.name === 'sum' ? 'sum' : s.name;
    return who + ' (' + (s.sender ? 'sender' : 'receiver') + (view.side === 'server' ? ', server side' : '') + ')';
  }
  function directionName(c2s) { return c2s ? 'client → server' : 'server → client'; }
  var VIEW_CHARTS = [
    { metric: 'bits_per_second', sums: true },
    { metric: 'retransmits', sums: true },
    { metric: 'snd_cwnd', sums: false },
    { metric: 'rtt', sums: false },
    { metric: 'jitter_ms', sums: true },
    { metric: 'lost_packets', sums: true },
    { metric: 'lost_percent', sums: true },
    { metric: 'out_of_order', sums: true }
  ];
  /* each interval is drawn at its middle */
  function mids(view) {
    if (!view.mids) { view.mids = view.start.map(function (s, i) { return s == null || view.end[i] == null ? view.end[i] : (s + view.end[i]) / 2; }); }
    return view.mids;
  }
  function hasValues(a) { if (!a) { return false; } for (var i = 0; i < a.length; i++) { if (a[i] != null) { return true; } } return false; }

  function viewCharts(parent, run, view, ctx) {
    var dirs = [true, false].filter(function (c2s) { return view.series.some(function (s) { return s.c2s === c2s; }); });
    dirs.forEach(function (c2s) {
      var inDir = view.series.filter(function (s) { return s.c2s === c2s; });
      VIEW_CHARTS.forEach(function (vc) {
        var chosen = inDir.filter(function (s) { return (vc.sums || s.stream) && hasValues(s.metrics[vc.metric]); });
        if (!chosen.length) { return; }
        // a single stream's line is its sum's: draw the sum only
        var streams = chosen.filter(function (s) { return s.stream; });
        if (streams.length === 1 && chosen.length === 2) { chosen = chosen.filter(function (s) { return !s.stream; }); }
        var colorAt = 0;
        var series = chosen.map(function (s) {
          var isSum = !s.stream;
          return { label: seriesLabel(run, view, s), values: s.metrics[vc.metric], color: isSum ? 'sum' : PALETTE[colorAt++ % PALETTE.length],
            width: isSum ? 2.2 : 1.3 };
        });
        var title = METRICS[vc.metric].title + ' · ' + directionName(c2s) + ' · measured at the ' + view.side;
        chart(parent, { key: vc.metric + (c2s ? ':c2s' : ':s2c') + ':' + view.side, title: title, metric: vc.metric,
          x: mids(view), start: view.start, end: view.end, series: series, intervals: view.intervals,
          xMax: ctx.xMax, yMax: vc.metric === 'bits_per_second' ? ctx.rateMax : null });
      });
    });
  }

  /* ---------- latency under load (iperf3j -c HOST --latency; docs/design/latency.md) ---------- */
  function latencyVerdict(lat) {
    if (!lat || lat.error != null) { return null; }
    var idle = lat.idle || {}, loaded = lat.loaded || {};
    if (lat.added_p50_us == null || idle.p50_us == null || loaded.p50_us == null) {
      return 'Latency under load: not enough answered probes (idle ' + (idle.count || 0) + ', loaded ' + (loaded.count || 0) + ')';
    }
    var added = lat.added_p50_us;
    var ratio = lat.p50_ratio == null ? '' : ', ' + U.fixed(lat.p50_ratio, lat.p50_ratio >= 10 ? 0 : 2) + '×';
    return 'Latency under load: ' + (added >= 0 ? '+' : '-') + fmtMs(Math.abs(added)) + ' ms (idle p50 ' + fmtMs(idle.p50_us) +
      ' ms → loaded ' + fmtMs(loaded.p50_us) + ' ms' + ratio + ')';
  }
  var LATENCY_PHASES = ['idle', 'loaded', 'tail'];
  var PHASE_NAMES = { idle: 'idle (before the load)', loaded: 'loaded (during the test)', tail: 'tail (after the load)' };
  var PHASE_COLORS = { idle: '#2a9d5b', loaded: '#d1495b', tail: '#e6a100' };
  function constant(n, v) { var a = new Array(n); for (var i = 0; i < n; i++) { a[i] = v; } return a; }

  function latencySection(sec, run, ctx) {
    var lat = run.summary && run.summary.latency;
    var view = run.views.filter(function (v) { return v.latency; })[0];
    if (!lat && !view) { return; }
    var box = el('div', { cls: 'latency', id: 'latency-' + run.index });
    sec.appendChild(box);
    box.appendChild(el('h3', { text: 'Latency under load' + (lat && lat.interval_ms != null ? ' · round trip of a UDP probe every ' + lat.interval_ms + ' ms' : '') }));
    if (lat && lat.error != null) {
      box.appendChild(el('div', { cls: 'latency-error', role: 'note', text: 'Latency was not measured: ' + lat.error }));
      return;
    }
    box.appendChild(el('p', { cls: 'sub', text: 'A small UDP probe to the server and back, next to the test: idle' +
      (lat && lat.idle_seconds != null ? ' for ' + fmtPlain(lat.idle_seconds, 1) + ' s' : '') + ' before the load, then under the test\u2019s load, then idle again' +
      (lat && lat.tail_seconds != null ? ' for ' + fmtPlain(lat.tail_seconds, 1) + ' s' : '') + ' after it. What the load adds to the idle round trip is what other traffic on this path suffers.' }));
    if (lat) { phaseTable(box, lat); }
    if (view && view.intervals) {
      var series = [];
      var add = function (key, label, color, width, dash) {
        if (hasValues(view.latency[key])) { series.push({ label: label, values: view.latency[key], color: color, width: width, dash: dash }); }
      };
      add('p50_us', 'p50 per interval', PALETTE[0], 2.2);
      add('p99_us', 'p99 per interval', PALETTE[4], 1.5);
      add('min_us', 'min per interval', PALETTE[7], 1, [2, 3]);
      add('max_us', 'max per interval', PALETTE[6], 1, [2, 3]);
      ['idle', 'tail'].forEach(function (ph) {
        var p = lat && lat[ph];
        if (p && p.p50_us != null) {
          series.push({ label: ph + ' p50 (' + (ph === 'idle' ? 'before' : 'after') + ' the load)', values: constant(view.intervals, p.p50_us),
            color: PHASE_COLORS[ph], width: 1.5, dash: [8, 5], noPoints: true });
        }
      });
      if (series.length) {
        chart(box, { key: 'latency:time', title: 'Round-trip time per interval, with the idle round trip for reference', metric: 'rtt',
          x: mids(view), start: view.start, end: view.end, series: series, intervals: view.intervals, xMax: ctx.xMax });
      }
    }
    var phases = lat ? LATENCY_PHASES.filter(function (ph) { return lat[ph] && lat[ph].cdf && lat[ph].cdf.length; }) : [];
    if (phases.length) {
      chart(box, { key: 'latency:cdf', kind: 'cdf', title: 'Distribution of the round-trip time: idle vs loaded' + (phases.indexOf('tail') >= 0 ? ' vs tail' : ''),
        intervals: view ? view.intervals : 0,
        phases: phases.map(function (ph) { return { label: PHASE_NAMES[ph], cdf: lat[ph].cdf, color: PHASE_COLORS[ph] }; }) });
    }
  }
  function phaseTable(box, lat) {
    var rows = LATENCY_PHASES.filter(function (ph) { return lat[ph]; });
    if (!rows.length) { return; }
    var head = el('tr', null, ['phase', 'min', 'p50', 'p90', 'p99', 'max', 'answered', 'lost'].map(function (h) { return el('th', { text: h }); }));
    var body = el('tbody');
    rows.forEach(function (ph) {
      var p = lat[ph];
      body.appendChild(el('tr', null, [el('td', { text: PHASE_NAMES[ph] })].concat(['min_us', 'p50_us', 'p90_us', 'p99_us', 'max_us'].map(function (k) {
        return el('td', { text: p[k] == null ? '–' : fmtMs(p[k]) + ' ms', title: p[k] == null ? '' : fmtPlain(p[k], 3) + ' µs' });
      })).concat([el('td', { text: fmtPlain(p.count, 0) }), el('td', { text: fmtPlain(p.lost, 0) })])));
    });
    box.appendChild(el('table', { cls: 'data phases', 'data-latency-phases': String(rows.length) }, [el('thead', null, [head]), body]));
  }

  /* The CDF's data: each phase's [percentile, rtt_us] points on one x axis (RTT in ms, log scale).
     Equal RTTs at neighbouring percentiles (a vertical step) are set a billionth apart so that each
     point keeps a row of its own; a non-positive RTT (no real probe has one) is drawn at 1 ns. */
  function cdfData(phases) {
    var pts = phases.map(function (ph) {
      var prev = 0;
      return ph.cdf.map(function (pair) {
        var x = Math.max(pair[1] / 1000, 1e-6);
        if (x <= prev) { x = prev * (1 + 1e-9); }
        prev = x;
        return [x, pair[0]];
      });
    });
    var xs = [];
    pts.forEach(function (p) { p.forEach(function (q) { xs.push(q[0]); }); });
    xs.sort(function (a, b) { return a - b; });
    xs = xs.filter(function (x, i) { return i === 0 || x !== xs[i - 1]; });
    var at = new Map();
    xs.forEach(function (x, i) { at.set(x, i); });
    var ys = pts.map(function (p) {
      var y = constant(xs.length, null);
      p.forEach(function (q) { y[at.get(q[0])] = q[1]; });
      return y;
    });
    return [xs].concat(ys);
  }

  function buildCdf(entry) {
    var spec = entry.spec;
    if (entry.plot) { entry.plot.destroy(); entry.plot = null; }
    var width = Math.max(320, entry.el.clientWidth || root.clientWidth || 900);
    if (printing) { width = 680; }
    var data = cdfData(spec.phases);
    var grid = cssVar('--grid'), muted = cssVar('--muted');
    var opts = {
      width: width, height: 250,
      pxAlign: 0,
      cursor: { drag: { x: true, y: false }, points: { size: 6 } },
      legend: { show: true, live: true },
      scales: { x: { time: false, distr: 3, log: 10 }, y: { range: [0, 100] } },
      axes: [
        { label: 'round-trip time, ms (log scale)', stroke: muted, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } },
        { label: '% of probes at or below', stroke: muted, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, size: 60 }
      ],
      series: [{ label: 'RTT', value: function (u, v) { return v == null ? '–' : fmtMs(v * 1000) + ' ms'; } }].concat(spec.phases.map(function (ph) {
        return { label: ph.label, stroke: ph.color, width: ph.label.indexOf('loaded') === 0 ? 2.2 : 1.6, spanGaps: true, points: { show: true, size: 5 },
          value: function (u, v) { return v == null ? '–' : fmtPlain(v, 1) + ' %'; } };
      })),
      hooks: {
        draw: [function (u) { record(entry, u, false); }],
        setCursor: [function (u) { cdfTooltip(u, entry); }]
      }
    };
    entry.note.textContent = 'Each point is a percentile of the phase\u2019s round trips (' + spec.phases[0].cdf.map(function (p) { return p[0]; }).join(', ') +
      '), from the probe\u2019s histogram; lines join them.';
    entry.plot = new uPlot(opts, data, entry.plotBox);
    entry.plot.root.addEventListener('mouseleave', function () { tip.style.display = 'none'; });
  }

  /* at the cursor's round trip: each phase's nearest percentile point */
  function cdfTooltip(u, entry) {
    var left = u.cursor.left, top = u.cursor.top;
    if (left == null || left < 0) { tip.style.display = 'none'; return; }
    var t = Math.log(u.posToVal(left, 'x'));
    var rows = [];
    entry.spec.phases.forEach(function (ph, k) {
      var best = null;
      ph.cdf.forEach(function (pair) {
        var d = Math.abs(Math.log(Math.max(pair[1] / 1000, 1e-6)) - t);
        if (best == null || d < best.d) { best = { d: d, pair: pair }; }
      });
      var sw = el('span', { cls: 'swatch' });
      sw.style.background = u.series[k + 1].stroke();
      rows.push(el('tr', null, [el('td', null, [sw, ph.label]), el('td', { text: 'p' + best.pair[0] + ' = ' + fmtMs(best.pair[1]) + ' ms (' + fmtPlain(best.pair[1], 0) + ' µs)' })]));
    });
    showTip(u, rows, left, top);
  }

  /* ---------- the header people read in 10 seconds ---------- */
  function runHeader(sec, run) {
    var s = run.summary || {};
    sec.appendChild(el('h2', { text: run.label + (s.title ? ' — ' + s.title : '') }));
    var arrow = s.mode === 'bidir' ? ' ⇄ ' : s.mode === 'reverse' ? ' ← ' : ' → ';
    var who = (s.client ? 'client ' + s.client : 'client') + arrow + (s.server ? 'server ' + s.server : 'server');
    var modeText = s.mode === 'bidir' ? 'both directions at once (--bidir)' : s.mode === 'reverse' ? 'server sends (-R)' : 'client sends';
    sec.appendChild(el('p', { cls: 'who' }, [el('strong', { text: who }), '  ·  ' + (s.protocol || '?') + ', ' +
      (s.streams != null ? s.streams + (s.streams === 1 ? ' stream' : ' streams') : '') +
      (s.duration != null ? ', ' + s.duration + ' s' : '') + ', ' + modeText]));
    if (run.error) {
      sec.appendChild(el('div', { cls: 'run-error', role: 'alert', text: 'This run failed: ' + run.error }));
    }
    var hl = el('div', { cls: 'headline' });
    function big(label, v) {
      if (v == null) { return; }
      hl.appendChild(el('div', { cls: 'rate' }, [el('div', { cls: 'big', text: fmtRate(v) }), el('div', { cls: 'label', text: label })]));
    }
    var fwd = s.mode === 'bidir' ? ' (client → server)' : '';
    big('sender' + fwd, s.sender_bits_per_second);
    big('receiver' + fwd, s.receiver_bits_per_second);
    big('sender (server → client)', s.reverse_sender_bits_per_second);
    big('receiver (server → client)', s.reverse_receiver_bits_per_second);
    if (hl.childNodes.length) { sec.appendChild(hl); }
    var verdict = latencyVerdict(s.latency);
    if (verdict) { sec.appendChild(el('p', { cls: 'verdict', 'data-latency-verdict': 'true', text: verdict })); }
    // a session's test: what held each direction back (--why), beside its rates
    var test = model.session ? model.session.tests.filter(function (t) { return t.run === run.index && t.why; })[0] : null;
    (test ? test.why : []).forEach(function (w) {
      var sw = el('span', { cls: 'swatch' });
      sw.style.background = causeFill(w.cause, isClose(w));
      sec.appendChild(el('p', { cls: 'verdict', 'data-why': w.cause, 'data-confidence': w.confidence || 'clear', title: w.reason || '' }, [sw,
        (test.why.length > 1 ? w.from + ' → ' + w.to + ': ' : '') + w.headline + (w.remedy ? ' — change: ' + w.remedy : '')]));
    });
    var facts = el('dl', { cls: 'facts' });
    function fact(k, v) { if (v != null && v !== '') { facts.appendChild(el('div', null, [el('dt', { text: k }), el('dd', { text: String(v) })])); } }
    fact('retransmits', s.retransmits != null ? fmtPlain(s.retransmits, 0) + (s.reverse_retransmits != null ? ' / ' + fmtPlain(s.reverse_retransmits, 0) + ' reverse' : '') : null);
    fact('lost', s.lost_percent != null ? fmtPlain(s.lost_percent, 4) + ' % (' + fmtPlain(s.lost_packets, 0) + ' of ' + fmtPlain(s.packets, 0) + ')' : null);
    fact('jitter', s.jitter_ms != null ? fmtPlain(s.jitter_ms, 3) + ' ms' : null);
    fact('lost (s → c)', s.reverse_lost_percent != null ? fmtPlain(s.reverse_lost_percent, 4) + ' %' : null);
    fact('jitter (s → c)', s.reverse_jitter_ms != null ? fmtPlain(s.reverse_jitter_ms, 3) + ' ms' : null);
    fact('out of order', s.out_of_order != null ? fmtPlain(s.out_of_order, 0) : null);
    // --bidir: each direction's bytes (the summary's sums), named as the rates above are
    var dir = s.mode === 'bidir' ? ' (c → s)' : '';
    fact('sent' + dir, s.sender_bytes != null ? fmtBytes(s.sender_bytes) : null);
    fact('received' + dir, s.receiver_bytes != null ? fmtBytes(s.receiver_bytes) : null);
    fact('sent (s → c)', s.reverse_sender_bytes != null ? fmtBytes(s.reverse_sender_bytes) : null);
    fact('received (s → c)', s.reverse_receiver_bytes != null ? fmtBytes(s.reverse_receiver_bytes) : null);
    fact('CPU local/remote', s.cpu_local_percent != null ? fmtPlain(s.cpu_local_percent, 1) + ' % / ' + fmtPlain(s.cpu_remote_percent, 1) + ' %' : null);
    fact('congestion', s.sender_congestion ? s.sender_congestion + (s.receiver_congestion ? ' / ' + s.receiver_congestion : '') : null);
    fact('version', s.version);
    fact('peer version', s.remote_version);
    fact('system', s.system_info);
    fact('started', s.time);
    fact('extra data', s.extra_data);
    if (facts.childNodes.length) { sec.appendChild(facts); }
    if (s.command) {
      sec.appendChild(el('div', { cls: 'sub', text: 'Equivalent command (rebuilt from the JSON; iperf3 does not record the command line):' }));
      sec.appendChild(el('div', { cls: 'command mono', text: s.command }));
    }
    if (s.server_output_text != null) { serverText(sec, s); }
  }

  // --get-server-output against a server without -J: the server wrote text, not JSON, so its intervals
  // are not charted. They are shown as it printed them, and a forward UDP run says why its jitter and
  // loss per interval are there only (the receiver, here the server, measures them).
  function serverText(sec, s) {
    var det = el('details', { cls: 'server-text', open: 'open' });
    det.appendChild(el('summary', { text: 'The server’s output (--get-server-output), as it printed it' }));
    var udpForward = s.protocol === 'UDP' && s.mode === 'normal' && s.role === 'client';
    det.appendChild(el('p', { cls: 'sub', 'data-server-output-note': 'true', text: (udpForward
      ? 'Jitter and loss per interval are measured by the receiver, the server in this run, and are not in the client’s intervals. '
      : '') + 'The server ran without -J, so its output is text (server_output_text), not JSON: its intervals are not charted; its lines follow.' }));
    det.appendChild(el('pre', { cls: 'mono', 'data-server-output': 'text', text: s.server_output_text }));
    sec.appendChild(det);
  }

  /* ---------- every interval as a table (copy-paste into a spreadsheet), and as TSV ---------- */
  function intervalTable(sec, run) {
    var rows = 0;
    run.views.forEach(function (v) { rows += v.intervals; });
    if (!rows) { return; }
    var det = el('details', { cls: 'table' });
    det.appendChild(el('summary', { text: 'Every interval: ' + rows + ' rows (table; copy it into a spreadsheet, or download TSV)' }));
    var built = false;
    function columns(view) {
      var cols = [];
      view.series.forEach(function (s) {
        Object.keys(s.metrics).forEach(function (k) { cols.push({ head: s.name + (s.c2s ? ' c→s ' : ' s→c ') + (s.sender ? 'sender' : 'receiver') + ' ' + k, values: s.metrics[k] }); });
      });
      // iperf3j --latency: the probe's round trips of each interval
      Object.keys(view.latency || {}).forEach(function (k) { cols.push({ head: 'latency ' + k, values: view.latency[k] }); });
      return cols;
    }
    function tsv() {
      var out = [];
      run.views.forEach(function (v) {
        var cols = columns(v);
        out.push(['side', 'start', 'end', 'omitted'].concat(cols.map(function (c) { return c.head; })).join('\t'));
        var om = {}; v.omitted.forEach(function (i) { om[i] = true; });
        for (var i = 0; i < v.intervals; i++) {
          out.push([v.side, v.start[i], v.end[i], om[i] ? 1 : 0].concat(cols.map(function (c) { return c.values[i] == null ? '' : c.values[i]; })).join('\t'));
        }
      });
      return out.join('\n') + '\n';
    }
    function fill() {
      if (built) { return; }
      built = true;
      det.appendChild(el('button', { type: 'button', text: 'Download TSV' }));
      det.lastChild.addEventListener('click', function () { download(run.label + '.tsv', tsv(), 'text/tab-separated-values'); });
      run.views.forEach(function (v) {
        var cols = columns(v);
        var om = {}; v.omitted.forEach(function (i) { om[i] = true; });
        var html = ['<table class="data"><thead><tr><th>side</th><th>start</th><th>end</th><th>omitted</th>'];
        cols.forEach(function (c) { html.push('<th>' + esc(c.head) + '</th>'); });
        html.push('</tr></thead><tbody>');
        for (var i = 0; i < v.intervals; i++) {
          html.push('<tr><td>' + v.side + '</td><td>' + v.start[i] + '</td><td>' + v.end[i] + '</td><td>' + (om[i] ? 1 : 0) + '</td>');
          for (var c = 0; c < cols.length; c++) { var x = cols[c].values[i]; html.push('<td>' + (x == null ? '' : x) + '</td>'); }
          html.push('</tr>');
        }
        html.push('</tbody></table>');
        var wrap = el('div', { cls: 'table-wrap' });
        wrap.innerHTML = html.join('');
        det.appendChild(wrap);
      });
    }
    det.addEventListener('toggle', function () { if (det.open) { fill(); } });
    if (rows <= 2000) { fill(); }
    window.addEventListener('beforeprint', fill);
    sec.appendChild(det);
  }
  function esc(s) { return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'); }
  function download(name, text, type) {
    var a = el('a', { href: URL.createObjectURL(new Blob([text], { type: type })), download: name.replace(/[^\w.-]+/g, '_') });
    document.body.appendChild(a); a.click(); a.remove();
  }

  /* ---------- the raw input, embedded for tools ---------- */
  function rawInput(index) {
    var e = packEntry(index);
    if (!e) { return embedded(document.getElementById('iperf3j-raw-' + index)); }
    return unpackedRaw().then(function (bytes) { return new TextDecoder('utf-8').decode(bytes.subarray(e[1], e[2])); });
  }
  /* a fleet's raw inputs: one gzip stream (script#iperf3j-raw-pack), unpacked once, when one is first asked for */
  var rawPack = document.getElementById('iperf3j-raw-pack'), rawEntries = null, rawBytes = null;
  function packEntry(index) {
    if (!rawPack) { return null; }
    if (!rawEntries) {
      rawEntries = {};
      JSON.parse(rawPack.getAttribute('data-entries')).forEach(function (e) { rawEntries[e[0]] = e; });
    }
    return rawEntries[index] || null;
  }
  function unpackedRaw() {
    if (!rawBytes) {
      rawBytes = gunzipBase64(rawPack.textContent).then(function (r) { return r.arrayBuffer(); }).then(function (b) { return new Uint8Array(b); });
    }
    return rawBytes;
  }
  function gunzipBase64(text) {
    var bin = atob(text.replace(/\s+/g, ''));
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { bytes[i] = bin.charCodeAt(i); }
    return Promise.resolve(new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))));
  }
  /* the text of an embedded script element: plain, or gzip+base64 for big inputs */
  function embedded(node) {
    if (!node) { return Promise.resolve(null); }
    var text = node.textContent;
    if (node.getAttribute('data-encoding') !== 'gzip+base64') { return Promise.resolve(text); }
    return gunzipBase64(text).then(function (r) { return r.text(); });
  }
  function rawSection(sec, run) {
    if (!run.raw) { return; }
    var node = document.getElementById('iperf3j-raw-' + run.index), e = packEntry(run.index);
    var det = el('details', { cls: 'raw' });
    det.appendChild(el('summary', { text: e ? 'Raw input (' + fmtBytes(e[2] - e[1]) + ', ' + e[3] + '; embedded with every run\u2019s in script#iperf3j-raw-pack, gzip+base64)'
      : 'Raw input (' + fmtBytes(Number(node.getAttribute('data-size'))) + ', ' + node.getAttribute('type') +
      '; embedded as script#iperf3j-raw-' + run.index + ', ' + node.getAttribute('data-encoding') + ')' }));
    var btn = el('button', { type: 'button', text: 'Download' });
    btn.addEventListener('click', function () {
      rawInput(run.index).then(function (t) { download(run.label.replace(/\.json$/, '') + '.json', t, 'application/json'); });
    });
    det.appendChild(btn);
    var pre = el('pre', { cls: 'mono' });
    det.appendChild(pre);
    det.addEventListener('toggle', function () {
      if (det.open && !pre.textContent) {
        rawInput(run.index).then(function (t) { pre.textContent = t.length > 1048576 ? t.slice(0, 1048576) + '\n… (first MiB shown; Download for all)' : t; });
      }
    });
    sec.appendChild(det);
  }

  /* ---------- sessions: one sender × receiver matrix per kind of test ---------- */
  // Tests of different kinds (protocol, --bidir, extra arguments such as -b 50M) are never averaged
  // together: a UDP test at 50 Mbit/s averaged with TCP tests would give a figure no test measured.
  // The rules are the session's own text summary's (session's ThroughputMatrix).
  // What held a direction of data back (iperf3j --why, the session's tests.jsonl "why"): words and colours.
  var CAUSES = {
    path: { words: 'the path', letter: 'P', color: '#4e79a7' },
    receiver_window: { words: 'the receiver\u2019s window', letter: 'W', color: '#f28e2b' },
    sender_buffer: { words: 'the sender\u2019s buffer', letter: 'B', color: '#e15759' },
    sender_cpu: { words: 'the sender\u2019s CPU', letter: 'S', color: '#76b7b2' },
    receiver_cpu: { words: 'the receiver\u2019s CPU', letter: 'R', color: '#59a14f' },
    receiver_buffer: { words: 'the receiver\u2019s socket buffer', letter: 'D', color: '#9c755f' },
    pacing: { words: 'the pacing (-b)', letter: 'T', color: '#edc948' },
    not_determined: { words: 'not determined', letter: '?', color: '#bab0ac' },
    mixed: { words: 'runs differ', letter: '~', color: '#b07aa1' }
  };
  function causeWords(c) { return CAUSES[c] ? CAUSES[c].words : c; }
  // A verdict's colour: its cause's, hatched with white when the verdict was close (two causes nearly even), so a
  // close verdict is never coloured as a certain one.
  function causeFill(c, close) {
    var col = CAUSES[c] ? CAUSES[c].color : '';
    return col && close ? 'repeating-linear-gradient(45deg, ' + col + ' 0 5px, #fff 5px 9px)' : col;
  }
  function isClose(w) { return !!w && w.confidence === 'close'; }
  // The words of a verdict's confidence after its cause: '', ' (likely)' or ' (close)'.
  function confidenceWords(w) { return w && (w.confidence === 'close' || w.confidence === 'likely') ? ' (' + w.confidence + ')' : ''; }
  // The cause of a cell's runs that had a verdict: the one they share, 'mixed', or null when none had one.
  function cellCause(flows) {
    var cs = flows.filter(function (f) { return f.why; }).map(function (f) { return f.why.cause; });
    if (!cs.length) { return null; }
    return cs.every(function (c) { return c === cs[0]; }) ? cs[0] : 'mixed';
  }
  // The page opened as PAGE.html#colour=cause starts coloured by cause (a link to share), else by rate.
  function byCauseAtLoad() { return /(^#|&)colour=cause(&|$)/.test(location.hash) ? 'cause' : 'rate'; }
  function whyTitle(w) { return w ? w.headline + (w.remedy ? '\nchange: ' + w.remedy : '') : ''; }
  // The colour-by switch and the causes' legend: the matrices' cells (td[data-cause]) take the rate's colour or the cause's.
  function causeSwitch(sec) {
    var box = el('div', { cls: 'cause-switch' });
    var legend = el('ul', { cls: 'legend cause-legend' });
    Object.keys(CAUSES).forEach(function (c) {
      legend.appendChild(el('li', { 'data-cause': c }, [el('span', { cls: 'swatch' }), CAUSES[c].letter + ' ' + CAUSES[c].words]));
    });
    Array.prototype.forEach.call(legend.querySelectorAll('.swatch'), function (sw) { sw.style.background = CAUSES[sw.parentNode.getAttribute('data-cause')].color; });
    var hatch = el('span', { cls: 'swatch' });
    hatch.style.background = causeFill('not_determined', true);
    legend.appendChild(el('li', { 'data-close-legend': 'true' }, [hatch, 'hatched: close, another cause held it nearly as much']));
    function set(by) {
      sec.setAttribute('data-colour-by', by);
      legend.style.display = by === 'cause' ? '' : 'none';
      Array.prototype.forEach.call(sec.querySelectorAll('table.matrix td[data-cause], table.heat td[data-cause]'), function (td) {
        var c = td.getAttribute('data-cause');
        td.style.background = by === 'cause' ? (c ? causeFill(c, td.getAttribute('data-close') === 'true') : '') : (td.getAttribute('data-rate-bg') || '');
        td.style.color = by === 'cause' ? (c ? '#000' : '') : (td.getAttribute('data-rate-fg') || '');
      });
      Array.prototype.forEach.call(box.querySelectorAll('button'), function (b) { b.setAttribute('aria-pressed', String(b.value === by)); });
    }
    box.appendChild(el('span', { text: 'Colour cells by: ' }));
    [['rate', 'received rate'], ['cause', 'what held it back (--why)']].forEach(function (o) {
      var b = el('button', { type: 'button', text: o[1] });
      b.value = o[0];
      b.addEventListener('click', function () { set(o[0]); });
      box.appendChild(b);
    });
    box.appendChild(legend);
    return { box: box, set: set };
  }
  // Each direction of each test that ran with its verdict: host → host, the cause, its headline and the change.
  function whyTable(tests) {
    var rows = [];
    tests.forEach(function (t) { testFlows(t).forEach(function (f) { if (f.why) { rows.push(f); } }); });
    var table = el('table', { cls: 'why', 'data-chart': 'why' });
    table.appendChild(el('thead', null, [el('tr', null, ['test', 'data', 'received', 'limited by', 'why', 'change'].map(function (h) { return el('th', { text: h }); }))]));
    var body = el('tbody');
    rows.forEach(function (f) {
      var w = f.why;
      var test = f.test.run >= 0 ? el('a', { href: '#run-' + f.test.run, text: f.test.id }) : el('span', { text: f.test.id });
      var sw = el('span', { cls: 'swatch' });
      sw.style.background = causeFill(w.cause, isClose(w));
      body.appendChild(el('tr', { 'data-test': f.test.id, 'data-from': f.sender, 'data-to': f.receiver, 'data-cause': w.cause, 'data-confidence': w.confidence || 'clear' }, [
        el('td', null, [test]), el('td', { text: f.sender + ' → ' + f.receiver }), el('td', { text: f.bps != null ? fmtRate(f.bps) : '' }),
        el('td', null, [sw, ' ' + causeWords(w.cause) + confidenceWords(w)]), el('td', { text: w.cause === 'not_determined' ? w.reason || w.headline : w.reason || '' }),
        el('td', { text: w.remedy || '' })]));
    });
    table.appendChild(body);
    return rows.length ? table : null;
  }

  function sessionSection(session) {
    var sec = el('section', { cls: 'session', id: 'session' });
    sec.appendChild(el('h2', { text: 'Session: ' + session.tests.length + ' tests' }));
    sec.appendChild(el('p', { cls: 'sub', text: session.dir }));
    sec.appendChild(el('p', { cls: 'sub', text: 'Received throughput of each test, one matrix per kind of test (cell colour: mean of ' +
      'that kind\u2019s successful runs of the cell; darker is faster, scaled per matrix). A --bidir test is in two cells: ' +
      'sender → receiver, and receiver → sender as its reverse half. Each entry links to that test\u2019s charts.' }));
    var hasWhy = session.tests.some(function (t) { return t.why && t.why.length; });
    var sw = hasWhy ? causeSwitch(sec) : null;
    if (sw) {
      sec.appendChild(el('p', { cls: 'sub', text: 'Each entry also says what held that direction of data back (iperf3j --why): ' +
        'the path, the receiver\u2019s window, the sender\u2019s buffer, a CPU or the pacing; hover for the reason and the change that would lift it. ' +
        'A test whose client is a real iperf3 or iperf2 has no verdict: "not determined".' }));
      sec.appendChild(sw.box);
    }
    sessionKinds(session.tests).forEach(function (group) { sec.appendChild(kindMatrix(group.kind, group.tests)); });
    if (sw) {
      sw.set(byCauseAtLoad());
      var wt = whyTable(session.tests);
      if (wt) { sec.appendChild(el('h3', { text: 'What held each test back' })); sec.appendChild(wt); }
    }
    var failed = session.tests.filter(function (t) { return t.status !== 'ok' || t.note; });
    if (failed.length) {
      sec.appendChild(el('h3', { text: 'Failed tests and unreadable outputs' }));
      var ul = el('ul');
      failed.forEach(function (t) {
        ul.appendChild(el('li', { cls: 'run-error' }, ['test ' + t.id + ' (' + t.sender + ' → ' + t.receiver + ', ' + t.kind + '): ' +
          (t.status !== 'ok' ? 'failed: ' + (t.error || 'no error text') : '') + (t.note ? ' ' + t.note : '')]));
      });
      sec.appendChild(ul);
    }
    return sec;
  }

  // The tests grouped by kind, kinds in the order they first appear.
  function sessionKinds(tests) {
    var groups = [];
    tests.forEach(function (t) {
      var g = groups.filter(function (x) { return x.kind === t.kind; })[0];
      if (!g) { g = { kind: t.kind, tests: [] }; groups.push(g); }
      g.tests.push(t);
    });
    return groups;
  }

  // The directions a test measured: sender → receiver, and for --bidir receiver → sender (its reverse
  // half). A failed --bidir test failed both; a finished one without a reverse figure (a directory
  // written before the session recorded it) has only the first.
  function testFlows(t) {
    var ok = t.status === 'ok';
    var flows = [{ test: t, sender: t.sender, receiver: t.receiver, reverse: false, bps: ok ? t.received_bits_per_second : null }];
    if (ok ? t.reverse_received_bits_per_second != null : t.direction === 'bidir') {
      flows.push({ test: t, sender: t.receiver, receiver: t.sender, reverse: true, bps: ok ? t.reverse_received_bits_per_second : null });
    }
    // each direction's verdict (--why): the one whose data that direction's sender sent
    flows.forEach(function (f) {
      f.why = ok ? (t.why || []).filter(function (w) { return w.from === f.sender && w.to === f.receiver; })[0] || null : null;
    });
    return flows;
  }

  // One kind's matrix. The table records what each cell shows in data-cells (JSON: "sender → receiver"
  // -> mean of its successful runs in bits/s or null, successful and all runs, the entries' test ids).
  function kindMatrix(kind, tests) {
    var flows = [];
    tests.forEach(function (t) { flows = flows.concat(testFlows(t)); });
    var senders = [], receivers = [], cells = {};
    flows.forEach(function (f) {
      if (senders.indexOf(f.sender) < 0) { senders.push(f.sender); }
      if (receivers.indexOf(f.receiver) < 0) { receivers.push(f.receiver); }
      var key = f.sender + ' → ' + f.receiver;
      var c = cells[key] || (cells[key] = { flows: [], sum: 0, ok: 0 });
      c.flows.push(f);
      if (f.bps != null) { c.sum += f.bps; c.ok++; }
    });
    receivers = hostsInRowOrder(receivers, senders);
    var max = 0, record = {};
    Object.keys(cells).forEach(function (key) {
      var c = cells[key];
      c.mean = c.ok ? c.sum / c.ok : null;
      if (c.mean > max) { max = c.mean; }
      c.cause = cellCause(c.flows);
      record[key] = { mean: c.mean, ok: c.ok, runs: c.flows.length, cause: c.cause,
        causes: c.flows.map(function (f) { return f.why ? f.why.cause : null; }),
        entries: c.flows.map(function (f) { return f.test.id + (f.reverse ? ' (reverse half)' : ''); }) };
    });
    var wrap = el('div', { cls: 'kind' });
    var bidir = flows.some(function (f) { return f.reverse; });
    wrap.appendChild(el('h3', { text: kind + ': ' + tests.length + (tests.length === 1 ? ' test' : ' tests') +
      (bidir ? ' (each --bidir test placed twice: sender → receiver and receiver → sender)' : '') }));
    var table = el('table', { cls: 'matrix', 'data-chart': 'matrix:' + kind, 'data-kind': kind, 'data-tests': String(tests.length),
      'data-cells': JSON.stringify(record) });
    var headRow = el('tr', null, [el('th', { text: 'sender ↓  receiver →' })]);
    receivers.forEach(function (r) { headRow.appendChild(el('th', { text: r })); });
    table.appendChild(el('thead', null, [headRow]));
    var body = el('tbody');
    senders.forEach(function (snd) {
      var tr = el('tr', null, [el('th', { text: snd })]);
      receivers.forEach(function (rcv) { tr.appendChild(matrixCell(cells[snd + ' → ' + rcv], max)); });
      body.appendChild(tr);
    });
    table.appendChild(body);
    wrap.appendChild(table);
    return wrap;
  }

  // Names in natural order (issue 66): the digits of a name compared as numbers, so nc1, nc2, nc10 (not nc1, nc10, nc2).
  function naturalCompare(a, b) {
    var re = /(\d+)|(\D+)/g, x = String(a).match(re) || [], y = String(b).match(re) || [];
    for (var i = 0; i < Math.min(x.length, y.length); i++) {
      var dx = /^\d/.test(x[i]), dy = /^\d/.test(y[i]);
      if (dx && dy) {
        var d = Number(x[i]) - Number(y[i]);
        if (d) { return d; }
        if (x[i].length !== y[i].length) { return x[i].length - y[i].length; }
      } else if (x[i] !== y[i]) {
        return x[i] < y[i] ? -1 : 1;
      }
    }
    return x.length - y.length;
  }
  // A history's tests in natural order of sender, receiver, then id, each with its index in the model (its section's id).
  // Hosts are ranked once (a fleet has a few hundred names and tens of thousands of tests); ids compared on a tie only.
  function historyOrder(h) {
    if (h.ordered) { return h.ordered; }
    var names = {};
    h.tests.forEach(function (t) { names[t.sender] = true; names[t.receiver] = true; });
    var rank = {};
    Object.keys(names).sort(naturalCompare).forEach(function (n, i) { rank[n] = i; });
    h.ordered = h.tests.map(function (t, k) { return { t: t, k: k, s: rank[t.sender], r: rank[t.receiver] }; }).sort(function (a, b) {
      return a.s - b.s || a.r - b.r || naturalCompare(a.t.id, b.t.id) || a.k - b.k;
    });
    return h.ordered;
  }
  // Each test's latest result (its last ok or failed run) and its age, counted back from the newest result of the whole
  // history (the page is a file read later: its "now" is the history's own). Stale: not measured within its cycle, i.e.
  // its latest result is not among the last C runs of the history (C: a rotating test's rotation_runs, else 1), or it
  // has no result at all (docs/design/report.md, "Each pair's latest result and its age").
  // With --stale-after (history.stale_after_seconds) a latest result older than that span is stale too (late: 'span').
  function historyAge(h, t) {
    var cycle = t.cycle_runs || 1, span = h.stale_after_seconds;
    if (!t.last_result_run) { return { run: 0, behind: null, seconds: null, cycle: cycle, span: span, stale: true, late: 'none' }; }
    var behind = Math.max(0, (h.newest_run || 0) - t.last_result_run);
    var seconds = h.newest_time != null && t.last_result_time != null ? Math.max(0, h.newest_time - t.last_result_time) : null;
    var late = behind >= cycle ? 'cycle' : span != null && seconds != null && seconds > span ? 'span' : null;
    return { run: t.last_result_run, behind: behind, seconds: seconds, cycle: cycle, span: span, stale: !!late, late: late };
  }
  // 12 s, 7 min, 3 h 20 min, 2 d 5 h
  function durationText(s) {
    s = Math.round(s);
    if (s < 60) { return s + ' s'; }
    var m = Math.floor(s / 60);
    if (m < 60) { return m + ' min'; }
    var hrs = Math.floor(m / 60);
    if (hrs < 24) { return hrs + ' h' + (m % 60 ? ' ' + (m % 60) + ' min' : ''); }
    return Math.floor(hrs / 24) + ' d' + (hrs % 24 ? ' ' + (hrs % 24) + ' h' : '');
  }
  function runsText(n) { return n + (n === 1 ? ' run' : ' runs'); }
  // "3 h 20 min before the newest result (4 runs before)", or "in the newest run"
  function ageText(a) {
    if (!a.run) { return 'no result yet (every run of it was skipped)'; }
    if (!a.behind) { return 'in the newest run'; }
    return (a.seconds != null ? durationText(a.seconds) + ' before the newest result (' + runsText(a.behind) + ' before)' : runsText(a.behind) + ' before the newest run');
  }
  function cycleText(a) { return a.cycle > 1 ? 'every pair once in ' + runsText(a.cycle) : 'every run'; }
  function latestText(a) {
    return a.run ? 'latest result run ' + a.run + ', ' + ageText(a) + (a.stale ? '; ' + lateText(a) : '') : ageText(a);
  }
  function lateText(a) {
    return a.late === 'span' ? 'older than ' + durationText(a.span) + ' (--stale-after)' : 'not measured within its cycle (' + cycleText(a) + ')';
  }
  // Schedule runs and results of a history: a result is one test's run (a line of tests.jsonl); the schedule's runs
  // are the run numbers the results span (issue 66: results were counted as "runs").
  function historyCounts(h) {
    var results = 0, first = null, last = null;
    h.tests.forEach(function (t) {
      results += t.ok + t.failed + t.skipped;
      if (pointCount(t)) {
        var f = t.points_packed != null ? t.first_run : t.points.first_run[0];
        var l = t.points_packed != null ? t.last_run : t.points.last_run[pointCount(t) - 1];
        if (first == null || f < first) { first = f; }
        if (last == null || l > last) { last = l; }
      }
    });
    return { results: results, first: first, last: last };
  }
  // A fleet's history (more tests than EAGER_LIMIT) holds each test's points as one string (points_packed: its columns in
  // the order of history.packed_columns), parsed when the test is opened; what the overview needs is beside it
  // (point_count, first_run, last_run, last_bps). A smaller history has its points object as before.
  function pointsOf(h, t) {
    if (!t.points) {
      var cols = JSON.parse(t.points_packed), p = {};
      h.packed_columns.forEach(function (c, i) { p[c] = cols[i]; });
      t.points = p;
    }
    return t.points;
  }
  function pointCount(t) { return t.points_packed != null ? t.point_count : t.points.first_run.length; }
  function historyRunsText(c) {
    return c.first == null ? 'no run' : c.first === c.last ? 'run ' + c.first : 'runs ' + c.first + '\u2013' + c.last;
  }

  // The columns in the rows' order where a host is both (a --bidir pair's two cells then mirror each
  // other across the diagonal), then the hosts that only receive, in their own order.
  function hostsInRowOrder(receivers, senders) {
    return senders.filter(function (h) { return receivers.indexOf(h) >= 0; })
      .concat(receivers.filter(function (h) { return senders.indexOf(h) < 0; }));
  }

  // A cell: coloured by its mean on the matrix's own scale, one linked entry per run.
  function matrixCell(c, max) {
    var td = el('td');
    if (!c) { td.className = 'self'; td.title = 'no test'; return td; }
    if (c.mean != null) {
      var lo = cssVar('--heat-lo').split(','), hi = cssVar('--heat-hi').split(',');
      var f = max ? c.mean / max : 0;
      var rgb = lo.map(function (v, i) { return Math.round(Number(v) + (Number(hi[i]) - Number(v)) * f); });
      td.style.background = 'rgb(' + rgb.join(',') + ')';
      td.style.color = f > 0.55 ? '#fff' : '';
      td.setAttribute('data-rate-bg', td.style.background);
      td.setAttribute('data-rate-fg', td.style.color);
      td.title = 'mean of ' + c.ok + ' successful ' + (c.ok === 1 ? 'run' : 'runs') + ': ' + fmtRate(c.mean) +
        (c.cause ? '\nlimited by ' + causeWords(c.cause) : '');
    }
    if (c.cause !== undefined) { td.setAttribute('data-cause', c.cause || ''); }
    if (c.flows.some(function (f) { return isClose(f.why); })) { td.setAttribute('data-close', 'true'); }
    if (c.ok < c.flows.length) { td.className = c.ok ? 'partly-failed' : 'failed'; }
    c.flows.forEach(function (f) {
      var t = f.test;
      var text = 'test ' + t.id + (f.reverse ? ', reverse half' : '') + ': ' + (t.status === 'ok' ? fmtRate(f.bps) : 'failed') +
        (f.why ? ' · ' + causeWords(f.why.cause) + confidenceWords(f.why) : '');
      var link = t.run >= 0 ? el('a', { href: '#run-' + t.run, text: text }) : el('span', { text: text });
      link.title = f.bps != null ? (f.reverse ? 'the --bidir test\u2019s reverse half, ' : '') + 'received ' + fmtPlain(f.bps, 0) + ' bits/s' +
        (f.why ? '\n' + whyTitle(f.why) : '') : (t.error || 'failed');
      if (f.why) { link.setAttribute('data-cause', f.why.cause); }
      if (t.status !== 'ok') { link.style.color = 'var(--bad)'; }
      td.appendChild(link);
    });
    return td;
  }

  /* ---------- the overview: a sender × receiver heatmap per kind of test, on the first screen ---------- */
  // A page of more runs (or history tests) than this draws no chart at load: each run (each history test)
  // is a closed <details> drawn when it is opened, from the heatmap, a list or a #run-N link. Up to it, a
  // small session's page is as it was, every chart drawn (docs/design/report.md, "A fleet at a glance").
  var EAGER_LIMIT = Number(root.getAttribute('data-eager-limit')) || 64;
  var HEAT = { good: 205, slow: 45 };   // hue at 0.9× the reference and above, and at 0.3× of it or below
  function heatColor(ratio) {
    var f = Math.max(0, Math.min(1, (ratio - 0.3) / 0.6));
    var hue = HEAT.slow + (HEAT.good - HEAT.slow) * f;
    return 'hsl(' + Math.round(hue) + ',' + Math.round(90 - 30 * f) + '%,' + Math.round(55 - 12 * f) + '%)';
  }
  function percentile(sorted, p) {
    if (!sorted.length) { return null; }
    return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p / 100 * sorted.length) - 1))];
  }
  function ratioText(r) { return r == null ? '' : U.fixed(r, 2) + '×'; }

  // spec: {kind, rows, cols, cells: {"s → r": {state: ok|slow|failed|skipped|partly, ratio, title, open()}}, record}
  // One table per kind; the cell size shrinks with the hosts (48 hosts: 15 px) so that a 48-host heatmap fits the
  // first screen of a 1080 px window below the title, and 96 hosts still fit about 850 px. A cell's title may be a
  // function (made when needed). Past CANVAS_HOSTS hosts the heatmap is one canvas (heatCanvas).
  var CANVAS_HOSTS = 64;
  function heatmap(spec) {
    var n = Math.max(spec.rows.length, spec.cols.length);
    if (spec.canvas && n > CANVAS_HOSTS) { return heatCanvas(spec); }
    var size = Math.max(8, Math.min(24, Math.floor(760 / Math.max(1, n))));
    var table = el('table', { cls: 'heat', 'data-chart': 'heatmap:' + spec.kind, 'data-heatmap-kind': spec.kind,
      'data-cells': JSON.stringify(spec.record), style: '--cell:' + size + 'px' });
    var head = el('tr', null, [el('th', { cls: 'corner', text: 'sender ↓ receiver →' })]);
    spec.cols.forEach(function (c) { head.appendChild(el('th', { cls: 'col', title: c }, [el('span', { text: c })])); });
    table.appendChild(el('thead', null, [head]));
    var body = el('tbody');
    spec.rows.forEach(function (r) {
      var tr = el('tr', null, [el('th', { cls: 'row', text: r })]);
      spec.cols.forEach(function (c) {
        var key = r + ' → ' + c, cell = spec.cells[key];
        if (!cell) { tr.appendChild(el('td', { cls: 'none' })); return; }
        var td = el('td', { cls: 'cell ' + cell.state + (cell.stale ? ' stale' : ''), title: key + ' · ' + cellTitle(cell), 'data-pair': key });
        if (cell.ratio != null && cell.state !== 'failed' && cell.state !== 'skipped') { td.style.background = heatColor(cell.ratio); }
        if (cell.cause !== undefined) { td.setAttribute('data-cause', cell.cause || ''); td.setAttribute('data-rate-bg', td.style.background); }
        if (cell.age) { cellAge(td, cell.age); }
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    table.appendChild(body);
    // one listener for every cell: a click opens that pair's runs (charts drawn then)
    table.addEventListener('click', function (e) {
      var td = e.target.closest ? e.target.closest('td[data-pair]') : null;
      if (!td) { return; }
      var cell = spec.cells[td.getAttribute('data-pair')];
      var was = table.querySelector('td.chosen');
      if (was) { was.classList.remove('chosen'); }
      td.classList.add('chosen');
      if (cell && cell.open) { cell.open(); }
    });
    return table;
  }
  function cellTitle(cell) { return typeof cell.title === 'function' ? cell.title() : cell.title; }
  // a history cell's latest result: its age in seconds (before the history's newest result) and in runs, and stale or not
  function cellAge(node, a) {
    node.setAttribute('data-age', a.seconds == null ? '' : String(Math.round(a.seconds)));
    node.setAttribute('data-runs-behind', a.behind == null ? '' : String(a.behind));
    if (a.stale) { node.setAttribute('data-stale', 'true'); }
  }
  // A heatmap of many hosts (a 200-host rotating mesh: 39 800 cells) as one canvas: a table of that many cells takes
  // seconds to build and lay out. What a cell's td says is had by hit testing: the pointer's cell gives the canvas its
  // title (and data-hover: the pair, data-age, data-runs-behind, data-stale), a click opens the pair as a td's does.
  // The colours are the table's (heatColor, --bad, grey for skipped, faded when stale); one host name in every few rows
  // and columns is written.
  function heatCanvas(spec) {
    var rows = spec.rows, cols = spec.cols, grid = spec.grid, n = Math.max(rows.length, cols.length);
    var size = Math.max(3, Math.min(8, Math.floor(760 / Math.max(1, n))));
    var margin = 44, every = Math.ceil(12 / size);
    var w = margin + cols.length * size, hgt = margin + rows.length * size;
    var count = 0;
    for (var g = 0; g < grid.length; g++) { if (grid[g]) { count++; } }
    var canvas = el('canvas', { cls: 'heat-canvas', 'data-chart': 'heatmap:' + spec.kind, 'data-heatmap-kind': spec.kind,
      'data-cell-px': String(size), 'data-margin-px': String(margin), 'data-rows': String(rows.length), 'data-cols': String(cols.length),
      'data-pairs': String(count) });
    canvas.style.width = w + 'px'; canvas.style.height = hgt + 'px';
    var chosen = -1;
    function at(e) {
      var r = canvas.getBoundingClientRect();
      var i = Math.floor((e.clientY - r.top - margin) / size), j = Math.floor((e.clientX - r.left - margin) / size);
      return i >= 0 && j >= 0 && i < rows.length && j < cols.length ? i * cols.length + j : -1;
    }
    function keyOf(g) { return rows[Math.floor(g / cols.length)] + ' → ' + cols[g % cols.length]; }
    // cells grouped by their fill (the ratio to 0.01×, failed, skipped; faded or not), so each colour is set once
    function draw() {
      var dpr = window.devicePixelRatio || 1;
      canvas.width = Math.round(w * dpr); canvas.height = Math.round(hgt * dpr);
      var c2 = canvas.getContext('2d');
      c2.setTransform(dpr, 0, 0, dpr, 0, 0);
      c2.clearRect(0, 0, w, hgt);
      var bad = cssVar('--bad') || '#c0392b', panel = cssVar('--panel') || '#eee', muted = cssVar('--muted') || '#777';
      var inner = size > 3 ? size - 1 : size, nc = cols.length;
      c2.font = '9px sans-serif'; c2.fillStyle = muted; c2.textBaseline = 'middle'; c2.textAlign = 'right';
      rows.forEach(function (r, i) { if (i % every === 0) { c2.fillText(r, margin - 3, margin + i * size + size / 2); } });
      c2.save(); c2.rotate(-Math.PI / 2); c2.textAlign = 'left';
      cols.forEach(function (c, j) { if (j % every === 0) { c2.fillText(c, -margin + 3, margin + j * size + size / 2); } });
      c2.restore();
      var fills = {}, bars = [];
      for (var g = 0; g < grid.length; g++) {
        var cell = grid[g];
        var f = !cell ? 'n' : cell.state === 'failed' ? 'f' : cell.state === 'skipped' ? 's' : cell.ratio != null ? String(Math.round(Math.max(0.3, Math.min(0.9, cell.ratio)) * 100)) : 'n';
        f += cell && cell.stale ? '~' : '';
        (fills[f] || (fills[f] = [])).push(g);
        if (cell && cell.share > 0 && cell.state !== 'failed') { bars.push(g); }
      }
      Object.keys(fills).forEach(function (f) {
        var base = f.replace('~', '');
        c2.globalAlpha = f !== base ? 0.35 : 1;
        c2.fillStyle = base === 'n' ? panel : base === 'f' ? bad : base === 's' ? '#9aa0a6' : heatColor(Number(base) / 100);
        fills[f].forEach(function (g) { c2.fillRect(margin + (g % nc) * size, margin + Math.floor(g / nc) * size, inner, inner); });
      });
      c2.fillStyle = bad;
      bars.forEach(function (g) {
        var cell = grid[g], bh = Math.max(1, Math.round(inner * cell.share));
        c2.globalAlpha = cell.stale ? 0.35 : 1;
        c2.fillRect(margin + (g % nc) * size, margin + Math.floor(g / nc) * size + inner - bh, inner, bh);
      });
      c2.globalAlpha = 1;
      if (chosen >= 0) {
        c2.strokeStyle = cssVar('--fg') || '#000'; c2.lineWidth = 1;
        c2.strokeRect(margin + (chosen % nc) * size - 0.5, margin + Math.floor(chosen / nc) * size - 0.5, size + 1, size + 1);
      }
    }
    var hover = -2;
    canvas.addEventListener('mousemove', function (e) {
      var g = at(e), cell = g >= 0 ? grid[g] : null;
      if (g === hover) { return; }
      hover = g;
      ['data-hover', 'data-age', 'data-runs-behind', 'data-stale'].forEach(function (a) { canvas.removeAttribute(a); });
      canvas.title = cell ? keyOf(g) + ' · ' + cellTitle(cell) : g >= 0 ? keyOf(g) + ' · no test' : '';
      canvas.style.cursor = cell ? 'pointer' : '';
      if (cell) { canvas.setAttribute('data-hover', keyOf(g)); if (cell.age) { cellAge(canvas, cell.age); } }
    });
    canvas.addEventListener('click', function (e) {
      var g = at(e), cell = g >= 0 ? grid[g] : null;
      if (!cell) { return; }
      chosen = g; draw();
      if (cell.open) { cell.open(); }
    });
    if (window.matchMedia) { window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', draw); }
    window.addEventListener('beforeprint', draw);
    window.addEventListener('afterprint', draw);
    draw();
    return canvas;
  }
  function heatLegend(reference) {
    var lg = el('div', { cls: 'heat-legend' });
    [[0.9, '0.9× ' + reference + ' or more'], [0.6, '0.6×'], [0.3, '0.3× or less']].forEach(function (s) {
      var sw = el('span', { cls: 'swatch' }); sw.style.background = heatColor(s[0]);
      lg.appendChild(el('span', null, [sw, s[1]]));
    });
    [['failed', 'failed'], ['partly', 'some runs failed'], ['skipped', 'skipped'], ['none', 'no test']].forEach(function (s) {
      lg.appendChild(el('span', null, [el('span', { cls: 'swatch ' + s[0] }), s[1]]));
    });
    return lg;
  }
  function statList(items) {
    var dl = el('dl', { cls: 'ov-stats' });
    items.forEach(function (it) { if (it[1] != null) { dl.appendChild(el('div', null, [el('dt', { text: it[0] }), el('dd', { text: it[1] })])); } });
    return dl;
  }
  // A list that shows its first `shown` entries and the rest behind "N more".
  function cappedList(cls, items, shown, make) {
    var ol = el('ol', { cls: cls });
    items.slice(0, shown).forEach(function (x) { ol.appendChild(make(x)); });
    if (items.length <= shown) { return ol; }
    var det = el('details', { cls: 'more' }, [el('summary', { text: (items.length - shown) + ' more' })]);
    var rest = el('ol', { cls: cls, start: String(shown + 1) });
    det.addEventListener('toggle', function () {
      if (det.open && !rest.childNodes.length) { items.slice(shown).forEach(function (x) { rest.appendChild(make(x)); }); }
    });
    det.appendChild(rest);
    return el('div', null, [ol, det]);
  }
  function runLink(run, text) {
    if (run == null || run < 0) { return el('span', { text: text }); }
    return el('a', { href: '#run-' + run, text: text, 'data-open-run': String(run) });
  }

  // The session's overview: per kind its heatmap and beside it P50/P95/min, the failed tests, the slowest pairs.
  function sessionOverview(session) {
    var ov = el('section', { cls: 'overview', id: 'overview', 'data-overview': 'session' });
    ov.appendChild(el('h2', { text: 'Overview: ' + session.tests.length + ' tests' }));
    ov.appendChild(el('p', { cls: 'sub', text: session.dir }));
    ov.appendChild(el('p', { cls: 'sub', text: 'Per kind of test, sender rows × receiver columns, coloured by the received rate against ' +
      'the kind\u2019s median (or the rate asked with -b). Hover a cell for its figure or reason; click it for that pair\u2019s charts.' }));
    var sw = session.tests.some(function (t) { return t.why && t.why.length; }) ? causeSwitch(ov) : null;
    if (sw) { ov.appendChild(sw.box); }
    sessionKinds(session.tests).forEach(function (group) { ov.appendChild(kindOverview(group.kind, group.tests)); });
    if (sw) { sw.set(byCauseAtLoad()); }
    return ov;
  }

  function askedRate(t) {
    var run = t.run >= 0 ? model.runs[t.run] : null;
    var asked = run && run.summary ? run.summary.target_bitrate : null;
    return asked > 0 ? asked : null;
  }

  function kindOverview(kind, tests) {
    var flows = [];
    tests.forEach(function (t) { flows = flows.concat(testFlows(t)); });
    var senders = [], receivers = [], cells = {};
    flows.forEach(function (f) {
      if (senders.indexOf(f.sender) < 0) { senders.push(f.sender); }
      if (receivers.indexOf(f.receiver) < 0) { receivers.push(f.receiver); }
      var key = f.sender + ' → ' + f.receiver;
      var c = cells[key] || (cells[key] = { key: key, flows: [], sum: 0, ok: 0, skipped: 0 });
      c.flows.push(f);
      if (f.bps != null) { c.sum += f.bps; c.ok++; }
      if (f.test.status === 'skipped') { c.skipped++; }
    });
    receivers = hostsInRowOrder(receivers, senders);
    var rates = flows.filter(function (f) { return f.bps != null; }).map(function (f) { return f.bps; }).sort(function (a, b) { return a - b; });
    var median = percentile(rates, 50);
    var asks = tests.filter(function (t) { return t.run >= 0; }).map(askedRate);
    var asked = asks.length && asks.every(function (a) { return a != null && a === asks[0]; }) ? asks[0] : null;
    var reference = asked || median;
    var record = {}, spec = {};
    Object.keys(cells).forEach(function (key) {
      var c = cells[key];
      c.mean = c.ok ? c.sum / c.ok : null;
      c.ratio = c.mean != null && reference ? c.mean / reference : null;
      var failed = c.flows.length - c.ok - c.skipped;
      var state = c.ok === c.flows.length ? 'ok' : c.ok ? 'partly' : failed ? 'failed' : 'skipped';
      var reasons = c.flows.filter(function (f) { return f.bps == null; }).map(function (f) { return f.test.status + ': ' + (f.test.error || f.test.note || 'no reason recorded'); });
      var title = (c.mean != null ? fmtRate(c.mean) + (c.ok > 1 ? ' (mean of ' + c.ok + ' runs)' : '') + ', ' + ratioText(c.ratio) + (asked ? ' the rate asked' : ' the median') : '') +
        (reasons.length ? (c.mean != null ? '; ' : '') + reasons.join('; ') : '');
      var runs = c.flows.map(function (f) { return f.test.run; }).filter(function (r, i, a) { return r >= 0 && a.indexOf(r) === i; });
      var cause = cellCause(c.flows);
      if (cause) { title += '; limited by ' + causeWords(cause); }
      spec[key] = { state: state, ratio: c.ratio, title: title, cause: cause, open: function () { openSections('run-', runs); } };
      record[key] = { state: state, bps: c.mean, ratio: c.ratio, runs: runs, cause: cause, tests: c.flows.map(function (f) { return f.test.id + (f.reverse ? ' (reverse half)' : ''); }) };
    });
    var box = el('div', { cls: 'ov-kind', 'data-kind-overview': kind });
    var fig = el('div', { cls: 'ov-heat' });
    fig.appendChild(el('h3', { text: kind + ': ' + tests.length + (tests.length === 1 ? ' test' : ' tests') +
      (flows.some(function (f) { return f.reverse; }) ? ', both directions of each --bidir test' : '') }));
    fig.appendChild(heatmap({ kind: kind, rows: senders, cols: receivers, cells: spec, record: record }));
    fig.appendChild(heatLegend(asked ? 'the rate asked (' + fmtRate(asked) + ')' : 'the median'));
    box.appendChild(fig);
    var side = el('div', { cls: 'ov-side' });
    var failedTests = tests.filter(function (t) { return t.status !== 'ok' || t.note; });
    side.appendChild(statList([['P50', median != null ? fmtRate(median) : '–'], ['P95', rates.length ? fmtRate(percentile(rates, 95)) : '–'],
      ['min', rates.length ? fmtRate(rates[0]) : '–'], ['asked', asked ? fmtRate(asked) : 'no rate (-b) asked'],
      ['tests', tests.length + ' (' + failedTests.length + ' failed, skipped or unreadable)']]));
    if (failedTests.length) {
      side.appendChild(el('h4', { text: 'Failed, skipped or unreadable (' + failedTests.length + ')' }));
      // the same reason once with its tests, most frequent first: a host down is one line, not 47
      var byReason = {};
      failedTests.forEach(function (t) {
        var r = t.status !== 'ok' ? t.status + ': ' + (t.error || 'no error text') : 'ok, but ' + t.note;
        (byReason[r] || (byReason[r] = [])).push(t);
      });
      var reasons = Object.keys(byReason).sort(function (a, b) { return byReason[b].length - byReason[a].length; });
      side.appendChild(cappedList('ov-failed', reasons, 8, function (r) {
        var ts = byReason[r];
        var hosts = {};
        ts.forEach(function (t) { [t.sender, t.receiver].forEach(function (h) { hosts[h] = (hosts[h] || 0) + 1; }); });
        var common = Object.keys(hosts).filter(function (h) { return hosts[h] === ts.length && ts.length > 1; });
        return el('li', { cls: 'bad' }, [el('strong', { text: ts.length + (ts.length === 1 ? ' test' : ' tests') }),
          (common.length ? ' (all with ' + common.join(', ') + ')' : '') + ': ' + r + ' — ' +
          ts.slice(0, 6).map(function (t) { return t.id + ' (' + t.sender + ' → ' + t.receiver + ')'; }).join(', ') + (ts.length > 6 ? ', …' : '')]);
      }));
    }
    var measured = Object.keys(cells).map(function (k) { return cells[k]; }).filter(function (c) { return c.mean != null; })
      .sort(function (a, b) { return a.mean - b.mean; });
    if (measured.length > 1) {
      side.appendChild(el('h4', { text: 'Slowest pairs' }));
      side.appendChild(cappedList('ov-slowest', measured.slice(0, Math.min(measured.length, 50)), 10, function (c) {
        var runs = c.flows.map(function (f) { return f.test.run; }).filter(function (r) { return r >= 0; });
        return el('li', null, [runLink(runs[0], c.key), asked ? ': asked ' + fmtRate(asked) + ', got ' + fmtRate(c.mean) + ' (' + ratioText(c.ratio) + ')'
          : ': got ' + fmtRate(c.mean) + ' (' + ratioText(c.ratio) + ' the median; no rate asked)']);
      }));
    }
    box.appendChild(side);
    return box;
  }

  // Opens the sections whose ids are prefix + key (a run's, "run-N"; a history test's, "history-K") and
  // scrolls to the first.
  function openSections(prefix, keys) {
    var first = null;
    keys.forEach(function (k) {
      var sec = sectionById(prefix + k);
      if (!sec) { return; }
      openSection(sec);
      if (!first) { first = sec; }
    });
    if (first && first.scrollIntoView) { first.scrollIntoView({ block: 'start' }); }
  }
  // The element of that id; a fleet history's test section (history-K) is made when first asked for (see historySection).
  var sectionMakers = {};
  function sectionById(id) {
    var sec = document.getElementById(id);
    var m = !sec && /^([a-z]+-)(\d+)$/.exec(id);
    return m && sectionMakers[m[1]] ? sectionMakers[m[1]](Number(m[2])) : sec;
  }
  // A lazy section (<details data-lazy>) and the list around it open, and its content drawn now.
  function openSection(sec) {
    for (var p = sec.parentNode; p; p = p.parentNode) { if (p.tagName === 'DETAILS' && !p.open) { p.open = true; } }
    if (sec.tagName === 'DETAILS') { sec.open = true; }
    if (sec.iperf3jFill) { sec.iperf3jFill(); }
  }
  // <details> drawn the first time it is opened (by a click on its summary, or openSection).
  function lazySection(cls, id, summary, fill) {
    var det = el('details', { cls: cls + ' lazy', id: id, 'data-lazy': 'closed' });
    det.appendChild(el('summary', null, summary));
    var done = false;
    det.iperf3jFill = function () {
      if (done) { return; }
      done = true;
      det.setAttribute('data-lazy', 'drawn');
      fill(det);
    };
    det.addEventListener('toggle', function () { if (det.open) { det.iperf3jFill(); } });
    return det;
  }
  document.addEventListener('click', function (e) {
    var a = e.target.closest ? e.target.closest('a[href^="#run-"], a[href^="#history-"]') : null;
    if (!a) { return; }
    var sec = sectionById(a.getAttribute('href').slice(1));
    if (sec && sec.iperf3jFill) { openSection(sec); }
  });
  function openFromHash() {
    var m = /^#((run|history)-\d+)$/.exec(location.hash);
    var sec = m && sectionById(m[1]);
    if (sec && sec.iperf3jFill) { openSection(sec); sec.scrollIntoView({ block: 'start' }); }
  }
  window.addEventListener('hashchange', openFromHash);

  // A history's overview: per kind a heatmap of its tests coloured by the last run, with each test's share of failed runs
  // and the age of its latest result (faded when not measured within its cycle).
  function historyOverview(h) {
    var ov = el('section', { cls: 'overview', id: 'overview', 'data-overview': 'history' });
    var counts = historyCounts(h);
    ov.appendChild(el('h2', { text: 'Overview: ' + h.tests.length + (h.tests.length === 1 ? ' test, ' : ' tests, ') + 'schedule ' +
      historyRunsText(counts) + ', ' + counts.results + (counts.results === 1 ? ' result' : ' results') }));
    ov.appendChild(el('p', { cls: 'sub', text: 'Each test’s last run, sender rows × receiver columns, coloured by its received rate against ' +
      'the kind’s median of last runs; red: the last run failed; faded: its latest result is older than its cycle. Hover a cell for ' +
      'the share of failed runs and the age of its latest result; click it for that test’s history.' }));
    ov.appendChild(el('p', { cls: 'sub', id: 'history-newest', text: 'Ages are counted back from the newest result of the history: ' +
      (h.newest_run ? 'run ' + h.newest_run + (h.newest_time != null ? ', ended ' + new Date(h.newest_time * 1000).toISOString().replace('.000Z', 'Z') : '') : 'none') + '.' }));
    var groups = [], byKind = {};
    historyOrder(h).forEach(function (it) {
      var kind = it.t.kind || it.t.protocol || '?';
      var g = byKind[kind];
      if (!g) { g = byKind[kind] = { kind: kind, items: [] }; groups.push(g); }
      g.items.push(it);
    });
    groups.forEach(function (g) { ov.appendChild(historyKindOverview(h, g.kind, g.items)); });
    return ov;
  }
  // whether age a is older than age b: no result at all is oldest, then more runs behind
  function olderAge(a, b) { return !a.run !== !b.run ? !a.run : a.behind > b.behind; }
  function lastValue(t) {
    if (t.points_packed != null) { return t.last_bps; }
    var v = t.points.received_bits_per_second;
    return v && v.length ? v[v.length - 1] : null;
  }
  // A history heatmap's cell: a pair's tests (items), its state, colour ratio, share of failed runs and age (its stalest
  // test's: a pair is as fresh as its oldest latest result); its title and record made when asked for.
  function HistoryCell(its, median) {
    var runs = 0, failed = 0, okLast = 0, failedLast = 0, sum = 0, n = 0, age = null;
    its.forEach(function (it) {
      var t = it.t;
      runs += t.ok + t.failed + t.skipped; failed += t.failed;
      if (t.last_status === 'ok') { okLast++; if (it.last != null) { sum += it.last; n++; } }
      if (t.last_status === 'failed') { failedLast++; }
      if (!age || olderAge(it.age, age)) { age = it.age; }
    });
    this.its = its; this.runs = runs; this.failed = failed;
    this.last = n ? sum / n : null;
    this.share = runs ? failed / runs : 0;
    this.state = okLast === its.length ? (failed ? 'ok flaky' : 'ok') : failedLast === its.length ? 'failed' : okLast ? 'partly' : 'skipped';
    this.ratio = this.last != null && median ? this.last / median : null;
    this.age = age; this.stale = age.stale;
  }
  HistoryCell.prototype.title = function () {
    var c = this;
    var errs = c.its.filter(function (it) { return it.t.last_error; }).map(function (it) { return 'last failure (run ' + it.t.last_error_run + '): ' + it.t.last_error; });
    return 'last run ' + c.its.map(function (it) { return it.t.last_status; }).join(', ') + (c.last != null ? ': ' + fmtRate(c.last) + ', ' + ratioText(c.ratio) + ' the median' : '') +
      '; ' + c.failed + ' of ' + c.runs + ' runs failed (' + U.fixed(100 * c.share, 0) + ' %)' + (errs.length ? '; ' + errs.join('; ') : '') + '\n' + latestText(c.age);
  };
  HistoryCell.prototype.open = function () { openSections('history-', this.its.map(function (it) { return it.k; })); };
  HistoryCell.prototype.record = function () {
    var a = this.age;
    return { state: this.state, last_bps: this.last, ratio: this.ratio, failed: this.failed, runs: this.runs, failed_share: this.share,
      tests: this.its.map(function (it) { return it.t.id; }), latest_run: a.run, age_seconds: a.seconds, runs_behind: a.behind, cycle_runs: a.cycle, stale: a.stale };
  };
  function historyKindOverview(h, kind, items) {
    var senders = [], receivers = [], seenS = {}, seenR = {};
    items.forEach(function (it) {
      var t = it.t;
      if (!seenS[t.sender]) { seenS[t.sender] = true; senders.push(t.sender); }
      if (!seenR[t.receiver]) { seenR[t.receiver] = true; receivers.push(t.receiver); }
      it.age = historyAge(h, t);
      it.last = lastValue(t);
    });
    senders.sort(naturalCompare);
    receivers = receivers.sort(naturalCompare);
    receivers = senders.filter(function (x) { return seenR[x]; }).concat(receivers.filter(function (x) { return !seenS[x]; }));
    // the cells as a grid, sender row × receiver column (a fleet's 39 800 pairs: no object of string keys for them)
    var row = {}, col = {}, nc = receivers.length;
    senders.forEach(function (x, i) { row[x] = i; });
    receivers.forEach(function (x, j) { col[x] = j; });
    var grid = new Array(senders.length * nc);
    items.forEach(function (it) {
      var g = row[it.t.sender] * nc + col[it.t.receiver];
      (grid[g] || (grid[g] = [])).push(it);
    });
    var lasts = items.filter(function (it) { return it.t.last_status === 'ok' && it.last != null; })
      .map(function (it) { return it.last; }).sort(function (a, b) { return a - b; });
    var median = percentile(lasts, 50);
    // a canvas heatmap (past CANVAS_HOSTS hosts) writes no data-cells: no record of 40 000 cells made for it
    var canvas = Math.max(senders.length, receivers.length) > CANVAS_HOSTS;
    var spec = canvas ? null : {}, record = canvas ? null : {};
    for (var g = 0; g < grid.length; g++) {
      if (!grid[g]) { continue; }
      grid[g] = new HistoryCell(grid[g], median);
      if (!canvas) {
        var key = senders[Math.floor(g / nc)] + ' → ' + receivers[g % nc];
        spec[key] = grid[g];
        record[key] = grid[g].record();
      }
    }
    var box = el('div', { cls: 'ov-kind', 'data-kind-overview': kind });
    var fig = el('div', { cls: 'ov-heat' });
    fig.appendChild(el('h3', { text: kind + ': ' + items.length + (items.length === 1 ? ' test' : ' tests') }));
    var table = heatmap({ kind: kind, rows: senders, cols: receivers, cells: spec, grid: grid, record: record, canvas: true });
    if (table.tagName === 'TABLE') {
      // the share of failed runs as the cell's inner bar: a host down for a while shows in its row and column
      Array.prototype.forEach.call(table.querySelectorAll('td[data-pair]'), function (td) {
        var r = record[td.getAttribute('data-pair')];
        if (r.failed_share > 0 && r.state === 'failed') {
          // failed now: the cell is red; the share of failed runs written in it (percent) where it fits
          td.appendChild(el('span', { cls: 'share-text', 'data-failed-share': U.fixed(r.failed_share, 3),
            text: table.style.getPropertyValue('--cell').replace('px', '') >= 16 ? U.fixed(100 * r.failed_share, 0) : '' }));
        } else if (r.failed_share > 0) {
          var bar = el('span', { cls: 'share', 'data-failed-share': U.fixed(r.failed_share, 3) });
          bar.style.height = Math.max(12, Math.round(100 * r.failed_share)) + '%';
          td.appendChild(bar);
        }
      });
    }
    fig.appendChild(table);
    var lg = heatLegend('the median of last runs');
    lg.appendChild(el('span', null, [el('span', { cls: 'swatch share-demo' }), 'bar from the bottom: share of failed runs (in a failed cell: its percent)']));
    lg.appendChild(el('span', null, [el('span', { cls: 'swatch stale-demo' }), 'faded: latest result older than its cycle']));
    fig.appendChild(lg);
    box.appendChild(fig);
    box.appendChild(historySide(items, median, lasts));
    return box;
  }
  // Beside a history's heatmap: its figures, then what needs a look, each list 5 long (the rest behind "N more") so all
  // three are on the first screen: tests whose last run failed or that failed runs, tests not measured within their
  // cycle (stale, oldest first), the slowest last runs.
  function historySide(items, median, lasts) {
    var side = el('div', { cls: 'ov-side', 'data-needs-a-look': 'true' });
    var allRuns = items.reduce(function (a, it) { return a + it.t.ok + it.t.failed + it.t.skipped; }, 0);
    var allFailed = items.reduce(function (a, it) { return a + it.t.failed; }, 0);
    var stale = items.filter(function (it) { return it.age.stale; }).sort(function (a, b) {
      return (a.age.run || 0) - (b.age.run || 0) || (b.age.seconds || 0) - (a.age.seconds || 0);
    });
    side.appendChild(statList([['P50 (last runs)', median != null ? fmtRate(median) : '–'], ['P95', lasts.length ? fmtRate(percentile(lasts, 95)) : '–'],
      ['min', lasts.length ? fmtRate(lasts[0]) : '–'], ['results (test runs)', allRuns + ' (' + allFailed + ' failed, ' + (allRuns ? U.fixed(100 * allFailed / allRuns, 1) : '0') + ' %)'],
      ['stale', stale.length + ' of ' + items.length]]));
    // the tests with failed runs grouped by their last failure's text, with the host they all share (a host down is one
    // line, not 398), most tests first; in a group the most failed first
    var failing = items.filter(function (it) { return it.t.failed; }).sort(function (a, b) {
      return b.t.failed / (b.t.ok + b.t.failed + b.t.skipped) - a.t.failed / (a.t.ok + a.t.failed + a.t.skipped);
    });
    if (failing.length) {
      var byReason = {}, reasons = [];
      failing.forEach(function (it) {
        var r = it.t.last_error || 'no error recorded';
        if (!byReason[r]) { byReason[r] = []; reasons.push(r); }
        byReason[r].push(it);
      });
      reasons.sort(function (a, b) { return byReason[b].length - byReason[a].length; });
      side.appendChild(el('h4', { text: 'Tests with failed runs (' + failing.length + '), by reason, most tests first' }));
      side.appendChild(cappedList('ov-failed', reasons, 5, function (r) {
        var its = byReason[r], hosts = {}, runs = 0, failed = 0, lastFailed = 0;
        its.forEach(function (it) {
          var t = it.t;
          [t.sender, t.receiver].forEach(function (x) { hosts[x] = (hosts[x] || 0) + 1; });
          runs += t.ok + t.failed + t.skipped; failed += t.failed; if (t.last_status === 'failed') { lastFailed++; }
        });
        var common = Object.keys(hosts).filter(function (x) { return hosts[x] === its.length && its.length > 1; });
        var t0 = its[0].t;
        var head = its.length === 1 ? '' : its.length + ' tests' + (common.length ? ' (all with ' + common.join(', ') + ')' : '') + ': ';
        var li = el('li', { cls: lastFailed ? 'bad' : '' }, [head + failed + ' of ' + runs + ' runs failed (' + U.fixed(100 * failed / runs, 0) + ' %), ' +
          (its.length === 1 ? 'last ' + t0.last_status : lastFailed + ' failed in their last run') + (t0.last_error ? '; run ' + t0.last_error_run + ': ' + r : '') + ' — ']);
        its.slice(0, 4).forEach(function (it, i) {
          if (i) { li.appendChild(document.createTextNode(', ')); }
          li.appendChild(el('a', { href: '#history-' + it.k, text: it.t.id }));
          if (its.length === 1) { li.appendChild(document.createTextNode(' (' + it.t.sender + ' → ' + it.t.receiver + ')')); }
        });
        if (its.length > 4) { li.appendChild(document.createTextNode(', …')); }
        return li;
      }));
    }
    if (stale.length) {
      var span = items[0].age.span;
      side.appendChild(el('h4', { text: 'Not measured within their cycle' + (span != null ? ' or ' + durationText(span) : '') + ' (' + stale.length + '), oldest first' }));
      side.appendChild(cappedList('ov-stale', stale, 5, function (it) {
        var t = it.t;
        return el('li', { 'data-age': it.age.seconds == null ? '' : String(Math.round(it.age.seconds)) }, [el('a', { href: '#history-' + it.k, text: t.id }),
          ' (' + t.sender + ' → ' + t.receiver + '): ' + (it.age.run ? 'run ' + it.age.run + ', ' : '') + ageText(it.age) + '; ' +
          (it.age.late === 'span' ? 'older than ' + durationText(it.age.span) : cycleText(it.age)) +
          (t.last_status === 'skipped' ? '; skipped since' : '')]);
      }));
    }
    var slow = items.filter(function (it) { return it.t.last_status === 'ok' && it.last != null; })
      .sort(function (a, b) { return a.last - b.last; });
    if (slow.length > 1) {
      side.appendChild(el('h4', { text: 'Slowest last runs' }));
      side.appendChild(cappedList('ov-slowest', slow.slice(0, 50), 5, function (it) {
        return el('li', null, [el('a', { href: '#history-' + it.k, text: it.t.id }), ' (' + it.t.sender + ' → ' + it.t.receiver + '): ' + fmtRate(lastValue(it.t)) +
          (median ? ' (' + ratioText(lastValue(it.t) / median) + ' the median)' : '') + (it.age.behind ? ', ' + ageText(it.age) : '')]);
      }));
    }
    return side;
  }
  /* ---------- a scheduled session's history: per test, its figures over the runs ---------- */
  // Each point of a test is one run, or (past max_points) the mean of `width` consecutive runs, as the
  // reader merged them (report's HistorySeries). A failed run counts as 0 throughput and is marked; a
  // skipped run has no value and is marked at 0: neither is ever a silent gap.
  var HISTORY_FIGURES = [
    { key: 'received_bits_per_second', metric: 'bits_per_second', title: 'Throughput (received)', scale: 1 },
    { key: 'retransmits', metric: 'retransmits', title: 'Retransmits per run', scale: 1 },
    { key: 'rtt_seconds', metric: 'rtt', title: 'Round-trip time (mean)', scale: 1e6 },
    { key: 'loss_percent', metric: 'lost_percent', title: 'Loss', scale: 1 },
    { key: 'jitter_seconds', metric: 'jitter_ms', title: 'Jitter', scale: 1e3 }
  ];
  // What held a history test's last ok run with a verdict back (--why): each direction's cause, its run in the title.
  function historyWhyCell(t) {
    var why = t.last_why || [];
    if (!why.length) { return el('td', { cls: 'history-why', text: '' }); }
    var td = el('td', { cls: 'history-why', 'data-cause': why.map(function (w) { return w.cause; }).join(' '),
      title: 'run ' + t.last_why_run + ': ' + why.map(function (w) { return (why.length > 1 ? w.from + ' \u2192 ' + w.to + ': ' : '') +
        (w.headline || causeWords(w.cause)); }).join('; '),
      text: why.map(function (w) { return (why.length > 1 ? w.from + ' \u2192 ' + w.to + ': ' : '') + causeWords(w.cause); }).join(' / ') });
    return td;
  }

  function historySection(h, lazy) {
    var sec = el('section', { cls: 'history', id: 'history' });
    var counts = historyCounts(h);
    sec.appendChild(el('h2', { text: 'History: ' + h.tests.length + (h.tests.length === 1 ? ' test, ' : ' tests, ') + 'schedule ' +
      historyRunsText(counts) + ', ' + counts.results + (counts.results === 1 ? ' result' : ' results') + ' (one per test and run)' }));
    sec.appendChild(el('p', { cls: 'sub', id: 'history-source', text: h.query ? h.dir + ': ' + h.query + '; ' + h.lines + ' runs seen (drawn). ' +
      'The counts are the session\u2019s counters over the range (every run, also those between two samples). ' +
      'Prometheus holds no skipped run\u2019s number and no failure\u2019s text: the session\u2019s tests.jsonl has them.'
      : h.dir + ': read ' + h.files.join(', ') + ' (oldest first), ' + h.lines + ' lines.' }));
    var merged = h.tests.filter(function (t) { return t.width > 1; }).length;
    sec.appendChild(el('p', { cls: 'sub', id: 'history-limit', text: 'Input limit: at most ' + h.max_points + ' points per test. ' +
      (merged ? merged + (merged === 1 ? ' test has' : ' tests have') + ' more runs than that, so each of its points is the mean of 2, 4, 8 \u2026 ' +
        'consecutive runs (said above its charts).' : 'Every point is one run.') +
      ' A failed run counts as 0 throughput and is marked in red at its point; a skipped run (no slot within its slip, or the session ' +
      'was not running) is counted and marked in grey at 0.' }));
    var byTime = h.timed != null ? h.timed : h.tests.every(function (t) { return t.points.time.every(function (v) { return v != null; }); });
    var ordered = historyOrder(h);
    function fillTable(table) {
      var record = {};
      table.appendChild(el('thead', null, [el('tr', null, ['test', 'sender → receiver', 'kind', 'direction', 'ok', 'failed', 'skipped',
        'runs per point', 'last status', 'latest result', 'limited by', 'last failure'].map(function (x) { return el('th', { text: x }); }))]));
      var body = el('tbody');
      ordered.forEach(function (it) {
        var t = it.t, k = it.k, a = historyAge(h, t);
        record[t.id] = { ok: t.ok, failed: t.failed, skipped: t.skipped, points: pointCount(t), width: t.width,
          latest_run: a.run, age_seconds: a.seconds, runs_behind: a.behind, stale: a.stale };
        var tr = el('tr', null, [el('td', null, [el('a', { href: '#history-' + k, text: t.id })]), el('td', { text: t.sender + ' → ' + t.receiver }),
          el('td', { text: t.kind || '' }), el('td', { text: t.direction || '' }), el('td', { text: String(t.ok) }),
          el('td', { text: String(t.failed), cls: t.failed ? 'bad-count' : '' }), el('td', { text: String(t.skipped) }),
          el('td', { text: String(t.width) }), el('td', { text: t.last_status || '' }),
          el('td', { cls: a.stale ? 'stale-age' : '', text: a.run ? 'run ' + a.run + ', ' + ageText(a) : ageText(a) }),
          historyWhyCell(t),
          el('td', { text: t.last_error ? 'run ' + t.last_error_run + ': ' + t.last_error : '' })]);
        body.appendChild(tr);
      });
      table.appendChild(body);
      table.setAttribute('data-tests', JSON.stringify(record));
    }
    var table = el('table', { cls: 'history-table', 'data-chart': 'history-table' });
    if (lazy) {
      // a fleet's history (a 200-host rotating mesh is 39 800 tests): its table made when opened, and each test's
      // section when it is first opened (a cell, a link, #history-K) or the whole list is
      var box = el('details', { cls: 'history-list' }, [el('summary', { text: 'Every test’s counts: ' + h.tests.length + ' rows (made when opened)' }), table]);
      box.addEventListener('toggle', function () { if (box.open && !table.firstChild) { fillTable(table); } });
      sec.appendChild(box);
      var made = {};
      var opened = el('div', { cls: 'all-runs', id: 'history-opened' });
      var list = el('div', { cls: 'all-runs' });
      var testOf = {};
      ordered.forEach(function (it) { testOf[it.k] = it.t; });
      var make = function (k) {
        if (made[k]) { return made[k]; }
        var t = testOf[k];
        if (!t) { return null; }
        made[k] = lazySection('history-test', 'history-' + k, historyTestSummary(h, t), function (det) { historyTest(h, t, k, byTime, det); });
        opened.appendChild(made[k]);
        return made[k];
      };
      sectionMakers['history-'] = make;
      sec.appendChild(el('h3', { text: 'Each test’s history (drawn when opened)' }));
      sec.appendChild(opened);
      var every = el('details', { cls: 'all-runs-box', id: 'history-all' }, [el('summary', { text: 'Every test: ' + h.tests.length +
        ' tests, listed when opened, each drawn when opened (or click its cell above)' }), list]);
      every.addEventListener('toggle', function () {
        if (every.open && !list.firstChild) { ordered.forEach(function (it) { list.appendChild(make(it.k)); }); }
      });
      sec.appendChild(every);
    } else {
      // a smaller history (issue 66: a table and every chart, 9 000 px, no overview): the overview above, this table,
      // then each test's charts folded in a closed <details>, drawn at load (their data on the page as before)
      fillTable(table);
      sec.appendChild(table);
      sec.appendChild(el('h3', { text: 'Each test’s history (open a test, or click its cell or link above)' }));
      var folded = el('div', { cls: 'all-runs' });
      ordered.forEach(function (it) {
        var det = el('details', { cls: 'history-test', id: 'history-' + it.k, 'data-lazy': 'drawn' });
        det.appendChild(el('summary', null, historyTestSummary(h, it.t)));
        det.iperf3jFill = function () {};
        historyTest(h, it.t, it.k, byTime, det);
        folded.appendChild(det);
      });
      sec.appendChild(folded);
    }
    return sec;
  }
  function historyTestSummary(h, t) {
    var a = historyAge(h, t);
    return [historyTitle(t), el('span', { cls: 'sum-note', text: ' · ' + t.failed + ' of ' + (t.ok + t.failed + t.skipped) + ' runs failed, last ' + t.last_status +
      ' · latest result ' + (a.run ? ageText(a) : 'none') }), a.stale ? el('span', { cls: 'sum-bad', text: ' · stale' }) : null];
  }
  function historyTitle(t) { return 'test ' + t.id + ': ' + t.sender + ' → ' + t.receiver + ' (' + (t.kind || '?') + ', ' + (t.direction || '?') + ')'; }

  function historyTest(h, t, k, byTime, into) {
    var box = into || el('div', { cls: 'history-test', id: 'history-' + k });
    var p = pointsOf(h, t), n = p.first_run.length, a = historyAge(h, t);
    if (!into) { box.appendChild(el('h3', { text: historyTitle(t) })); }
    box.appendChild(el('p', { cls: 'sub', text: (t.ok + t.failed + t.skipped) + ' runs: ' + t.ok + ' ok, ' + t.failed + ' failed, ' + t.skipped + ' skipped' +
      (t.width > 1 ? '; each point is the mean of ' + t.width + ' consecutive runs (input limit)' : '') + '.' }));
    var age = el('p', { cls: 'sub history-age' + (a.stale ? ' stale-age' : ''), text: 'Latest result: ' + (a.run ? 'run ' + a.run +
      (t.last_result_time != null ? ' (ended ' + new Date(t.last_result_time * 1000).toISOString().replace('.000Z', 'Z') + ')' : '') + ', ' : '') + ageText(a) +
      '; measured ' + cycleText(a) + (a.stale ? '. ' + lateText(a).replace(/^./, function (c) { return c.toUpperCase(); }) + ': needs a look.' : '.') });
    cellAge(age, a);
    box.appendChild(age);
    var x = byTime ? p.time : p.first_run;
    function runs(i) { return p.first_run[i] === p.last_run[i] ? 'run ' + p.first_run[i] : 'runs ' + p.first_run[i] + '–' + p.last_run[i]; }
    function counts(i) { return p.ok[i] + ' ok, ' + p.failed[i] + ' failed, ' + p.skipped[i] + ' skipped'; }
    var xSeries = { label: byTime ? 'time' : 'run', value: function (u, v) { return v == null ? '–' : byTime ? new Date(v * 1000).toISOString().replace('.000Z', 'Z') : 'run ' + v; } };
    function xRows(i) {
      var rows = [el('tr', null, [el('td', { text: runs(i) }), el('td', { text: counts(i) })])];
      if (p.time[i] != null) { rows.push(el('tr', null, [el('td', { text: 'ended' }), el('td', { text: new Date(p.time[i] * 1000).toISOString() })])); }
      return rows;
    }
    HISTORY_FIGURES.forEach(function (f) {
      var raw = p[f.key];
      if (!hasValues(raw) && f.key !== 'received_bits_per_second') { return; }
      var values = raw.map(function (v) { return v == null ? null : v * f.scale; });
      var series = [{ label: f.title, values: values, color: PALETTE[0], width: 1.8 }];
      if (f.key === 'received_bits_per_second') {
        series.push({ label: 'failed runs', color: cssVar('--bad') || '#c0392b', values: values.map(function (v, i) { return p.failed[i] ? (v == null ? 0 : v) : null; }),
          marks: function (i) { return p.failed[i] + ' failed' + (t.last_error && p.last_run[i] >= t.last_error_run && p.first_run[i] <= t.last_error_run ? ': ' + t.last_error : ''); } });
        series.push({ label: 'skipped runs', color: '#8a8a8a', values: p.skipped.map(function (c) { return c ? 0 : null; }),
          marks: function (i) { return p.skipped[i] + ' skipped'; } });
      }
      chart(box, { key: 'history:' + t.id + ':' + f.key, title: f.title + ' of ' + t.id, metric: f.metric, x: x, series: series, intervals: n,
        xLabel: byTime ? 'end of each run (this browser\u2019s time zone; UTC in the tooltip)' : 'run', xTime: byTime, xSeries: xSeries, xRows: xRows });
    });
    return box;
  }

  /* ---------- comparison of several single runs on shared axes ---------- */
  function compareSection(runs, ctx) {
    var sec = el('section', { cls: 'compare', id: 'compare' });
    sec.appendChild(el('h2', { text: 'All runs side by side' }));
    var parts = [];
    runs.forEach(function (run, k) {
      var v = run.views[0];
      v.series.forEach(function (s) {
        if (!s.stream && hasValues(s.metrics.bits_per_second)) {
          parts.push({ x: mids(v), y: s.metrics.bits_per_second, label: run.label + ' · ' + directionName(s.c2s), color: PALETTE[parts.length % PALETTE.length], n: v.intervals });
        }
      });
    });
    if (parts.length < 2) { return null; }
    var joined = uPlot.join(parts.map(function (p) { return [p.x, p.y]; }));
    chart(sec, { key: 'compare:bits_per_second', title: 'Throughput (sum) of every run', metric: 'bits_per_second', x: joined[0],
      series: parts.map(function (p, i) { return { label: p.label, values: joined[i + 1], color: p.color, width: 1.8 }; }),
      intervals: parts.reduce(function (a, p) { return Math.max(a, p.n); }, 0), xMax: ctx.xMax, yMax: ctx.rateMax });
    return sec;
  }

  /* ---------- the page ---------- */
  function render() {
    document.title = model.title;
    root.appendChild(el('h1', { text: model.title }));
    root.appendChild(el('p', { cls: 'sub', text: (model.history && !model.runs.length ? 'A scheduled session\u2019s history'
      : model.runs.length + (model.runs.length === 1 ? ' run' : ' runs')) +
      '. Hover a chart for exact values; drag across it to zoom, double-click to zoom out. Units as iperf3 -f a.' }));
    var ctx = { xMax: 0, rateMax: 0 };
    model.runs.forEach(function (run) {
      run.views.forEach(function (v) {
        if (v.intervals) { ctx.xMax = Math.max(ctx.xMax, v.end[v.intervals - 1] || 0); }
        v.series.forEach(function (s) { (s.metrics.bits_per_second || []).forEach(function (x) { if (x != null && x > ctx.rateMax) { ctx.rateMax = x; } }); });
      });
    });
    // a fleet (more than EAGER_LIMIT runs or history tests) opens on its overview and draws a run when it is opened;
    // a smaller page is as it was: its matrices (or history table) and every chart drawn at load
    var lazy = !!((model.session && model.runs.length > EAGER_LIMIT) || (model.history && model.history.tests.length > EAGER_LIMIT));
    document.documentElement.setAttribute('data-lazy-runs', String(lazy));
    // a history opens on its overview at any size (issue 66: below EAGER_LIMIT tests it had none)
    if (model.history) { root.appendChild(historyOverview(model.history)); }
    if (lazy && model.session) { root.appendChild(sessionOverview(model.session)); }
    if (model.runs.length > 1 && !lazy) {
      var toc = el('ol', { cls: 'toc' });
      model.runs.forEach(function (run) {
        toc.appendChild(el('li', null, [el('a', { href: '#run-' + run.index, text: run.label }), run.error ? ' — failed' : '']));
      });
      root.appendChild(toc);
    }
    if (model.history) { root.appendChild(historySection(model.history, lazy)); }
    if (model.session && !lazy) { root.appendChild(sessionSection(model.session)); }
    if (!model.session && model.runs.length > 1) {
      var cmp = compareSection(model.runs, ctx);
      if (cmp) { root.appendChild(cmp); }
    }
    if (lazy && model.runs.length) {
      var list = el('div', { cls: 'all-runs' });
      var byRun = {};
      (model.session ? model.session.tests : []).forEach(function (t) { if (t.run >= 0) { byRun[t.run] = t; } });
      model.runs.forEach(function (run) {
        var t = byRun[run.index], s = run.summary || {};
        var what = t ? [el('strong', { text: t.id }), ': ' + t.sender + ' → ' + t.receiver + ' · ' + t.kind + ' · ' +
          (t.status === 'ok' ? fmtRate(t.received_bits_per_second) + (t.reverse_received_bits_per_second != null ? ' / ' + fmtRate(t.reverse_received_bits_per_second) + ' reverse' : '') : t.status)]
          : [el('strong', { text: run.label }), s.receiver_bits_per_second != null ? ': ' + fmtRate(s.receiver_bits_per_second) : ''];
        if (run.error) { what.push(el('span', { cls: 'sum-bad', text: ' · failed: ' + run.error })); }
        list.appendChild(lazySection('run', 'run-' + run.index, what, function (det) { runSection(det, run, ctx); }));
      });
      root.appendChild(el('details', { cls: 'all-runs-box', id: 'all-runs' }, [el('summary', { text: 'Every test’s charts: ' + model.runs.length +
        ' runs, each drawn when opened (or click its cell above)' }), list]));
    } else {
      model.runs.forEach(function (run) {
        var sec = el('section', { cls: 'run', id: 'run-' + run.index });
        root.appendChild(sec);
        runSection(sec, run, ctx);
      });
    }
    root.appendChild(el('p', { cls: 'sub', text: 'Made by iperf3j report. Charts: uPlot (MIT). Everything is in this one file; it fetches nothing.' }));
  }

  function runSection(sec, run, ctx) {
    runHeader(sec, run);
    var any = run.views.some(function (v) { return v.intervals > 0; });
    if (!any) {
      sec.appendChild(el('p', { cls: 'note', text: 'No intervals were recorded' + (run.error ? ' before the error.' : '.') }));
    }
    run.views.forEach(function (v) {
      if (!v.intervals) { return; }
      if (run.views.length > 1) { sec.appendChild(el('h3', { text: 'As the ' + v.side + ' measured it' })); }
      viewCharts(sec, run, v, ctx);
    });
    latencySection(sec, run, ctx);
    intervalTable(sec, run);
    rawSection(sec, run);
  }

  window.addEventListener('load', function () {
    var nav = performance.getEntriesByType && performance.getEntriesByType('navigation')[0];
    if (nav) { document.documentElement.setAttribute('data-load-event-ms', String(Math.round(nav.loadEventStart))); }
  });
  function start(text) {
    // timings for the bench: the model's text in hand (unpacked), then parsed
    document.documentElement.setAttribute('data-model-ms', String(Math.round(performance.now())));
    model = JSON.parse(text);
    document.documentElement.setAttribute('data-parsed-ms', String(Math.round(performance.now())));
    window.iperf3jReport.model = model;
    render();
    document.documentElement.setAttribute('data-charts', String(charts.length));
    afterRender();
  }
  if (modelNode.getAttribute('data-encoding') === 'gzip+base64') {
    root.appendChild(el('p', { cls: 'note', id: 'iperf3j-loading', text: 'Unpacking ' + fmtBytes(Number(modelNode.getAttribute('data-size'))) + ' of data…' }));
    embedded(modelNode).then(function (t) {
      var loading = document.getElementById('iperf3j-loading');
      if (loading) { loading.remove(); }
      start(t);
    }).catch(function (e) { throw e; });
  } else {
    start(modelNode.textContent);
  }

  /* report.html#cursor=CHART,FRACTION opens with chart number CHART's cursor (and tooltip) at
     FRACTION of its width: a link to a moment of a run (the browser tests use it too). */
  function placeCursor() {
    var m = /^#cursor=(\d+),([\d.]+)$/.exec(location.hash);
    var entry = m && charts[Number(m[1])];
    if (!entry || !entry.plot) { return; }
    var u = entry.plot;
    u.setCursor({ left: Number(m[2]) * u.over.clientWidth, top: u.over.clientHeight / 2 });
    tip.setAttribute('data-chart', entry.spec.key);
  }

  function afterRender() {
  /* timings for the bench (bench/report_bench.py): scripts done (uPlot commits its first draw in a
     microtask queued before this one), and Chromium's navigation timing at the load event */
  Promise.resolve().then(function () {
    document.documentElement.setAttribute('data-render-ms', String(Math.round(performance.now())));
  });
  setTimeout(function () {
    openFromHash(); // report.html#run-N: that run opened and drawn
    placeCursor(); // after uPlot's first commit has sized the plots
    document.documentElement.setAttribute('data-status', document.documentElement.getAttribute('data-errors') ? 'error' : 'ready');
  }, 0);
  }
})();
