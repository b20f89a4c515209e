// tmc serve: live reload, the error overlay and the diagnostics badge.
// Served from /__tmc/live.js and added to every page by the preview server
// (never inline: the site's Content-Security-Policy forbids inline
// scripts). It builds its elements with createElement and textContent only.
(() => {
  'use strict';
  const me = document.currentScript;
  // The version of this page: the number of the site in which its bytes
  // last changed (0: the preview's own page, the site has no such page).
  const pageBuild = me && me.dataset.build ? me.dataset.build : '';
  // The site file this page is, as the server names it.
  let pagePath = location.pathname;
  try { pagePath = decodeURIComponent(pagePath); } catch (e) { /* keep it encoded */ }
  pagePath = pagePath.replace(/^\/+/, '');
  if (pagePath === '' || pagePath.endsWith('/')) pagePath += 'index.html';
  const scrollKey = 'tmc-serve-scroll:' + location.pathname + location.search;

  // Keep the scroll position across a reload.
  let saved = null;
  try {
    saved = sessionStorage.getItem(scrollKey);
    sessionStorage.removeItem(scrollKey);
  } catch (e) { /* storage disabled */ }
  if (saved !== null) {
    const y = parseFloat(saved);
    const restore = () => { if (!isNaN(y)) window.scrollTo(0, y); };
    if (document.readyState === 'complete') restore();
    else window.addEventListener('load', restore, {once: true});
  }

  let reloading = false;
  function reload() {
    if (reloading) return;
    reloading = true;
    try { sessionStorage.setItem(scrollKey, String(window.scrollY)); } catch (e) { /* ignore */ }
    location.reload();
  }

  function el(tag, css, text) {
    const e = document.createElement(tag);
    if (css) for (const k of Object.keys(css)) e.style.setProperty(k, css[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  const font = 'system-ui, -apple-system, "Segoe UI", sans-serif';
  const mono = 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace';

  // The overlay: the diagnostics that stop the build, over the last good site.
  let overlay = null;
  function hideOverlay() {
    if (overlay) { overlay.remove(); overlay = null; }
  }
  function showOverlay(data) {
    hideOverlay();
    const problems = (data && data.problems) || [];
    overlay = el('div', {
      position: 'fixed', inset: '0', 'z-index': '2147483646', overflow: 'auto',
      background: 'rgba(20, 20, 24, 0.86)', color: '#f4f4f5', 'font-family': font,
      'font-size': '15px', 'line-height': '1.45', padding: '32px 16px',
    });
    overlay.id = 'tmc-serve-overlay';
    overlay.setAttribute('role', 'alertdialog');
    overlay.setAttribute('aria-label', 'tmc: the model does not build');
    const panel = el('div', {
      'max-width': '960px', margin: '0 auto', background: '#18181b', border: '1px solid #ef4444',
      'border-radius': '8px', padding: '20px 24px', 'box-shadow': '0 8px 32px rgba(0,0,0,0.5)',
    });
    const head = el('div', {display: 'flex', 'justify-content': 'space-between', 'align-items': 'baseline', gap: '16px'});
    const n = problems.length;
    head.appendChild(el('h2', {margin: '0 0 4px', 'font-size': '18px', color: '#fca5a5'},
      'The model does not build: ' + n + (n === 1 ? ' error' : ' errors')));
    const close = el('button', {
      background: 'transparent', color: '#f4f4f5', border: '1px solid #52525b', 'border-radius': '4px',
      cursor: 'pointer', 'font-size': '14px', padding: '2px 10px',
    }, 'Hide');
    close.type = 'button';
    close.addEventListener('click', hideOverlay);
    head.appendChild(close);
    panel.appendChild(head);
    panel.appendChild(el('p', {margin: '0 0 16px', color: '#a1a1aa'},
      'Showing the last good site. This goes away by itself once the errors are fixed.'));
    for (const p of problems) {
      const item = el('div', {'border-top': '1px solid #3f3f46', padding: '12px 0'});
      if (p.file) {
        let where = p.file;
        if (p.line) where += ':' + p.line + ':' + (p.column || 1);
        item.appendChild(el('div', {'font-family': mono, color: '#93c5fd', 'font-size': '13px'}, where));
      }
      const msg = el('div', {margin: '2px 0'});
      msg.appendChild(el('strong', {color: p.severity === 'error' ? '#f87171' : '#fbbf24'},
        (p.severity || 'error') + (p.code ? '[' + p.code + ']' : '') + ': '));
      msg.appendChild(document.createTextNode(p.message || ''));
      item.appendChild(msg);
      if (p.source) {
        const pre = el('pre', {
          margin: '6px 0 0', padding: '8px 10px', background: '#09090b', 'border-radius': '4px',
          'font-family': mono, 'font-size': '13px', overflow: 'auto', 'white-space': 'pre', 'tab-size': '4',
        });
        pre.appendChild(el('span', {color: '#71717a'}, String(p.line).padStart(4) + ' | '));
        pre.appendChild(document.createTextNode(p.source + '\n'));
        if (p.caret) {
          pre.appendChild(el('span', {color: '#71717a'}, ' '.repeat(4) + ' | '));
          pre.appendChild(el('span', {color: '#f87171'}, p.caret));
        }
        item.appendChild(pre);
      }
      for (const line of (p.note || '').split('\n')) {
        if (line) item.appendChild(el('div', {color: '#a1a1aa', 'font-size': '13px', 'margin-top': '4px'}, '= note: ' + line));
      }
      if (p.help) item.appendChild(el('div', {color: '#a1a1aa', 'font-size': '13px', 'margin-top': '4px'}, '= help: ' + p.help));
      panel.appendChild(item);
    }
    overlay.appendChild(panel);
    (document.body || document.documentElement).appendChild(overlay);
  }

  // The badge: errors and warnings of the current build.
  let badge = null;
  function showBadge(s) {
    if (!s) return;
    if (!badge) {
      badge = el('a', {
        position: 'fixed', right: '12px', bottom: '12px', 'z-index': '2147483645', 'font-family': font,
        'font-size': '12px', 'line-height': '1', padding: '6px 10px', 'border-radius': '999px',
        'text-decoration': 'none', 'box-shadow': '0 2px 8px rgba(0,0,0,0.25)', color: '#fff',
      });
      badge.id = 'tmc-serve-badge';
      (document.body || document.documentElement).appendChild(badge);
    }
    const errors = s.errors || 0, warnings = s.warnings || 0;
    if (s.building) {
      badge.textContent = 'building…';
      badge.style.setProperty('background', '#52525b');
      badge.title = 'tmc serve: the first build is under way; this page reloads once the site is ready';
      badge.removeAttribute('href');
      return;
    }
    badge.textContent = errors + (errors === 1 ? ' error' : ' errors') + ' · ' + warnings + (warnings === 1 ? ' warning' : ' warnings');
    badge.style.setProperty('background', errors ? '#b91c1c' : warnings ? '#a16207' : '#15803d');
    badge.title = s.ok ? 'tmc serve: build ' + s.build + (s.took_ms !== undefined ? ' in ' + s.took_ms + ' ms' : '')
      : 'tmc serve: the model does not build; showing the last good site';
    if (s.diagnostics) badge.href = s.diagnostics; else badge.removeAttribute('href');
  }
  function refreshBadge() {
    fetch('/__tmc/status', {cache: 'no-store'})
      .then(r => r.ok ? r.json() : null)
      .then(showBadge)
      .catch(() => {});
  }

  // The event stream. A hidden tab closes it (browsers allow only six
  // connections per host over HTTP/1.1, and every open stream holds one);
  // once visible again it reconnects, and the hello event tells it whether
  // the page is out of date.
  let es = null;
  function connect() {
    if (es) return;
    es = new EventSource('/__tmc/events?page=' + encodeURIComponent(location.pathname));
    es.addEventListener('hello', e => {
      const d = JSON.parse(e.data);
      if (pageBuild && String(d.page) !== pageBuild) { reload(); return; } // the page changed meanwhile
      if (!d.blocked) hideOverlay();
      refreshBadge();
    });
    es.addEventListener('reload', e => {
      // Only a page whose bytes changed reloads (or every page, when a
      // style sheet or script they share changed); the others keep their
      // scroll and state, and update the badge.
      const d = JSON.parse(e.data);
      if (d.all || (d.pages || []).includes(pagePath)) { reload(); return; }
      hideOverlay();
      refreshBadge();
    });
    es.addEventListener('errors', e => {
      showOverlay(JSON.parse(e.data));
      refreshBadge();
    });
  }
  function disconnect() {
    if (es) { es.close(); es = null; }
  }
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') disconnect(); else connect();
  });
  window.addEventListener('pagehide', disconnect);
  window.addEventListener('pageshow', e => { if (e.persisted && document.visibilityState !== 'hidden') connect(); });
  if (document.visibilityState !== 'hidden') connect();
})();
