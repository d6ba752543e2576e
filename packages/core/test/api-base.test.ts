// Which server Confab talks to: Intercom's own hosts count as absent (an Intercom client writes them
// whatever the page passed), confab_api_base names the server first, and a boot naming another
// server for the same person boots there.
import { describe, expect, it } from 'vitest';
import type { Transport } from '../src';
import { createApiBaseResolver, isIntercomHost } from '../src/commands/api-base';
import { parseSettings } from '../src/commands/settings';
import { createHarness } from '../src/testing';

describe('isIntercomHost', () => {
  it.each([
    'https://api-iam.intercom.io',
    'https://api-iam.eu.intercom.io',
    'https://api-iam.au.intercom.io/',
    'https://widget.intercom.io/widget/acme',
    'https://INTERCOM.com',
    'https://js.intercomcdn.com',
  ])('%s is Intercom', (url) => expect(isIntercomHost(url)).toBe(true));

  it.each([
    'https://chat.example.com',
    'https://intercom.io.example.com',
    'https://myintercom.io',
    'http://127.0.0.1:8080',
    'not a url',
  ])('%s is not', (url) => expect(isIntercomHost(url)).toBe(false));
});

describe('the server order', () => {
  const resolverOver = (candidates: unknown[]) => {
    const warnings: string[] = [];
    const resolve = createApiBaseResolver(
      () => candidates,
      () => 'https://shop.example',
      { warn: (m) => warnings.push(m) },
    );
    return { resolve, warnings };
  };

  it('the first candidate that names a server, else the last resort; no warning when none names Intercom', () => {
    expect(resolverOver([undefined, 'https://chat.example.com', 'https://other.example']).resolve()).toBe(
      'https://chat.example.com',
    );
    const { resolve, warnings } = resolverOver([undefined, 42, '', null]);
    expect(resolve()).toBe('https://shop.example');
    expect(warnings).toEqual([]);
  });

  it('passes over Intercom’s hosts with one warning per value, naming the server used instead, however often it is asked', () => {
    const { resolve, warnings } = resolverOver([
      'https://api-iam.intercom.io',
      'https://api-iam.intercom.io',
      'https://api-iam.eu.intercom.io',
      'https://chat.example.com',
    ]);
    for (let i = 0; i < 5; i++) expect(resolve()).toBe('https://chat.example.com');
    expect(warnings).toEqual([
      "[Confab] api_base https://api-iam.intercom.io is Intercom's: using https://chat.example.com (see confab_api_base)",
      "[Confab] api_base https://api-iam.eu.intercom.io is Intercom's: using https://chat.example.com (see confab_api_base)",
    ]);
  });

  it('a candidate before the Intercom host ends the search: nothing to warn about', () => {
    const { resolve, warnings } = resolverOver(['https://chat.example.com', 'https://api-iam.intercom.io']);
    expect(resolve()).toBe('https://chat.example.com');
    expect(warnings).toEqual([]);
  });
});

describe('settings naming the server', () => {
  it('confab_api_base wins over api_base; neither, nor the SDK’s installation_type, is an attribute of the person', () => {
    const parsed = parseSettings({
      app_id: 'acme',
      api_base: 'https://api-iam.intercom.io',
      confab_api_base: 'https://chat.example.com',
      installation_type: 'npm-package',
    });
    expect(parsed).toEqual({
      ok: true,
      value: expect.objectContaining({ api_base: 'https://chat.example.com', attributes: {} }),
    });
  });

  it('confab_api_base must be an absolute URL', () => {
    expect(parseSettings({ confab_api_base: 'chat.example.com' })).toEqual({
      ok: false,
      problem: expect.stringContaining('settings.confab_api_base'),
    });
  });
});

describe('a boot for the same person', () => {
  function countingBoots(options: { hangFirst?: boolean } = {}) {
    const servers: Array<string | undefined> = [];
    let h: ReturnType<typeof createHarness>;
    h = createHarness({
      transport: (base): Transport => ({
        ...base,
        boot: (request) => {
          servers.push(h.messenger.getSnapshot().context.settings?.api_base);
          return options.hangFirst && servers.length === 1 ? new Promise(() => {}) : base.boot(request);
        },
      }),
    });
    return { h, servers };
  }

  it('naming another server boots again, there; naming none or Intercom’s host keeps the server and sends nothing', async () => {
    const { h, servers } = countingBoots();
    h.Intercom('boot', { app_id: 'acme', user_id: 'ada', api_base: 'https://api-iam.intercom.io' });
    await h.clock.settle();
    h.Intercom('boot', { app_id: 'acme', user_id: 'ada' });
    h.Intercom('boot', { app_id: 'acme', user_id: 'ada', api_base: 'https://api-iam.eu.intercom.io' });
    await h.clock.settle();
    expect(servers).toEqual(['https://api-iam.intercom.io']);
    h.Intercom('boot', { app_id: 'acme', user_id: 'ada', api_base: 'https://chat.example.com' });
    await h.clock.settle();
    expect(servers).toEqual(['https://api-iam.intercom.io', 'https://chat.example.com']);
    expect(h.view().lifecycle).toBe('booted');
  });

  it('while the first boot is still under way, naming another server boots there and keeps the calls waiting for the person', async () => {
    const { h, servers } = countingBoots({ hangFirst: true });
    const shown: string[] = [];
    h.Intercom('onShow', () => shown.push('show'));
    h.Intercom('boot', { app_id: 'acme', user_id: 'ada' });
    h.Intercom('show');
    await h.clock.settle();
    expect(h.view().lifecycle).toBe('booting');
    h.Intercom('boot', { app_id: 'acme', user_id: 'ada', api_base: 'https://chat.example.com' });
    await h.clock.settle();
    expect(servers).toEqual([undefined, 'https://chat.example.com']);
    expect(h.view().lifecycle).toBe('booted');
    expect(shown).toEqual(['show']);
    expect(h.warnings).toEqual([]);
  });
});
