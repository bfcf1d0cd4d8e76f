// The web chat page. Every text goes into the page as a text node (textContent), never as HTML:
// the server sends replies as runs of plain text with marks (bold, italic, a link).
'use strict';
(function () {
  const log = document.getElementById('log');
  const form = document.getElementById('composer');
  const input = document.getElementById('text');
  const sendButton = document.getElementById('send');
  const menuButton = document.getElementById('menu');
  const statusLine = document.getElementById('status');
  const titleLine = document.getElementById('title');
  const inputLabel = document.getElementById('text-label');

  let csrf = null;
  let ui = {};
  let lastId = 0;
  let holdUntil = 0;
  let busy = false;
  let generation = 0; // a new session (after /deletemydata) ends the old long poll
  const shown = new Set();

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const safeHref = (href) => typeof href === 'string' && /^(https?:\/\/|tel:\+?[0-9]+$)/i.test(href);

  function applyFrame(data) {
    if (!data || !data.ui) return;
    ui = data.ui;
    document.documentElement.lang = data.lang;
    document.documentElement.dir = data.dir;
    document.title = ui.title;
    titleLine.textContent = ui.title;
    inputLabel.textContent = ui.input_label;
    input.placeholder = ui.input_label;
    sendButton.textContent = ui.send;
    menuButton.textContent = ui.menu;
    log.setAttribute('aria-label', ui.conversation);
  }

  function appendRuns(parent, runs) {
    for (const run of runs || []) {
      let target = parent;
      if (run.href && safeHref(run.href)) {
        const link = document.createElement('a');
        link.href = run.href;
        if (/^https?:/i.test(run.href)) {
          link.target = '_blank';
          link.rel = 'noopener noreferrer';
        }
        target.appendChild(link);
        target = link;
      }
      if (run.b) { const b = document.createElement('b'); target.appendChild(b); target = b; }
      if (run.i) { const i = document.createElement('i'); target.appendChild(i); target = i; }
      const lines = String(run.t).split('\n');
      lines.forEach((line, index) => {
        if (index > 0) target.appendChild(document.createElement('br'));
        if (line) target.appendChild(document.createTextNode(line));
      });
    }
  }

  function note(text) {
    const p = document.createElement('p');
    p.className = 'note';
    p.setAttribute('role', 'status');
    p.textContent = text;
    log.appendChild(p);
    p.scrollIntoView({ block: 'end' });
  }

  function divider(text) {
    const p = document.createElement('p');
    p.className = 'divider';
    p.textContent = text;
    log.appendChild(p);
  }

  function buttonsOf(entry) {
    const box = document.createElement('div');
    box.className = 'choices';
    for (const row of entry.buttons || []) {
      const line = document.createElement('div');
      line.className = 'row';
      for (const item of row) {
        if (item.press) {
          const button = document.createElement('button');
          button.type = 'button';
          button.className = 'choice';
          button.textContent = item.label;
          button.addEventListener('click', () => turn('/api/press', { press: item.press }));
          line.appendChild(button);
        } else if (item.url && safeHref(item.url)) {
          const link = document.createElement('a');
          link.className = 'link-button';
          link.href = item.url;
          link.target = '_blank';
          link.rel = 'noopener noreferrer';
          link.textContent = item.label;
          line.appendChild(link);
        }
      }
      if (line.childNodes.length) box.appendChild(line);
    }
    if (entry.location && navigator.geolocation) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'choice';
      button.textContent = entry.location;
      button.addEventListener('click', () => {
        navigator.geolocation.getCurrentPosition(
          (where) => turn('/api/location', { lat: where.coords.latitude, lon: where.coords.longitude }),
          () => input.focus(), { timeout: 15000 });
      });
      box.appendChild(button);
    }
    return box.childNodes.length ? box : null;
  }

  function show(entry) {
    if (entry.id) {
      if (shown.has(entry.id)) return;
      shown.add(entry.id);
      lastId = Math.max(lastId, entry.id);
    }
    const item = document.createElement('article');
    item.className = 'msg ' + (entry.from === 'person' ? 'from-person' : 'from-bot');
    if (entry.id) item.dataset.id = String(entry.id);
    if (entry.lang) item.lang = entry.lang;
    item.dir = entry.dir || 'auto';
    const who = document.createElement('span');
    who.className = 'who';
    who.textContent = (entry.from === 'person' ? ui.you : ui.bot) || '';
    item.appendChild(who);
    const text = document.createElement('div');
    text.className = 'text';
    appendRuns(text, entry.runs);
    item.appendChild(text);
    if (entry.venue && safeHref(entry.venue.map)) {
      const venue = document.createElement('a');
      venue.className = 'venue';
      venue.href = entry.venue.map;
      venue.target = '_blank';
      venue.rel = 'noopener noreferrer';
      const title = document.createElement('b');
      title.textContent = entry.venue.title;
      const address = document.createElement('span');
      address.className = 'address';
      address.textContent = entry.venue.address;
      const label = document.createElement('span');
      label.textContent = entry.venue.label;
      venue.append(title, address, label);
      item.appendChild(venue);
    }
    if (entry.file && typeof entry.file.url === 'string' && entry.file.url.startsWith('/api/files/')) {
      const file = document.createElement('a');
      file.className = 'file';
      file.href = entry.file.url;
      file.download = entry.file.name;
      file.textContent = entry.file.label;
      item.appendChild(file);
    }
    const buttons = buttonsOf(entry);
    if (buttons) item.appendChild(buttons);
    log.appendChild(item);
    item.scrollIntoView({ block: 'end' });
  }

  async function call(method, path, body) {
    const options = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
    if (body !== undefined) {
      options.headers['Content-Type'] = 'application/json';
      options.headers['X-CSRF-Token'] = csrf || '';
      options.body = JSON.stringify(body);
    }
    const response = await fetch(path, options);
    let data = null;
    try { data = await response.json(); } catch (error) { data = null; }
    return { status: response.status, data };
  }

  function setBusy(value) {
    busy = value;
    sendButton.disabled = value;
    log.setAttribute('aria-busy', value ? 'true' : 'false');
  }

  async function turn(path, body, retried) {
    if (Date.now() < holdUntil) { note(ui.slow_down); return; }
    if (busy) return;
    setBusy(true);
    try {
      const { status, data } = await call('POST', path, body);
      if (status === 429) {
        holdUntil = Date.now() + 1000 * ((data && data.retry_after) || 5);
        note(ui.slow_down);
        return;
      }
      if ((status === 401 || status === 403) && !retried) {
        await boot(false); // the session ended (expired, erased): start a fresh one and try once more
        setBusy(false);
        await turn(path, body, true);
        return;
      }
      if (status !== 200 || !data) { statusLine.textContent = ui.offline; statusLine.hidden = false; return; }
      statusLine.hidden = true;
      applyFrame(data);
      if (data.erased) {
        log.replaceChildren();
        shown.clear();
        lastId = 0;
        data.entries.forEach(show);
        await boot(false);
        return;
      }
      data.entries.forEach(show);
    } catch (error) {
      statusLine.textContent = ui.offline;
      statusLine.hidden = false;
    } finally {
      setBusy(false);
    }
  }

  async function boot(fresh) {
    const { status, data } = await call('GET', '/api/session');
    if (status !== 200 || !data) throw new Error('session ' + status);
    generation += 1;
    csrf = data.csrf;
    applyFrame(data);
    if (fresh) {
      let marked = false;
      for (const entry of data.entries) {
        if (data.new_after && !marked && entry.id > data.new_after && entry.from === 'bot') {
          divider(ui.since_last_visit);
          marked = true;
        }
        show(entry);
      }
      if (!data.entries.length) await turn('/api/start', { hint: navigator.language || '' });
    }
    poll(generation);
  }

  async function poll(mine) {
    while (mine === generation) {
      try {
        const response = await fetch('/api/messages?after=' + lastId, { credentials: 'same-origin' });
        if (mine !== generation) return;
        if (response.status === 401) return;
        if (!response.ok) throw new Error(String(response.status));
        const data = await response.json();
        statusLine.hidden = true;
        data.entries.forEach(show);
      } catch (error) {
        statusLine.textContent = ui.offline || '…';
        statusLine.hidden = false;
        await sleep(3000);
      }
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text || busy) return;
    input.value = '';
    turn('/api/send', { text });
    input.focus();
  });
  menuButton.addEventListener('click', () => turn('/api/send', { text: '/menu' }));

  boot(true).catch(() => {
    statusLine.textContent = 'lokal willkommen: …';
    statusLine.hidden = false;
    setTimeout(() => boot(true).catch(() => {}), 3000);
  });
})();
