/* iperf3j report: any script error is shown on the page (and counted on <html data-errors>),
   never a silent blank page. */
(function () {
  'use strict';
  var count = 0;
  function show(text) {
    count++;
    document.documentElement.setAttribute('data-errors', String(count));
    function put() {
      var box = document.getElementById('iperf3j-errors');
      if (!box) {
        box = document.createElement('div');
        box.id = 'iperf3j-errors';
        box.className = 'page-error';
        box.setAttribute('role', 'alert');
        document.body.insertBefore(box, document.body.firstChild);
      }
      var p = document.createElement('p');
      p.textContent = 'This report could not draw everything: ' + text;
      box.appendChild(p);
    }
    if (document.body) { put(); } else { document.addEventListener('DOMContentLoaded', put); }
  }
  window.addEventListener('error', function (e) { show(e.message + (e.lineno ? ' (line ' + e.lineno + ')' : '')); });
  window.addEventListener('unhandledrejection', function (e) { show(String(e.reason)); });
})();
