import { afterEach, describe, expect, it } from 'vitest';
import { type AdapterHarness, type MountedUI, mountUI } from './harness';
import { messageText } from './ui.suite';

/** The team's side as the visitor sees it in a thread: who replied, when, "seen", and who is typing. */
export function teamPresenceSuite(harness: AdapterHarness) {
  describe(`${harness.name}: the team in the thread`, () => {
    let current: MountedUI | null = null;
    afterEach(async () => {
      await current?.unmount();
      current = null;
    });

    async function inThread(options: Parameters<typeof mountUI>[1] = {}) {
      const ui = await mountUI(harness, { boot: { app_id: 'acme', user_id: 'u1' }, ...options });
      current = ui;
      await ui.settle();
      ui.Intercom('startConversation', 'Hello');
      await ui.settle();
      const id = ui.server.conversationsOf(ui.server.people()[0]!.id)[0]!.id;
      return { ui, id };
    }
    const typed = async (ui: MountedUI, text: string) => {
      const input = ui.part<HTMLTextAreaElement>('input')!;
      input.value = text;
      input.dispatchEvent(new Event('input', { bubbles: true }));
      await ui.settle();
    };

    it("a team reply shows the teammate's name and picture; without a picture, their initials", async () => {
      const { ui, id } = await inThread();
      ui.server.team.reply(id, 'With a picture', 'Sam Lee', 'https://cdn.example/sam.png');
      ui.server.team.reply(id, 'Without one', 'Ada Byron King');
      await ui.settle();
      const [own, pictured, initialled] = ui.parts('message');
      expect(own!.querySelector('[data-part="avatar"]'), "the visitor's own message has none").toBeNull();
      const img = pictured!.querySelector<HTMLImageElement>('img[data-part="avatar"]')!;
      expect(img.getAttribute('src')).toBe('https://cdn.example/sam.png');
      expect(img.getAttribute('alt')).toBe('Sam Lee');
      expect(messageText(pictured!)).toBe('Sam LeeWith a picture');
      const initials = initialled!.querySelector('[data-part="avatar"]')!;
      expect(initials.tagName).toBe('SPAN');
      expect(initials.textContent).toBe('AK');
      expect(initials.getAttribute('aria-hidden')).toBe('true');
      expect(messageText(initialled!)).toBe('Ada Byron KingWithout one');
    });

    it('an avatar URL that is not http(s) shows initials, and a name with markup is text', async () => {
      const { ui, id } = await inThread();
      const hostile = [
        'javascript:window.__xss=1',
        'data:image/svg+xml,<svg onload="window.__xss=2"/>',
        'JaVaScRiPt:window.__xss=3',
        '//evil.example/x.png',
        ' javascript:window.__xss=4',
      ];
      for (const url of hostile) ui.server.team.reply(id, 'hi', '<img src=x onerror=window.__xss=5>', url);
      await ui.settle();
      const replies = ui.parts('message').slice(1);
      expect(replies).toHaveLength(hostile.length);
      for (const reply of replies) {
        expect(reply.querySelector('img'), reply.outerHTML).toBeNull();
        expect(reply.querySelector('[data-part="avatar"]')!.textContent, 'initials of "<img" and "onerror=…>"').toBe(
          '<O',
        );
        expect(messageText(reply)).toBe('<img src=x onerror=window.__xss=5>hi');
      }
      expect((window as { __xss?: unknown }).__xss).toBeUndefined();
    });

    it('each message shows when it was written, in a <time> with its machine-readable datetime', async () => {
      const { ui, id } = await inThread();
      await ui.clock.advance(90_000);
      ui.server.team.reply(id, 'Later', 'Sam');
      await ui.settle();
      const stored = ui.server.messagesOf(id);
      const times = ui.parts('message').map((m) => m.querySelector('time[data-part="time"]')!);
      expect(times.map((t) => t.getAttribute('datetime'))).toEqual(
        stored.map((m) => new Date(m.created_at).toISOString()),
      );
      for (const time of times) expect(time.textContent).toMatch(/\d/);
    });

    it('"Seen" shows on the visitor\'s last message once the team read it: live, and from the thread as loaded', async () => {
      const { ui, id } = await inThread();
      await typed(ui, 'Second');
      ui.part<HTMLFormElement>('composer')!.requestSubmit();
      await ui.settle();
      expect(ui.part('seen')).toBeNull();
      await ui.clock.advance(1_000);
      ui.server.team.seen(id);
      await ui.settle();
      const messages = ui.parts('message');
      expect(messages.map((m) => !!m.querySelector('[data-part="seen"]'))).toEqual([false, true]);
      expect(ui.part('seen')!.textContent).toBe('Seen');

      await ui.clock.advance(1_000);
      await typed(ui, 'Third, not read yet');
      ui.part<HTMLFormElement>('composer')!.requestSubmit();
      await ui.settle();
      expect(ui.part('seen'), 'a newer message is not seen yet').toBeNull();

      await ui.clock.advance(1_000);
      ui.server.team.seen(id);
      ui.Intercom('showMessages');
      await ui.settle();
      ui.Intercom('showConversation', id);
      await ui.settle();
      expect(ui.parts('message').map((m) => !!m.querySelector('[data-part="seen"]'))).toEqual([false, false, true]);
    });

    it('a teammate typing shows under the thread while they go on, and goes after a few seconds or with their message', async () => {
      const { ui, id } = await inThread();
      ui.server.team.typing(id, 'Sam');
      await ui.settle();
      expect(ui.part('typing')?.textContent).toBe('Sam is typing…');
      await ui.clock.advance(4_000);
      ui.server.team.typing(id, 'Sam');
      await ui.settle();
      await ui.clock.advance(4_000);
      await ui.settle();
      expect(ui.part('typing')?.textContent, 'repeated: still typing').toBe('Sam is typing…');
      await ui.clock.advance(1_000);
      await ui.settle();
      expect(ui.part('typing'), 'quiet for 5 s: gone').toBeNull();

      ui.server.team.typing(id, '<b>Sam</b>');
      await ui.settle();
      expect(ui.part('typing')!.textContent).toBe('<b>Sam</b> is typing…');
      expect(ui.part('typing')!.children).toHaveLength(0);
      ui.server.team.reply(id, 'Here you go', '<b>Sam</b>');
      await ui.settle();
      expect(ui.part('typing'), 'their message arrived').toBeNull();
    });

    it('a teammate typing in another conversation is not shown in this one', async () => {
      const { ui, id } = await inThread();
      ui.Intercom('startConversation', 'Another question');
      await ui.settle();
      const other = ui.server.conversationsOf(ui.server.people()[0]!.id).find((c) => c.id !== id)!.id;
      ui.server.team.typing(id, 'Sam');
      await ui.settle();
      expect(ui.part('view')!.getAttribute('data-view')).toBe('conversation');
      expect(ui.view().thread?.conversationId).toBe(other);
      expect(ui.part('typing')).toBeNull();
    });

    it("the visitor's typing reaches the server at most once every 3 s, never for an empty composer", async () => {
      const { ui, id } = await inThread();
      await typed(ui, '   ');
      expect(ui.server.typingHeard(), 'nothing typed').toEqual([]);
      await typed(ui, 'H');
      await typed(ui, 'He');
      await typed(ui, 'Hel');
      expect(ui.server.typingHeard()).toEqual([id]);
      await ui.clock.advance(3_000);
      await typed(ui, 'Hell');
      await typed(ui, 'Hello');
      expect(ui.server.typingHeard()).toEqual([id, id]);
    });

    it('a typing request that fails is silent and never sent again', async () => {
      let attempts = 0;
      const { ui } = await inThread({
        transport: (base) => ({
          ...base,
          typing: () => {
            attempts += 1;
            return Promise.reject(new TypeError('offline'));
          },
        }),
      });
      await typed(ui, 'Hi');
      await ui.clock.advance(60_000);
      await ui.settle();
      expect(attempts).toBe(1);
      expect(ui.warnings).toEqual([]);
      expect(ui.query('[role="alert"]')).toBeNull();
      await typed(ui, 'Hi there');
      expect(attempts, 'a new keystroke after the pause is a new request').toBe(2);
    });
  });
}
