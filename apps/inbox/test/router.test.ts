import { describe, expect, it } from 'vitest';
import { inboxPath, parseRoute } from '../src/router.svelte';

describe('parseRoute', () => {
  it('names every route of the inbox', () => {
    expect(parseRoute('/inbox')).toEqual({ name: 'home' });
    expect(parseRoute('/inbox/')).toEqual({ name: 'home' });
    expect(parseRoute('/inbox/login')).toEqual({ name: 'login' });
    expect(parseRoute('/inbox/set-password')).toEqual({ name: 'set-password' });
    expect(parseRoute('/inbox/settings')).toEqual({ name: 'settings' });
    expect(parseRoute('/inbox/admin/teammates')).toEqual({ name: 'teammates' });
    expect(parseRoute('/inbox/admin/saved-replies')).toEqual({ name: 'saved-replies' });
    expect(parseRoute('/inbox/acme')).toEqual({ name: 'conversations', appId: 'acme' });
    expect(parseRoute('/inbox/acme/conversations/c-1')).toEqual({
      name: 'conversations',
      appId: 'acme',
      conversationId: 'c-1',
    });
  });

  it('decodes ids and round-trips them through inboxPath', () => {
    const path = inboxPath('app/with slash', 'conversations', 'id?#%');
    expect(path).toBe('/inbox/app%2Fwith%20slash/conversations/id%3F%23%25');
    expect(parseRoute(path)).toEqual({ name: 'conversations', appId: 'app/with slash', conversationId: 'id?#%' });
  });

  it('answers not-found for anything else, malformed escapes included', () => {
    for (const path of [
      '/',
      '/inboxes',
      '/inbox/admin',
      '/inbox/admin/other',
      '/inbox/acme/other/x',
      '/inbox/a/b/c/d',
      '/inbox/%E0%A4%A',
    ]) {
      expect(parseRoute(path), path).toEqual({ name: 'not-found' });
    }
  });
});
