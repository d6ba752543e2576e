// The contact pane's pure parts: page views folded by URL, values shown as text, the last-seen
// time (the server's clock, not the visitor's), app lists typed into one field.
import { describe, expect, it } from 'vitest';
import { attributeEntries, attributeText } from '../../src/contact/attribute-value';
import { lastSeenAt } from '../../src/contact/last-seen';
import { foldPageViews } from '../../src/contact/page-visits';
import { parseAppList } from '../../src/settings/app-list';

describe('foldPageViews', () => {
  it('makes one row per URL with its count, first and last view and the latest title; newest first', () => {
    expect(
      foldPageViews([
        { url: 'https://a.example/', title: 'Home', created_at: 1 },
        { url: 'https://a.example/pricing', title: 'Pricing', created_at: 2 },
        { url: 'https://a.example/', created_at: 3 },
        { url: 'https://a.example/pricing', title: 'Pricing (new)', created_at: 4 },
        { url: 'https://a.example/pricing', title: 'Pricing', created_at: 0 },
      ]),
    ).toEqual([
      { url: 'https://a.example/pricing', title: 'Pricing (new)', views: 3, first_at: 0, last_at: 4 },
      { url: 'https://a.example/', title: 'Home', views: 2, first_at: 1, last_at: 3 },
    ]);
    expect(foldPageViews([])).toEqual([]);
  });
});

describe('attribute values', () => {
  it('read as text: null as a dash, booleans as words, nested values as their JSON', () => {
    expect(attributeText(null)).toBe('—');
    expect(attributeText(undefined)).toBe('—');
    expect(attributeText(false)).toBe('false');
    expect(attributeText(0)).toBe('0');
    expect(attributeText('<b>x</b>')).toBe('<b>x</b>');
    expect(attributeEntries({ b: 1, a: { nested: true }, c: null })).toEqual([
      ['a', '{"nested":true}'],
      ['b', 1],
      ['c', null],
    ]);
    for (const notARecord of [null, undefined, 'text', 3, ['a']]) expect(attributeEntries(notARecord)).toEqual([]);
  });
});

describe('lastSeenAt', () => {
  it('is the latest of the record, the page views and the events as the server received them', () => {
    expect(lastSeenAt({ updated_at: 10 }, [], [])).toBe(10);
    expect(lastSeenAt({ updated_at: 10 }, [{ created_at: 30 }], [{ received_at: 20 }])).toBe(30);
    expect(lastSeenAt({ updated_at: 10 }, [{ created_at: 15 }], [{ received_at: 40 }])).toBe(40);
  });
});

describe('parseAppList', () => {
  it('splits on commas and spaces, drops empties and repeats', () => {
    expect(parseAppList(' acme, beta  acme,,gamma ')).toEqual(['acme', 'beta', 'gamma']);
    expect(parseAppList(' , ')).toEqual([]);
    expect(parseAppList('*')).toEqual(['*']);
  });
});
