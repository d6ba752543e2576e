import { createTestWorld } from '@confab/adapter-suite';
import { clearPage } from '@confab/adapter-suite/page';
import { StrictMode, useEffect, version } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfabMessenger, ConfabProvider, type ConfabProviderProps, type UseIntercom, useIntercom } from '../src';
import { rendered } from './rendered';

let root: Root | null = null;
afterEach(() => {
  root?.unmount();
  root = null;
});

/** An app with the provider, a component that keeps useIntercom()'s value, and the messenger. */
function start(
  props: Partial<ConfabProviderProps> = {},
  options: { strict?: boolean; effect?: (api: UseIntercom) => void } = {},
) {
  clearPage();
  const world = createTestWorld();
  const latest: { api: UseIntercom | null; renders: number } = { api: null, renders: 0 };
  // biome-ignore lint/correctness/noComponentHookFactories: a test's component closes over what the test records
  function Account() {
    const api = useIntercom();
    latest.api = api;
    latest.renders++;
    // react-use-intercom's README: boot from a component's effect, on mount.
    // biome-ignore lint/correctness/useExhaustiveDependencies: once, on mount, as the README does
    useEffect(() => options.effect?.(api), []);
    return <p className="summary">{`${api.isBooted ? 'booted' : 'not booted'}, ${api.unreadCount} unread`}</p>;
  }
  const element = document.body.appendChild(document.createElement('div'));
  root = createRoot(element);
  const app = (
    <ConfabProvider appId="acme" {...world.options} {...props}>
      <Account />
      <ConfabMessenger />
    </ConfabProvider>
  );
  root.render(options.strict ? <StrictMode>{app}</StrictMode> : app);
  const settle = async () => {
    await world.clock.settle();
    await rendered();
  };
  return { ...world, latest, element, settle, api: () => latest.api! };
}

it('runs on the React major this test run is for (React 19, and React 18 in the react-18 project)', () => {
  expect(version.split('.')[0]).toBe(process.env.CONFAB_REACT_MAJOR);
});

describe('<ConfabProvider> and useIntercom()', () => {
  it('boots from a component effect before the provider has started (the call waits), with react-use-intercom’s camelCase props', async () => {
    const r = start(
      {},
      {
        effect: (api) =>
          api.boot({
            userId: 'ada-1',
            email: 'ada@example.com',
            name: 'Ada',
            createdAt: 1_700_000_000,
            customAttributes: { plan: 'pro' },
            company: { companyId: 'acme-co', name: 'Acme', monthlySpend: 49 },
          }),
      },
    );
    await r.settle();
    expect(r.element.querySelector('.summary')!.textContent).toBe('booted, 0 unread');
    const [person] = r.server.people();
    expect(person).toMatchObject({ role: 'user', user_id: 'ada-1', email: 'ada@example.com', name: 'Ada' });
    expect(person!.attributes).toMatchObject({
      created_at: 1_700_000_000,
      custom_attributes: { plan: 'pro' },
      company: { company_id: 'acme-co', name: 'Acme', monthly_spend: 49 },
    });
    expect(r.warnings).toEqual([]);
  });

  it('autoBoot boots with autoBootProps; the provider’s callbacks hear show, hide and the unread count', async () => {
    const heard: string[] = [];
    const r = start({
      autoBoot: true,
      autoBootProps: { userId: 'u1' },
      onShow: () => heard.push('show'),
      onHide: () => heard.push('hide'),
      onUnreadCountChange: (count) => heard.push(`unread:${count}`),
    });
    await r.settle();
    expect(r.api().isBooted).toBe(true);
    r.api().startConversation('Hello');
    await r.settle();
    expect(r.api().isOpen).toBe(true);
    r.api().hide();
    await r.settle();
    const id = r.server.conversationsOf(r.server.people()[0]!.id)[0]!.id;
    r.server.team.reply(id, 'Hi');
    await r.settle();
    expect(heard).toEqual(['show', 'hide', 'unread:1']);
    expect(r.api().unreadCount).toBe(1);
    expect(r.element.querySelector('[data-part="badge"]')!.textContent).toBe('1');
  });

  it('without autoBoot nothing boots until asked, as react-use-intercom', async () => {
    const r = start();
    await r.settle();
    expect(r.api().isBooted).toBe(false);
    expect(r.server.calls()).toEqual({});
    r.api().boot();
    await r.settle();
    expect(r.api().isBooted).toBe(true);
  });

  it('under StrictMode’s mount, unmount and mount one messenger is left running, and hooks registered in effects follow it', async () => {
    const heard: number[] = [];
    const r = start(
      { autoBoot: true, autoBootProps: { userId: 'u1' } },
      { strict: true, effect: (api) => void api.onUnreadCountChange((count) => heard.push(count)) },
    );
    await r.settle();
    expect(r.api().isBooted).toBe(true);
    expect(r.server.streamCount(), 'the first messenger’s stream closed with it').toBe(1);
    r.api().startConversation('Hello');
    await r.settle();
    r.api().hide();
    await r.settle();
    const id = r.server.conversationsOf(r.server.people()[0]!.id)[0]!.id;
    r.server.team.reply(id, 'Hi');
    await r.settle();
    expect(heard).toEqual([1, 1]);
  });

  it('calls for products Confab does not have warn once each, clearly, and do nothing', async () => {
    const r = start({ autoBoot: true });
    await r.settle();
    const calls = r.server.calls();
    r.api().startTour(1);
    r.api().startTour(2);
    r.api().startSurvey(3);
    await r.settle();
    expect(r.warnings).toEqual([
      '[Confab] startTour() does nothing: Confab has no product tours, only the messenger.',
      '[Confab] startSurvey() does nothing: Confab has no surveys, only the messenger.',
    ]);
    expect(r.server.calls()).toEqual(calls);
    r.api().hardShutdown();
    await r.settle();
    expect(r.api().isBooted, 'hardShutdown is a shutdown').toBe(false);
    expect(r.server.calls()).toEqual({ ...calls, endSession: 1 });
  });

  it('unmounting the provider stops the messenger: the stream closes and later calls reach nothing', async () => {
    const r = start({ autoBoot: true, autoBootProps: { userId: 'u1' } });
    await r.settle();
    expect(r.server.streamCount()).toBe(1);
    const api = r.api();
    root!.unmount();
    root = null;
    await r.settle();
    expect(r.server.streamCount()).toBe(0);
    const calls = r.server.calls();
    api.update({ plan: 'after unmount' });
    api.trackEvent('after-unmount');
    await r.settle();
    expect(r.server.calls()).toEqual(calls);
  });

  it('useIntercom() outside a provider warns once, never throws, and its commands do nothing', async () => {
    clearPage();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    let api: UseIntercom | undefined;
    // biome-ignore lint/correctness/noComponentHookFactories: a test's component closes over what the test records
    function Lone() {
      api = useIntercom();
      return <p className="lone">{api.isOpen ? 'open' : 'closed'}</p>;
    }
    const element = document.body.appendChild(document.createElement('div'));
    root = createRoot(element);
    root.render(
      <>
        <Lone />
        <Lone />
      </>,
    );
    await rendered(() => element.querySelectorAll('.lone').length === 2);
    api!.show();
    expect(typeof api!.onShow(() => {})).toBe('function');
    expect(api!.getVisitorId()).toBeUndefined();
    expect(warn.mock.calls).toEqual([[expect.stringContaining('<ConfabProvider>')]]);
    warn.mockRestore();
  });

  it('shouldInitialize={false} starts nothing; initializeDelay starts later, and calls made meanwhile run then', async () => {
    const off = start({ shouldInitialize: false, autoBoot: true });
    await off.settle();
    expect(off.server.calls()).toEqual({});
    root!.unmount();

    const loaded = vi.fn();
    const later = start({ initializeDelay: 30, onLoad: loaded }, { effect: (api) => api.boot({ userId: 'u2' }) });
    await later.settle();
    expect(later.api().isBooted).toBe(false);
    await rendered(() => later.latest.api!.isBooted);
    await later.settle();
    expect(loaded).toHaveBeenCalledTimes(1);
    expect(later.server.people()[0]).toMatchObject({ user_id: 'u2' });
  });
});
