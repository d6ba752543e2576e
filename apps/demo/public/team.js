// The team's side of the demo: list conversations, read one, reply, close, through the team API
// (packages/server/API.md) with the token from this page's hash, or, without one, as the teammate
// signed in to the inbox (its session cookie). Polls every two seconds.
// Everything a visitor wrote (messages, names, attributes) is put on the page with textContent only.

(() => {
  const APP_ID = 'demo';
  const API = `/api/v1/apps/${APP_ID}`;
  const POLL_MS = 2000;
  const AGENT_KEY = 'confab-demo-agent-name';

  const $ = (id) => document.getElementById(id);

  const state = {
    token: '',
    filter: 'all',
    selected: '',
    conversations: [],
    thread: null,
    timer: 0,
    stopped: false,
    signatures: { list: '', thread: '', contact: '' },
  };

  // ---- small helpers ----

  /** An element with text: the only way text from the API reaches the page. */
  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function when(ms) {
    if (typeof ms !== 'number') return '';
    const date = new Date(ms);
    const today = new Date();
    const sameDay = date.toDateString() === today.toDateString();
    return sameDay
      ? date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' })
      : date.toLocaleString();
  }

  function personName(contact) {
    if (!contact) return 'Unknown';
    return contact.name || contact.email || contact.user_id || (contact.role === 'lead' ? 'Anonymous lead' : 'User');
  }

  function readHash() {
    const params = new URLSearchParams(location.hash.replace(/^#/, ''));
    return { token: params.get('token') || '', conversation: params.get('conversation') || '' };
  }

  /** Keeps the open conversation in the hash beside the token, so a reload opens it again. */
  function writeHash() {
    const params = new URLSearchParams();
    if (state.token) params.set('token', state.token);
    if (state.selected) params.set('conversation', state.selected);
    history.replaceState(null, '', `#${params.toString()}`);
  }

  function ApiError(status, message) {
    this.status = status;
    this.message = message;
  }

  function api(method, path, body) {
    // Without a token the inbox's session cookie signs the call (same origin: the browser sends it).
    const headers = state.token ? { authorization: `Bearer ${state.token}` } : {};
    const init = { method: method, cache: 'no-store', credentials: 'same-origin', headers: headers };
    if (body !== undefined) {
      init.headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    return fetch(API + path, init).then((response) => {
      const isJson = (response.headers.get('content-type') || '').indexOf('application/json') !== -1;
      return (isJson ? response.json() : Promise.resolve(null)).then((data) => {
        if (!response.ok) {
          const message = data?.error?.message ? data.error.message : `${response.status} ${response.statusText}`;
          throw new ApiError(response.status, message);
        }
        return data;
      });
    });
  }

  // ---- connection and notices ----

  function setConnection(kind, text) {
    const node = $('connection');
    node.dataset.state = kind;
    node.textContent = text;
  }

  function showNotice(title, text) {
    $('notice-title').textContent = title;
    $('notice-text').textContent = text;
    $('notice').hidden = false;
    $('inbox').hidden = true;
  }

  function stop(reason) {
    state.stopped = true;
    clearTimeout(state.timer);
    setConnection('alert', reason);
  }

  /** One error handler for every call: 401 stops the page, anything else is retried by the poll. */
  function handleError(error) {
    if (error instanceof ApiError && error.status === 401 && !state.token) {
      stop('signed out');
      showNotice(
        'Sign in to the inbox first',
        'This page answers as the teammate signed in to the inbox (/inbox/): sign in there, then reload. Or open it with the URL printed in your terminal, which ends with #token=….',
      );
      return;
    }
    if (error instanceof ApiError && error.status === 401) {
      stop('token refused');
      showNotice(
        'This token was refused (401)',
        'The server did not accept the team token in this URL. It is probably from an earlier run: open the team page URL that the current run printed.',
      );
      return;
    }
    if (error instanceof ApiError && error.status === 429) {
      setConnection('alert', 'rate limited, retrying…');
      return;
    }
    if (error instanceof ApiError) {
      setConnection('alert', `${error.status}: ${error.message}`);
      return;
    }
    setConnection('alert', 'server unreachable, retrying…');
  }

  // ---- the conversation list ----

  function renderList() {
    const list = $('conversations');
    const items = state.conversations;
    const signature = JSON.stringify([items, state.selected]);
    if (signature === state.signatures.list) return;
    state.signatures.list = signature;

    list.replaceChildren();
    $('list-empty').hidden = items.length > 0;
    items.forEach((conversation) => {
      const item = el('li');
      const button = el('button', 'conversation');
      button.type = 'button';
      button.dataset.id = conversation.id;
      if (conversation.id === state.selected) button.setAttribute('aria-current', 'true');

      const top = el('span', 'conversation-top');
      top.append(el('span', 'who', personName(conversation.contact)), el('time', 'ago', when(conversation.updated_at)));

      const tags = el('span', 'tags');
      tags.append(el('span', `tag role-${conversation.contact.role}`, conversation.contact.role));
      tags.append(el('span', `tag state-${conversation.state}`, conversation.state));
      if (conversation.contact.email && conversation.contact.name)
        tags.append(el('span', 'email', conversation.contact.email));

      const last = conversation.last_message;
      const preview = el(
        'span',
        'preview',
        last ? (last.author === 'team' ? 'You: ' : '') + last.body : '(no message)',
      );

      button.append(top, tags, preview);
      item.append(button);
      list.append(item);
    });
  }

  $('conversations').addEventListener('click', (event) => {
    const button = event.target.closest('button.conversation');
    if (button) select(button.dataset.id);
  });

  document.querySelector('.filters').addEventListener('click', (event) => {
    const button = event.target.closest('button[data-filter]');
    if (!button) return;
    state.filter = button.dataset.filter;
    document.querySelectorAll('.filters button').forEach((b) => {
      b.setAttribute('aria-pressed', String(b === button));
    });
    refreshList().catch(handleError);
  });

  function refreshList() {
    const query = state.filter === 'all' ? '' : `?state=${state.filter}`;
    return api('GET', `/conversations${query}`).then((data) => {
      state.conversations = data.conversations;
      renderList();
    });
  }

  // ---- one conversation ----

  function select(id) {
    if (id === state.selected) return;
    state.selected = id;
    state.thread = null;
    state.signatures.thread = '';
    state.signatures.contact = '';
    $('reply-error').hidden = true;
    writeHash();
    renderList();
    renderThread(true);
    refreshThread(true).catch(handleError);
  }

  function renderThread(scrollToEnd) {
    const thread = state.thread;
    $('thread-placeholder').hidden = Boolean(state.selected);
    $('thread').hidden = !state.selected;
    $('contact').hidden = !thread;
    if (!state.selected) return;
    if (!thread) {
      $('thread-title').textContent = 'Loading…';
      $('thread-meta').textContent = '';
      $('messages').replaceChildren();
      return;
    }

    const conversation = thread.conversation;
    const contact = conversation.contact;
    $('thread-title').textContent = personName(contact);
    const meta = [
      contact.role,
      contact.email,
      contact.user_id ? `user_id ${contact.user_id}` : '',
      `conversation ${conversation.id}`,
      `started ${when(conversation.created_at)}`,
    ];
    $('thread-meta').textContent = meta.filter(Boolean).join(' · ');
    const stateTag = $('thread-state');
    stateTag.className = `state tag state-${conversation.state}`;
    stateTag.textContent = conversation.state;
    const closeButton = $('close-button');
    closeButton.disabled = conversation.state === 'closed';
    closeButton.textContent = conversation.state === 'closed' ? 'Closed' : 'Close conversation';
    $('reply-note').textContent = conversation.state === 'closed' ? 'A reply reopens it.' : '';

    const signature = JSON.stringify(thread.thread);
    if (signature === state.signatures.thread) return;
    state.signatures.thread = signature;

    const list = $('messages');
    const nearEnd = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
    list.replaceChildren();
    // The thread holds messages and the team's internal notes (kind 'note'), oldest first.
    thread.thread.forEach((message) => {
      const isNote = message.kind === 'note';
      const fromTeam = isNote || message.author === 'team';
      const item = el('li', `message ${fromTeam ? 'from-team' : 'from-person'}${isNote ? ' note' : ''}`);
      const head = el('span', 'message-head');
      head.append(
        el(
          'span',
          'author',
          isNote ? `Note · ${message.author_name}` : fromTeam ? message.author_name || 'Team' : personName(contact),
        ),
        el('time', '', when(message.created_at)),
      );
      item.append(head, el('p', 'bubble', message.body));
      list.append(item);
    });
    if (scrollToEnd || nearEnd) list.scrollTop = list.scrollHeight;
  }

  function refreshThread(scrollToEnd) {
    const id = state.selected;
    if (!id) return Promise.resolve();
    return api('GET', `/conversations/${encodeURIComponent(id)}`)
      .then((data) => {
        if (id !== state.selected) return;
        state.thread = data;
        renderThread(scrollToEnd);
        return refreshContact(data.conversation.contact.id);
      })
      .catch((error) => {
        if (error instanceof ApiError && error.status === 404 && id === state.selected) {
          // A conversation from another database (an old link): forget it.
          state.selected = '';
          state.thread = null;
          writeHash();
          renderThread(false);
          renderList();
          return;
        }
        throw error;
      });
  }

  // ---- the contact beside it: what update and trackEvent on the site page recorded ----

  function refreshContact(contactId) {
    const path = `/contacts/${encodeURIComponent(contactId)}`;
    return Promise.all([api('GET', path), api('GET', `${path}/events`), api('GET', `${path}/page_views`)]).then(
      (answers) => {
        if (!state.thread || state.thread.conversation.contact.id !== contactId) return;
        renderContact(answers[0], answers[1].events, answers[2].page_views);
      },
    );
  }

  function facts(target, pairs) {
    target.replaceChildren();
    pairs.forEach((pair) => {
      if (pair[1] === undefined || pair[1] === null || pair[1] === '') return;
      target.append(
        el('dt', '', pair[0]),
        el('dd', '', typeof pair[1] === 'object' ? JSON.stringify(pair[1]) : pair[1]),
      );
    });
    if (!target.children.length) target.append(el('dd', 'none', 'none'));
  }

  function renderContact(contact, events, pages) {
    const signature = JSON.stringify([contact, events, pages]);
    if (signature === state.signatures.contact) return;
    state.signatures.contact = signature;

    const attributes = contact.attributes || {};
    facts($('contact-facts'), [
      ['name', contact.name],
      ['email', contact.email],
      ['user_id', contact.user_id],
      ['role', contact.role],
      ['visitor id', contact.visitor_id],
      ['first seen', when(contact.created_at)],
      ['updated', when(contact.updated_at)],
    ]);
    facts(
      $('contact-attributes'),
      Object.keys(attributes.custom_attributes || {}).map((key) => [key, attributes.custom_attributes[key]]),
    );

    const eventList = $('contact-events');
    eventList.replaceChildren();
    events
      .slice(-10)
      .reverse()
      .forEach((event) => {
        const item = el('li');
        item.append(el('span', 'event-name', event.name), el('time', '', when(event.created_at)));
        if (event.metadata && Object.keys(event.metadata).length)
          item.append(el('code', 'event-meta', JSON.stringify(event.metadata)));
        eventList.append(item);
      });
    if (!events.length) eventList.append(el('li', 'none', 'none yet: trackEvent on the site page'));

    const pageList = $('contact-pages');
    pageList.replaceChildren();
    pages
      .slice(-5)
      .reverse()
      .forEach((page) => {
        const item = el('li');
        item.append(el('span', 'event-name', page.title || page.url), el('time', '', when(page.created_at)));
        if (page.title) item.append(el('code', 'event-meta', page.url));
        pageList.append(item);
      });
    if (!pages.length) pageList.append(el('li', 'none', 'none'));
  }

  // ---- reply and close ----

  const authorInput = $('author-name');
  authorInput.value = localStorage.getItem(AGENT_KEY) || 'Demo agent';
  authorInput.addEventListener('change', () => {
    localStorage.setItem(AGENT_KEY, authorInput.value.trim());
  });

  const replyForm = $('reply-form');
  const replyBody = $('reply-body');
  replyBody.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      replyForm.requestSubmit();
    }
  });

  replyForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const body = replyBody.value;
    if (!body.trim() || !state.selected) return;
    const author = authorInput.value.trim();
    const button = $('reply-button');
    button.disabled = true;
    $('reply-error').hidden = true;
    api(
      'POST',
      `/conversations/${encodeURIComponent(state.selected)}/reply`,
      author ? { body: body, author_name: author } : { body: body },
    )
      .then(() => {
        replyBody.value = '';
        return Promise.all([refreshThread(true), refreshList()]);
      })
      .catch((error) => {
        if (error instanceof ApiError && error.status !== 401) {
          $('reply-error').textContent = `Not sent: ${error.message}`;
          $('reply-error').hidden = false;
        } else handleError(error);
      })
      .then(() => {
        button.disabled = false;
        replyBody.focus();
      });
  });

  $('close-button').addEventListener('click', () => {
    if (!state.selected) return;
    api('POST', `/conversations/${encodeURIComponent(state.selected)}/close`)
      .then(() => Promise.all([refreshThread(false), refreshList()]))
      .catch(handleError);
  });

  // ---- the poll ----

  function poll() {
    if (state.stopped) return;
    Promise.all([refreshList(), refreshThread(false)])
      .then(() => {
        setConnection('ok', `live · updated ${new Date().toLocaleTimeString()}`);
      })
      .catch(handleError)
      .then(() => {
        if (!state.stopped) state.timer = setTimeout(poll, POLL_MS);
      });
  }

  function start() {
    const hash = readHash();
    clearTimeout(state.timer);
    state.token = hash.token;
    state.selected = hash.conversation;
    state.stopped = false;
    state.signatures = { list: '', thread: '', contact: '' };
    $('notice').hidden = true;
    $('inbox').hidden = false;
    setConnection('idle', 'connecting…');
    renderThread(true);
    poll();
  }

  // A pasted URL with another token (or none) starts over.
  window.addEventListener('hashchange', () => {
    const hash = readHash();
    if (hash.token !== state.token) start();
  });

  start();
})();
