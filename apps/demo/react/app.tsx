// The React demo: the same messenger as the plain page, from @confab/react. The provider boots on
// load (autoBoot), `useIntercom()` gives the buttons their functions (named as react-use-intercom's)
// and the state panel its values, and <ConfabMessenger> renders the launcher and panel in this
// page's own DOM.
import { ConfabMessenger, ConfabProvider, useIntercom } from '@confab/react';
import { type ReactNode, StrictMode, useCallback, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { signedIdentity } from '../shared/signed-identity';

const APP_ID = 'demo';
const STATE_KEYS = ['isBooted', 'isOpen', 'view', 'unreadCount', 'visitorId', 'isThrottled'] as const;

function DemoPage() {
  const intercom = useIntercom();
  const [log, setLog] = useState<string[]>([]);
  const [form, setForm] = useState({
    user_id: '',
    email: '',
    message: 'Hello from the React page!',
    event: 'invited-teammate',
  });
  const record = useCallback(
    (line: string) => setLog((lines) => [`${new Date().toLocaleTimeString()} ${line}`, ...lines].slice(0, 100)),
    [],
  );

  const { onShow, onHide, onUnreadCountChange, onUserEmailSupplied } = intercom;
  // Hooks registered in an effect end with it.
  useEffect(() => {
    const stops = [
      onShow(() => record('onShow')),
      onHide(() => record('onHide')),
      onUnreadCountChange((count) => record(`onUnreadCountChange(${count})`)),
      onUserEmailSupplied((email) => record(`onUserEmailSupplied(${JSON.stringify(email)})`)),
    ];
    return () => {
      for (const stop of stops) stop();
    };
  }, [onShow, onHide, onUnreadCountChange, onUserEmailSupplied, record]);

  const button = (label: string, action: () => void): ReactNode => (
    <button
      type="button"
      data-command={label}
      onClick={() => {
        record(label);
        action();
      }}
    >
      {label}
    </button>
  );
  const field = (name: keyof typeof form, label: string): ReactNode => (
    <label>
      {label}{' '}
      <input
        name={name}
        value={form[name]}
        autoComplete="off"
        onChange={(event) => setForm({ ...form, [name]: event.target.value })}
      />
    </label>
  );

  return (
    <div>
      <header className="masthead">
        <div className="wrap">
          <p className="eyebrow">Confab demo</p>
          <h1>A React app with @confab/react</h1>
          <p className="lede">
            {
              '<ConfabProvider appId autoBoot> boots on load; every button below is a function from useIntercom(), named as react-use-intercom names them, and the state on the right is React state. '
            }
            Answer from the inbox (its URL and sign-in are printed in your terminal).
          </p>
        </div>
      </header>
      <main className="wrap grid">
        <section className="card">
          <h2>Who is visiting</h2>
          <div className="stack">
            {field('user_id', 'user_id')}
            {field('email', 'email')}
          </div>
          <div className="row">
            {button('boot', () =>
              signedIdentity(form.user_id, form.email).then(
                (identity) => intercom.boot({ ...identity }),
                (error: Error) => record(`signing failed: ${error.message}`),
              ),
            )}
            {button('shutdown', () => intercom.shutdown())}
          </div>
        </section>
        <section className="card">
          <h2>Open the messenger</h2>
          <div className="row wrap-row">
            {button('show', () => intercom.show())}
            {button('hide', () => intercom.hide())}
            {button('showMessages', () => intercom.showMessages())}
            {button('showNewMessage', () => intercom.showNewMessage('Hi, I have a question about my order'))}
          </div>
          <div className="inline-form">
            {field('message', 'message')}
            {button('startConversation', () => intercom.startConversation(form.message))}
          </div>
          <div className="inline-form">
            {field('event', 'event')}
            {button('trackEvent', () => intercom.trackEvent(form.event, { source: 'react demo' }))}
          </div>
        </section>
        <section className="card" aria-labelledby="state-title">
          <h2 id="state-title">State (useIntercom)</h2>
          <dl className="state" id="state">
            {STATE_KEYS.map((key) => [
              <dt key={`${key}-name`}>{key}</dt>,
              <dd key={key} data-state-key={key}>
                {String(intercom[key])}
              </dd>,
            ])}
          </dl>
        </section>
        <section className="card log-card">
          <h2>Calls and hooks</h2>
          <ol id="log" className="log">
            {log.map((line, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the log only grows at the top; a line has no identity but its text
              <li key={`${index}-${line}`} className="log-item">
                {line}
              </li>
            ))}
          </ol>
        </section>
      </main>
      <ConfabMessenger />
    </div>
  );
}

createRoot(document.getElementById('app')!).render(
  <StrictMode>
    <ConfabProvider appId={APP_ID} autoBoot>
      <DemoPage />
    </ConfabProvider>
  </StrictMode>,
);
