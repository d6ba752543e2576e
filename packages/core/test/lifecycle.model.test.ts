import { describe, expect, it } from 'vitest';
import { createTestModel } from 'xstate/graph';
import type { MessengerView } from '../src';
import {
  BURST,
  createBootGate,
  createHarness,
  currentPerson,
  drive,
  expectedViewOf,
  type Harness,
  type LifecycleEventType,
  type LifecycleHarness,
  type LifecycleModelSnapshot,
  lifecycleEventTypes,
  lifecycleModel,
  serializeModelState,
} from '../src/testing';

/**
 * Model-based test of the lifecycle: xstate/graph walks the abstract model in
 * src/testing/lifecycle.model.ts, and every path it finds is driven, step by step, on a real core
 * (in-memory server, simulated clock). After every step the core's view-model must say what the
 * model says.
 */

// A state is told apart by how it was reached (the event and the state it came from), no-ops
// included: so the shortest paths cover every transition of the model, not only every state.
const viaTransition = (
  state: LifecycleModelSnapshot,
  event: { type: string } | undefined,
  previous?: LifecycleModelSnapshot,
) =>
  serializeModelState(state) +
  (event ? ` via ${event.type}${previous ? ` from ${serializeModelState(previous)}` : ''}` : '');
const model = createTestModel(lifecycleModel, { serializeState: viaTransition });

const shortestPaths = model.getShortestPaths({ allowDuplicatePaths: true });

// Simple paths (no state visited twice) over the states alone. Over the whole model they number
// in the hundreds of thousands, so each slice walks the events that belong together, from a
// given start. Paths that are the start of a longer one are left out (every step is checked).
const plainState = (state: LifecycleModelSnapshot) => serializeModelState(state);
const afterBoot = model.getPathsFromEvents([{ type: 'BOOT' }, { type: 'SERVER_ANSWERS' }], {
  serializeState: plainState,
})[0]!;
const beforeBoot = new Set<LifecycleEventType>(['BOOT', 'SERVER_ANSWERS', 'SERVER_REFUSES', 'SHUTDOWN']);

function simplePathsOf(
  events: readonly LifecycleEventType[],
  options: { from?: typeof afterBoot; onlyWhenBooted?: boolean; untilBooted?: boolean; maxSteps: number },
) {
  const booted = (state: LifecycleModelSnapshot) => state.matches('booted');
  const tails = model.getSimplePaths({
    serializeState: plainState,
    filterEvents: (state, event) =>
      events.includes(event.type) && (!options.onlyWhenBooted || booted(state) || beforeBoot.has(event.type)),
    ...(options.from ? { fromState: options.from.state } : {}),
    ...(options.untilBooted ? { stopWhen: booted, toState: booted } : {}),
  });
  const prefix = options.from ? options.from.steps.slice(1).map((step) => step.event) : [];
  return tails
    .filter((tail) => tail.steps.length - 1 <= options.maxSteps)
    .map((tail) =>
      options.from
        ? model.getPathsFromEvents([...prefix, ...tail.steps.slice(1).map((step) => step.event)], {
            serializeState: plainState,
          })[0]!
        : tail,
    );
}

const simplePaths = [
  {
    name: 'calls kept until boot, then boot',
    paths: simplePathsOf(
      ['SHOW', 'START_CONVERSATION', 'HIDE', 'BOOT', 'SERVER_ANSWERS', 'SERVER_REFUSES', 'SHUTDOWN'],
      {
        untilBooted: true,
        maxSteps: 9,
      },
    ),
  },
  {
    name: 'the panel once booted',
    paths: simplePathsOf(
      ['SHOW', 'HIDE', 'TOGGLE', 'SHOW_HOME', 'SHOW_MESSAGES', 'SHOW_NEW_MESSAGE', 'START_CONVERSATION', 'BACK'],
      { from: afterBoot, maxSteps: 6 },
    ),
  },
  {
    name: 'identity and throttling once booted',
    paths: simplePathsOf(
      [
        'SHOW_MESSAGES',
        'BOOT_SAME',
        'BOOT_OTHER',
        'UPDATE_BURST',
        'WINDOW_PASSES',
        'SHUTDOWN',
        'BOOT',
        'SERVER_ANSWERS',
      ],
      { from: afterBoot, onlyWhenBooted: true, maxSteps: 9 },
    ),
  },
];

function createModelHarness(): { h: Harness; driver: LifecycleHarness } {
  const bootGate = createBootGate();
  const h = createHarness({ transport: (base) => bootGate.wrap(base) });
  const driver: LifecycleHarness = {
    Intercom: h.Intercom,
    clock: h.clock,
    bootGate,
    ui: { toggle: () => h.view().toggle(), back: () => h.view().back() },
  };
  return { h, driver };
}

function observed(view: MessengerView) {
  return { lifecycle: view.lifecycle, open: view.open, view: view.view, throttled: view.throttled };
}

function checkInvariants(view: MessengerView) {
  if (view.open) expect(view.lifecycle, 'an open panel implies booted').toBe('booted');
  if (view.throttled) expect(view.lifecycle, 'throttled implies booted').toBe('booted');
  expect(view.view === null, 'a view is on screen exactly when the panel is open').toBe(!view.open);
  expect(view.booted).toBe(view.lifecycle === 'booted');
  expect(view.sending, 'every step has settled').toBe(false);
}

async function runPath(path: (typeof shortestPaths)[number]) {
  const { h, driver } = createModelHarness();
  let before: LifecycleModelSnapshot | null = null;
  // Whether the held (or queued) updates include a burst: its last value must reach the server.
  let burstHeld = false;

  await path.test({
    states: {
      '*': (state) => {
        const view = h.view();
        expect(observed(view)).toEqual(expectedViewOf(state));
        checkInvariants(view);
        before = state;
      },
    },
    events: Object.fromEntries(
      lifecycleEventTypes.map((type) => [
        type,
        async () => {
          const wasThrottled = before?.matches({ booted: { updates: 'throttled' } }) ?? false;
          const updatesBefore = h.server.calls().update ?? 0;
          await drive[type](driver);
          if (type === 'UPDATE_BURST') burstHeld = true;
          if (type === 'SHUTDOWN' || type === 'BOOT_OTHER') burstHeld = false;
          if (type === 'WINDOW_PASSES' && wasThrottled) {
            // The held updates go out as one merged patch when the window opens.
            expect(h.server.calls().update ?? 0, 'one request for the held patch').toBe(updatesBefore + 1);
            if (burstHeld) {
              const person = h.server.people().find((p) => p.user_id === currentPerson(driver));
              expect(person?.attributes.custom_attributes, 'the last held value wins').toMatchObject({ burst: BURST });
            }
            burstHeld = false;
          }
        },
      ]),
    ),
  });

  checkInvariants(h.view());
  expect(
    h.warnings.filter(
      (w) => !w.includes("Intercom('boot') failed (401)") && !w.includes("Intercom('shutdown') discarded"),
    ),
  ).toEqual([]);
  h.messenger.stop();
}

describe('lifecycle model: shortest paths to every transition', () => {
  for (const path of shortestPaths) {
    it(path.description, () => runPath(path));
  }
});

for (const slice of simplePaths) {
  describe(`lifecycle model: simple paths (${slice.name})`, () => {
    it('has paths to run', () => expect(slice.paths.length).toBeGreaterThan(0));
    for (const path of slice.paths) {
      it(path.description, () => runPath(path));
    }
  });
}
