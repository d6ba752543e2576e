import { setup } from 'xstate';
import { backoffDelay } from '../delivery/backoff';
import { messengerActors } from './actors';
import type { MessengerEffects } from './effects';
import type { MessengerContext, MessengerEvent } from './messenger.types';
import { msUntilReset } from './throttle';

/** What the machine announces beside its state (hooks that are not a state change). */
export type MessengerEmitted = { type: 'userEmailSupplied'; email: string };

export interface MessengerInput {
  appId?: string;
}

/** The machine's types, actors and delays; actions and guards are added to it (messenger.machine.ts). */
export function messengerSetup(effects: MessengerEffects) {
  return setup({
    types: {
      context: {} as MessengerContext,
      events: {} as MessengerEvent,
      input: {} as MessengerInput,
      emitted: {} as MessengerEmitted,
    },
    actors: messengerActors(effects),
    delays: {
      bootRetry: ({ context }) => backoffDelay(context.bootAttempt, undefined, effects.random),
      untilWindowResets: ({ context }) => msUntilReset(context.updateWindow, effects.clock.now()),
    },
  });
}

export type MessengerSetup = ReturnType<typeof messengerSetup>;
