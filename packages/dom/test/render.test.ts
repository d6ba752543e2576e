import { afterEach, describe, expect, it } from 'vitest';
import { xssCorpus } from './xss-corpus';
import { createPage, type Page } from './page-harness';

let current: Page | null = null;
async function booted(settings: Record<string, unknown> = {}) {
  const p = (current = createPage({ settings: { app_id: 'acme', user_id: 'u1', ...settings } }));
  await p.settle();
  return p;
}
afterEach(() => {
  current?.page.destroy();
  current = null;
});

const click = (element: HTMLElement | null | undefined) => {
  if (!element) throw new Error('nothing to click');
  element.click();
};

async function startConversation(p: Page, text: string) {
  p.Intercom('startConversation', text);
  await p.settle();
  return p.server.conversationsOf(p.server.people()[0]!.id)[0]!.id;
}

describe('the rendered messenger', () => {
  it('renders into a shadow root: page styles do not reach in, its own do not leak out', async () => {
    const p = await booted();
    const host = document.querySelector('[data-confab-host]')!;
    expect(host.shadowRoot).toBe(p.shadow());
    expect(document.querySelector('[data-part]'), 'no part in the light DOM').toBeNull();
    expect(p.shadow().adoptedStyleSheets.length, 'constructed sheets, no <style> element').toBe(2);
    expect(p.shadow().querySelector('style')).toBeNull();
    expect(p.shadow().querySelector('[style]'), 'no inline style attribute anywhere').toBeNull();
  });

  it('launcher: a labelled button that toggles a labelled dialog; focus moves in, Escape closes and returns it', async () => {
    const p = await booted();
    const launcher = p.part<HTMLButtonElement>('launcher')!;
    expect(launcher.tagName).toBe('BUTTON');
    expect(launcher.getAttribute('aria-label')).toBe('Open messenger');
    expect(launcher.getAttribute('aria-expanded')).toBe('false');
    launcher.focus();
    click(launcher);
    await p.settle();
    const panel = p.part('panel')!;
    expect(panel.hidden).toBe(false);
    expect(panel.getAttribute('role')).toBe('dialog');
    expect(panel.getAttribute('aria-label')).toBe('Messenger');
    expect(launcher.getAttribute('aria-expanded')).toBe('true');
    expect(p.shadow().activeElement).toBe(p.part('closeButton'));
    p.part('closeButton')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    await p.settle();
    expect(panel.hidden).toBe(true);
    expect(p.shadow().activeElement).toBe(launcher);
  });

  it('home, messages, a thread, a new message: each view from its button', async () => {
    const p = await booted();
    const id = await startConversation(p, 'Is there a free plan?');
    expect(p.part('view')!.getAttribute('data-view')).toBe('conversation');
    expect(p.parts('message').map((m) => m.textContent)).toEqual(['YouIs there a free plan?']);
    expect(p.shadow().activeElement, 'the composer has focus in a thread').toBe(p.part('input'));
    click(p.part('backButton'));
    await p.settle();
    expect(p.part('view')!.getAttribute('data-view')).toBe('messages');
    expect(p.parts('conversationItem').map((b) => b.getAttribute('data-conversation-id'))).toEqual([id]);
    click(p.part('backButton'));
    await p.settle();
    expect(p.part('view')!.getAttribute('data-view')).toBe('home');
    expect(p.part('greeting')!.textContent).toContain('Hi there');
    click(p.shadow().querySelector<HTMLElement>('[data-action="recent"]'));
    await p.settle();
    expect(p.part('view')!.getAttribute('data-view')).toBe('conversation');
    p.Intercom('showSpace', 'home');
    await p.settle();
    click(p.shadow().querySelector<HTMLElement>('[data-action="new-message"]'));
    await p.settle();
    expect(p.part('view')!.getAttribute('data-view')).toBe('newMessage');
  });

  it('the composer sends on Enter and a team reply arrives live in the open thread', async () => {
    const p = await booted();
    const id = await startConversation(p, 'First');
    const input = p.part<HTMLTextAreaElement>('input')!;
    input.value = 'Second, typed';
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    await p.settle();
    expect(input.value).toBe('');
    p.server.team.reply(id, 'A team reply', 'Sam');
    await p.settle();
    expect(p.parts('message').map((m) => [m.getAttribute('data-author'), m.textContent])).toEqual([
      ['person', 'YouFirst'],
      ['person', 'YouSecond, typed'],
      ['team', 'SamA team reply'],
    ]);
  });

  it('while closed, a team reply raises the badge and the launcher label says how many', async () => {
    const p = await booted();
    const id = await startConversation(p, 'Hello');
    p.Intercom('hide');
    await p.settle();
    const counts: number[] = [];
    p.Intercom('onUnreadCountChange', (n) => counts.push(n));
    p.server.team.reply(id, 'one');
    p.server.team.reply(id, 'two');
    await p.settle();
    const badge = p.part('badge')!;
    expect(badge.hidden).toBe(false);
    expect(badge.textContent).toBe('2');
    expect(p.part('launcher')!.getAttribute('aria-label')).toBe('Open messenger, 2 unread messages');
    expect(counts.at(-1)).toBe(2);
  });

  it('hide_default_launcher hides the launcher; launcher settings become custom properties', async () => {
    const p = await booted({ hide_default_launcher: true, alignment: 'left', horizontal_padding: 5, vertical_padding: 40, action_color: '#ff0000', z_index: 10 });
    expect(p.part('launcher')!.hidden).toBe(true);
    expect(p.part('root')!.getAttribute('data-alignment')).toBe('left');
    const css = [...p.shadow().adoptedStyleSheets[1]!.cssRules].map((rule) => rule.cssText).join('');
    expect(css).toContain('--confab-h: 20px'); // Intercom's minimum of 20
    expect(css).toContain('--confab-v: 40px');
    expect(css).toContain('--confab-action: #ff0000');
    expect(css).toContain('--confab-z: 10');
    p.Intercom('update', { hide_default_launcher: false });
    await p.settle();
    expect(p.part('launcher')!.hidden).toBe(false);
  });

  it('custom_launcher_selector: any matching element toggles the panel, also one added later', async () => {
    const p = await booted({ custom_launcher_selector: '.open-chat' });
    const later = document.createElement('a');
    later.className = 'open-chat';
    const inner = document.createElement('span');
    later.append(inner);
    document.body.append(later);
    inner.click();
    await p.settle();
    expect(p.part('panel')!.hidden).toBe(false);
    later.click();
    await p.settle();
    expect(p.part('panel')!.hidden).toBe(true);
  });

  it('language_override selects the catalogue', async () => {
    const p = await booted({ language_override: 'fr' });
    expect(p.part('launcher')!.getAttribute('aria-label')).toBe('Ouvrir la messagerie');
    expect(p.part('root')!.getAttribute('lang')).toBe('fr');
    p.Intercom('show');
    await p.settle();
    expect(p.part('greeting')!.textContent).toContain('Bonjour');
  });

  it('message bodies are text: no payload of the XSS corpus creates an element, links only http(s)', async () => {
    const p = await booted();
    const id = await startConversation(p, 'XSS corpus follows');
    for (const payload of xssCorpus) p.server.team.reply(id, payload);
    await p.settle();
    const messages = p.parts('message').slice(1);
    expect(messages).toHaveLength(xssCorpus.length);
    messages.forEach((message, index) => {
      expect(message.textContent).toContain(xssCorpus[index]!.replace(/\s+$/, ''));
      for (const element of message.querySelectorAll('*')) {
        expect(['SPAN', 'A'], `payload ${index} made a <${element.tagName}>`).toContain(element.tagName);
        if (element.tagName === 'A') expect((element as HTMLAnchorElement).protocol).toMatch(/^https?:$/);
      }
    });
    const link = p.parts('message').flatMap((m) => [...m.querySelectorAll('a')]).find((a) => a.href === 'https://example.com/docs?a=1&b=2');
    expect(link?.rel).toBe('noopener noreferrer nofollow ugc');
  });
});
