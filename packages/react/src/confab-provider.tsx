'use client';

import { consoleLogger, type Messenger } from '@confab/core';
import { type AdapterOptions, type PageWindow, startBrowserMessenger } from '@confab/core/browser';
import { type ReactNode, useEffect, useMemo, useRef, useState } from 'react';
import { ConfabContext, contextValue } from './confab-context';
import { intercomFunctions } from './intercom-functions';
import { type IntercomProps, toIntercomSettings } from './intercom-props';
import { createMessengerSlot } from './messenger-slot';

/** react-use-intercom's `IntercomProvider` props, Confab's own names beside them, and for tests the injected platform. */
export interface ConfabProviderProps
  extends Pick<AdapterOptions, 'transport' | 'storage' | 'clock' | 'logger' | 'random'> {
  children?: ReactNode;
  /** The app's id (`app_id` works too). */
  appId?: string;
  app_id?: string;
  /** Where the Confab server is (`api_base` works too); the page's origin when absent. */
  apiBase?: string;
  api_base?: string;
  /** Boot as soon as the messenger starts, with `autoBootProps`. Default false, as react-use-intercom's. */
  autoBoot?: boolean;
  autoBootProps?: IntercomProps;
  onShow?: () => void;
  onHide?: () => void;
  onUnreadCountChange?: (unreadCount: number) => void;
  onUserEmailSupplied?: (email: string) => void;
  /** False: no messenger starts (commands wait). Default true. */
  shouldInitialize?: boolean;
  /** Milliseconds to wait after mount before the messenger starts. */
  initializeDelay?: number;
  /** Called once the messenger has started (react-use-intercom: once Intercom's script loaded). */
  onLoad?: () => void;
}

/**
 * Runs the messenger for the components below it. It starts in an effect, so a server render
 * and hydration see no messenger (nothing runs on the server, nothing can mismatch), and stops
 * when the provider unmounts: the realtime stream closes and every timer ends.
 */
export function ConfabProvider(props: ConfabProviderProps): ReactNode {
  const logger = props.logger ?? consoleLogger;
  const [slot] = useState(createMessengerSlot);
  const [functions] = useState(() => intercomFunctions(slot.commands, logger));
  const [messenger, setMessenger] = useState<Messenger | null>(null);
  // The callbacks as last rendered: the hooks registered once call whichever is current.
  const latest = useRef(props);
  useEffect(() => {
    latest.current = props;
  });

  useEffect(() => {
    const unsubscribes = [
      slot.commands.onShow(() => latest.current.onShow?.()),
      slot.commands.onHide(() => latest.current.onHide?.()),
      slot.commands.onUnreadCountChange((count) => latest.current.onUnreadCountChange?.(count)),
      slot.commands.onUserEmailSupplied((email) => latest.current.onUserEmailSupplied?.(email)),
    ];
    return () => {
      for (const unsubscribe of unsubscribes) unsubscribe();
    };
  }, [slot]);

  useEffect(() => {
    const options = latest.current;
    if (options.shouldInitialize === false) return undefined;
    let running: ReturnType<typeof startBrowserMessenger> | undefined;
    const start = () => {
      const appId = options.appId ?? options.app_id;
      const apiBase = options.apiBase ?? options.api_base;
      running = startBrowserMessenger(window as unknown as PageWindow, {
        ...toIntercomSettings(options.autoBoot ? (options.autoBootProps ?? {}) : {}),
        ...(appId !== undefined ? { app_id: appId } : {}),
        ...(apiBase !== undefined ? { api_base: apiBase } : {}),
        autoBoot: options.autoBoot ?? false,
        logger,
        ...(options.transport ? { transport: options.transport } : {}),
        ...(options.storage ? { storage: options.storage } : {}),
        ...(options.clock ? { clock: options.clock } : {}),
        ...(options.random ? { random: options.random } : {}),
      });
      slot.attach(running.messenger);
      setMessenger(running.messenger);
      options.onLoad?.();
    };
    const delay = options.initializeDelay ?? 0;
    const timer = delay > 0 ? setTimeout(start, delay) : undefined;
    if (delay <= 0) start();
    return () => {
      clearTimeout(timer);
      if (!running) return;
      slot.detach();
      running.stop();
      setMessenger(null);
    };
  }, [slot, logger]);

  const value = useMemo(() => contextValue(functions, messenger), [functions, messenger]);
  return <ConfabContext.Provider value={value}>{props.children}</ConfabContext.Provider>;
}
