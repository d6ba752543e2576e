import { type AdapterOptions, type AdapterState, type MessengerCommands, type MessengerView } from '@confab/core';
import { type Readable } from 'svelte/store';
/** Intercom's settings, plus `autoBoot` and, for tests, the injected transport, storage and clock. */
export type IntercomOptions = AdapterOptions;
export type IntercomStores = {
    [K in keyof AdapterState]: Readable<AdapterState[K]>;
};
export type ConfabIntercom = MessengerCommands & IntercomStores & {
    /** The view-model `<ConfabMessenger>` renders; null on a server render. */
    messengerView: Readable<MessengerView | null>;
    /** Stops the messenger: the realtime stream closes, timers end. The commands do nothing after. */
    destroy(): void;
};
/**
 * Every command as a function and the state as readable stores, bound to the messenger through
 * its subscribe/getSnapshot seam only (a store subscribes while something reads it). Works from
 * plain TypeScript (`isOpen.subscribe(...)`) and from components (`$isOpen`, also with runes).
 * On a server (no window) nothing is created: the commands do nothing and the stores hold the
 * initial state, so a server render touches neither the network nor the document.
 */
export declare function createIntercom(options?: IntercomOptions): ConfabIntercom;
