// happy-dom's ShadowRoot.activeElement throws while focus is in another shadow root (it walks up
// past the document looking for a host); a browser answers null there. Two DOM widgets on one
// page meet that, so the tests ask it as a browser would answer.
const { get } = Object.getOwnPropertyDescriptor(ShadowRoot.prototype, 'activeElement')!;
Object.defineProperty(ShadowRoot.prototype, 'activeElement', {
  configurable: true,
  get(this: ShadowRoot) {
    try {
      return get!.call(this);
    } catch {
      return null;
    }
  },
});
