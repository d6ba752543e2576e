// Linkified (src/ui/Linkified.svelte): text with its http(s) URLs as safe links and nothing else
// as markup. The attacker's inputs first: no scheme but http(s) ever becomes a link, no text ever
// becomes an element.
import { flushSync, mount, unmount } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import Linkified from '../src/ui/Linkified.svelte';
import { linkify } from '../src/ui/linkify';

let mounted: ReturnType<typeof mount> | undefined;
afterEach(() => {
  if (mounted) unmount(mounted);
  mounted = undefined;
  document.body.innerHTML = '';
});

function render(text: string): HTMLElement {
  const target = document.createElement('div');
  document.body.append(target);
  mounted = mount(Linkified, { target, props: { text } });
  flushSync();
  return target;
}

describe('Linkified against hostile text', () => {
  it('never makes a link of javascript:, data:, vbscript: or other schemes', () => {
    const text = [
      'javascript:alert(1)',
      'JAVASCRIPT:alert(document.cookie)',
      'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
      'vbscript:msgbox(1)',
      'file:///etc/passwd',
      '//evil.example/x',
      'jav&#x09;ascript:alert(1)',
    ].join(' ');
    const target = render(text);
    expect(target.querySelectorAll('a')).toHaveLength(0);
    expect(target.textContent).toBe(text);
  });

  it('renders markup in the text as text: no element, no handler', () => {
    const text = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script><a href="javascript:x">x</a>';
    const target = render(text);
    const span = target.querySelector('.linkified')!;
    expect(span.children).toHaveLength(0);
    expect(span.textContent).toBe(text);
    expect((window as { __pwned?: number }).__pwned).toBeUndefined();
  });

  it('keeps a javascript: URL hidden inside an http link’s text out of the href', () => {
    const target = render('see https://a.example/?next=javascript:alert(1) now');
    const links = target.querySelectorAll('a');
    expect(links).toHaveLength(1);
    expect(links[0]!.getAttribute('href')).toBe('https://a.example/?next=javascript:alert(1)');
    expect(links[0]!.protocol).toBe('https:');
  });

  it('does not let a quote or angle bracket break out of the href', () => {
    const target = render('https://a.example/"onmouseover="alert(1) and https://b.example/<script>');
    const links = [...target.querySelectorAll('a')];
    expect(links.map((link) => link.getAttribute('href'))).toEqual(['https://a.example/', 'https://b.example/']);
    for (const link of links) expect(link.getAttributeNames().sort()).toEqual(['href', 'rel', 'target']);
  });
});

describe('Linkified', () => {
  it('links http and https URLs, opening a new tab that learns nothing of the inbox', () => {
    const target = render('Docs at https://docs.example.com/start and http://old.example.');
    const links = [...target.querySelectorAll('a')];
    expect(links.map((link) => [link.getAttribute('href'), link.textContent])).toEqual([
      ['https://docs.example.com/start', 'https://docs.example.com/start'],
      ['http://old.example/', 'http://old.example'],
    ]);
    for (const link of links) {
      expect(link.getAttribute('rel')).toBe('noopener noreferrer');
      expect(link.getAttribute('target')).toBe('_blank');
    }
    expect(target.textContent).toBe('Docs at https://docs.example.com/start and http://old.example.');
  });

  it('leaves sentence punctuation and an unbalanced bracket outside the link', () => {
    expect(linkify('(see https://a.example/x), then https://b.example/wiki/Foo_(bar)!')).toEqual([
      { text: '(see ' },
      { text: 'https://a.example/x', href: 'https://a.example/x' },
      { text: '), then ' },
      { text: 'https://b.example/wiki/Foo_(bar)', href: 'https://b.example/wiki/Foo_(bar)' },
      { text: '!' },
    ]);
  });

  it('keeps line breaks and plain text as they are', () => {
    expect(linkify('one\ntwo')).toEqual([{ text: 'one\ntwo' }]);
    expect(linkify('')).toEqual([]);
    expect(linkify('https://')).toEqual([{ text: 'https://' }]);
  });
});
