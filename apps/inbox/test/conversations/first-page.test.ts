// The conversation list's first page asked for beside GET /api/v1/me when the inbox opens on an
// app's URL in a browser that has signed in before (it remembers an app): the two requests overlap,
// the list shows only once /me has said who is signed in, and signed out nothing but the login page
// shows. A browser that never signed in asks for /me alone (test/login.test.ts).
import { flushSync } from 'svelte';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { useEventSourceFactory } from '../../src/api/team-stream';
import { session } from '../../src/session.svelte';
import { byText, waitFor } from '../dom';
import { openInbox } from '../mount-inbox';
import { NodeEventSource } from '../node-event-source';
import { openPage } from '../real-server';
import { addTeammate, addVisitor, type RealServer, realServer, type Teammate } from './real-server';

let real: RealServer;
let ann: Teammate;

beforeAll(async () => {
  real = realServer();
  ann = await addTeammate(real, 'agent', 'Ann First');
  useEventSourceFactory(
    (url) =>
      new NodeEventSource(`${real.url}${url}`, { authorization: `Bearer ${ann.token}` }) as unknown as EventSource,
  );
});

/** Every request the page makes and every answer it gets, in order (passed on unchanged). */
function watchRequests(): string[] {
  const seen: string[] = [];
  const pageFetch = window.fetch;
  window.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), location.href);
    const name = `${init?.method ?? 'GET'} ${url.pathname}`;
    seen.push(`ask ${name}`);
    const response = await pageFetch(input, init);
    seen.push(`answer ${name} ${response.status}`);
    return response;
  };
  onTestFinished(() => {
    window.fetch = pageFetch;
  });
  return seen;
}

/** A page load in a browser holding the session's cookie: the inbox does not know yet who it is. */
async function cookieOnly(): Promise<void> {
  await session.signIn(ann.email, ann.password);
  session.teammate = null;
  session.status = 'unknown';
}

const LIST = 'GET /api/v1/apps/acme/conversations';
const ME = 'GET /api/v1/me';

describe('the first page of the list', () => {
  it('is asked for before /me answers, once, when this browser has signed in before', async () => {
    const visitor = await addVisitor(real, 'Parallel Pat');
    const id = await visitor.start('Both at once?');
    openPage('/inbox/acme');
    await cookieOnly();
    localStorage.setItem('confab.inbox.last-app', 'acme');
    const seen = watchRequests();
    openInbox('/inbox/acme');
    await waitFor(() => document.querySelector(`a[data-conversation-id="${id}"]`), 'the conversation in the list');
    const asked = seen.filter((entry) => entry.startsWith('ask '));
    expect(asked.filter((entry) => entry === `ask ${LIST}`)).toHaveLength(1);
    expect(seen).toContain(`answer ${ME} 200`);
    expect(seen.indexOf(`ask ${LIST}`)).toBeLessThan(seen.indexOf(`answer ${ME} 200`));
  });

  it('signed out, shows nothing but the login page (the early request is refused and dropped)', async () => {
    const visitor = await addVisitor(real, 'Hidden Hal');
    await visitor.start('Nobody may see this');
    localStorage.setItem('confab.inbox.last-app', 'acme');
    const seen = watchRequests();
    openInbox('/inbox/acme');
    await waitFor(() => byText('h1', 'Sign in to Confab'), 'the login page');
    await waitFor(() => seen.includes(`answer ${LIST} 401`), "the list's refusal");
    flushSync();
    expect(byText('h1', 'Sign in to Confab')).toBeDefined();
    expect(document.querySelector('a[data-conversation-id], nav, main#main')).toBeNull();
    expect(document.body.textContent).not.toContain('Hidden Hal');
    expect(new Set(seen.filter((entry) => entry.startsWith('ask ')))).toEqual(new Set([`ask ${ME}`, `ask ${LIST}`]));
  });

  it('is not asked for early on a route that names no app', async () => {
    openPage('/inbox/settings');
    await cookieOnly();
    localStorage.setItem('confab.inbox.last-app', 'acme');
    const seen = watchRequests();
    openInbox('/inbox/settings');
    await waitFor(() => byText('h1', 'Settings'), 'the settings');
    expect(seen.filter((entry) => entry.includes('/conversations'))).toEqual([]);
  });
});
