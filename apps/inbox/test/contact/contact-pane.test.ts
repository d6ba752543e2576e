// The contact pane against a real server: a visitor's details, custom attributes, company, events
// with their metadata, pages viewed (repeats folded) and their other conversations; everything a
// visitor's page sent shows as text, and nothing of it runs.
import { flushSync, mount, unmount } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { xssCorpus } from '../../../../packages/adapter-suite/src/xss-corpus';
import { openTeamStream, useEventSourceFactory } from '../../src/api/team-stream';
import ContactPane from '../../src/contact/ContactPane.svelte';
import { session } from '../../src/session.svelte';
import { byText, waitFor } from '../dom';
import { NodeEventSource } from '../node-event-source';
import { addTeammate, cookieOf, inboxServer, openPage } from '../real-server';
import { bootVisitor } from './visitor';

let pane: ReturnType<typeof mount> | undefined;
const flags = window as unknown as { __xss?: number };

beforeEach(async () => {
  const ada = await addTeammate({ role: 'agent', apps: ['*'] });
  openPage('/inbox/');
  await session.signIn(ada.email, ada.password);
  // happy-dom has no EventSource: the team stream is the real one, read from Node with Ada's cookie.
  const cookie = await cookieOf(ada);
  useEventSourceFactory(
    (path) => new NodeEventSource(`${inboxServer().url}${path}`, { cookie }) as unknown as EventSource,
  );
});

afterEach(async () => {
  if (pane) unmount(pane);
  pane = undefined;
  document.body.innerHTML = '';
  delete flags.__xss;
  if (session.status === 'signed-in') await session.signOut().catch(() => {});
});

function show(props: { appId: string; contactId: string; conversationId: string }) {
  const target = document.createElement('div');
  document.body.append(target);
  pane = mount(ContactPane, { target, props });
  flushSync();
  return target;
}

const SECTIONS = {
  Attributes: 'contact-attributes',
  Company: 'contact-company',
  Events: 'contact-events',
  'Pages viewed': 'contact-pages',
  'Other conversations': 'contact-conversations',
} as const;
/** A section of the pane by its heading. */
const section = (title: keyof typeof SECTIONS) =>
  document.querySelector<HTMLElement>(`section[aria-labelledby="${SECTIONS[title]}"]`)!;

describe('the contact pane', () => {
  it('shows who the visitor is, their attributes, events, pages (repeats folded) and their other conversations', async () => {
    const visitor = await bootVisitor('contact-app', {
      identity: { user_id: 'u-42', email: 'ada@example.com' },
      attributes: {
        name: 'Ada Visitor',
        phone: '+44 20 7946 0958',
        company: { company_id: 'co-1', name: 'Analytical Engines', plan: 'pro', custom_attributes: { seats: 12 } },
        custom_attributes: { plan: 'gold', trial: false, score: 7.5, referrer: null },
      },
      page: { url: 'https://shop.example/pricing', title: 'Pricing' },
    });
    await visitor.update({ page: { url: 'https://shop.example/pricing', title: 'Pricing' } });
    await visitor.update({ page: { url: 'https://shop.example/checkout', title: 'Checkout' } });
    await visitor.update({ page: { url: 'https://shop.example/pricing', title: 'Pricing, again' } });
    await visitor.track([{ name: 'signed-up', metadata: { source: 'ad', paid: true } }, { name: 'checkout' }]);
    const first = await visitor.write('Where is my order?');
    const second = await visitor.write('And the invoice?');

    const target = show({ appId: 'contact-app', contactId: visitor.contactId, conversationId: first });
    await waitFor(() => target.querySelector('.contact-name'), 'the contact');

    expect(target.querySelector('.contact-name')!.textContent).toBe('Ada Visitor');
    expect(target.querySelector('.contact-email')!.textContent).toContain('ada@example.com');
    expect(target.querySelector('.contact-user-id')!.textContent).toBe('u-42');
    expect(target.querySelector('.contact-company')!.textContent).toBe('Analytical Engines');
    expect(target.querySelector('.first-seen time')!.textContent).toBe('now');
    expect(target.querySelector('.last-seen')).not.toBeNull();

    const attributes = section('Attributes').textContent!;
    for (const text of ['plan', 'gold', 'trial', 'false', 'score', '7.5', 'referrer', '—'])
      expect(attributes).toContain(text);
    const company = section('Company').textContent!;
    for (const text of ['co-1', 'pro', 'seats', '12']) expect(company).toContain(text);

    const events = section('Events');
    expect([...events.querySelectorAll('.event-name')].map((e) => e.textContent)).toEqual(
      expect.arrayContaining(['signed-up', 'checkout']),
    );
    const signedUp = [...events.querySelectorAll('.event')].find((e) => e.textContent!.includes('signed-up'))!;
    expect(signedUp.textContent).toContain('source');
    expect(signedUp.textContent).toContain('ad');
    expect(signedUp.textContent).toContain('paid');

    // Three views of the pricing page are one row, titled by the latest view, counted; newest first.
    const pages = [...section('Pages viewed').querySelectorAll('.page-visit')];
    expect(pages).toHaveLength(2);
    expect(pages[0]!.textContent).toContain('Pricing, again');
    expect(pages[0]!.querySelector('.badge')!.textContent).toBe('×3');
    expect(pages[0]!.querySelector('a')!.getAttribute('href')).toBe('https://shop.example/pricing');
    expect(pages[0]!.querySelector('a')!.getAttribute('rel')).toBe('noopener noreferrer');
    expect(pages[1]!.textContent).toContain('Checkout');
    expect(pages[1]!.querySelector('.badge')).toBeNull();

    // The other conversation, not the open one, links into the conversations screen.
    const others = [...section('Other conversations').querySelectorAll('a.other')];
    expect(others.map((a) => a.getAttribute('href'))).toEqual([`/inbox/contact-app/conversations/${second}`]);
    expect(others[0]!.textContent).toContain('And the invoice?');
  });

  it("lists the contact's new conversation as it starts, from the team stream", async () => {
    const visitor = await bootVisitor('contact-live');
    const first = await visitor.write('First question');
    const target = show({ appId: 'contact-live', contactId: visitor.contactId, conversationId: first });
    await waitFor(() => section('Other conversations')?.textContent?.includes('No other conversations'), 'the pane');
    const stream = openTeamStream('contact-live');
    try {
      await waitFor(() => stream.connected, 'the team stream');
      const other = await bootVisitor('contact-live');
      await other.write('Someone else');
      const second = await visitor.write('Second question');
      const link = await waitFor(
        () => target.querySelector(`a.other[href="/inbox/contact-live/conversations/${second}"]`),
        'the new conversation',
      );
      expect(link.textContent).toContain('Second question');
      expect(target.querySelectorAll('a.other')).toHaveLength(1);
    } finally {
      stream.close();
    }
  });

  it('without an EventSource the pane still shows the contact, with one [Confab] warning', async () => {
    const visitor = await bootVisitor('contact-app', { attributes: { name: 'No Stream' } });
    const conversation = await visitor.write('Hello');
    useEventSourceFactory(() => {
      throw new ReferenceError('EventSource is not defined');
    });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const pane = show({ appId: 'contact-app', contactId: visitor.contactId, conversationId: conversation });
      await waitFor(() => pane.querySelector('.contact-name'), 'the contact');
      expect(pane.querySelector('.contact-name')!.textContent).toBe('No Stream');
      expect(warn.mock.calls.filter(([message]) => String(message).startsWith('[Confab]'))).toHaveLength(1);
    } finally {
      warn.mockRestore();
    }
  });

  it('a lead with nothing yet: named as a visitor, no other conversations, no events, no pages', async () => {
    const lead = await bootVisitor('contact-app');
    const only = await lead.write('Hi');
    const target = show({ appId: 'contact-app', contactId: lead.contactId, conversationId: only });
    await waitFor(() => target.querySelector('.contact-name'), 'the lead');
    expect(target.querySelector('.contact-name')!.textContent).toBe('Visitor');
    expect(section('Other conversations').textContent).toContain('No other conversations');
    expect(section('Events').textContent).toContain('No events tracked');
    expect(section('Pages viewed').textContent).toContain('No pages viewed');
    expect(section('Attributes').textContent).toContain('No custom attributes');
  });

  it('a contact of an app the teammate does not reach is not shown: the refusal is', async () => {
    const visitor = await bootVisitor('contact-private');
    const conversation = await visitor.write('Private');
    await session.signOut();
    const alan = await addTeammate({ role: 'agent', apps: ['contact-app'] });
    await session.signIn(alan.email, alan.password);
    const target = show({ appId: 'contact-private', contactId: visitor.contactId, conversationId: conversation });
    const alert = await waitFor(() => target.querySelector('[role="alert"]'), 'the refusal');
    expect(alert.textContent).toContain('cannot be shown');
    expect(target.textContent).not.toContain('Private');
  });

  it('attack: markup in names, attributes, company, event names and metadata, page titles and URLs stays text and never runs', async () => {
    const custom: Record<string, string> = {};
    xssCorpus.forEach((payload, index) => {
      custom[`${index} ${payload}`.slice(0, 190)] = payload;
    });
    const visitor = await bootVisitor('contact-app', {
      identity: { user_id: xssCorpus[1], email: 'x@example.com' },
      attributes: {
        name: xssCorpus[0],
        avatar: { type: 'avatar', image_url: 'javascript:window.__xss=99' },
        company: { company_id: xssCorpus[5], name: xssCorpus[2], custom_attributes: { note: xssCorpus[3] } },
        custom_attributes: custom,
      },
      page: { url: 'javascript:window.__xss=8', title: xssCorpus[6] },
    });
    await visitor.update({ page: { url: xssCorpus[14]!, title: xssCorpus[10] } });
    await visitor.track(
      xssCorpus.slice(0, 10).map((payload, index) => ({
        name: payload.slice(0, 180),
        metadata: { [`k${index} ${payload}`.slice(0, 90)]: payload },
      })),
    );
    const conversation = await visitor.write(xssCorpus[4]!);
    await visitor.write(xssCorpus[13]!);

    const target = show({ appId: 'contact-app', contactId: visitor.contactId, conversationId: conversation });
    await waitFor(() => target.querySelector('.contact-name'), 'the contact');
    byText('button', 'Show all')?.click();
    flushSync();

    expect(target.querySelector('.contact-name')!.textContent).toBe(xssCorpus[0]);
    expect(target.querySelector('.contact-user-id')!.textContent).toBe(xssCorpus[1]);
    expect(target.querySelector('.contact-company')!.textContent).toBe(xssCorpus[2]);
    const text = target.textContent!;
    for (const payload of xssCorpus.slice(0, 10)) expect(text).toContain(payload);
    // No element came from the data: only the pane's own.
    expect(
      target.querySelectorAll('script, iframe, object, svg, math, style, template, details, input, body'),
    ).toHaveLength(0);
    expect([...target.querySelectorAll('img')].every((img) => /^https?:/.test(img.getAttribute('src') ?? ''))).toBe(
      true,
    );
    for (const anchor of target.querySelectorAll('a')) {
      const href = anchor.getAttribute('href')!;
      expect(href.startsWith('/inbox/') || /^https?:\/\//.test(href)).toBe(true);
    }
    const elements = [...target.querySelectorAll('*')];
    expect(
      elements.filter((element) => [...element.attributes].some((attribute) => attribute.name.startsWith('on'))),
    ).toEqual([]);
    expect(flags.__xss).toBeUndefined();
  });
});
