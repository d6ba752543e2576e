import { flushSync, mount, unmount } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import Avatar from '../src/ui/Avatar.svelte';

let mounted: ReturnType<typeof mount> | undefined;
afterEach(() => {
  if (mounted) unmount(mounted);
  mounted = undefined;
  document.body.innerHTML = '';
});

function render(props: { name: string | null; url?: string | null; size?: number }): HTMLElement {
  const target = document.createElement('div');
  document.body.append(target);
  mounted = mount(Avatar, { target, props });
  flushSync();
  return target;
}

describe('Avatar', () => {
  it('shows the picture of an https URL, sized, telling the image host nothing', () => {
    const target = render({ name: 'Ada Lovelace', url: 'https://images.example/ada.png', size: 40 });
    const img = target.querySelector('img')!;
    expect(img.getAttribute('src')).toBe('https://images.example/ada.png');
    expect(img.getAttribute('alt')).toBe('');
    expect(img.getAttribute('referrerpolicy')).toBe('no-referrer');
    expect(img.style.width).toBe('40px');
  });

  it('shows initials when there is no URL, or one that is not http(s)', () => {
    for (const url of [undefined, null, '', 'javascript:alert(1)', 'data:image/svg+xml,<svg onload=alert(1)>']) {
      const target = render({ name: 'Grace Hopper', url });
      expect(target.querySelector('img'), String(url)).toBeNull();
      expect(target.textContent).toBe('GH');
      unmount(mounted!);
      mounted = undefined;
      document.body.innerHTML = '';
    }
  });

  it('falls back to initials when the picture fails to load', () => {
    const target = render({ name: 'Alan Turing', url: 'https://images.example/missing.png' });
    target.querySelector('img')!.dispatchEvent(new Event('error'));
    flushSync();
    expect(target.querySelector('img')).toBeNull();
    expect(target.textContent).toBe('AT');
  });

  it('writes a name full of markup as text, its initials from its letters only', () => {
    const target = render({ name: '<b>x</b> <script>y</script>' });
    expect(target.querySelector('b, script')).toBeNull();
    expect(target.textContent).toBe('BS');
    unmount(mounted!);
    document.body.innerHTML = '';
    mounted = undefined;
    expect(render({ name: '<script>alert(1)</script>' }).textContent).toBe('S');
    unmount(mounted!);
    document.body.innerHTML = '';
    mounted = undefined;
    expect(render({ name: '<<< !!!' }).textContent).toBe('?');
  });
});
