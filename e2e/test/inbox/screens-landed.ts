// Which of the inbox's screens exist yet: the shell ships each screen as a placeholder (a
// `data-placeholder` section) until its owner's work replaces it. A case that needs a screen is a
// `todo` while that screen is a placeholder, and runs as soon as the real one is in the tree.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { it } from 'vitest';

const INBOX_SOURCES = fileURLToPath(new URL('../../../apps/inbox/src/', import.meta.url));

export type Screen =
  | 'conversations/ConversationsScreen.svelte'
  | 'contact/ContactPane.svelte'
  | 'settings/SettingsScreen.svelte'
  | 'admin/TeammatesScreen.svelte'
  | 'admin/SavedRepliesScreen.svelte';

export function screensLanded(...screens: Screen[]): boolean {
  return screens.every((screen) => {
    const path = `${INBOX_SOURCES}${screen}`;
    return existsSync(path) && !readFileSync(path, 'utf8').includes('data-placeholder=');
  });
}

/** `it` once every screen named has landed, `it.todo` (the body kept, not run) until then. */
export function itWithScreens(...screens: Screen[]): typeof it | typeof it.todo {
  return screensLanded(...screens) ? it : it.todo;
}
