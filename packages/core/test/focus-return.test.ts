import { describe, expect, it } from 'vitest';
import { OWN_UI_SELECTOR } from '../src';
import { focusReturnTarget, isCloseKey } from '../src/browser';

/** An element as focus handling sees it: connected or not, inside a messenger's root or not. */
const element = (name: string, options: { connected?: boolean; inMessenger?: boolean } = {}) => ({
  name,
  isConnected: options.connected ?? true,
  focus() {},
  closest: (selector: string) => (selector === OWN_UI_SELECTOR && options.inMessenger ? {} : null),
});

describe('where focus returns when the panel closes', () => {
  const launcher = element('launcher', { inMessenger: true });
  const body = element('body');

  it('to what had it when the panel opened', () => {
    const button = element('help button');
    expect(focusReturnTarget(button, body, launcher)).toBe(button);
  });

  it('to the launcher when that was the body, is gone, or is part of a messenger (another component on the page)', () => {
    expect(focusReturnTarget(body, body, launcher)).toBe(launcher);
    expect(focusReturnTarget(element('removed', { connected: false }), body, launcher)).toBe(launcher);
    expect(focusReturnTarget(element("another component's close button", { inMessenger: true }), body, launcher)).toBe(
      launcher,
    );
    expect(focusReturnTarget(null, body, launcher)).toBe(launcher);
  });

  it('nowhere when there is no launcher to go to', () => {
    expect(focusReturnTarget(body, body, null)).toBeNull();
  });
});

describe('the key that closes the panel', () => {
  it('is Escape, unless an input method is composing', () => {
    expect(isCloseKey({ key: 'Escape', isComposing: false })).toBe(true);
    expect(isCloseKey({ key: 'Escape', isComposing: true })).toBe(false);
    expect(isCloseKey({ key: 'Enter', isComposing: false })).toBe(false);
  });
});
