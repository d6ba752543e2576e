import { afterEach, describe, expect, it } from 'vitest';
import { type AdapterHarness, type MountedUI, mountUI } from './harness';
import { fakeThreadLayout } from './thread-layout';
import { xssCorpus } from './xss-corpus';

/** A message as its author and body read: without its avatar, time and "seen". */
export function messageText(message: Element): string {
  const copy = message.cloneNode(true) as Element;
  for (const part of copy.querySelectorAll('[data-part="avatar"], [data-part="time"], [data-part="seen"]'))
    part.remove();
  return copy.textContent ?? '';
}

/** What a visitor does and sees in the messenger, the same for every adapter. */
export function uiSuite(harness: AdapterHarness) {
  describe(`${harness.name}: the rendered messenger`, () => {
    let current: MountedUI | null = null;
    async function booted(settings: Record<string, unknown> = {}) {
      const ui = await mountUI(harness, { boot: { app_id: 'acme', user_id: 'u1', ...settings } });
      current = ui;
      await ui.settle();
      return ui;
    }
    afterEach(async () => {
      await current?.unmount();
      current = null;
    });

    async function startConversation(ui: MountedUI, text: string) {
      ui.Intercom('startConversation', text);
      await ui.settle();
      return ui.server.conversationsOf(ui.server.people()[0]!.id)[0]!.id;
    }

    it('launcher: a labelled button that toggles a labelled dialog; focus moves in, Escape closes and returns it', async () => {
      const ui = await booted();
      const launcher = ui.part<HTMLButtonElement>('launcher')!;
      expect(launcher.tagName).toBe('BUTTON');
      expect(launcher.getAttribute('aria-label')).toBe('Open messenger');
      expect(launcher.getAttribute('aria-expanded')).toBe('false');
      launcher.focus();
      await ui.click(launcher);
      const panel = ui.part('panel')!;
      expect(panel.hidden).toBe(false);
      expect(panel.getAttribute('role')).toBe('dialog');
      expect(panel.getAttribute('aria-label')).toBe('Messenger');
      expect(launcher.getAttribute('aria-expanded')).toBe('true');
      expect(ui.activeElement()).toBe(ui.part('closeButton'));
      ui.part('closeButton')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
      await ui.settle();
      expect(panel.hidden).toBe(true);
      expect(ui.activeElement()).toBe(launcher);
    });

    it("opened by Intercom('show') with nothing focused, Escape returns focus to the launcher, not to the body", async () => {
      const ui = await booted();
      (document.activeElement as HTMLElement | null)?.blur();
      ui.Intercom('show');
      await ui.settle();
      expect(ui.activeElement()).toBe(ui.part('closeButton'));
      ui.part('closeButton')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
      await ui.settle();
      expect(ui.part('panel')!.hidden).toBe(true);
      expect(ui.activeElement()).toBe(ui.part('launcher'));
    });

    it('Escape while an input method is composing does not close the panel', async () => {
      const ui = await booted();
      ui.Intercom('showNewMessage');
      await ui.settle();
      ui.part('input')!.dispatchEvent(
        new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, isComposing: true }),
      );
      await ui.settle();
      expect(ui.part('panel')!.hidden).toBe(false);
    });

    it('a handler acts on the state when its event comes, also before the framework has drawn that state', async () => {
      const ui = await booted();
      ui.Intercom('show');
      // No settle: a framework that draws on its next tick still holds the closed panel's handlers.
      ui.part('launcher')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
      await ui.settle();
      expect(ui.part('panel')!.hidden, 'Escape closed the panel that was open').toBe(true);
    });

    it('home, messages, a thread, a new message: each view from its button', async () => {
      const ui = await booted();
      const id = await startConversation(ui, 'Is there a free plan?');
      expect(ui.part('view')!.getAttribute('data-view')).toBe('conversation');
      expect(ui.parts('message').map(messageText)).toEqual(['YouIs there a free plan?']);
      expect(ui.activeElement(), 'the composer has focus in a thread').toBe(ui.part('input'));
      await ui.click(ui.part('backButton'));
      expect(ui.part('view')!.getAttribute('data-view')).toBe('messages');
      expect(ui.parts('conversationItem').map((b) => b.getAttribute('data-conversation-id'))).toEqual([id]);
      await ui.click(ui.part('backButton'));
      expect(ui.part('view')!.getAttribute('data-view')).toBe('home');
      expect(ui.part('greeting')!.textContent).toContain('Hi there');
      await ui.click(ui.query('[data-action="recent"]'));
      expect(ui.part('view')!.getAttribute('data-view')).toBe('conversation');
      ui.Intercom('showSpace', 'home');
      await ui.settle();
      await ui.click(ui.query('[data-action="new-message"]'));
      expect(ui.part('view')!.getAttribute('data-view')).toBe('newMessage');
    });

    it('showNewMessage(text) pre-fills the composer', async () => {
      const ui = await booted();
      ui.Intercom('showNewMessage', 'I would like a refund');
      await ui.settle();
      expect(ui.part('view')!.getAttribute('data-view')).toBe('newMessage');
      expect(ui.part<HTMLTextAreaElement>('input')!.value).toBe('I would like a refund');
    });

    it('the composer sends on Enter and a team reply arrives live in the open thread', async () => {
      const ui = await booted();
      const id = await startConversation(ui, 'First');
      const input = ui.part<HTMLTextAreaElement>('input')!;
      input.value = 'Second, typed';
      input.dispatchEvent(new Event('input', { bubbles: true }));
      input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
      await ui.settle();
      expect(ui.part<HTMLTextAreaElement>('input')!.value).toBe('');
      ui.server.team.reply(id, 'A team reply', 'Sam');
      await ui.settle();
      expect(ui.parts('message').map((m) => [m.getAttribute('data-author'), messageText(m)])).toEqual([
        ['person', 'YouFirst'],
        ['person', 'YouSecond, typed'],
        ['team', 'SamA team reply'],
      ]);
    });

    it('while closed, a team reply raises the badge and the launcher label says how many', async () => {
      const ui = await booted();
      const id = await startConversation(ui, 'Hello');
      ui.Intercom('hide');
      await ui.settle();
      const counts: number[] = [];
      ui.Intercom('onUnreadCountChange', (n) => counts.push(n));
      ui.server.team.reply(id, 'one');
      ui.server.team.reply(id, 'two');
      await ui.settle();
      const badge = ui.part('badge')!;
      expect(badge.hidden).toBe(false);
      expect(badge.textContent).toBe('2');
      expect(ui.part('launcher')!.getAttribute('aria-label')).toBe('Open messenger, 2 unread messages');
      expect(counts.at(-1)).toBe(2);
    });

    it('hide_default_launcher hides the launcher; launcher settings become custom properties', async () => {
      const ui = await booted({
        hide_default_launcher: true,
        alignment: 'left',
        horizontal_padding: 5,
        vertical_padding: 40,
        action_color: '#ff0000',
        z_index: 10,
      });
      expect(ui.part('launcher')!.hidden).toBe(true);
      expect(ui.part('root')!.getAttribute('data-alignment')).toBe('left');
      expect(ui.customProperty('--confab-h'), "Intercom's minimum of 20").toBe('20px');
      expect(ui.customProperty('--confab-v')).toBe('40px');
      expect(ui.customProperty('--confab-action')).toBe('#ff0000');
      expect(ui.customProperty('--confab-z')).toBe('10');
      ui.Intercom('update', { hide_default_launcher: false });
      await ui.settle();
      expect(ui.part('launcher')!.hidden).toBe(false);
    });

    it('custom_launcher_selector: any matching element toggles the panel, also one added later; a bad selector warns once', async () => {
      const ui = await booted({ custom_launcher_selector: '.open-chat' });
      const later = document.createElement('a');
      later.className = 'open-chat';
      const inner = document.createElement('span');
      later.append(inner);
      document.body.append(later);
      try {
        await ui.click(inner);
        expect(ui.part('panel')!.hidden).toBe(false);
        await ui.click(later);
        expect(ui.part('panel')!.hidden).toBe(true);
        ui.Intercom('update', { custom_launcher_selector: 'a[' });
        await ui.settle();
        await ui.click(inner);
        await ui.click(inner);
        expect(ui.part('panel')!.hidden, 'an invalid selector matches nothing').toBe(true);
        expect(ui.warnings.filter((w) => w.includes('custom_launcher_selector'))).toHaveLength(1);
      } finally {
        later.remove();
      }
    });

    it('custom_launcher_selector: said at boot when invalid; matches inside a shadow root; never toggles twice through our own launcher', async () => {
      const invalid = await booted({ custom_launcher_selector: 'a[' });
      expect(
        invalid.warnings.filter((w) => w.includes('custom_launcher_selector')),
        'warned before any click',
      ).toHaveLength(1);

      const ui = await booted({ custom_launcher_selector: 'button, .web-chat' });
      await ui.click(ui.part('launcher'));
      expect(ui.part('panel')!.hidden, 'our launcher matches "button" too, yet opens the panel once').toBe(false);
      await ui.click(ui.part('closeButton'));
      expect(ui.part('panel')!.hidden).toBe(true);

      const component = document.createElement('div');
      const inside = component.attachShadow({ mode: 'open' });
      const chat = document.createElement('span');
      chat.className = 'web-chat';
      inside.append(chat);
      document.body.append(component);
      try {
        await ui.click(chat);
        expect(ui.part('panel')!.hidden, 'an element in a web component').toBe(false);
      } finally {
        component.remove();
      }
    });

    it('language_override selects the catalogue', async () => {
      const ui = await booted({ language_override: 'fr' });
      expect(ui.part('launcher')!.getAttribute('aria-label')).toBe('Ouvrir la messagerie');
      expect(ui.part('root')!.getAttribute('lang')).toBe('fr');
      ui.Intercom('show');
      await ui.settle();
      expect(ui.part('greeting')!.textContent).toContain('Bonjour');
    });

    it('a lead is asked for an email under the thread, and giving it fires onUserEmailSupplied', async () => {
      const ui = await booted({ user_id: undefined });
      const supplied: string[] = [];
      ui.Intercom('onUserEmailSupplied', (email) => supplied.push(email));
      await startConversation(ui, 'Hi, no account yet');
      const field = ui.query<HTMLInputElement>('.confab-email-prompt input')!;
      expect(field).not.toBeNull();
      field.value = 'lead@example.com';
      field.dispatchEvent(new Event('input', { bubbles: true }));
      ui.query<HTMLFormElement>('.confab-email-prompt')!.requestSubmit();
      await ui.settle();
      expect(supplied).toEqual(['lead@example.com']);
      expect(ui.query('.confab-email-prompt'), 'asked once: the lead has an email now').toBeNull();
    });

    it('a half-typed email survives a reply arriving: its text and its focus stay', async () => {
      const ui = await booted({ user_id: undefined });
      const id = await startConversation(ui, 'Hi, no account yet');
      const field = ui.query<HTMLInputElement>('.confab-email-prompt input')!;
      field.focus();
      field.value = 'ada@exam';
      field.dispatchEvent(new Event('input', { bubbles: true }));
      ui.server.team.reply(id, 'Happy to help!');
      await ui.settle();
      expect(ui.parts('message').map((m) => m.textContent)).toEqual([
        expect.stringContaining('Hi, no account yet'),
        expect.stringContaining('Happy to help!'),
      ]);
      const after = ui.query<HTMLInputElement>('.confab-email-prompt input')!;
      expect(after.value).toBe('ada@exam');
      expect(ui.activeElement()).toBe(after);
    });

    it('a new message that fails to send stays in the composer; showNewMessage(text) again replaces what it holds', async () => {
      let offline = true;
      const ui = await mountUI(harness, {
        boot: { app_id: 'acme', user_id: 'u1' },
        transport: (base) => ({
          ...base,
          startConversation: (...args) =>
            offline ? Promise.reject(new TypeError('offline')) : base.startConversation(...args),
        }),
      });
      current = ui;
      await ui.settle();
      ui.Intercom('showNewMessage', 'About order #1');
      await ui.settle();
      const input = () => ui.part<HTMLTextAreaElement>('input')!;
      expect(input().value).toBe('About order #1');
      ui.Intercom('showNewMessage', 'About order #2');
      await ui.settle();
      expect(input().value, 'the second prefill replaces the first').toBe('About order #2');
      input().value = 'A long message I typed';
      input().dispatchEvent(new Event('input', { bubbles: true }));
      ui.part<HTMLFormElement>('composer')!.requestSubmit();
      await ui.settle();
      expect(ui.query('[role="alert"]')?.textContent).toContain('offline');
      expect(input().value, 'nothing typed is lost').toBe('A long message I typed');
      offline = false;
      ui.part<HTMLFormElement>('composer')!.requestSubmit();
      await ui.settle();
      expect(ui.part('view')!.getAttribute('data-view')).toBe('conversation');
      expect(input().value, 'the thread starts with an empty composer').toBe('');
    });

    it('a thread keeps its newest message in sight: at the bottom, on a tall reply, on reopening; not when the reader scrolled up', async () => {
      const restoreLayout = fakeThreadLayout();
      try {
        const ui = await booted();
        const id = await startConversation(ui, 'first');
        for (let i = 0; i < 19; i++) {
          ui.server.team.reply(id, `reply ${i}`);
          await ui.settle();
        }
        const thread = ui.part('thread')!;
        const bottom = () => thread.scrollHeight - thread.clientHeight;
        expect(thread.scrollTop).toBe(bottom());
        ui.server.team.reply(id, 'TALL reply');
        await ui.settle();
        expect(thread.scrollTop, 'a reply taller than 200px').toBe(bottom());
        thread.scrollTop = 300;
        ui.server.team.reply(id, 'while reading');
        await ui.settle();
        expect(thread.scrollTop, 'the reader scrolled up: left there').toBe(300);
        ui.Intercom('showMessages');
        await ui.settle();
        ui.Intercom('showConversation', id);
        await ui.settle();
        const reopened = ui.part('thread')!;
        expect(reopened.scrollTop, 'reopened at its newest message').toBe(
          reopened.scrollHeight - reopened.clientHeight,
        );
      } finally {
        restoreLayout();
      }
    });

    it('message bodies are text: no payload of the XSS corpus creates an element, links only http(s)', async () => {
      const ui = await booted();
      const id = await startConversation(ui, 'XSS corpus follows');
      for (const payload of xssCorpus) ui.server.team.reply(id, payload);
      await ui.settle();
      const messages = ui.parts('message').slice(1);
      expect(messages).toHaveLength(xssCorpus.length);
      messages.forEach((message, index) => {
        expect(message.textContent).toContain(xssCorpus[index]!.replace(/\s+$/, ''));
        for (const element of message.querySelectorAll('*')) {
          if (element.closest('[data-part="time"]') || element.getAttribute('data-part') === 'time') continue;
          expect(['SPAN', 'A'], `payload ${index} made a <${element.tagName}>`).toContain(element.tagName);
          if (element.tagName === 'A') expect((element as HTMLAnchorElement).protocol).toMatch(/^https?:$/);
        }
      });
      const link = ui
        .parts('message')
        .flatMap((m) => [...m.querySelectorAll('a')])
        .find((a) => a.href === 'https://example.com/docs?a=1&b=2');
      expect(link?.rel).toBe('noopener noreferrer nofollow ugc');
    });
  });
}
