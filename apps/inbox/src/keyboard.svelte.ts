// The inbox's keyboard shortcuts: screens register what a key does while they are shown, and the
// `?` sheet lists whatever is registered now. One keydown listener for all of them; keys typed
// into a field belong to the field unless a shortcut says otherwise.

import { untrack } from 'svelte';

export interface Shortcut {
  /** `j`, `?`, `Enter`, `/`, or with modifiers: `ctrl+k`, `mod+Enter` (mod: ⌘ on Apple, Ctrl elsewhere). */
  keys: string;
  /** What it does, as the `?` sheet lists it. */
  description: string;
  /** Runs only while this holds (a conversation is open, say). */
  when?: () => boolean;
  /** Also while typing in an input, textarea, select or editable element. */
  inInputs?: boolean;
  run: (event: KeyboardEvent) => void;
}

interface ParsedKeys {
  key: string;
  ctrl: boolean;
  alt: boolean;
  meta: boolean;
  shift: boolean;
}

const isApple = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);

export function parseKeys(keys: string): ParsedKeys {
  // `+` itself is a key: `ctrl++` is Ctrl and +.
  const parts = keys === '+' ? ['+'] : keys.split(/\+(?!$)/);
  const key = parts.pop() ?? '';
  const modifiers = new Set(parts.map((part) => part.toLowerCase()));
  return {
    key,
    ctrl: modifiers.has('ctrl') || (modifiers.has('mod') && !isApple),
    alt: modifiers.has('alt'),
    meta: modifiers.has('meta') || (modifiers.has('mod') && isApple),
    shift: modifiers.has('shift'),
  };
}

/** Whether the key event is these keys. Shift counts for letters and named keys; `?` is already shifted. */
export function matches(keys: ParsedKeys, event: KeyboardEvent): boolean {
  if (event.ctrlKey !== keys.ctrl || event.altKey !== keys.alt || event.metaKey !== keys.meta) return false;
  const letter = /^[a-z]$/i.test(keys.key);
  if (letter) return event.key.toLowerCase() === keys.key.toLowerCase() && event.shiftKey === keys.shift;
  if (keys.key.length > 1) return event.key === keys.key && event.shiftKey === keys.shift;
  return event.key === keys.key;
}

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag !== 'INPUT') return false;
  const type = (target as HTMLInputElement).type;
  return !['button', 'checkbox', 'radio', 'submit', 'reset', 'range', 'color', 'file'].includes(type);
}

class KeyboardRegistry {
  /** What is registered, oldest first; the sheet reads it. */
  // Raw: entries keep their identity (a removal finds its own), each change is a new array.
  shortcuts = $state.raw<Shortcut[]>([]);
  #listening = false;

  add(shortcut: Shortcut): () => void {
    const entry = { ...shortcut };
    // Untracked: screens register from an $effect, which must not come to depend on the list it
    // writes (it would re-run, remove and add again, forever).
    untrack(() => {
      this.shortcuts = [...this.shortcuts, entry];
    });
    this.#listen();
    return () =>
      untrack(() => {
        this.shortcuts = this.shortcuts.filter((registered) => registered !== entry);
      });
  }

  /** The shortcut a key event runs, if any: the newest registration wins (the open screen over the shell). */
  find(event: KeyboardEvent): Shortcut | undefined {
    const typing = isTyping(event.target);
    for (let index = this.shortcuts.length - 1; index >= 0; index--) {
      const shortcut = this.shortcuts[index]!;
      if (typing && !shortcut.inInputs) continue;
      if (!matches(parseKeys(shortcut.keys), event)) continue;
      if (shortcut.when && !shortcut.when()) continue;
      return shortcut;
    }
    return undefined;
  }

  #listen(): void {
    if (this.#listening || typeof window === 'undefined') return;
    this.#listening = true;
    window.addEventListener('keydown', (event) => {
      if (event.defaultPrevented || event.isComposing || event.repeat) return;
      // A modal dialog (the ? sheet, a confirmation) owns the keyboard while it is open.
      if (document.querySelector('dialog[open]')) return;
      const shortcut = this.find(event);
      if (!shortcut) return;
      event.preventDefault();
      try {
        shortcut.run(event);
      } catch (error) {
        // A broken shortcut must not take the keyboard down with it.
        console.warn(`[Confab] the shortcut ${shortcut.keys} failed`, error);
      }
    });
  }
}

export const keyboard = new KeyboardRegistry();

/** Registers a shortcut; returns its removal (call it when the screen goes, e.g. from $effect's cleanup). */
export function shortcut(definition: Shortcut): () => void {
  return keyboard.add(definition);
}

/** How the sheet writes keys: `mod+Enter` → `⌘ Enter` on Apple, `Ctrl Enter` elsewhere. */
export function keyLabels(keys: string): string[] {
  const parsed = parseKeys(keys);
  const labels: string[] = [];
  if (parsed.ctrl) labels.push('Ctrl');
  if (parsed.alt) labels.push(isApple ? '⌥' : 'Alt');
  if (parsed.meta) labels.push(isApple ? '⌘' : 'Meta');
  if (parsed.shift) labels.push('Shift');
  labels.push(parsed.key === ' ' ? 'Space' : parsed.key.length === 1 ? parsed.key : parsed.key);
  return labels;
}
