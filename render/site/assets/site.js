// tmc threat-report site: header search, sortable tables, the threat
// register's filters, the search page, and the diagram fit toggle.
// No inline script and no innerHTML: text from the model is only ever set
// with textContent.
(function () {
  'use strict';

  function $(sel, root) { return (root || document).querySelector(sel); }
  function $$(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }
  function hashParams() {
    var h = location.hash.replace(/^#/, '');
    var out = {};
    if (!h || h.indexOf('=') < 0) return out;
    h.split('&').forEach(function (kv) {
      var i = kv.indexOf('=');
      if (i < 0) return;
      try {
        out[decodeURIComponent(kv.slice(0, i))] = decodeURIComponent(kv.slice(i + 1).replace(/\+/g, ' '));
      } catch (e) { /* a malformed hash is ignored */ }
    });
    return out;
  }
  function setHash(params) {
    var parts = [];
    Object.keys(params).sort().forEach(function (k) {
      if (params[k] !== '' && params[k] != null) parts.push(encodeURIComponent(k) + '=' + encodeURIComponent(params[k]));
    });
    var url = parts.length ? '#' + parts.join('&') : location.pathname + location.search;
    try { history.replaceState(null, '', url); } catch (e) { /* some browsers refuse it on file:// */ }
  }

  // Header search: Enter opens the search page with the query.
  var box = document.getElementById('site-search');
  if (box) {
    box.addEventListener('keydown', function (ev) {
      if (ev.key !== 'Enter') return;
      ev.preventDefault();
      var q = box.value.trim();
      var target = box.getAttribute('data-search-page') || 'search.html';
      if (document.getElementById('search-input')) {
        var input = document.getElementById('search-input');
        input.value = q;
        input.dispatchEvent(new Event('input'));
        input.focus();
        return;
      }
      location.href = target + (q ? '#q=' + encodeURIComponent(q) : '');
    });
  }

  // Sortable tables: click a column header; numbers sort as numbers.
  $$('table.sortable').forEach(function (table) {
    var heads = $$('thead th', table);
    heads.forEach(function (th, col) {
      var btn = document.createElement('button');
      btn.type = 'button';
      btn.className = 'th-sort';
      while (th.firstChild) btn.appendChild(th.firstChild);
      th.appendChild(btn);
      btn.addEventListener('click', function () {
        var numeric = th.getAttribute('data-sort') === 'num';
        var dir = th.getAttribute('aria-sort') === 'ascending' ? 'descending' : 'ascending';
        if (!th.hasAttribute('aria-sort') && numeric) dir = 'descending';
        heads.forEach(function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', dir);
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var key = function (row) {
          var cell = row.cells[col];
          if (!cell) return '';
          var v = cell.hasAttribute('data-value') ? cell.getAttribute('data-value') : cell.textContent.trim().toLowerCase();
          return numeric ? (parseFloat(v) || 0) : v;
        };
        rows = rows.map(function (r, i) { return { r: r, k: key(r), i: i }; });
        rows.sort(function (a, b) {
          var c = a.k < b.k ? -1 : a.k > b.k ? 1 : 0;
          if (dir === 'descending') c = -c;
          return c || a.i - b.i;
        });
        rows.forEach(function (x) { body.appendChild(x.r); });
      });
    });
  });

  // Threat register filters, mirrored in the URL hash (source=, stride=,
  // band=, status=, boundary=, target=, impact=, likelihood=). source= is
  // declared, rule (any finding) or a rule id (its findings and the
  // threats that claim them).
  var filters = document.getElementById('register-filters');
  var register = document.getElementById('register');
  if (filters && register) {
    filters.hidden = false;
    var controls = $$('[data-filter]', filters);
    var extra = $('[data-filter-extra]', filters);
    var countOut = $('[data-filter-count]', filters);
    var empty = $('[data-filter-empty]');
    var rows = Array.prototype.slice.call(register.tBodies[0].rows);
    var cell = { impact: '', likelihood: '' };

    var apply = function (write) {
      var want = {};
      controls.forEach(function (c) { want[c.getAttribute('data-filter')] = c.value.trim(); });
      var shown = 0;
      rows.forEach(function (r) {
        var ok = true;
        var words = function (attr) { return (r.getAttribute(attr) || '').split(' '); };
        if (want.source && words('data-source').indexOf(want.source) < 0) ok = false;
        if (want.stride && words('data-stride').indexOf(want.stride) < 0) ok = false;
        if (want.band && r.getAttribute('data-band') !== want.band) ok = false;
        if (want.status && r.getAttribute('data-status') !== want.status) ok = false;
        if (want.boundary && words('data-boundary').indexOf(want.boundary) < 0) ok = false;
        if (want.target && (r.getAttribute('data-target') || '').indexOf(want.target.toLowerCase()) < 0) ok = false;
        if (cell.impact && r.getAttribute('data-impact') !== cell.impact) ok = false;
        if (cell.likelihood && r.getAttribute('data-likelihood') !== cell.likelihood) ok = false;
        r.hidden = !ok;
        if (ok) shown++;
      });
      countOut.textContent = 'Showing ' + shown + ' of ' + rows.length;
      if (empty) empty.hidden = shown !== 0;
      while (extra.firstChild) extra.removeChild(extra.firstChild);
      extra.hidden = !(cell.impact || cell.likelihood);
      if (!extra.hidden) {
        var label = document.createElement('span');
        label.className = 'badge';
        label.textContent = (cell.impact ? 'impact ' + cell.impact : '') + (cell.impact && cell.likelihood ? ' × ' : '') +
          (cell.likelihood ? 'likelihood ' + cell.likelihood : '');
        var x = document.createElement('button');
        x.type = 'button';
        x.className = 'btn btn-x';
        x.setAttribute('aria-label', 'Remove the risk cell filter');
        x.textContent = '×';
        x.addEventListener('click', function () { cell.impact = ''; cell.likelihood = ''; apply(true); });
        extra.appendChild(label);
        extra.appendChild(x);
      }
      if (write) {
        var p = {};
        Object.keys(want).forEach(function (k) { p[k] = want[k]; });
        p.impact = cell.impact;
        p.likelihood = cell.likelihood;
        setHash(p);
      }
    };
    var read = function () {
      var p = hashParams();
      controls.forEach(function (c) {
        var k = c.getAttribute('data-filter');
        var v = p[k] || '';
        if (c.tagName === 'SELECT' && v && !$$('option', c).some(function (o) { return o.value === v; })) v = '';
        c.value = v;
      });
      cell.impact = /^[1-5]$/.test(p.impact || '') ? p.impact : '';
      cell.likelihood = /^[1-5]$/.test(p.likelihood || '') ? p.likelihood : '';
      apply(false);
    };
    controls.forEach(function (c) {
      c.addEventListener(c.tagName === 'SELECT' ? 'change' : 'input', function () { apply(true); });
    });
    $('[data-filter-clear]', filters).addEventListener('click', function () {
      controls.forEach(function (c) { c.value = ''; });
      cell.impact = ''; cell.likelihood = '';
      apply(true);
    });
    window.addEventListener('hashchange', read);
    read();
  }

  // Search page: filter window.TMC_SEARCH (assets/search-index.js).
  var input = document.getElementById('search-input');
  var list = document.getElementById('search-results');
  if (input && list) {
    var index = Array.isArray(window.TMC_SEARCH) ? window.TMC_SEARCH : [];
    var status = document.getElementById('search-status');
    var safeURL = /^(?:[a-z]+\/)?[A-Za-z0-9_.~@-]+\.html$/;
    var kinds = { boundary: 'boundary', element: 'element', flow: 'flow', data: 'data', threat: 'threat', finding: 'finding', control: 'control', decision: 'decision', view: 'diagram', overview: 'overview', page: 'page' };
    var wordsOf = function (s) {
      var seen = {};
      return s.split(/[^a-z0-9]+/).filter(function (w) {
        if (w.length < 3 || seen[w]) return false;
        seen[w] = true;
        return true;
      });
    };
    var prepared = index.map(function (e) {
      var p = { e: e, title: String(e.title || '').toLowerCase(), id: String(e.id || '').toLowerCase(), text: String(e.text || '').toLowerCase() };
      p.titleWords = wordsOf(p.title + ' ' + p.id);
      p.textWords = wordsOf(p.text);
      return p;
    });
    // oneEdit reports whether a and b differ by at most one inserted,
    // deleted or replaced letter (edit distance 1).
    var oneEdit = function (a, b) {
      if (Math.abs(a.length - b.length) > 1) return false;
      if (a.length > b.length) { var t = a; a = b; b = t; }
      var i = 0, j = 0, edits = 0;
      while (i < a.length && j < b.length) {
        if (a.charAt(i) === b.charAt(j)) { i++; j++; continue; }
        if (++edits > 1) return false;
        if (a.length === b.length) i++;
        j++;
      }
      return edits + (b.length - j) + (a.length - i) <= 1;
    };
    var near = function (words, t) {
      for (var k = 0; k < words.length; k++) if (oneEdit(words[k], t)) return true;
      return false;
    };
    var run = function () {
      var q = input.value.trim().toLowerCase();
      while (list.firstChild) list.removeChild(list.firstChild);
      if (!q) { status.textContent = index.length + ' pages to search.'; return; }
      var terms = q.split(/\s+/);
      var hits = [];
      prepared.forEach(function (p) {
        var score = 0;
        for (var i = 0; i < terms.length; i++) {
          var t = terms[i];
          var s = 0;
          if (p.title.indexOf(t) >= 0) s += p.title.indexOf(t) === 0 ? 12 : 8;
          if (p.id.indexOf(t) >= 0) s += 6;
          if (p.text.indexOf(t) >= 0) s += 2;
          // A typo: a word of 4 letters or more one edit away from a word
          // of the page ("webhok" finds webhook).
          if (!s && t.length >= 4) {
            if (near(p.titleWords, t)) s = 3;
            else if (near(p.textWords, t)) s = 1;
          }
          if (!s) return;
          score += s;
        }
        hits.push({ p: p, score: score });
      });
      hits.sort(function (a, b) { return b.score - a.score || (a.p.title < b.p.title ? -1 : a.p.title > b.p.title ? 1 : 0); });
      status.textContent = hits.length === 0 ? 'No match.' : hits.length + (hits.length === 1 ? ' match' : ' matches') + (hits.length > 200 ? ', the first 200 shown.' : '.');
      hits.slice(0, 200).forEach(function (h) {
        var e = h.p.e;
        if (!safeURL.test(String(e.url))) return;
        var li = document.createElement('li');
        var a = document.createElement('a');
        a.className = 'result-title';
        a.href = e.url;
        a.textContent = e.title || e.id;
        li.appendChild(a);
        var meta = document.createElement('span');
        meta.className = 'result-meta badge kind';
        meta.textContent = kinds[e.kind] || 'page';
        li.appendChild(meta);
        if (e.id) {
          var id = document.createElement('code');
          id.className = 'result-meta';
          id.textContent = e.id;
          li.appendChild(id);
        }
        if (e.text) {
          var p = document.createElement('p');
          p.className = 'result-text';
          var text = String(e.text);
          var at = text.toLowerCase().indexOf(terms[0]);
          var start = at > 60 ? at - 60 : 0;
          p.textContent = (start ? '…' : '') + text.slice(start, start + 220) + (text.length > start + 220 ? '…' : '');
          li.appendChild(p);
        }
        list.appendChild(li);
      });
    };
    input.addEventListener('input', function () { run(); setHash({ q: input.value.trim() }); });
    var fromHash = function () { var q = hashParams().q || ''; input.value = q; if (box) box.value = q; run(); };
    window.addEventListener('hashchange', fromHash);
    fromHash();
    input.focus();
  }

  // Overview heat map: open rows by default; the toggle counts all.
  var heat = $('[data-heat]');
  var heatBtn = $('[data-heat-toggle]');
  if (heat && heatBtn) {
    heatBtn.parentNode.hidden = false;
    heatBtn.addEventListener('click', function () {
      var all = heatBtn.getAttribute('aria-pressed') !== 'true';
      heatBtn.setAttribute('aria-pressed', all ? 'true' : 'false');
      heatBtn.textContent = all ? 'Count only open' : 'Count all, not only open';
      $$('[data-heat-says]').forEach(function (el) { el.hidden = el.getAttribute('data-heat-says') !== (all ? 'all' : 'open'); });
      $$('td[data-open]', heat).forEach(function (td) {
        var n = td.getAttribute(all ? 'data-all' : 'data-open') || '0';
        var a = td.querySelector('a');
        td.classList.toggle('empty', n === '0');
        if (!a) return;
        a.setAttribute('href', a.getAttribute(all ? 'data-all-href' : 'data-open-href'));
        while (a.firstChild) a.removeChild(a.firstChild);
        if (n === '0') {
          var z = document.createElement('span');
          z.className = 'sr-only';
          z.textContent = '0';
          a.appendChild(z);
        } else {
          a.textContent = n;
        }
      });
    });
  }

  // Diagram pages: fit to width or actual size.
  $$('[data-toggle-fit]').forEach(function (btn) {
    var fig = document.getElementById(btn.getAttribute('data-toggle-fit'));
    if (!fig) return;
    btn.addEventListener('click', function () {
      var fit = !fig.classList.contains('fit');
      fig.classList.toggle('fit', fit);
      btn.setAttribute('aria-pressed', fit ? 'true' : 'false');
    });
  });
}());
