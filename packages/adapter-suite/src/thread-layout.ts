/**
 * happy-dom lays nothing out, so a thread's scroll position cannot be checked there as is: this
 * gives every thread part a layout (100px a message, 300px for one whose text says TALL, a 500px
 * viewport) until the returned function restores the real properties.
 */
export function fakeThreadLayout(): () => void {
  const proto = HTMLElement.prototype;
  const keys = ['scrollHeight', 'clientHeight', 'scrollTop'] as const;
  const saved = keys.map((key) => Object.getOwnPropertyDescriptor(proto, key));
  const tops = new WeakMap<Element, number>();
  const isThread = (e: Element) => e.getAttribute('data-part') === 'thread';
  const height = (e: Element) =>
    isThread(e) ? [...e.children].reduce((sum, c) => sum + (c.textContent!.includes('TALL') ? 300 : 100), 0) : 0;
  const viewport = (e: Element) => (isThread(e) ? 500 : 0);
  Object.defineProperty(proto, 'scrollHeight', {
    configurable: true,
    get: function (this: Element) {
      return height(this);
    },
  });
  Object.defineProperty(proto, 'clientHeight', {
    configurable: true,
    get: function (this: Element) {
      return viewport(this);
    },
  });
  Object.defineProperty(proto, 'scrollTop', {
    configurable: true,
    get: function (this: Element) {
      return tops.get(this) ?? 0;
    },
    set: function (this: Element, value: number) {
      tops.set(this, Math.max(0, Math.min(value, height(this) - viewport(this))));
    },
  });
  return () => {
    keys.forEach((key, i) => {
      if (saved[i]) Object.defineProperty(proto, key, saved[i]);
      else delete (proto as unknown as Record<string, unknown>)[key];
    });
  };
}
