import { type AdapterHarness, clearPage, runAdapterSuite } from '@confab/adapter-suite';
import type { IntercomApi } from '@confab/core';
import { createRoot } from 'react-dom/client';
import {
  ConfabMessenger,
  ConfabProvider,
  type MessageRenderProps,
  type UseIntercom,
  useIntercom,
  useMessengerView,
} from '../src';
import { rendered } from './rendered';

/** What the suite's `customized` mount draws, through the render props. */
const custom = {
  renderLauncher: ({ open, unreadCount }: { open: boolean; unreadCount: number }) => (
    <b className="my-launcher">{`${open ? 'Close' : 'Chat'} (${unreadCount})`}</b>
  ),
  renderMessage: ({ author, segments, time, seen }: MessageRenderProps) => (
    <p className="my-message" data-time={time} data-seen={String(seen)}>
      {`${author}: ${segments.map((s) => (s.kind === 'link' ? `[${s.text}]` : s.text)).join('')}`}
    </p>
  ),
};

/**
 * The React adapter as an app uses it: <ConfabProvider>, `useIntercom()` in a component, and
 * <ConfabMessenger> rendered by React (react-dom, happy-dom), with the page's cookies.
 */
const reactHarness: AdapterHarness = {
  name: 'react',
  customizable: true,
  async mount({ boot, transport, clock, logger, random, customized, alongside }) {
    if (!alongside) clearPage();
    let api: UseIntercom | undefined;
    let view: ReturnType<typeof useMessengerView> = null;
    function Page() {
      api = useIntercom();
      view = useMessengerView();
      return (
        <main>
          <h1>Acme</h1>
          <ConfabMessenger {...(customized ? custom : {})} />
        </main>
      );
    }
    const element = document.createElement('div');
    document.body.append(element);
    const root = createRoot(element);
    const { app_id, api_base, ...settings } = (boot ?? {}) as Record<string, unknown>;
    root.render(
      <ConfabProvider
        {...(app_id !== undefined ? { app_id: app_id as string } : {})}
        {...(api_base !== undefined ? { api_base: api_base as string } : {})}
        autoBoot={boot !== undefined}
        autoBootProps={settings}
        transport={transport}
        clock={clock}
        logger={logger}
        random={random}
      >
        <Page />
      </ConfabProvider>,
    );
    // The provider starts its messenger in an effect: the view exists once it has.
    await rendered(() => view !== null);
    return {
      // The suite speaks `Intercom(command, ...args)`; here every call goes through useIntercom()'s functions.
      Intercom: ((command: string, ...args: unknown[]) =>
        (api as unknown as Record<string, (...a: unknown[]) => unknown>)[command]!(...args)) as IntercomApi,
      view: () => view!,
      container: () => element,
      activeElement: () => document.activeElement,
      flush: () => rendered(),
      customProperty: (name) =>
        element.querySelector<HTMLElement>('[data-part="root"]')?.style.getPropertyValue(name) || undefined,
      state: () => ({
        isBooted: api!.isBooted,
        isOpen: api!.isOpen,
        view: api!.view,
        unreadCount: api!.unreadCount,
        visitorId: api!.visitorId,
        isThrottled: api!.isThrottled,
      }),
      unmount() {
        root.unmount();
        element.remove();
      },
    };
  },
};

runAdapterSuite(reactHarness);
