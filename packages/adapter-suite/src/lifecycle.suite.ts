import {
  createBootGate,
  drive,
  expectedViewOf,
  type LifecycleHarness,
  type LifecycleModelSnapshot,
  lifecycleEventTypes,
  lifecycleModel,
  serializeModelState,
} from '@confab/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestModel } from 'xstate/graph';
import { type AdapterHarness, type MountedUI, mountUI } from './harness';

/**
 * Core's abstract lifecycle model (@confab/core/testing), driven through an adapter: its
 * commands are called, the launcher and back button are clicked, and after every step what is on
 * screen (launcher, panel, view, badge) must say what the model says.
 */
export function lifecycleSuite(harness: AdapterHarness) {
  const model = createTestModel(lifecycleModel, {
    serializeState: (state, event, previous) =>
      serializeModelState(state) +
      (event ? ` via ${event.type}${previous ? ` from ${serializeModelState(previous)}` : ''}` : ''),
  });
  const paths = model.getShortestPaths({ allowDuplicatePaths: true });

  describe(`${harness.name}: the rendered UI follows the lifecycle model`, () => {
    let current: MountedUI | null = null;
    afterEach(async () => {
      await current?.unmount();
      current = null;
    });

    for (const path of paths) {
      it(path.description, async () => {
        const bootGate = createBootGate();
        const ui = await mountUI(harness, { transport: (base) => bootGate.wrap(base) });
        current = ui;
        const driver: LifecycleHarness = {
          Intercom: ui.Intercom,
          clock: ui.clock,
          bootGate,
          ui: {
            toggle: () => ui.click(ui.part('launcher')),
            back: () => ui.click(ui.part('backButton')),
          },
          settle: ui.settle,
        };
        await path.test({
          states: { '*': (state) => checkRendered(ui, state) },
          events: Object.fromEntries(lifecycleEventTypes.map((type) => [type, () => drive[type](driver)])),
        });
      });
    }
  });
}

function checkRendered(ui: MountedUI, state: LifecycleModelSnapshot) {
  const expected = expectedViewOf(state);
  const root = ui.part('root')!;
  const launcher = ui.part<HTMLButtonElement>('launcher')!;
  const panel = ui.part('panel')!;
  const badge = ui.part('badge')!;
  expect(root.getAttribute('data-lifecycle')).toBe(expected.lifecycle);
  expect(launcher.hidden, 'the launcher is shown exactly when booted').toBe(expected.lifecycle !== 'booted');
  expect(launcher.getAttribute('aria-expanded')).toBe(String(expected.open));
  expect(panel.hidden, 'the panel is shown exactly when open').toBe(!expected.open);
  expect(panel.getAttribute('data-view')).toBe(expected.view);
  if (expected.open) expect(ui.part('view')!.getAttribute('data-view')).toBe(expected.view);
  expect(badge.hidden, 'no team replies here: no badge').toBe(true);
  expect(ui.view().throttled).toBe(expected.throttled);
}
