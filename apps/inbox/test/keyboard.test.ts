// The shortcut registry (src/keyboard.svelte.ts) and the `?` sheet (src/ui/ShortcutSheet.svelte).
import { flushSync, mount, unmount } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { keyboard, shortcut } from '../src/keyboard.svelte';
import ShortcutSheet from '../src/ui/ShortcutSheet.svelte';
import RegistersInEffect from './RegistersInEffect.svelte';

const removals: Array<() => void> = [];
let mounted: ReturnType<typeof mount> | undefined;
afterEach(() => {
  for (const remove of removals.splice(0)) remove();
  if (mounted) unmount(mounted);
  mounted = undefined;
  document.body.innerHTML = '';
});

function press(key: string, target: EventTarget = document.body, init: KeyboardEventInit = {}): KeyboardEvent {
  const event = new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init });
  target.dispatchEvent(event);
  return event;
}

function register(...args: Parameters<typeof shortcut>) {
  removals.push(shortcut(...args));
}

describe('shortcut', () => {
  it('runs on its key, and takes the key from the page', () => {
    const ran: string[] = [];
    register({ keys: 'j', description: 'Next', run: () => ran.push('j') });
    const event = press('j');
    expect(ran).toEqual(['j']);
    expect(event.defaultPrevented).toBe(true);
    press('k');
    press('j', document.body, { ctrlKey: true });
    press('J', document.body, { shiftKey: true });
    expect(ran).toEqual(['j']);
  });

  it('leaves keys typed into a field to the field, unless it says otherwise', () => {
    const ran: string[] = [];
    register({ keys: 'j', description: 'Next', run: () => ran.push('j') });
    register({ keys: 'Escape', description: 'Leave the field', inInputs: true, run: () => ran.push('escape') });
    const input = document.createElement('input');
    const textarea = document.createElement('textarea');
    const checkbox = Object.assign(document.createElement('input'), { type: 'checkbox' });
    document.body.append(input, textarea, checkbox);
    expect(press('j', input).defaultPrevented).toBe(false);
    press('j', textarea);
    press('Escape', textarea);
    press('j', checkbox);
    expect(ran).toEqual(['escape', 'j']);
  });

  it('runs the newest registration whose condition holds, and none once removed', () => {
    const ran: string[] = [];
    let conversationOpen = false;
    register({ keys: 'e', description: 'Shell', run: () => ran.push('shell') });
    const remove = shortcut({
      keys: 'e',
      description: 'Close the conversation',
      when: () => conversationOpen,
      run: () => ran.push('screen'),
    });
    press('e');
    conversationOpen = true;
    press('e');
    remove();
    press('e');
    expect(ran).toEqual(['shell', 'screen', 'shell']);
  });

  it('does nothing while a modal dialog is open', () => {
    const ran: string[] = [];
    register({ keys: 'j', description: 'Next', run: () => ran.push('j') });
    const dialog = document.createElement('dialog');
    dialog.setAttribute('open', '');
    document.body.append(dialog);
    press('j');
    expect(ran).toEqual([]);
  });

  it('survives a shortcut that throws: one [Confab] warning, nothing thrown into the page', () => {
    register({
      keys: 'x',
      description: 'Broken',
      run: () => {
        throw new Error('boom');
      },
    });
    const warnings: unknown[][] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(args);
    try {
      expect(() => press('x')).not.toThrow();
    } finally {
      console.warn = warn;
    }
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0]![0])).toMatch(/^\[Confab\]/);
  });
});

describe('registering from an $effect', () => {
  it('runs the effect once: the registry it writes is not one of its dependencies', () => {
    let runs = 0;
    const ran: string[] = [];
    const target = document.createElement('div');
    document.body.append(target);
    mounted = mount(RegistersInEffect, {
      target,
      props: { keys: 'g', onRun: () => runs++, onKey: () => ran.push('g') },
    });
    flushSync();
    // A later registration elsewhere does not re-run it either.
    register({ keys: 'h', description: 'Help', run: () => {} });
    flushSync();
    expect(runs).toBe(1);
    expect(keyboard.shortcuts.filter((entry) => entry.keys === 'g')).toHaveLength(1);
    press('g');
    expect(ran).toEqual(['g']);
    unmount(mounted);
    mounted = undefined;
    expect(keyboard.shortcuts.filter((entry) => entry.keys === 'g')).toHaveLength(0);
  });
});

describe('the ? sheet', () => {
  it('opens on ? and lists what is registered now, each key once', () => {
    register({ keys: 'j', description: 'Next conversation', run: () => {} });
    register({ keys: 'mod+Enter', description: 'Send', run: () => {} });
    register({ keys: 'r', description: 'Hidden now', when: () => false, run: () => {} });
    const target = document.createElement('div');
    document.body.append(target);
    mounted = mount(ShortcutSheet, { target });
    flushSync();
    const dialog = target.querySelector('dialog')!;
    expect(dialog.open).toBe(false);
    press('?', document.body, { shiftKey: true });
    flushSync();
    expect(dialog.open).toBe(true);
    const rows = [...dialog.querySelectorAll('tr')].map((row) =>
      [...row.querySelectorAll('td')].map((cell) => cell.textContent?.replace(/\s+/g, ' ').trim()).join(' '),
    );
    expect(rows).toContain('j Next conversation');
    expect(rows).toContain('? Show keyboard shortcuts');
    expect(rows.some((row) => row?.endsWith('Enter Send'))).toBe(true);
    expect(rows.some((row) => row?.includes('Hidden now'))).toBe(false);
    expect(keyboard.shortcuts.filter((entry) => entry.keys === '?')).toHaveLength(1);
  });
});
