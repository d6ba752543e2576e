// @confab/core: the messenger in any runtime (the machine, commands, settings, delivery, the view
// model and the interfaces a platform fills). What needs a page is in @confab/core/browser, the wire
// shapes and limits in @confab/core/protocol, the test doubles in @confab/core/testing.

export type { CommandName, HookCallbacks, HookName, IntercomApi, SpaceName, Unsubscribe } from './commands/commands';
export { COMMAND_NAMES, formatProblem, HOOKS, parseCommand } from './commands/commands';
export type { Alignment, IntercomSettings, LauncherSettings, NormalizedSettings } from './commands/settings';
export { defaultLauncherSettings, MIN_LAUNCHER_PADDING, parseSettings } from './commands/settings';
export { backoffDelay, DEFAULT_BACKOFF } from './delivery/backoff';
export type { EventQueue, EventQueueOptions } from './delivery/event-queue';
export { createEventQueue } from './delivery/event-queue';
export type { BeaconSender, HttpTransport, HttpTransportOptions } from './delivery/http-transport';
export { createHttpTransport, messengerUrl, parseRetryAfter, sendEventsBeacon } from './delivery/http-transport';
export type { SseMessage, SseParser } from './delivery/sse-reader';
export { createSseParser, readSseStream } from './delivery/sse-reader';
export type { RealtimeHandlers, Transport } from './delivery/transport';
export { TransportError, toTransportError } from './delivery/transport';
export { TEAM_TYPING_SHOWN_MS, TYPING_SENT_EVERY_MS } from './machine/conversation-data';
export { isLead, isSamePerson } from './machine/identity';
export type { MessengerEmitted, MessengerInput, MessengerMachine } from './machine/messenger.machine';
export { createMessengerMachine } from './machine/messenger.machine';
export type { MessengerContext, MessengerEvent, Thread, ThreadMessage, View } from './machine/messenger.types';
export type { UpdatePatch } from './machine/patch';
export { mergePatch } from './machine/patch';
export type { Lifecycle, MessengerSnapshot } from './machine/selectors';
export { isOpen, isThrottled, lifecycleOf, viewOf } from './machine/selectors';
export type { UpdateWindow } from './machine/throttle';
export { admitUpdate, canAdmitUpdate, msUntilReset, UPDATE_LIMIT, UPDATE_WINDOW_MS } from './machine/throttle';
export type { Messenger, MessengerCommands, MessengerOptions } from './messenger';
export { createMessenger } from './messenger';
export type { Clock } from './platform/clock';
export { systemClock } from './platform/clock';
export type { Logger } from './platform/logger';
export { consoleLogger } from './platform/logger';
export { createMemoryStorage } from './platform/memory-storage';
export type { Storage } from './platform/storage';
export { storageKeys, userDataKeys } from './platform/storage';
export type { AdapterState } from './view/adapter-state';
export { adapterCommands, adapterStateOf, INITIAL_ADAPTER_STATE } from './view/adapter-state';
export type { Part } from './view/anatomy';
export { CHAT_ICON_PATH, HOST_ATTRIBUTE, OWN_UI_SELECTOR, partAttrs, parts, SCOPE } from './view/anatomy';
export type { MessengerView, PropValue, UiEvent } from './view/connect';
export { connect } from './view/connect';
export type { Catalogue } from './view/i18n';
export { catalogueFor, catalogues } from './view/i18n';
export { initialsOf, messageTime } from './view/message-meta';
export { type MessageParts, messageParts } from './view/message-parts';
export type { TextSegment } from './view/text-segments';
export { MESSAGE_LINK_REL, textSegments } from './view/text-segments';
