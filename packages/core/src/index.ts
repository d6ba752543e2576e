// @confab/core: the messenger in any runtime (the machine, commands, settings, delivery, the view
// model and the interfaces a platform fills). What needs a page is in @confab/core/browser, the wire
// shapes and limits in @confab/core/protocol, the test doubles in @confab/core/testing.
export { createMessenger } from './messenger';
export type { Messenger, MessengerCommands, MessengerOptions } from './messenger';

export { createMessengerMachine } from './machine/messenger.machine';
export type { MessengerMachine, MessengerInput, MessengerEmitted } from './machine/messenger.machine';
export type { MessengerContext, MessengerEvent, Thread, ThreadMessage, View } from './machine/messenger.types';
export { isOpen, isThrottled, lifecycleOf, viewOf } from './machine/selectors';
export type { Lifecycle, MessengerSnapshot } from './machine/selectors';
export { admitUpdate, canAdmitUpdate, msUntilReset, UPDATE_LIMIT, UPDATE_WINDOW_MS } from './machine/throttle';
export type { UpdateWindow } from './machine/throttle';
export { mergePatch } from './machine/patch';
export type { UpdatePatch } from './machine/patch';
export { isSamePerson, isLead } from './machine/identity';

export { COMMAND_NAMES, formatProblem, parseCommand } from './commands/commands';
export type { CommandName, HookCallbacks, HookName, IntercomApi, SpaceName, Unsubscribe } from './commands/commands';
export { parseSettings, defaultLauncherSettings, MIN_LAUNCHER_PADDING } from './commands/settings';
export type { IntercomSettings, LauncherSettings, NormalizedSettings, Alignment } from './commands/settings';

export { createEventQueue } from './delivery/event-queue';
export type { EventQueue, EventQueueOptions } from './delivery/event-queue';
export { backoffDelay, DEFAULT_BACKOFF } from './delivery/backoff';
export { TransportError, toTransportError } from './delivery/transport';
export type { Transport, RealtimeHandlers } from './delivery/transport';
export { createHttpTransport, sendEventsBeacon, messengerUrl, parseRetryAfter } from './delivery/http-transport';
export type { HttpTransport, HttpTransportOptions, BeaconSender } from './delivery/http-transport';
export { createSseParser, readSseStream } from './delivery/sse-reader';
export type { SseMessage, SseParser } from './delivery/sse-reader';

export { connect } from './view/connect';
export type { PropValue, UiEvent } from './view/connect';
export type { MessengerView } from './view/connect';
export { adapterCommands, adapterStateOf, INITIAL_ADAPTER_STATE } from './view/adapter-state';
export type { AdapterState } from './view/adapter-state';
export { catalogueFor, catalogues } from './view/i18n';
export type { Catalogue } from './view/i18n';
export { parts, partAttrs, SCOPE, HOST_ATTRIBUTE, OWN_UI_SELECTOR, CHAT_ICON_PATH } from './view/anatomy';
export type { Part } from './view/anatomy';
export { textSegments, MESSAGE_LINK_REL } from './view/text-segments';
export type { TextSegment } from './view/text-segments';

export { storageKeys, userDataKeys } from './platform/storage';
export type { Storage } from './platform/storage';
export { systemClock } from './platform/clock';
export type { Clock } from './platform/clock';
export { consoleLogger } from './platform/logger';
export type { Logger } from './platform/logger';
export { createMemoryStorage } from './platform/memory-storage';
