import { type AdapterHarness, clearPage, runAdapterSuite } from '@confab/adapter-suite';
import { installIntercom } from '../src';

/** The DOM adapter as a page installs it: `window.Intercom`, rendered into a shadow root. */
const domHarness: AdapterHarness = {
  name: 'dom',
  mount({ boot, transport, clock, logger, random, alongside }) {
    // A second install would hand back the first (a page with two snippets): this one is a second widget.
    if (alongside) (window as { Intercom?: unknown }).Intercom = undefined;
    else clearPage();
    if (boot) (window as { intercomSettings?: unknown }).intercomSettings = boot;
    const page = installIntercom({ window, transport, clock, logger, random });
    // Kept: after destroy() the shadow root is off the page but still answers queries.
    const root = page.mounted()!.shadowRoot;
    const shadow = () => root;
    return {
      Intercom: page.Intercom,
      view: () => page.messenger.getView(),
      container: shadow,
      activeElement: () => shadow().activeElement,
      // The renderer applies every snapshot synchronously.
      flush: async () => {},
      customProperty(name) {
        const css = [...shadow().adoptedStyleSheets]
          .flatMap((sheet) => [...sheet.cssRules])
          .map((rule) => rule.cssText)
          .join('\n');
        return new RegExp(`${name}:\\s*([^;}]+)`).exec(css)?.[1]?.trim();
      },
      unmount: () => page.destroy(),
    };
  },
};

runAdapterSuite(domHarness);
