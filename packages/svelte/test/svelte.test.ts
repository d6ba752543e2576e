import { createTestWorld } from '@confab/adapter-suite';
import { clearPage } from '@confab/adapter-suite/page';
import type { MemoryServer, SimulatedClock } from '@confab/core/testing';
import { flushSync, mount, tick, unmount } from 'svelte';
import { get } from 'svelte/store';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type ConfabIntercom, createIntercom } from '../src';
import App from './App.svelte';
import NoIntercom from './NoIntercom.svelte';

interface Running {
  intercom: ConfabIntercom;
  server: MemoryServer;
  clock: SimulatedClock;
  warnings: string[];
  target: HTMLElement;
  component: ReturnType<typeof mount> | null;
  settle(): Promise<void>;
}

let current: Running | null = null;
afterEach(() => {
  if (current?.component) unmount(current.component);
  current?.intercom.destroy();
  current = null;
});

function start(
  options: { boot?: Record<string, unknown>; custom?: boolean; render?: boolean; target?: () => HTMLElement } = {},
): Running {
  clearPage();
  const { clock, server, warnings, options: world } = createTestWorld();
  const intercom = createIntercom({ ...(options.boot ?? {}), autoBoot: options.boot !== undefined, ...world });
  const target = options.target?.() ?? document.body.appendChild(document.createElement('div'));
  const component =
    options.render === false ? null : mount(App, { target, props: { intercom, custom: options.custom ?? false } });
  flushSync();
  current = {
    intercom,
    server,
    clock,
    warnings,
    target,
    component,
    async settle() {
      await clock.settle();
      await tick();
      flushSync();
    },
  };
  return current;
}

const part = (r: Running, name: string) =>
  r.target.querySelector<HTMLElement>(`[data-scope="confab"][data-part="${name}"]`);

// Shared with every adapter (state, logout/login, the end, snippets): @confab/adapter-suite, run
// by adapter-suite.test.ts. Here: what only the Svelte adapter has.
describe('createIntercom()', () => {
  it('from plain TypeScript: every command is a function, the stores follow the messenger', async () => {
    const r = start({ boot: { app_id: 'acme', user_id: 'u1' }, render: false });
    const { intercom } = r;
    const seen: boolean[] = [];
    const stop = intercom.isOpen.subscribe((open) => seen.push(open));
    expect(get(intercom.isBooted)).toBe(false);
    await r.settle();
    expect(get(intercom.isBooted)).toBe(true);
    expect(get(intercom.visitorId)).toMatch(/^[0-9a-f-]{36}$/);
    intercom.showMessages();
    await r.settle();
    expect([get(intercom.isOpen), get(intercom.view)]).toEqual([true, 'messages']);
    intercom.hide();
    await r.settle();
    expect(seen, 'a store tells only changes').toEqual([false, true, false]);
    stop();
    for (let i = 0; i < 21; i++) intercom.update({ plan: `p${i}` });
    await r.settle();
    expect(get(intercom.isThrottled)).toBe(true);
    (intercom.trackEvent as (name: unknown) => void)('');
    expect(r.warnings).toEqual([expect.stringContaining("Intercom('trackEvent')")]);
  });

  it('from a component with runes: $store values render and follow', async () => {
    const r = start({ boot: { app_id: 'acme', user_id: 'u1' } });
    expect(r.target.querySelector('.summary')!.textContent).toBe('not booted, 0 unread');
    await r.settle();
    expect(r.target.querySelector('.summary')!.textContent).toBe('booted, 0 unread');
    r.intercom.startConversation('Hello');
    await r.settle();
    const id = r.server.conversationsOf(r.server.people()[0]!.id)[0]!.id;
    r.intercom.hide();
    await r.settle();
    r.server.team.reply(id, 'Hi');
    await r.settle();
    expect(r.target.querySelector('.summary')!.textContent).toBe('booted, 1 unread');
    expect(part(r, 'badge')!.textContent).toBe('1');
  });

  it('destroy() stops the messenger: the stream closes and the commands do nothing more', async () => {
    const r = start({ boot: { app_id: 'acme', user_id: 'u1' }, render: false });
    await r.settle();
    expect(r.server.streamCount()).toBe(1);
    r.intercom.destroy();
    await r.settle();
    expect(r.server.streamCount()).toBe(0);
    const calls = r.server.calls();
    r.intercom.update({ plan: 'after destroy' });
    r.intercom.trackEvent('after-destroy');
    await r.settle();
    expect(r.server.calls()).toEqual(calls);
    expect(typeof r.intercom.onShow(() => {})).toBe('function');
  });
});

describe('<ConfabMessenger>', () => {
  it('in a shadow root: adopts the stylesheet there, removed with the component, and returns focus inside it', async () => {
    const help = document.createElement('button');
    let shadow!: ShadowRoot;
    const target = () => {
      shadow = document.body.appendChild(document.createElement('my-widget')).attachShadow({ mode: 'open' });
      const element = document.createElement('div');
      shadow.append(element, help);
      return element;
    };
    const r = start({ boot: { app_id: 'acme', user_id: 'u1' }, target });
    await r.settle();
    expect(shadow.adoptedStyleSheets).toHaveLength(1);
    expect(document.adoptedStyleSheets).toHaveLength(0);
    expect(getComputedStyle(part(r, 'launcher')!).position).toBe('fixed');

    help.focus();
    r.intercom.show();
    await r.settle();
    expect(shadow.activeElement?.getAttribute('data-part')).toBe('closeButton');
    shadow.activeElement!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }));
    await r.settle();
    expect(shadow.activeElement, 'back where it came from').toBe(help);

    unmount(r.component!);
    r.component = null;
    expect(shadow.adoptedStyleSheets, 'removed with the last component').toHaveLength(0);
  });

  it('without its intercom prop: one warning naming it, nothing rendered, the page renders', () => {
    clearPage();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const target = document.createElement('div');
    document.body.append(target);
    const component = mount(NoIntercom, { target });
    flushSync();
    expect(warn.mock.calls).toEqual([[expect.stringContaining('intercom')]]);
    warn.mockRestore();
    expect(target.querySelector('.page')!.textContent).toBe('page content');
    expect(target.querySelector('[data-scope="confab"]')).toBeNull();
    unmount(component);
  });
});
