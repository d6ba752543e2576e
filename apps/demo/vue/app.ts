// The Vue demo: the same messenger as the plain page, from @confab/vue. The plugin boots on load
// (autoBoot), `useIntercom()` gives the buttons their commands and the state panel its refs, and
// <ConfabMessenger> renders the launcher and panel in this page's own DOM.
import { ConfabMessenger, createConfab, useIntercom } from '@confab/vue';
import { createApp, defineComponent, h, reactive, ref } from 'vue';
import { signedIdentity } from '../shared/signed-identity';

const APP_ID = 'demo';

const App = defineComponent({
  setup() {
    const intercom = useIntercom();
    const log = ref<string[]>([]);
    const record = (line: string) =>
      (log.value = [`${new Date().toLocaleTimeString()} ${line}`, ...log.value].slice(0, 100));
    intercom.onShow(() => record('onShow'));
    intercom.onHide(() => record('onHide'));
    intercom.onUnreadCountChange((count) => record(`onUnreadCountChange(${count})`));
    intercom.onUserEmailSupplied((email) => record(`onUserEmailSupplied(${JSON.stringify(email)})`));
    const form = reactive({ user_id: '', email: '', message: 'Hello from the Vue page!', event: 'invited-teammate' });

    const run = (label: string, action: () => void) => () => {
      record(label);
      action();
    };
    const button = (label: string, action: () => void, attrs: Record<string, string> = {}) =>
      h('button', { type: 'button', ...attrs, onClick: run(label, action) }, label);
    const field = (name: keyof typeof form, label: string) =>
      h('label', [
        label,
        ' ',
        h('input', {
          name,
          value: form[name],
          autocomplete: 'off',
          onInput: (e: Event) => (form[name] = (e.target as HTMLInputElement).value),
        }),
      ]);

    return () =>
      h('div', [
        h('header', { class: 'masthead' }, [
          h('div', { class: 'wrap' }, [
            h('p', { class: 'eyebrow' }, 'Confab demo'),
            h('h1', 'A Vue app with @confab/vue'),
            h('p', { class: 'lede' }, [
              'app.use(createConfab({ app_id })) boots on load; every button below is a function from useIntercom(), and the state on the right is its read-only refs. ',
              'Answer from the inbox (its URL and sign-in are printed in your terminal).',
            ]),
          ]),
        ]),
        h('main', { class: 'wrap grid' }, [
          h('section', { class: 'card' }, [
            h('h2', 'Who is visiting'),
            h('div', { class: 'stack' }, [field('user_id', 'user_id'), field('email', 'email')]),
            h('div', { class: 'row' }, [
              button(
                'boot',
                () =>
                  void signedIdentity(form.user_id, form.email).then(
                    (identity) => intercom.boot({ app_id: APP_ID, ...identity }),
                    (error: Error) => record(`signing failed: ${error.message}`),
                  ),
                { 'data-command': 'boot' },
              ),
              button('shutdown', () => intercom.shutdown(), { 'data-command': 'shutdown' }),
            ]),
          ]),
          h('section', { class: 'card' }, [
            h('h2', 'Open the messenger'),
            h('div', { class: 'row wrap-row' }, [
              button('show', () => intercom.show(), { 'data-command': 'show' }),
              button('hide', () => intercom.hide(), { 'data-command': 'hide' }),
              button('showMessages', () => intercom.showMessages(), { 'data-command': 'showMessages' }),
              button('showNewMessage', () => intercom.showNewMessage('Hi, I have a question about my order'), {
                'data-command': 'showNewMessage',
              }),
            ]),
            h('div', { class: 'inline-form' }, [
              field('message', 'message'),
              button('startConversation', () => intercom.startConversation(form.message), {
                'data-command': 'startConversation',
              }),
            ]),
            h('div', { class: 'inline-form' }, [
              field('event', 'event'),
              button('trackEvent', () => intercom.trackEvent(form.event, { source: 'vue demo' }), {
                'data-command': 'trackEvent',
              }),
            ]),
          ]),
          h('section', { class: 'card', 'aria-labelledby': 'state-title' }, [
            h('h2', { id: 'state-title' }, 'State (refs)'),
            h(
              'dl',
              { class: 'state', id: 'state' },
              (['isBooted', 'isOpen', 'view', 'unreadCount', 'visitorId', 'isThrottled'] as const).flatMap((key) => [
                h('dt', key),
                h('dd', { 'data-state-key': key }, String(intercom[key].value)),
              ]),
            ),
          ]),
          h('section', { class: 'card log-card' }, [
            h('h2', 'Calls and hooks'),
            h(
              'ol',
              { id: 'log', class: 'log' },
              log.value.map((line) => h('li', { class: 'log-item' }, line)),
            ),
          ]),
        ]),
        h(ConfabMessenger),
      ]);
  },
});

createApp(App)
  .use(createConfab({ app_id: APP_ID }))
  .mount('#app');
