/* iperf3j report: numbers with units, as iperf3's -f a (bits, 1000s) and -f A (bytes, 1024s).
   A line-for-line port of core's UnitFormat (iperf3's unit_snprintf, units.c, and the ms of
   --latency) and of the %.Nf of core's CFormat, so the page writes a number exactly as iperf3 and iperf3j's text output do.
   Why a port and not strings from Java: tooltips follow the cursor and axes follow the data, so
   the page formats at run time (docs/design/report.md). A plain script: the page inlines it before
   report.js, which uses the global iperf3jUnits; UnitsScriptParityTest loads the same file under
   node and compares its strings with core's UnitFormat over a table of values.
   Input: any number; NaN prints 'nan' (glibc prints '-nan' for a NaN with its sign bit set,
   which JavaScript cannot see); the page's own helpers print '–' for null and NaN. */
var iperf3jUnits = (function () {
  'use strict';
  var BYTE_LABELS = ['Byte', 'KByte', 'MByte', 'GByte', 'TByte'];
  var BIT_LABELS = ['bit', 'Kbit', 'Mbit', 'Gbit', 'Tbit'];
  /* The same constant expressions as units.c: iperf3 divides while it picks the unit, then
     multiplies by these (inexact for powers of 1000); dividing instead moves values across the
     precision switch (99,950,000 bits/s is iperf3's "99.9 Mbits/sec", not "100"). */
  var BYTE_FACTORS = [1.0, 1.0 / 1024, 1.0 / 1024 / 1024, 1.0 / 1024 / 1024 / 1024, 1.0 / 1024 / 1024 / 1024 / 1024];
  var BIT_FACTORS = [1.0, 1.0 / 1000, 1.0 / 1000 / 1000, 1.0 / 1000 / 1000 / 1000, 1.0 / 1000 / 1000 / 1000 / 1000];
  var TERA = 4;
  var bitsOf = new DataView(new ArrayBuffer(8));

  /* C's %.Nf as glibc prints it: the double's exact binary value rounded to nearest, ties to
     even. Hand-written because toFixed rounds ties up (1.125 -> "1.13", iperf3 "1.12") and
     writes 1e21 and more in exponent form. v = mantissa * 2^shift exactly; BigInt does the rest. */
  function fixed(v, decimals) {
    if (v !== v) { return 'nan'; }
    bitsOf.setFloat64(0, v);
    var hi = bitsOf.getUint32(0), lo = bitsOf.getUint32(4);
    var sign = hi >>> 31 ? '-' : '';
    if (v === Infinity || v === -Infinity) { return sign + 'inf'; }
    var biased = (hi >>> 20) & 0x7ff;
    var mantissa = BigInt(hi & 0xfffff) * 4294967296n + BigInt(lo);
    if (biased === 0) { biased = 1; } else { mantissa += 4503599627370496n; } // subnormal, or the implicit 2^52
    var shift = biased - 1075;
    var n = mantissa * 10n ** BigInt(decimals), q;
    if (shift >= 0) {
      q = n << BigInt(shift);
    } else {
      var s = BigInt(-shift);
      q = n >> s;
      var twiceRest = (n - (q << s)) << 1n, one = 1n << s;
      if (twiceRest > one || (twiceRest === one && (q & 1n) === 1n)) { q += 1n; }
    }
    var d = q.toString();
    if (decimals > 0) {
      if (d.length <= decimals) { d = '0'.repeat(decimals + 1 - d.length) + d; }
      d = d.slice(0, d.length - decimals) + '.' + d.slice(d.length - decimals);
    }
    return sign + d;
  }
  /* iperf3's precision switch: %.2f below 9.995, %.1f below 99.95, %.0f from there (unpadded) */
  function number(num) {
    return fixed(num, num < 9.995 ? 2 : num < 99.95 ? 1 : 0);
  }
  function adaptiveUnit(num, step) {
    var conv = 0;
    while (num >= step && conv < TERA) { num /= step; conv++; }
    return conv;
  }
  /* UnitFormat.format(value, fmt): value in bytes (or bytes per second); fmt as iperf3's -f letter */
  function format(value, fmt) {
    var bits = !(fmt >= 'A' && fmt <= 'Z');
    var num = bits ? value * 8 : value;
    var unit = bits && fmt >= 'a' && fmt <= 'z' ? fmt.toUpperCase() : fmt;
    var conv = unit === 'B' ? 0 : unit === 'K' ? 1 : unit === 'M' ? 2 : unit === 'G' ? 3 : unit === 'T' ? TERA
      : adaptiveUnit(num, bits ? 1000.0 : 1024.0);
    num *= bits ? BIT_FACTORS[conv] : BYTE_FACTORS[conv];
    return number(num).padStart(4) + ' ' + (bits ? BIT_LABELS[conv] : BYTE_LABELS[conv]);
  }

  /* The page's forms: unpadded, iperf3's plural labels, '–' for a missing value. */
  function rate(bps) {
    if (bps == null || isNaN(bps)) { return '–'; }
    return format(bps / 8, 'a').trim() + 's/sec';
  }
  function bytes(b) {
    if (b == null || isNaN(b)) { return '–'; }
    return format(b, 'A').trim() + 's';
  }
  /* An axis in the unit iperf3 would pick for its largest value (as -f k, -f M, ... for all of
     its values): scale(v) is what the chart draws and its tooltip prints with number(). */
  function unitAxis(max, bits) {
    var conv = adaptiveUnit(max, bits ? 1000.0 : 1024.0);
    var factor = bits ? BIT_FACTORS[conv] : BYTE_FACTORS[conv];
    return { scale: function (v) { return v * factor; }, label: bits ? BIT_LABELS[conv] + 's/sec' : BYTE_LABELS[conv] + 's' };
  }
  function rateAxis(maxBps) { return unitAxis(maxBps, true); }
  function byteAxis(maxBytes) { return unitAxis(maxBytes, false); }
  /* UnitFormat.ms: a round-trip time in µs as ms, as iperf3j's --latency text prints it (%.3f below
     1 ms, %.2f below 100 ms, %.1f from there, with fixed()'s rounding); '–' for a missing value */
  function ms(us) {
    if (us == null || isNaN(us)) { return '–'; }
    var v = us / 1000, a = Math.abs(v);
    return fixed(v, a < 1 ? 3 : a < 100 ? 2 : 1);
  }
  /* An exact value with digit grouping, e.g. 19,230,604,526 (the page's own form; iperf3 has none) */
  function plain(v, digits) {
    if (v == null || isNaN(v)) { return '–'; }
    return Number(v).toLocaleString('en-US', { maximumFractionDigits: digits == null ? 3 : digits });
  }
  return { fixed: fixed, number: number, format: format, rate: rate, bytes: bytes, ms: ms, rateAxis: rateAxis, byteAxis: byteAxis, plain: plain };
})();
