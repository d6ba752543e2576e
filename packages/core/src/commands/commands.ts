import * as v from 'valibot';
import type { MessengerEvent } from '../machine/messenger.types';
import { EVENT_NAME_MAX, MESSAGE_MAX, METADATA_MAX_BYTES, METADATA_MAX_KEYS } from '../protocol/limits';
import type { EventMetadata, Page } from '../protocol/wire';
import { findReservedKey } from './reserved-keys';
import { describeIssues, type IntercomSettings, parseSettings } from './settings';

export type Unsubscribe = () => void;
export type SpaceName = 'home' | 'messages';
export type HookName = 'onShow' | 'onHide' | 'onUnreadCountChange' | 'onUserEmailSupplied';

export interface HookCallbacks {
  onShow: () => void;
  onHide: () => void;
  onUnreadCountChange: (unreadCount: number) => void;
  onUserEmailSupplied: (email: string) => void;
}

/** `Intercom(command, ...args)`: one overload per command, as Intercom documents them. */
export interface IntercomApi {
  (command: 'boot', settings?: IntercomSettings): void;
  (command: 'shutdown'): void;
  (command: 'update', settings?: IntercomSettings): void;
  (command: 'show' | 'hide' | 'showMessages'): void;
  (command: 'showNewMessage', prefill?: string): void;
  (command: 'showSpace', space: SpaceName): void;
  (command: 'showConversation', conversationId: string | number): void;
  (command: 'startConversation', message: string): void;
  /** `undefined` leaves the hook with no handler. */
  <H extends HookName>(command: H, callback: HookCallbacks[H] | undefined): Unsubscribe;
  (command: 'trackEvent', name: string, metadata?: EventMetadata): void;
  (command: 'getVisitorId'): string | undefined;
}

export type CommandName =
  | 'boot'
  | 'shutdown'
  | 'update'
  | 'show'
  | 'hide'
  | 'showMessages'
  | 'showNewMessage'
  | 'showSpace'
  | 'showConversation'
  | 'startConversation'
  | HookName
  | 'trackEvent'
  | 'getVisitorId';

export const COMMAND_NAMES: readonly CommandName[] = [
  'boot',
  'shutdown',
  'update',
  'show',
  'hide',
  'showMessages',
  'showNewMessage',
  'showSpace',
  'showConversation',
  'startConversation',
  'onShow',
  'onHide',
  'onUnreadCountChange',
  'onUserEmailSupplied',
  'trackEvent',
  'getVisitorId',
];

export type ParsedCommand =
  | { kind: 'event'; event: MessengerEvent }
  /** `callback` undefined: "no handler" (react-use-intercom passes its optional callbacks as they are). */
  | { kind: 'hook'; hook: HookName; callback: ((...args: never[]) => void) | undefined }
  | { kind: 'getVisitorId' };

export type CommandResult = { ok: true; command: ParsedCommand } | { ok: false; problem: string };

/** What parsing needs from the outside world: ids, the time, the page. */
export interface CommandEnvironment {
  now(): number;
  newId(): string;
  page(): Page | undefined;
}

const eventName = v.pipe(
  v.string('must be a string'),
  v.trim(),
  v.nonEmpty('must not be empty'),
  v.maxLength(EVENT_NAME_MAX, `must be at most ${EVENT_NAME_MAX} characters`),
);

const metadataSchema = v.pipe(
  v.record(
    v.pipe(v.string(), v.nonEmpty('keys must not be empty'), v.maxLength(255, 'keys must be at most 255 characters')),
    v.nullable(
      v.union(
        // 255 characters, as the server stores them: a longer one would get the whole batch refused.
        [
          v.pipe(v.string(), v.maxLength(255, 'must be at most 255 characters')),
          v.pipe(v.number(), v.finite()),
          v.boolean(),
        ],
        'values must be strings, finite numbers, booleans or null',
      ),
    ),
    'must be a plain object',
  ),
  v.check((m) => Object.keys(m).length <= METADATA_MAX_KEYS, `must have at most ${METADATA_MAX_KEYS} keys`),
  v.check(
    (m) => JSON.stringify(m).length <= METADATA_MAX_BYTES,
    `must serialise to at most ${METADATA_MAX_BYTES} bytes`,
  ),
);

const messageBody = v.pipe(
  v.string('must be a string'),
  v.maxLength(MESSAGE_MAX, `must be at most ${MESSAGE_MAX} characters`),
);

const conversationId = v.pipe(
  v.union(
    [v.pipe(v.string(), v.trim(), v.nonEmpty()), v.pipe(v.number(), v.integer())],
    'must be a non-empty string or an integer',
  ),
  v.transform(String),
);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

const event = (e: MessengerEvent): CommandResult => ({ ok: true, command: { kind: 'event', event: e } });
const fail = (problem: string): CommandResult => ({ ok: false, problem });

// How many arguments each command takes at most (1 unless named here): checked before anything else.
const MAX_ARGUMENTS: Partial<Record<CommandName, number>> = {
  shutdown: 0,
  show: 0,
  hide: 0,
  showMessages: 0,
  getVisitorId: 0,
  trackEvent: 2,
};

function tooManyArguments(args: unknown[], count: number): string | null {
  if (args.length <= count) return null;
  if (count === 0) return `takes no arguments (got ${args.length})`;
  return `takes at most ${count} argument${count === 1 ? '' : 's'} (got ${args.length})`;
}

function parseArg<T>(schema: v.GenericSchema<unknown, T>, value: unknown, subject: string) {
  const result = v.safeParse(schema, value);
  return result.success
    ? ({ ok: true, value: result.output } as const)
    : ({ ok: false, problem: describeIssues(result.issues, subject) } as const);
}

export const HOOKS: readonly HookName[] = ['onShow', 'onHide', 'onUnreadCountChange', 'onUserEmailSupplied'];

/**
 * Turns one `Intercom(command, ...args)` call into what it means: a machine event, a hook
 * registration or a query. A bad call comes back as a problem that names the rule it broke.
 */
export function parseCommand(command: unknown, args: unknown[], env: CommandEnvironment): CommandResult {
  if (typeof command !== 'string')
    return fail(`the command must be a string naming one of: ${COMMAND_NAMES.join(', ')}`);
  if (!(COMMAND_NAMES as readonly string[]).includes(command)) {
    return fail(`unknown command; known commands are: ${COMMAND_NAMES.join(', ')}`);
  }
  const name = command as CommandName;
  const tooMany = tooManyArguments(args, MAX_ARGUMENTS[name] ?? 1);
  if (tooMany) return fail(tooMany);

  if ((HOOKS as readonly string[]).includes(name)) {
    // An explicit undefined is a routine "no handler"; a call with no callback at all is a mistake.
    if (typeof args[0] !== 'function' && !(args.length === 1 && args[0] === undefined))
      return fail('callback must be a function');
    return {
      ok: true,
      command: { kind: 'hook', hook: name as HookName, callback: args[0] as (() => void) | undefined },
    };
  }

  switch (name) {
    case 'boot':
    case 'update': {
      const given = args[0];
      if (given !== undefined && !isPlainObject(given)) return fail('settings must be a plain object');
      const parsed = parseSettings(given ?? {}, 'settings');
      if (!parsed.ok) return fail(parsed.problem);
      const settings = parsed.value;
      if (name === 'boot') return event({ type: 'BOOT', settings });
      const page = env.page();
      return event({
        type: 'UPDATE',
        patch: { identity: settings.identity, attributes: settings.attributes, ...(page ? { page } : {}) },
        launcher: settings.launcher,
      });
    }
    case 'shutdown':
      return event({ type: 'SHUTDOWN' });
    case 'show':
      return event({ type: 'SHOW' });
    case 'hide':
      return event({ type: 'HIDE' });
    case 'showMessages':
      return event({ type: 'SHOW_MESSAGES' });
    case 'showNewMessage': {
      if (args[0] === undefined) return event({ type: 'SHOW_NEW_MESSAGE', prefill: '' });
      const prefill = parseArg(messageBody, args[0], 'prefill');
      return prefill.ok ? event({ type: 'SHOW_NEW_MESSAGE', prefill: prefill.value }) : fail(prefill.problem);
    }
    case 'showSpace': {
      if (args[0] === 'home') return event({ type: 'SHOW_HOME' });
      if (args[0] === 'messages') return event({ type: 'SHOW_MESSAGES' });
      return fail(`space must be "home" or "messages" (got ${JSON.stringify(args[0]) ?? 'undefined'})`);
    }
    case 'showConversation': {
      const id = parseArg(conversationId, args[0], 'conversationId');
      return id.ok ? event({ type: 'SHOW_CONVERSATION', conversationId: id.value }) : fail(id.problem);
    }
    case 'startConversation': {
      const body = parseArg(v.pipe(messageBody, v.trim(), v.nonEmpty('must not be empty')), args[0], 'message');
      return body.ok ? event({ type: 'START_CONVERSATION', body: body.value }) : fail(body.problem);
    }
    case 'trackEvent': {
      const nameResult = parseArg(eventName, args[0], 'event name');
      if (!nameResult.ok) return fail(nameResult.problem);
      let metadata: EventMetadata | undefined;
      if (args[1] !== undefined) {
        if (!isPlainObject(args[1])) return fail('metadata must be a plain object');
        const reserved = findReservedKey(args[1]);
        if (reserved !== undefined) return fail(`metadata key "${reserved}" is a reserved name`);
        const parsed = parseArg(metadataSchema, args[1], 'metadata');
        if (!parsed.ok) return fail(parsed.problem);
        metadata = parsed.value;
      }
      return event({
        type: 'TRACK_EVENT',
        event: { id: env.newId(), name: nameResult.value, created_at: env.now(), ...(metadata ? { metadata } : {}) },
      });
    }
    case 'getVisitorId':
      return { ok: true, command: { kind: 'getVisitorId' } };
  }
  return fail('unknown command');
}

/** The one warning a bad call logs. */
export function formatProblem(command: unknown, problem: string): string {
  // String() can throw on hostile objects (a toString that throws); typeof never does.
  const name =
    typeof command === 'string'
      ? `'${command}'`
      : typeof command === 'number'
        ? String(command)
        : `<${typeof command}>`;
  return `[Confab] Intercom(${name}): ${problem}. The call was ignored.`;
}
