import { adapterStateOf, COMMAND_NAMES, INITIAL_ADAPTER_STATE, pageWindow, startBrowserMessenger, } from '@confab/core';
import { derived, readable } from 'svelte/store';
const HOOKS = new Set(['onShow', 'onHide', 'onUnreadCountChange', 'onUserEmailSupplied']);
/**
 * Every command as a function and the state as readable stores, bound to the messenger through
 * its subscribe/getSnapshot seam only (a store subscribes while something reads it). Works from
 * plain TypeScript (`isOpen.subscribe(...)`) and from components (`$isOpen`, also with runes).
 * On a server (no window) nothing is created: the commands do nothing and the stores hold the
 * initial state, so a server render touches neither the network nor the document.
 */
export function createIntercom(options = {}) {
    const win = pageWindow();
    const running = win ? startBrowserMessenger(win, options) : null;
    const messenger = running?.messenger ?? null;
    let stopped = false;
    const follow = (read, fallback) => readable(messenger ? read(messenger) : fallback, (set) => {
        if (!messenger)
            return undefined;
        set(read(messenger));
        return messenger.subscribe(() => set(read(messenger)));
    });
    const state = follow(adapterStateOf, INITIAL_ADAPTER_STATE);
    const stores = Object.fromEntries(Object.keys(INITIAL_ADAPTER_STATE).map((key) => [key, derived(state, (s) => s[key])]));
    const source = messenger?.commands;
    const commands = Object.fromEntries(COMMAND_NAMES.map((name) => [
        name,
        (...args) => (source && !stopped ? source[name](...args) : HOOKS.has(name) ? () => { } : undefined),
    ]));
    return {
        ...commands,
        ...stores,
        messengerView: follow((m) => m.getView(), null),
        destroy() {
            if (stopped)
                return;
            stopped = true;
            running?.stop();
        },
    };
}
