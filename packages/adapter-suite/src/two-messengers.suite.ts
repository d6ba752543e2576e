import { afterEach, describe, expect, it } from 'vitest';
import { type AdapterHarness, type MountedUI, mountUI } from './harness';

/** Two messengers on one page (two apps, or a widget and an app): neither's ids or ARIA point into the other. */
export function twoMessengersSuite(harness: AdapterHarness) {
  describe(`${harness.name}: two messengers on one page`, () => {
    const mounted: MountedUI[] = [];
    afterEach(async () => {
      for (const ui of mounted.splice(0)) await ui.unmount();
    });

    async function askedForEmail(alongside: boolean) {
      const ui = await mountUI(harness, { boot: { app_id: 'acme' }, alongside });
      mounted.push(ui);
      await ui.settle();
      ui.Intercom('startConversation', 'Hi, no account yet');
      await ui.settle();
      return ui;
    }
    const idsIn = (ui: MountedUI) => [...ui.container().querySelectorAll('[id]')].map((element) => element.id);
    const byId = (ui: MountedUI, id: string | null) => ui.container().querySelector(`[id="${id}"]`);

    it('ids never collide; each launcher controls its own panel, each label names its own field', async () => {
      const first = await askedForEmail(false);
      const second = await askedForEmail(true);
      const ids = [...idsIn(first), ...idsIn(second)];
      expect(ids.length).toBeGreaterThanOrEqual(4);
      expect(new Set(ids).size, `ids on the page: ${ids.join(', ')}`).toBe(ids.length);

      for (const ui of [first, second]) {
        expect(byId(ui, ui.part('launcher')!.getAttribute('aria-controls'))).toBe(ui.part('panel'));
        const label = ui.query<HTMLLabelElement>('.confab-email-prompt label')!;
        expect(byId(ui, label.htmlFor)).toBe(ui.query('.confab-email-prompt input'));
      }

      await first.click(first.part('closeButton'));
      await second.settle();
      expect(first.part('panel')!.hidden).toBe(true);
      expect(second.part('panel')!.hidden, 'closing one leaves the other open').toBe(false);
      await first.click(first.part('launcher'));
      await second.settle();
      expect(first.part('panel')!.hidden).toBe(false);
      expect(first.part('launcher')!.getAttribute('aria-expanded')).toBe('true');
    });
  });
}
