import { type Actor, createActor } from 'xstate';
import {
  COMMAND_NAMES,
  type CommandName,
  formatProblem,
  type HookCallbacks,
  type HookName,
  type IntercomApi,
  parseCommand,
  type SpaceName,
  type Unsubscribe,
} from './commands/commands';
import { createHookRegistry, type HookRegistry } from './commands/hooks';
import type { IntercomSettings } from './commands/settings';
import { createMessengerEffects, type MessengerEffects, type MessengerPlatform } from './machine/effects';
import { createMessengerMachine, type MessengerMachine } from './machine/messenger.machine';
import type { MessengerEvent } from './machine/messenger.types';
import { isOpen, type MessengerSnapshot } from './machine/selectors';
import { randomId } from './platform/ids';
import { describeError } from './platform/logger';
import type { EventMetadata } from './protocol/wire';
import { connect, type MessengerView } from './view/connect';

export interface MessengerOptions extends MessengerPlatform {
  /** The app id used when `boot` names none (e.g. from `window.intercomSettings`). */
  appId?: string;
}

/** Every command as a plain function: what the adapters hand to their users. */
export interface MessengerCommands {
  boot(settings?: IntercomSettings): void;
  shutdown(): void;
  update(settings?: IntercomSettings): void;
  show(): void;
  hide(): void;
  showMessages(): void;
  showNewMessage(prefill?: string): void;
  showSpace(space: SpaceName): void;
  showConversation(conversationId: string | number): void;
  startConversation(message: string): void;
  onShow(callback: () => void): Unsubscribe;
  onHide(callback: () => void): Unsubscribe;
  onUnreadCountChange(callback: (unreadCount: number) => void): Unsubscribe;
  onUserEmailSupplied(callback: (email: string) => void): Unsubscribe;
  trackEvent(name: string, metadata?: EventMetadata): void;
  getVisitorId(): string | undefined;
}

export interface Messenger {
  /** `Intercom(command, ...args)`: validates, warns on a bad call, never throws. */
  readonly Intercom: IntercomApi;
  readonly commands: MessengerCommands;
  /** TanStack's seam: adapters bind to exactly these two. */
  subscribe(listener: () => void): Unsubscribe;
  getSnapshot(): MessengerSnapshot;
  /** The view-model for the current snapshot (memoised per snapshot). */
  getView(): MessengerView;
  send(event: MessengerEvent): void;
  /**
   * For adapters, on `pagehide` or `visibilitychange` to hidden: sends the unsent tracked events by
   * beacon where the transport has one. Safe to call in any state.
   */
  pageHidden(): void;
  /** Stops the actor: closes the realtime stream and every timer; commands do nothing after. */
  stop(): void;
  readonly actor: Actor<MessengerMachine>;
  readonly effects: MessengerEffects;
  readonly hooks: HookRegistry;
}

const NOOP_UNSUBSCRIBE: Unsubscribe = () => {};

export function createMessenger(options: MessengerOptions): Messenger {
  const effects = createMessengerEffects(options);
  const hooks = createHookRegistry(effects.logger);
  const machine = createMessengerMachine(effects);
  const actor = createActor(machine, { input: { appId: options.appId }, clock: effects.clock });

  // Hooks fire on what the state says changed, never on what a command asked for.
  let wasOpen = false;
  let lastUnread = 0;
  actor.subscribe({
    next(snapshot) {
      const open = isOpen(snapshot);
      if (open !== wasOpen) {
        wasOpen = open;
        hooks.emit(open ? 'onShow' : 'onHide');
      }
      const unread = snapshot.matches('booted') ? snapshot.context.unreadCount : 0;
      if (unread !== lastUnread) {
        lastUnread = unread;
        hooks.emit('onUnreadCountChange', unread);
      }
    },
    error(error) {
      effects.logger.warn(`[Confab] the messenger stopped after an internal error: ${describeError(error)}`);
    },
  });
  actor.on('userEmailSupplied', ({ email }) => hooks.emit('onUserEmailSupplied', email));
  actor.start();

  const environment = { now: () => effects.clock.now(), newId: randomId, page: () => effects.page() };
  // Prefixes the ids the UI gives its elements: random, so messengers from separate bundles on one page differ too.
  const instanceId = `confab-${randomId().slice(0, 8)}`;

  // After stop() every command and intent does nothing: a stopped actor would only warn.
  let stopped = false;
  // The registration each hook's Intercom-API handler holds, to end when the next one replaces it.
  const handlers = new Map<HookName, Unsubscribe>();

  function send(event: MessengerEvent) {
    if (stopped) return;
    try {
      actor.send(event);
    } catch (error) {
      effects.logger.warn(`[Confab] ${event.type} failed: ${describeError(error)}`);
    }
  }

  /**
   * One call. A hook registered through `Intercom(command, ...args)` is the hook's one handler,
   * replacing the last; through the adapters' commands it is a listener of its own (core README, "Hooks").
   */
  function run(command: unknown, args: unknown[], hooksAs: 'handler' | 'listener'): unknown {
    if (stopped) return typeof command === 'string' && command.startsWith('on') ? NOOP_UNSUBSCRIBE : undefined;
    try {
      const parsed = parseCommand(command, args, environment);
      if (!parsed.ok) {
        effects.logger.warn(formatProblem(command, parsed.problem));
        return typeof command === 'string' && command.startsWith('on') ? NOOP_UNSUBSCRIBE : undefined;
      }
      const { command: result } = parsed;
      switch (result.kind) {
        case 'event':
          send(result.event);
          return undefined;
        case 'hook': {
          const { hook, callback } = result;
          // Intercom(hook, fn): one handler per hook, the last registered (undefined: none).
          if (hooksAs === 'handler') handlers.get(hook)?.();
          const unsubscribe = callback ? hooks.add(hook, callback as HookCallbacks[typeof hook]) : NOOP_UNSUBSCRIBE;
          if (hooksAs === 'handler') handlers.set(hook, unsubscribe);
          return unsubscribe;
        }
        case 'getVisitorId': {
          const { appId } = actor.getSnapshot().context;
          return appId ? effects.visitorId(appId) : undefined;
        }
      }
    } catch (error) {
      // The last line of "never throws into the host page".
      effects.logger.warn(formatProblem(command, `failed unexpectedly: ${describeError(error)}`));
    }
    return undefined;
  }
  const Intercom = ((command: unknown, ...args: unknown[]) => run(command, args, 'handler')) as IntercomApi;

  const call =
    (name: CommandName) =>
    (...args: unknown[]) =>
      run(name, args, 'listener');
  const commands = Object.fromEntries(COMMAND_NAMES.map((name) => [name, call(name)])) as unknown as MessengerCommands;

  let viewFor: MessengerSnapshot | null = null;
  let view: MessengerView | null = null;

  return {
    Intercom,
    commands,
    subscribe(listener) {
      const subscription = actor.subscribe(() => listener());
      return () => subscription.unsubscribe();
    },
    getSnapshot: () => actor.getSnapshot(),
    getView() {
      const snapshot = actor.getSnapshot();
      if (snapshot !== viewFor || !view) {
        viewFor = snapshot;
        view = connect(snapshot, send, instanceId, () => actor.getSnapshot());
      }
      return view;
    },
    send,
    pageHidden() {
      try {
        const { session } = actor.getSnapshot().context;
        if (session && actor.getSnapshot().matches('booted')) effects.pageHidden(session);
      } catch (error) {
        effects.logger.warn(`[Confab] sending events on page hide failed: ${describeError(error)}`);
      }
    },
    stop() {
      stopped = true;
      actor.stop();
      effects.stop();
    },
    actor,
    effects,
    hooks,
  };
}
