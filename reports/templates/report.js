// The report's only script: the search box of the page details. The report's CSP allows exactly
// this text (by its SHA-256, computed when the report is rendered), so no other script can run.
// Without script the box stays hidden and every page shows; the CSS radio filters work either way.
// A page matches when every word typed occurs in its title, its URL or one of its finding titles
// (read from the page's own text, so the report embeds no data for the script). "#q=words" in the
// address fills the box at load.
(function () {
  'use strict';
  var box = document.getElementById('search');
  var input = document.getElementById('search-q');
  var status = document.getElementById('search-status');
  if (!box || !input || !status) return;
  var pages = Array.prototype.slice.call(document.querySelectorAll('.page-list .page'));
  var texts = pages.map(function (page) {
    var parts = [];
    page.querySelectorAll('.page-heading, .finding h5').forEach(function (e) { parts.push(e.textContent); });
    return parts.join('\n').toLowerCase();
  });
  function apply() {
    var words = input.value.toLowerCase().split(/\s+/).filter(function (w) { return w.length > 0; });
    var shown = 0;
    pages.forEach(function (page, i) {
      var hit = words.every(function (w) { return texts[i].indexOf(w) !== -1; });
      page.classList.toggle('search-miss', !hit);
      if (hit) shown += 1;
    });
    status.textContent = words.length === 0 ? '' :
        shown + ' of ' + pages.length + (pages.length === 1 ? ' page matches' : ' pages match');
  }
  var m = /(?:^#|&)q=([^&]*)/.exec(window.location.hash);
  if (m) {
    try { input.value = decodeURIComponent(m[1].replace(/\+/g, ' ')); } catch (e) { input.value = ''; }
  }
  input.addEventListener('input', apply);
  box.hidden = false;
  apply();
}());
