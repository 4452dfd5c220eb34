// 窓口 console: keyboard shortcuts, presence on the detail page, and canned
// replies without a reload. Loaded with `defer` under a strict CSP, so it
// only adds listeners; every page works without it.
(function () {
  'use strict';

  const $ = (sel) => document.querySelector(sel);

  function typing(el) {
    if (!el || el === document.body) return false;
    const tag = el.tagName;
    return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || el.isContentEditable;
  }

  // --- Keyboard shortcuts -------------------------------------------------
  function rows() {
    return Array.from(document.querySelectorAll('tr.ticket-row'));
  }

  function select(row) {
    for (const r of document.querySelectorAll('tr.ticket-row.selected')) r.classList.remove('selected');
    row.classList.add('selected');
    const link = row.querySelector('a.ticket-link');
    if (link) link.focus();
    else row.scrollIntoView({ block: 'nearest' });
  }

  function move(step) {
    const all = rows();
    if (all.length === 0) return false;
    const current = all.findIndex((r) => r.classList.contains('selected'));
    const next = current === -1 ? (step > 0 ? 0 : all.length - 1)
      : Math.min(all.length - 1, Math.max(0, current + step));
    select(all[next]);
    return true;
  }

  function openSelected(e) {
    const row = $('tr.ticket-row.selected');
    const link = row && row.querySelector('a.ticket-link');
    if (!link) return false;
    // Enter on a focused link or button already activates it.
    if (e.key === 'Enter' && e.target.closest && e.target.closest('a, button')) return false;
    window.location.assign(link.href);
    return true;
  }

  function showHelp() {
    const help = $('#shortcut-help');
    if (!help || help.open || typeof help.showModal !== 'function') return false;
    help.showModal();
    return true;
  }

  document.addEventListener('keydown', (e) => {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || e.isComposing) return;
    if (typing(e.target)) return;
    if ($('dialog[open]') && e.key !== '?') return;
    let handled = false;
    switch (e.key) {
      case 'j': handled = move(1); break;
      case 'k': handled = move(-1); break;
      case 'Enter': case 'o': handled = openSelected(e); break;
      case '/': {
        const q = $('#q');
        if (q) { q.focus(); q.select(); handled = true; }
        break;
      }
      case '?': handled = showHelp(); break;
      default: break;
    }
    if (handled) e.preventDefault();
  });

  // --- Canned replies without a reload ------------------------------------
  // The select carries each reply already filled in for this ticket. Filling
  // the box here also keeps what the agent typed, which the GET would lose.
  const cannedSelect = $('#canned-select');
  const replyBody = $('#reply-body');

  function applyCanned() {
    const option = cannedSelect.selectedOptions[0];
    const text = option && option.dataset.body;
    if (!text) return false;
    if (replyBody.value === text) return true;
    if (replyBody.value.trim() !== '' && !window.confirm('入力中の返信を定型文で置き換えますか？')) return true;
    replyBody.value = text;
    replyBody.focus();
    return true;
  }

  if (cannedSelect && replyBody) {
    cannedSelect.addEventListener('change', applyCanned);
    const form = cannedSelect.form;
    if (form && form.method === 'get') {
      form.addEventListener('submit', (e) => { if (applyCanned()) e.preventDefault(); });
    }
  }

  // --- Presence (collision detection) -------------------------------------
  // The element carrying the ticket's number and the version on screen.
  const ticket = $('[data-number][data-version]');
  const presence = $('#presence');
  const token = $('meta[name="csrf-token"]');
  if (!ticket || !presence || !token) return;

  const number = ticket.dataset.number;
  const url = '/console/tickets/' + encodeURIComponent(number) + '/presence';
  let timer = null;
  let stopped = false;

  function replying() {
    return !!replyBody && (document.activeElement === replyBody || replyBody.value.trim() !== '');
  }

  function render(data) {
    const parts = [];
    for (const other of Array.isArray(data.others) ? data.others : []) {
      const li = document.createElement('li');
      li.textContent = other.name + (other.replying ? 'さんが返信を作成中' : 'さんが閲覧中');
      parts.push(li);
    }
    presence.replaceChildren();
    if (parts.length > 0) {
      const ul = document.createElement('ul');
      ul.append(...parts);
      presence.append(ul);
    }
    if (data.version !== undefined && String(data.version) !== ticket.dataset.version) {
      const p = document.createElement('p');
      p.className = 'stale';
      p.append('このお問い合わせは更新されています。再読み込みしてください。 ');
      const a = document.createElement('a');
      a.href = window.location.pathname;
      a.textContent = '再読み込み';
      p.append(a);
      presence.append(p);
    }
  }

  async function beat() {
    if (stopped || document.hidden) return;
    const body = new URLSearchParams({ csrf: token.content, replying: String(replying()) });
    try {
      const res = await fetch(url, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body,
      });
      // Signed out or forbidden: polling again would not help.
      if (res.status === 401 || res.status === 403) { stopped = true; clearInterval(timer); return; }
      if (!res.ok) return;
      render(await res.json());
    } catch (_) {
      // Offline for a moment: the next beat tries again.
    }
  }

  timer = setInterval(beat, 10000);
  document.addEventListener('visibilitychange', () => { if (!document.hidden) beat(); });
  beat();
})();
