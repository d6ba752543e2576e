import { afterEach, describe, expect, it } from 'vitest';
import { createTestModel } from 'xstate/graph';
import {
  createBootGate,
  drive,
  expectedViewOf,
  lifecycleEventTypes,
  lifecycleModel,
  serializeModelState,
  type LifecycleHarness,
  type LifecycleModelSnapshot,
} from '../../core/test/model/lifecycle.model';
import { createPage, type Page } from './page-harness';

/**
 * The same abstract lifecycle model as core's (packages/core/test/model), driven through the
 * rendered UI: the launcher and back button are clicked, and after every step the elements on
 * screen (launcher, panel, view, badge) must say what the model says.
 */
const model = createTestModel(lifecycleModel, {
  serializeState: (state, event, previous) =>
    serializeModelState(state) + (event ? ` via ${event.type}${previous ? ` from ${serializeModelState(previous)}` : ''}` : ''),
});
const paths = model.getShortestPaths({ allowDuplicatePaths: true });

let current: Page | null = null;
afterEach(() => {
  current?.page.destroy();
  current = null;
});

function checkRendered(p: Page, state: LifecycleModelSnapshot) {
  const expected = expectedViewOf(state);
  const root = p.part('root')!;
  const launcher = p.part<HTMLButtonElement>('launcher')!;
  const panel = p.part('panel')!;
  const badge = p.part('badge')!;
  expect(root.getAttribute('data-lifecycle')).toBe(expected.lifecycle);
  expect(launcher.hidden, 'the launcher is shown exactly when booted').toBe(expected.lifecycle !== 'booted');
  expect(launcher.getAttribute('aria-expanded')).toBe(String(expected.open));
  expect(panel.hidden, 'the panel is shown exactly when open').toBe(!expected.open);
  expect(panel.getAttribute('data-view')).toBe(expected.view);
  if (expected.open) expect(p.part('view')!.getAttribute('data-view')).toBe(expected.view);
  expect(badge.hidden, 'no team replies here: no badge').toBe(true);
  expect(p.page.messenger.getView().throttled).toBe(expected.throttled);
}

describe('the DOM adapter follows the lifecycle model', () => {
  for (const path of paths) {
    it(path.description, async () => {
      const bootGate = createBootGate();
      const p = createPage({ transport: (base) => bootGate.wrap(base) });
      current = p;
      const driver: LifecycleHarness = {
        Intercom: p.Intercom,
        clock: p.clock,
        bootGate,
        ui: {
          toggle: () => p.part<HTMLButtonElement>('launcher')!.click(),
          back: () => p.part<HTMLButtonElement>('backButton')!.click(),
        },
      };
      await path.test({
        states: { '*': (state) => checkRendered(p, state) },
        events: Object.fromEntries(lifecycleEventTypes.map((type) => [type, () => drive[type](driver)])),
      });
    });
  }
});
