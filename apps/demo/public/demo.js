// The demo page's buttons: each one makes one Intercom(...) call, and the log shows the call and
// what the hooks report. Everything goes through window.Intercom, as a site's own code would: the
// snippet's stub before /confab.js arrives (calls are queued in Intercom.q), Confab's after.

(() => {
  const APP_ID = 'demo';
  const LAUNCHER_CLASS = 'chat-with-us';
  const LOG_LIMIT = 200;

  const $ = (id) => document.getElementById(id);
  const logList = $('log');

  function time() {
    const now = new Date();
    const pad = (n, width) => String(n).padStart(width || 2, '0');
    return `${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())}.${pad(now.getMilliseconds(), 3)}`;
  }

  /** A value as it would be written in code: strings quoted, objects as JSON. */
  function show(value) {
    if (value === undefined) return 'undefined';
    if (typeof value === 'function') return '() => {…}';
    try {
      return JSON.stringify(value);
    } catch {
      return String(value);
    }
  }

  /** One line of the log; user-given text only ever goes in through textContent. */
  function log(kind, text, detail) {
    const item = document.createElement('li');
    item.className = `log-item ${kind}`;
    const when = document.createElement('time');
    when.textContent = time();
    const badge = document.createElement('span');
    badge.className = `kind ${kind}`;
    badge.textContent = kind;
    const code = document.createElement('code');
    code.textContent = text;
    item.append(when, badge, code);
    if (detail !== undefined) {
      const result = document.createElement('span');
      result.className = 'detail';
      result.textContent = detail;
      item.append(result);
    }
    logList.prepend(item);
    while (logList.children.length > LOG_LIMIT) logList.lastElementChild.remove();
  }

  /** Intercom(command, ...args), logged as the code that makes it. */
  function call(...args) {
    log('call', `Intercom(${args.map(show).join(', ')})`);
    return window.Intercom.apply(null, args);
  }

  // ---- the hooks, registered at load like a site would (through the snippet's queue) ----
  let unread = 0;
  function renderUnread(count) {
    unread = count;
    const pill = $('unread-pill');
    pill.textContent = `unread: ${count}`;
    pill.dataset.state = count > 0 ? 'alert' : 'idle';
    const badge = $('chat-badge');
    badge.textContent = String(count);
    badge.hidden = count === 0;
  }

  window.Intercom('onShow', () => {
    log('hook', 'onShow()', 'the messenger opened');
  });
  window.Intercom('onHide', () => {
    log('hook', 'onHide()', 'the messenger closed');
  });
  window.Intercom('onUnreadCountChange', (count) => {
    log('hook', `onUnreadCountChange(${show(count)})`, count === 1 ? '1 unread message' : `${count} unread messages`);
    renderUnread(count);
  });
  window.Intercom('onUserEmailSupplied', (email) => {
    log('hook', `onUserEmailSupplied(${show(email)})`, 'the visitor gave their email in the messenger');
  });

  // ---- boot / shutdown ----
  const bootForm = $('boot-form');
  function syncBootKind() {
    const asUser = bootForm.elements.kind.value === 'user';
    bootForm.querySelector('.user-fields').classList.toggle('disabled', !asUser);
    bootForm.elements.user_id.disabled = !asUser;
    bootForm.elements.email.disabled = !asUser;
    Array.prototype.forEach.call(bootForm.elements.proof, (input) => {
      input.disabled = !asUser;
    });
  }
  bootForm.addEventListener('change', syncBootKind);
  syncBootKind();

  bootForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const fields = bootForm.elements;
    const settings = { app_id: APP_ID };
    if (fields.kind.value === 'user') {
      const userId = fields.user_id.value.trim();
      const email = fields.email.value.trim();
      if (!userId && !email) {
        log('error', 'a user needs a user_id or an email', 'fill one in, or boot as a lead');
        fields.user_id.focus();
        return;
      }
      if (userId) settings.user_id = userId;
      if (email) settings.email = email;
    }
    const name = fields.name.value.trim();
    if (name) settings.name = name;
    const proof = fields.kind.value === 'user' ? fields.proof.value : 'none';
    if (proof === 'none') {
      call('boot', settings);
      return;
    }
    signedBySite(proof, settings).then(
      (signed) => {
        call('boot', Object.assign(settings, signed));
      },
      (error) => {
        log('error', `POST ${SIGN_PATH} failed`, error.message);
      },
    );
  });

  // What a site's backend prints into its page after login: here asked of the demo's stand-in.
  const SIGN_PATH = '/demo/sign';
  function signedBySite(proof, settings) {
    const request = { proof: proof };
    ['user_id', 'email', 'name'].forEach((key) => {
      if (settings[key] !== undefined) request[key] = settings[key];
    });
    return fetch(SIGN_PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request),
    })
      .then((response) =>
        response.json().then((body) => {
          if (!response.ok) throw new Error(body.error ? body.error.message : `HTTP ${response.status}`);
          return body;
        }),
      )
      .then((signed) => {
        log('page', `the site backend signed ${show(request)}`, proof);
        return signed;
      });
  }

  // ---- update ----
  const updateForm = $('update-form');
  updateForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const key = updateForm.elements.key.value.trim();
    if (!key) return;
    const attributes = {};
    attributes[key] = updateForm.elements.value.value;
    call('update', attributes);
  });

  // ---- the buttons that are one call each ----
  document.addEventListener('click', (event) => {
    const button = event.target.closest('button[data-command]');
    if (!button) return;
    const command = button.dataset.command;
    if (command === 'update-empty') call('update');
    else if (button.dataset.arg !== undefined) call(command, button.dataset.arg);
    else call(command);
  });

  $('new-message-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const prefill = event.currentTarget.elements.prefill.value;
    if (prefill) call('showNewMessage', prefill);
    else call('showNewMessage');
  });

  $('conversation-form').addEventListener('submit', (event) => {
    event.preventDefault();
    call('showConversation', event.currentTarget.elements.id.value.trim());
  });

  $('start-form').addEventListener('submit', (event) => {
    event.preventDefault();
    call('startConversation', event.currentTarget.elements.message.value);
  });

  // ---- trackEvent ----
  const eventForm = $('event-form');
  eventForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const error = $('event-error');
    error.hidden = true;
    const name = eventForm.elements.name.value.trim();
    const text = eventForm.elements.metadata.value.trim();
    if (!text) {
      call('trackEvent', name);
      return;
    }
    let metadata;
    try {
      metadata = JSON.parse(text);
    } catch (problem) {
      error.textContent = `metadata is not valid JSON: ${problem.message}`;
      error.hidden = false;
      return;
    }
    if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
      error.textContent = 'metadata must be a JSON object, like { "seats": 3 }';
      error.hidden = false;
      return;
    }
    call('trackEvent', name, metadata);
  });

  // ---- getVisitorId ----
  $('visitor-button').addEventListener('click', () => {
    const id = call('getVisitorId');
    const output = $('visitor-id');
    if (id === undefined && isStub()) {
      output.textContent = "undefined: the snippet's stub answers nothing until /confab.js has loaded";
    } else {
      output.textContent = id === undefined ? 'undefined (not booted)' : id;
    }
    log('result', 'getVisitorId →', show(id));
  });

  // ---- a launcher of the page's own ----
  const launcherToggle = $('custom-launcher-toggle');
  launcherToggle.addEventListener('change', () => {
    const on = launcherToggle.checked;
    $('chat-with-us').hidden = !on;
    if (on) call('update', { custom_launcher_selector: `.${LAUNCHER_CLASS}`, hide_default_launcher: true });
    else call('update', { hide_default_launcher: false });
  });
  // The messenger itself listens for clicks on .chat-with-us: this only logs them.
  $('chat-with-us').addEventListener('click', () => {
    log('page', `clicked .${LAUNCHER_CLASS}`, 'the messenger toggles through custom_launcher_selector');
  });

  $('clear-log').addEventListener('click', () => {
    logList.replaceChildren();
  });

  // ---- is the widget there? ----
  function isStub() {
    return typeof window.Intercom !== 'function' || Array.isArray(window.Intercom.q);
  }

  const widgetState = $('widget-state');
  function renderWidgetState() {
    if (isStub()) return;
    const booted = window.Intercom.booted;
    widgetState.dataset.state = booted === false ? 'idle' : 'ok';
    widgetState.textContent =
      booted === undefined ? 'widget loaded' : booted ? 'widget loaded · booted' : 'widget loaded · not booted';
  }
  setInterval(renderWidgetState, 500);

  // A missing build is the one thing that makes this page silently do nothing: say so.
  fetch('/confab.js', { method: 'HEAD', cache: 'no-store' }).then(
    (response) => {
      if (response.ok) return;
      $('widget-missing').hidden = false;
      widgetState.dataset.state = 'alert';
      widgetState.textContent = '/confab.js not built';
      log(
        'error',
        `GET /confab.js answered ${response.status}`,
        'run pnpm --filter @confab/dom run build, then reload',
      );
    },
    () => {
      widgetState.dataset.state = 'alert';
      widgetState.textContent = 'server unreachable';
    },
  );

  log(
    'page',
    `window.intercomSettings = ${show(window.intercomSettings)}`,
    'the widget boots itself with these when it loads',
  );
  renderUnread(unread);
})();
