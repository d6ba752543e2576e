import { describe, expect, it } from 'vitest';
import { createHarness } from '../src/testing';

// Each bad call: the exact rule it breaks, one warning, and no change to the state or the server.
const badCalls: Array<[string, unknown[], RegExp]> = [
  ['unknown command', ['launch'], /Intercom\('launch'\): unknown command; known commands are: boot, shutdown/],
  ['command not a string', [42], /Intercom\(42\): the command must be a string/],
  ['boot with an array', ['boot', []], /Intercom\('boot'\): settings must be a plain object/],
  ['boot with a string', ['boot', 'acme'], /Intercom\('boot'\): settings must be a plain object/],
  [
    'boot with two arguments',
    ['boot', { app_id: 'acme' }, {}],
    /Intercom\('boot'\): takes at most 1 argument \(got 2\)/,
  ],
  ['app_id with spaces', ['boot', { app_id: 'a b' }], /settings\.app_id must be 1 to 64 letters/],
  ['email not an email', ['boot', { app_id: 'acme', email: 'nope' }], /settings\.email must be an email address/],
  [
    'email not a string',
    ['boot', { app_id: 'acme', email: 5 }],
    /settings\.email is invalid \(Invalid type: Expected string but received 5\)/,
  ],
  [
    'empty user_id',
    ['boot', { app_id: 'acme', user_id: '  ' }],
    /settings\.user_id must be a non-empty string or a number/,
  ],
  ['user_hash not hex', ['boot', { app_id: 'acme', user_hash: 'xyz' }], /settings\.user_hash must be 64 hex digits/],
  [
    'intercom_user_jwt not a string',
    ['boot', { app_id: 'acme', intercom_user_jwt: 42 }],
    /settings\.intercom_user_jwt is invalid \(Invalid type: Expected string/,
  ],
  [
    'intercom_user_jwt not a JWT',
    ['update', { intercom_user_jwt: 'secret' }],
    /settings\.intercom_user_jwt must be a JWT \(header\.payload\.signature\)/,
  ],
  [
    'created_at a string',
    ['boot', { app_id: 'acme', created_at: 'yesterday' }],
    /settings\.created_at must be unix seconds/,
  ],
  ['alignment', ['boot', { app_id: 'acme', alignment: 'center' }], /settings\.alignment must be "left" or "right"/],
  ['padding negative', ['update', { vertical_padding: -5 }], /settings\.vertical_padding is invalid/],
  ['colour', ['update', { action_color: 'red;}' }], /settings\.action_color must be a CSS colour/],
  ['z_index fractional', ['update', { z_index: 1.5 }], /settings\.z_index must be an integer/],
  [
    'metadata value over 255 characters',
    ['trackEvent', 'e', { note: 'x'.repeat(256) }],
    /metadata\.note must be at most 255 characters/,
  ],
  ['z_index past 32 bits', ['update', { z_index: 1e30 }], /settings\.z_index must be at most 2147483647/],
  ['custom attribute object', ['update', { plan: { tier: 1 } }], /settings\.plan a custom attribute must be a string/],
  [
    'custom attribute name with a dot',
    ['update', { 'a.b': 1 }],
    /custom attribute name "a\.b" must be 1 to 190 characters/,
  ],
  ['custom attribute too long', ['update', { bio: 'x'.repeat(256) }], /settings\.bio must be at most 255 characters/],
  ['company without id', ['update', { company: { name: 'Acme' } }], /settings\.company a company needs a company_id/],
  ['update with a number', ['update', 3], /Intercom\('update'\): settings must be a plain object/],
  ['shutdown with an argument', ['shutdown', true], /Intercom\('shutdown'\): takes no arguments \(got 1\)/],
  ['show with an argument', ['show', 'messages'], /Intercom\('show'\): takes no arguments/],
  ['hide with an argument', ['hide', 1], /Intercom\('hide'\): takes no arguments/],
  ['showMessages with an argument', ['showMessages', 1], /Intercom\('showMessages'\): takes no arguments/],
  ['showNewMessage with a number', ['showNewMessage', 7], /Intercom\('showNewMessage'\): prefill must be a string/],
  ['showNewMessage too long', ['showNewMessage', 'x'.repeat(10_001)], /prefill must be at most 10000 characters/],
  [
    'showSpace unknown',
    ['showSpace', 'help'],
    /Intercom\('showSpace'\): space must be "home" or "messages" \(got "help"\)/,
  ],
  ['showSpace missing', ['showSpace'], /space must be "home" or "messages" \(got undefined\)/],
  ['showConversation missing', ['showConversation'], /conversationId must be a non-empty string or an integer/],
  [
    'startConversation empty',
    ['startConversation', '   '],
    /Intercom\('startConversation'\): message must not be empty/,
  ],
  ['startConversation not a string', ['startConversation', {}], /message must be a string/],
  ['onShow without a function', ['onShow', 'alert(1)'], /Intercom\('onShow'\): callback must be a function/],
  ['onHide without a function', ['onHide'], /Intercom\('onHide'\): callback must be a function/],
  ['onUnreadCountChange with an object', ['onUnreadCountChange', {}], /callback must be a function/],
  [
    'onUserEmailSupplied two functions',
    ['onUserEmailSupplied', () => {}, () => {}],
    /takes at most 1 argument \(got 2\)/,
  ],
  ['trackEvent without a name', ['trackEvent'], /Intercom\('trackEvent'\): event name must be a string/],
  ['trackEvent empty name', ['trackEvent', '   '], /event name must not be empty/],
  ['trackEvent long name', ['trackEvent', 'e'.repeat(256)], /event name must be at most 255 characters/],
  ['trackEvent metadata array', ['trackEvent', 'x', [1]], /metadata must be a plain object/],
  [
    'trackEvent metadata 21 keys',
    ['trackEvent', 'x', Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, i]))],
    /metadata must have at most 20 keys/,
  ],
  [
    'trackEvent metadata nested',
    ['trackEvent', 'x', { a: { b: 1 } }],
    /metadata\.a values must be strings, finite numbers, booleans or null/,
  ],
  [
    'trackEvent metadata NaN',
    ['trackEvent', 'x', { a: Number.NaN }],
    /metadata\.a values must be strings, finite numbers, booleans or null/,
  ],
  [
    'trackEvent metadata oversized',
    [
      'trackEvent',
      'x',
      Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`${'k'.repeat(240)}${i}`, 'x'.repeat(255)])),
    ],
    /metadata must serialise to at most 8192 bytes/,
  ],
  [
    'trackEvent metadata "__proto__" key',
    ['trackEvent', 'x', JSON.parse('{"__proto__":1}')],
    /metadata key "__proto__" is a reserved name/,
  ],
  [
    'trackEvent metadata "constructor" key',
    ['trackEvent', 'x', { constructor: 'x' }],
    /metadata key "constructor" is a reserved name/,
  ],
  ['custom attribute "constructor"', ['update', { constructor: 1 }], /settings\.constructor is a reserved name/],
  [
    'custom_attributes "__proto__"',
    ['update', { custom_attributes: JSON.parse('{"__proto__":1}') }],
    /settings\.custom_attributes\.__proto__ is a reserved name/,
  ],
  [
    'company "prototype"',
    ['update', { company: { company_id: 'c1', prototype: 1 } }],
    /settings\.company\.prototype is a reserved name/,
  ],
  ['trackEvent three arguments', ['trackEvent', 'x', {}, 1], /takes at most 2 arguments \(got 3\)/],
  ['getVisitorId with an argument', ['getVisitorId', 'x'], /Intercom\('getVisitorId'\): takes no arguments/],
];

describe('every bad call logs one warning naming the command and the rule, and changes nothing', () => {
  it.each(badCalls)('%s', async (_label, args, expected) => {
    const h = createHarness();
    h.Intercom('boot', { app_id: 'acme', user_id: 'u1' });
    await h.clock.settle();
    const before = h.messenger.getSnapshot();
    const callsBefore = h.server.calls();
    const storageBefore = h.storage.keys().map((key) => [key, h.storage.get(key)]);

    const result = (h.Intercom as unknown as (...a: unknown[]) => unknown)(...args);
    await h.clock.advance(60_000);

    expect(h.warnings).toHaveLength(1);
    expect(h.warnings[0]).toMatch(expected);
    expect(h.warnings[0]).toMatch(/The call was ignored\.$/);
    expect(h.messenger.getSnapshot().value).toEqual(before.value);
    expect(h.messenger.getSnapshot().context.settings).toEqual(before.context.settings);
    expect(h.server.calls()).toEqual(callsBefore);
    expect(h.storage.keys().map((key) => [key, h.storage.get(key)])).toEqual(storageBefore);
    expect(h.server.events()).toEqual([]);
    // A hook command answers even a bad call with a function, so `off()` never throws.
    if (typeof args[0] === 'string' && args[0].startsWith('on')) expect(typeof result).toBe('function');
  });

  it('never throws, whatever the host passes', () => {
    const h = createHarness();
    const hostile = [
      undefined,
      null,
      Symbol('x'),
      {
        toString: () => {
          throw new Error('boom');
        },
      },
      new Proxy(
        {},
        {
          get: () => {
            throw new Error('trap');
          },
          ownKeys: () => {
            throw new Error('trap');
          },
        },
      ),
    ];
    for (const a of hostile) {
      for (const b of hostile) {
        expect(() => (h.Intercom as unknown as (...x: unknown[]) => unknown)(a, b)).not.toThrow();
        expect(() => (h.Intercom as unknown as (...x: unknown[]) => unknown)('boot', b)).not.toThrow();
        expect(() => (h.Intercom as unknown as (...x: unknown[]) => unknown)('trackEvent', 'e', b)).not.toThrow();
      }
    }
    expect(h.messenger.getView().lifecycle).toBe('unbooted');
  });

  it('accepts what Intercom accepts: inline custom attributes, numeric user_id, dates, a company', async () => {
    const h = createHarness();
    h.Intercom('boot', {
      app_id: 'acme',
      user_id: 42,
      email: 'ada@example.com',
      created_at: new Date('2024-01-01T00:00:00Z'),
      plan: 'pro',
      seats: 3,
      trial: false,
      renewal: null,
      company: { id: 7, name: 'Acme', tier: 'gold' },
      horizontal_padding: 5,
      alignment: 'left',
      installation_type: 'js',
      last_request_at: 1704067200,
    });
    await h.clock.settle();
    expect(h.warnings).toEqual([]);
    const [person] = h.server.people();
    expect(person).toMatchObject({
      role: 'user',
      user_id: '42',
      email: 'ada@example.com',
      attributes: {
        created_at: 1704067200,
        custom_attributes: { plan: 'pro', seats: 3, trial: false, renewal: null },
        company: { company_id: '7', name: 'Acme', custom_attributes: { tier: 'gold' } },
      },
    });
    // Settings Intercom reads and Confab ignores (installation_type, last_request_at) are no attributes.
    expect(person!.attributes.custom_attributes).toEqual({ plan: 'pro', seats: 3, trial: false, renewal: null });
    // Intercom's minimum padding is 20px.
    expect(h.view().launcher).toMatchObject({ alignment: 'left', horizontalPadding: 20 });
  });

  it("takes what templates print for a visitor who is not logged in (user_id null, email ''), and numeric strings as times", async () => {
    const h = createHarness();
    h.Intercom('boot', {
      app_id: 'acme',
      user_id: null,
      email: '',
      user_hash: null,
      created_at: '1700000000',
      name: 'Guest',
    });
    await h.clock.settle();
    expect(h.warnings).toEqual([]);
    const [person] = h.server.people();
    expect(person).toMatchObject({ role: 'lead', attributes: { created_at: 1700000000, name: 'Guest' } });
    expect(person!.user_id).toBeUndefined();
    expect(person!.email).toBeUndefined();
  });

  it('boot with no app id anywhere is refused with a warning', async () => {
    const h = createHarness();
    h.Intercom('boot', { email: 'a@b.co' });
    await h.clock.settle();
    expect(h.warnings).toEqual([expect.stringMatching(/Intercom\('boot'\): settings\.app_id is required/)]);
    expect(h.view().lifecycle).toBe('unbooted');
  });
});
