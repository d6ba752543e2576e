import { confabServer } from '../commands/api-base';
import { applyLauncherSettings, type NormalizedSettings } from '../commands/settings';
import { toTransportError } from '../delivery/transport';
import type { MessengerEffects } from './effects';
import { isSamePerson, withClaimedUserId } from './identity';
import type { MessengerContext, MessengerEvent } from './messenger.types';
import { canAdmitUpdate } from './throttle';

const BOOT_RETRY_LIMIT = 8;

/**
 * Sessions refused in a row: the count starts afresh after an hour without one (a quiet tab open
 * for weeks loses its session once a week, legitimately), as it does when news comes through.
 */
const SESSION_LOSS_MEMORY_MS = 60 * 60 * 1000;
export const lossesSince = (context: MessengerContext, now: number): number =>
  now - context.sessionLostAt > SESSION_LOSS_MEMORY_MS ? 0 : context.sessionLosses;

export const appIdOf = (context: MessengerContext): string | undefined => context.settings?.app_id ?? context.appId;

/** A boot naming no server keeps the current one; naming Intercom's host names none (api-base.ts). */
function keepsServer(current: NormalizedSettings, next: NormalizedSettings): boolean {
  const named = confabServer(next.api_base);
  return named === undefined || named === confabServer(current.api_base);
}

function isSameAppAndPerson(context: MessengerContext, event: MessengerEvent): boolean {
  if (event.type !== 'BOOT' || !context.settings) return false;
  const nextApp = event.settings.app_id ?? appIdOf(context);
  return nextApp === appIdOf(context) && isSamePerson(context.settings.identity, event.settings.identity);
}

/** A boot that failed on something that may pass (network, 5xx), not too many times already. */
export const isRetryableBootFailure = (context: MessengerContext, error: unknown): boolean =>
  toTransportError(error).retryable && context.bootAttempt < BOOT_RETRY_LIMIT;

type Guard = (args: { context: MessengerContext; event: MessengerEvent }) => boolean;

/** The machine's named conditions; `effects` gives them the clock. */
export function messengerGuards({ clock }: MessengerEffects) {
  return {
    // The same settings again (intercomSettings booted on load, then the page's own
    // `boot(intercomSettings)`): nothing to send, and no update spent from the window of 20.
    bootRepeatsSettings: ({ context, event }) => {
      if (event.type !== 'BOOT' || !context.settings) return false;
      const next = event.settings;
      const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
      return (
        (next.app_id ?? appIdOf(context)) === appIdOf(context) &&
        keepsServer(context.settings, next) &&
        same(next.identity, context.settings.identity) &&
        same(next.attributes, context.settings.attributes) &&
        same(applyLauncherSettings(context.launcher, next.launcher), context.launcher)
      );
    },
    // The same person on the same server: a boot naming another server is a boot there.
    sameAppAndPerson: ({ context, event }) =>
      event.type === 'BOOT' && isSameAppAndPerson(context, event) && keepsServer(context.settings!, event.settings),
    sameAppAndPersonElsewhere: ({ context, event }) => isSameAppAndPerson(context, event),
    forCurrentSession: ({ context, event }) =>
      event.type === 'PERSON_UPDATED' && context.session?.token === event.sessionToken,
    canAdmitUpdate: ({ context }) => canAdmitUpdate(context.updateWindow, clock.now()),
    // The session of now, and not refused three times already (a proxy that strips
    // Authorization would otherwise have every new session refused, in a loop).
    mayBootAgain: ({ context, event }) =>
      event.type === 'SESSION_LOST' &&
      context.session?.token === event.sessionToken &&
      lossesSince(context, clock.now()) < 3,
    // Intercom changes users only through shutdown and boot: an update naming someone else
    // would otherwise rename the person booted and carry the other's attributes to them.
    // Only two different user_ids prove it: an email may change, and a lead (even one who gave
    // an email in the prompt) logging in is who they were all along.
    updateNamesAnotherPerson: ({ context, event }) => {
      if (event.type !== 'UPDATE' || !context.settings) return false;
      const current = withClaimedUserId(context.settings.identity).user_id;
      const named = withClaimedUserId(event.patch.identity).user_id;
      return current !== undefined && named !== undefined && named !== current;
    },
    hasAppId: ({ context, event }) =>
      event.type === 'BOOT' && (event.settings.app_id ?? appIdOf(context)) !== undefined,
  } satisfies Record<string, Guard>;
}
