import { afterEach, describe, expect, it } from 'vitest';
import { type AdapterHarness, type MountedUI, mountUI } from './harness';

/** What an app built on the adapter relies on: its state, a logout/login in one tab, its end, its customization. */
export function appSuite(harness: AdapterHarness) {
  describe(`${harness.name}: in an app`, () => {
    let current: MountedUI | null = null;
    async function booted(options: { user?: string; customized?: boolean } = {}) {
      const ui = await mountUI(harness, {
        boot: { app_id: 'acme', user_id: options.user ?? 'u1' },
        ...(options.customized ? { customized: true } : {}),
      });
      current = ui;
      await ui.settle();
      return ui;
    }
    afterEach(async () => {
      await current?.unmount();
      current = null;
    });

    it('the state the adapter hands out follows the messenger', async (context) => {
      const ui = await mountUI(harness, { boot: { app_id: 'acme', user_id: 'u1' } });
      current = ui;
      if (!ui.state) return context.skip();
      await ui.settle();
      expect(ui.state()).toMatchObject({
        isBooted: true,
        isOpen: false,
        view: null,
        unreadCount: 0,
        isThrottled: false,
      });
      expect(ui.state().visitorId).toMatch(/^[0-9a-f-]{36}$/);
      expect(ui.state().visitorId).toBe(ui.Intercom('getVisitorId'));
      ui.Intercom('showMessages');
      await ui.settle();
      expect(ui.state()).toMatchObject({ isOpen: true, view: 'messages' });
      ui.Intercom('startConversation', 'Hello');
      await ui.settle();
      const id = ui.server.conversationsOf(ui.server.people()[0]!.id)[0]!.id;
      ui.Intercom('hide');
      await ui.settle();
      ui.server.team.reply(id, 'Hi!');
      await ui.settle();
      expect(ui.state().unreadCount).toBe(1);
      for (let i = 0; i < 21; i++) ui.Intercom('update', { plan: `p${i}` });
      await ui.settle();
      expect(ui.state().isThrottled).toBe(true);
    });

    it('a bad call warns once, naming the command, and changes nothing', async () => {
      const ui = await booted();
      (ui.Intercom as (command: string, ...args: unknown[]) => unknown)('trackEvent', '');
      expect(ui.warnings).toEqual([expect.stringContaining("Intercom('trackEvent')")]);
      await ui.settle();
      expect(ui.server.events()).toHaveLength(0);
    });

    it('logout and login in one tab: hooks, state and the UI keep working; the next person sees none of the first one’s conversations', async () => {
      const ui = await booted({ user: 'alice' });
      const shown: string[] = [];
      const unread: number[] = [];
      ui.Intercom('onShow', () => shown.push('show'));
      ui.Intercom('onUnreadCountChange', (n) => unread.push(n));
      ui.Intercom('startConversation', 'Alice asks');
      await ui.settle();
      const alice = ui.server.people().find((p) => p.user_id === 'alice')!;
      const aliceConversation = ui.server.conversationsOf(alice.id)[0]!.id;
      const aliceVisitor = ui.Intercom('getVisitorId');

      ui.Intercom('shutdown');
      await ui.settle();
      expect(ui.part('launcher')!.hidden).toBe(true);
      expect(ui.part('panel')!.hidden).toBe(true);
      if (ui.state) expect(ui.state()).toMatchObject({ isBooted: false, isOpen: false, unreadCount: 0 });
      expect(ui.Intercom('getVisitorId'), 'shutdown replaces the visitor id').not.toBe(aliceVisitor);

      ui.Intercom('boot', { app_id: 'acme', user_id: 'bob' });
      await ui.settle();
      expect(ui.part('launcher')!.hidden).toBe(false);
      if (ui.state) expect(ui.state().isBooted).toBe(true);
      ui.Intercom('showMessages');
      await ui.settle();
      expect(shown).toEqual(['show', 'show']);
      expect(ui.query('.confab-empty')?.textContent).toBe('No conversations yet');
      expect(ui.query(`[data-conversation-id="${aliceConversation}"]`)).toBeNull();

      ui.Intercom('startConversation', 'Bob asks');
      await ui.settle();
      const bob = ui.server.people().find((p) => p.user_id === 'bob')!;
      const bobConversation = ui.server.conversationsOf(bob.id)[0]!.id;
      ui.Intercom('hide');
      await ui.settle();
      ui.server.team.reply(bobConversation, 'For Bob');
      ui.server.team.reply(aliceConversation, 'For Alice, not shown to Bob');
      await ui.settle();
      expect(ui.part('badge')!.textContent).toBe('1');
      expect(unread.at(-1)).toBe(1);
    });

    it('when the app ends the adapter, the messenger stops: the stream closes, the UI goes, nothing more reaches the server', async () => {
      const ui = await booted();
      expect(ui.server.streamCount()).toBe(1);
      await ui.unmount();
      current = null;
      await ui.settle();
      expect(ui.server.streamCount()).toBe(0);
      expect(ui.part('launcher')?.isConnected ?? false, 'the UI left the page').toBe(false);
      const calls = ui.server.calls();
      ui.Intercom('update', { plan: 'after the end' });
      ui.Intercom('trackEvent', 'after-the-end');
      await ui.clock.advance(60_000);
      await ui.settle();
      expect(ui.server.calls()).toEqual(calls);
    });

    describe('customized through slots or snippets', () => {
      it.skipIf(!harness.customizable)(
        'the launcher’s content is the app’s; the button, its label and the badge stay',
        async () => {
          const ui = await booted({ customized: true });
          const launcher = ui.part('launcher')!;
          expect(launcher.querySelector('.my-launcher')!.textContent).toBe('Chat (0)');
          expect(launcher.querySelector('svg')).toBeNull();
          expect(launcher.getAttribute('aria-label')).toBe('Open messenger');
          await ui.click(launcher);
          expect(launcher.querySelector('.my-launcher')!.textContent).toBe('Close (0)');
          expect(ui.part('badge')).not.toBeNull();
        },
      );

      it.skipIf(!harness.customizable)(
        'each message is drawn by the app from its props: the message, its author, its body as segments, its time, seen',
        async () => {
          const ui = await booted({ customized: true });
          ui.Intercom('startConversation', 'See https://example.com/a. Thanks');
          await ui.settle();
          const id = ui.server.conversationsOf(ui.server.people()[0]!.id)[0]!.id;
          ui.server.team.reply(id, '<img src=x onerror=alert(1)>', 'Sam');
          await ui.settle();
          const messages = ui.parts('message');
          expect(messages.map((m) => m.querySelector('.my-message')?.textContent)).toEqual([
            'You: See [https://example.com/a]. Thanks',
            'Sam: <img src=x onerror=alert(1)>',
          ]);
          expect(
            messages.map((m) => m.getAttribute('data-author')),
            'each item keeps its part and state',
          ).toEqual(['person', 'team']);
          expect(ui.query('[data-part="message"] img')).toBeNull();
          const drawn = messages.map((m) => m.querySelector('.my-message')!);
          expect(drawn.map((p) => p.getAttribute('data-time'))).toEqual([
            ui.view().timeOf(ui.view().thread!.messages[0]!),
            expect.stringMatching(/\d/),
          ]);
          expect(drawn.map((p) => p.getAttribute('data-seen'))).toEqual(['false', 'false']);
          ui.server.team.seen(id);
          await ui.settle();
          expect(ui.parts('message').map((m) => m.querySelector('.my-message')!.getAttribute('data-seen'))).toEqual([
            'true',
            'false',
          ]);
        },
      );
    });
  });
}
