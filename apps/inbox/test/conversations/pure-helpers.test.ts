// The conversations screen's pure helpers: snooze presets from a clock, the typing throttle, the
// list's window, the title's unread count and what calls for a desktop notification, drafts, the
// client ids of sends.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { newClientId } from '../../src/conversations/client-id';
import { Drafts } from '../../src/conversations/drafts';
import { attentionFor, titleWithUnread } from '../../src/conversations/notifications';
import { laterToday, nextWeek, snoozePresets, tomorrow } from '../../src/conversations/snooze-presets';
import type { TeamConversation, TeamStreamEvent } from '../../src/conversations/types';
import { typingThrottle } from '../../src/conversations/typing-throttle';
import { nearEnd, visibleRange } from '../../src/conversations/windowing';

const local = (y: number, m: number, d: number, h = 0, min = 0) => new Date(y, m - 1, d, h, min).getTime();

describe('snooze presets', () => {
  it('later today is three hours on, at the next full hour', () => {
    expect(laterToday(local(2026, 12, 3, 10, 20))).toBe(local(2026, 12, 3, 14, 0));
    expect(laterToday(local(2026, 12, 3, 10, 0))).toBe(local(2026, 12, 3, 13, 0));
  });
  it('tomorrow is the next morning at 9, across a month end', () => {
    expect(tomorrow(local(2026, 12, 3, 23, 50))).toBe(local(2026, 12, 4, 9));
    expect(tomorrow(local(2026, 11, 30, 8))).toBe(local(2026, 12, 1, 9));
  });
  it('next week is the next Monday at 9, a full week on from a Monday', () => {
    // 2026-12-03 is a Thursday; 2026-12-07 a Monday.
    expect(nextWeek(local(2026, 12, 3, 15))).toBe(local(2026, 12, 7, 9));
    expect(nextWeek(local(2026, 12, 7, 8))).toBe(local(2026, 12, 14, 9));
    expect(nextWeek(local(2026, 12, 6, 22))).toBe(local(2026, 12, 7, 9));
  });
  it('every preset is in the future', () => {
    const now = local(2026, 12, 3, 23, 59);
    for (const preset of snoozePresets(now)) expect(preset.until).toBeGreaterThan(now);
  });
});

describe('typing throttle', () => {
  it('sends at most once per interval, and again at once after a reset', () => {
    let now = 1_000;
    let sent = 0;
    const throttle = typingThrottle(
      () => sent++,
      () => now,
      3_000,
    );
    throttle.typed();
    now += 1_000;
    throttle.typed();
    now += 1_999;
    throttle.typed();
    expect(sent).toBe(1);
    now += 1;
    throttle.typed();
    expect(sent).toBe(2);
    throttle.reset();
    throttle.typed();
    expect(sent).toBe(3);
  });
});

describe('windowed list', () => {
  it('renders the rows in view and a margin, never past the ends', () => {
    expect(visibleRange({ scrollTop: 0, viewportHeight: 600, rowHeight: 60, count: 10_000, overscan: 5 })).toEqual({
      start: 0,
      end: 16,
    });
    expect(visibleRange({ scrollTop: 60_000, viewportHeight: 600, rowHeight: 60, count: 10_000, overscan: 5 })).toEqual(
      {
        start: 995,
        end: 1016,
      },
    );
    expect(
      visibleRange({ scrollTop: 600_000, viewportHeight: 600, rowHeight: 60, count: 10_000, overscan: 5 }),
    ).toEqual({
      start: 9995,
      end: 10_000,
    });
    expect(visibleRange({ scrollTop: 0, viewportHeight: 600, rowHeight: 60, count: 0 })).toEqual({ start: 0, end: 0 });
  });
  it('asks for the next page near the end of the loaded rows', () => {
    expect(nearEnd({ scrollTop: 0, viewportHeight: 600, rowHeight: 60, count: 50 })).toBe(false);
    expect(nearEnd({ scrollTop: 1_800, viewportHeight: 600, rowHeight: 60, count: 50 })).toBe(true);
  });
});

const conversation = (id: string, assignee: string | null): TeamConversation => ({
  id,
  state: 'open',
  created_at: 1,
  updated_at: 1,
  activity_at: 1,
  unread_count: 0,
  assignee_id: assignee,
  unread: true,
  contact: { id: 'c', role: 'user', name: 'Grace' },
});

describe('notifications', () => {
  it('counts unread in the title', () => {
    expect(titleWithUnread('Inbox', 0)).toBe('Inbox');
    expect(titleWithUnread('Inbox', 3)).toBe('(3) Inbox');
    expect(titleWithUnread('Inbox', 250)).toBe('(99+) Inbox');
  });
  it('calls for attention on a new conversation and on a visitor message in mine only', () => {
    const known = new Map([
      ['mine', conversation('mine', 'me')],
      ['theirs', conversation('theirs', 'other')],
    ]);
    const find = (id: string) => known.get(id);
    const created: TeamStreamEvent = { id: '1', type: 'conversation.created', conversation: conversation('new', null) };
    expect(attentionFor(created, 'me', find)).toMatchObject({
      conversationId: 'new',
      title: 'New conversation: Grace',
    });
    const message = (conversationId: string, author: 'person' | 'team'): TeamStreamEvent => ({
      id: '2',
      type: 'message',
      conversation_id: conversationId,
      message: { id: 'm', conversation_id: conversationId, author, body: 'Help', created_at: 2 },
    });
    expect(attentionFor(message('mine', 'person'), 'me', find)).toMatchObject({ title: 'Grace', body: 'Help' });
    expect(attentionFor(message('mine', 'team'), 'me', find)).toBeUndefined();
    expect(attentionFor(message('theirs', 'person'), 'me', find)).toBeUndefined();
    expect(attentionFor(message('unknown', 'person'), 'me', find)).toBeUndefined();
  });
});

describe('drafts', () => {
  it('keeps a draft per conversation in localStorage, and forgets an empty one', () => {
    localStorage.clear();
    const drafts = new Drafts('acme', localStorage);
    drafts.set('c1', { body: 'half a reply', mode: 'reply' });
    drafts.set('c2', { body: 'a note', mode: 'note' });
    const reloaded = new Drafts('acme', localStorage);
    expect(reloaded.get('c1')).toEqual({ body: 'half a reply', mode: 'reply' });
    expect(reloaded.get('c2')).toEqual({ body: 'a note', mode: 'note' });
    expect(new Drafts('other-app', localStorage).get('c1')).toEqual({ body: '', mode: 'reply' });
    reloaded.clear('c1');
    expect(new Drafts('acme', localStorage).get('c1')).toEqual({ body: '', mode: 'reply' });
    expect(localStorage.length).toBe(1);
  });
  it('ignores a foreign value and survives a storage that refuses', () => {
    localStorage.clear();
    localStorage.setItem('confab.inbox.draft:acme:c1', '{"body":42}');
    expect(new Drafts('acme', localStorage).get('c1')).toEqual({ body: '', mode: 'reply' });
    const refusing = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('quota');
      },
      removeItem: () => {},
    };
    const drafts = new Drafts('acme', refusing);
    drafts.set('c1', { body: 'kept in memory', mode: 'reply' });
    expect(drafts.get('c1')).toEqual({ body: 'kept in memory', mode: 'reply' });
  });
});

describe('client ids', () => {
  afterEach(() => vi.unstubAllGlobals());
  const uuidV4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

  it('are version-4 UUIDs, a new one each time', () => {
    const made = new Set(Array.from({ length: 50 }, newClientId));
    expect(made.size).toBe(50);
    for (const id of made) expect(id).toMatch(uuidV4);
  });

  it('are made without crypto.randomUUID, which a page served over plain http lacks', () => {
    const { crypto } = globalThis;
    vi.stubGlobal('crypto', { getRandomValues: crypto.getRandomValues.bind(crypto) });
    expect(globalThis.crypto.randomUUID).toBeUndefined();
    const made = new Set(Array.from({ length: 50 }, newClientId));
    expect(made.size).toBe(50);
    for (const id of made) expect(id).toMatch(/^[0-9a-f]{32}$/);
  });
});
