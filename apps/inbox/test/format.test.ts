import { describe, expect, it } from 'vitest';
import { clock, initials, safeHttpUrl, timeAgo } from '../src/format';

describe('timeAgo', () => {
  const now = new Date(2026, 5, 15, 12, 0, 0).getTime();
  it('says how long ago, short', () => {
    expect(timeAgo(now - 10_000, now)).toBe('now');
    expect(timeAgo(now - 5 * 60_000, now)).toBe('5m');
    expect(timeAgo(now - 3 * 3_600_000, now)).toBe('3h');
    expect(timeAgo(now - 2 * 86_400_000, now)).toBe('2d');
    expect(timeAgo(new Date(2026, 2, 4, 9).getTime(), now)).toBe('Mar 4');
    expect(timeAgo(new Date(2025, 11, 31, 9).getTime(), now)).toBe('Dec 31, 2025');
  });
  it('reads a time ahead of the clock (a skewed server) as now', () => {
    expect(timeAgo(now + 60_000, now)).toBe('now');
  });
});

describe('clock', () => {
  it('writes the local time of day, 24-hour', () => {
    expect(clock(new Date(2026, 0, 1, 9, 5).getTime())).toBe('09:05');
    expect(clock(new Date(2026, 0, 1, 23, 59).getTime())).toBe('23:59');
  });
});

describe('initials', () => {
  it('takes the first letters of the first and last word', () => {
    expect(initials('Ada Lovelace')).toBe('AL');
    expect(initials('  grace  brewster murray hopper ')).toBe('GH');
    expect(initials('cher')).toBe('C');
    expect(initials('Émile Zola')).toBe('ÉZ');
  });
  it('keeps a letter outside the BMP whole, and answers ? for no name', () => {
    expect(initials('𠀋 Smith')).toBe('𠀋S');
    expect(initials('')).toBe('?');
    expect(initials('   ')).toBe('?');
    expect(initials(undefined)).toBe('?');
    expect(initials(null)).toBe('?');
  });
  it('takes letters and digits only: markup, punctuation and emoji are never an initial', () => {
    expect(initials('<script>alert(1)</script>')).toBe('S');
    expect(initials('<b>x</b> <i>y</i>')).toBe('BI');
    expect(initials('"Ada" (Lovelace)')).toBe('AL');
    expect(initials('😀 Smile')).toBe('S');
    expect(initials('Ada 😀')).toBe('A');
    expect(initials('<<< >>> !!!')).toBe('?');
    expect(initials('42 Ltd')).toBe('4L');
    expect(initials('Иван Петров')).toBe('ИП');
    expect(initials('山田 太郎')).toBe('山太');
  });
  it('reads a letter written with a combining accent as one letter', () => {
    expect(initials('E\u0301mile Zola')).toBe('ÉZ');
  });
});

describe('safeHttpUrl', () => {
  it('passes absolute http and https URLs, normalised', () => {
    expect(safeHttpUrl('https://example.com/a?b=c#d')).toBe('https://example.com/a?b=c#d');
    expect(safeHttpUrl('HTTP://Example.COM')).toBe('http://example.com/');
  });
  it('refuses every other scheme, relative and malformed URLs', () => {
    for (const url of [
      'javascript:alert(1)',
      'JavaScript:alert(1)',
      ' javascript:alert(1)',
      'java\tscript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox(1)',
      'file:///etc/passwd',
      'blob:https://example.com/x',
      '//evil.example/x',
      '/inbox/settings',
      'http//missing-colon',
      'https://',
      '',
      null,
      undefined,
    ]) {
      expect(safeHttpUrl(url), String(url)).toBeUndefined();
    }
  });
});
