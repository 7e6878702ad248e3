/* iperf3j report: numbers with units, as iperf3's -f a (bits, 1000s) and -f A (bytes, 1024s).
   A plain script: the page inlines it before report.js (which uses the global iperf3jUnits), and
   UnitsScriptParityTest loads it under node and compares its strings with core's UnitFormat. */
var iperf3jUnits = (function () {
  'use strict';
  var RATE_UNITS = ['bits/sec', 'Kbits/sec', 'Mbits/sec', 'Gbits/sec', 'Tbits/sec'];
  var BYTE_UNITS = ['Bytes', 'KBytes', 'MBytes', 'GBytes', 'TBytes'];
  function scaleOf(v, base) {
    var i = 0; v = Math.abs(v);
    while (v >= base && i < 4) { v /= base; i++; }
    return i;
  }
  function number(v) {
    var a = Math.abs(v);
    return a < 9.995 ? v.toFixed(2) : a < 99.95 ? v.toFixed(1) : v.toFixed(0);
  }
  function rate(bps) {
    if (bps == null || isNaN(bps)) { return '–'; }
    var i = scaleOf(bps, 1000);
    return number(bps / Math.pow(1000, i)) + ' ' + RATE_UNITS[i];
  }
  function bytes(b) {
    if (b == null || isNaN(b)) { return '–'; }
    var i = scaleOf(b, 1024);
    return number(b / Math.pow(1024, i)) + ' ' + BYTE_UNITS[i];
  }
  function rateAxis(max) { var i = scaleOf(max, 1000); var d = Math.pow(1000, i); return { scale: function (v) { return v / d; }, label: RATE_UNITS[i] }; }
  function byteAxis(max) { var i = scaleOf(max, 1024); var d = Math.pow(1024, i); return { scale: function (v) { return v / d; }, label: BYTE_UNITS[i] }; }
  function plain(v, digits) {
    if (v == null || isNaN(v)) { return '–'; }
    return Number(v).toLocaleString('en-US', { maximumFractionDigits: digits == null ? 3 : digits });
  }
  return { number: number, rate: rate, bytes: bytes, rateAxis: rateAxis, byteAxis: byteAxis, plain: plain };
})();
