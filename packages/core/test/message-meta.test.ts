import { describe, expect, it } from 'vitest';
import { initialsOf, messageTime } from '../src';

describe('message meta', () => {
  it('initials: the first letter of the first and the last word, whole characters, upper case', () => {
    expect(initialsOf('Sam')).toBe('S');
    expect(initialsOf('  ada byron   king ')).toBe('AK');
    expect(initialsOf('Émile Zola')).toBe('ÉZ');
    expect(initialsOf('😀 Smile')).toBe('😀S');
    expect(initialsOf('')).toBe('');
  });

  it("a message's time in the messenger's language; nothing for a time that is none", () => {
    const at = Date.UTC(2026, 11, 3, 18, 5);
    expect(messageTime(at, 'en')).toBe(
      new Date(at).toLocaleString('en', { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' }),
    );
    expect(messageTime(at, 'fr')).not.toBe(messageTime(at, 'en'));
    expect(messageTime(Number.NaN, 'en')).toBe('');
    expect(messageTime(undefined as unknown as number, 'en')).toBe('');
  });
});
