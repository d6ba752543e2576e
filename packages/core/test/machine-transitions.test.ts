import { describe, expect, it } from 'vitest';
import { createActor, getInitialSnapshot, getNextSnapshot } from 'xstate';
import type { Transport } from '../src/delivery/transport';
import { messengerActors } from '../src/machine/actors';
import { createMessengerEffects } from '../src/machine/effects';
import { createMessengerMachine } from '../src/machine/messenger.machine';
import type { MessengerEvent } from '../src/machine/messenger.types';
import { createMemoryStorage } from '../src/platform/memory-storage';
import { type Storage, storageKeys } from '../src/platform/storage';

// Computing a transition (xstate's pure getNextSnapshot, or any evaluation before actions run)
// asks nothing of the network or of storage: that is left to the actions and child actors it yields.
function world() {
  const calls: string[] = [];
  const transport = new Proxy({} as Transport, {
    get: (_, name) => () => {
      calls.push(`transport.${String(name)}`);
      return new Promise(() => {});
    },
  });
  const memory = createMemoryStorage();
  const storage: Storage = {
    ...memory,
    get: (key) => {
      calls.push('storage.get');
      return memory.get(key);
    },
    set: (key, value, options) => {
      calls.push('storage.set');
      memory.set(key, value, options);
    },
    remove: (key) => {
      calls.push('storage.remove');
      memory.remove(key);
    },
  };
  const effects = createMessengerEffects({ transport, storage, logger: { warn: () => {} } });
  const machine = createMessengerMachine(effects);
  const initial = getInitialSnapshot(machine, { appId: 'acme' });
  const session = { app_id: 'acme', token: 't1', expires_at: Date.now() + 60_000 };
  const booted = (panel: unknown, updates: 'ready' | 'throttled', context: Partial<typeof initial.context> = {}) => {
    const snapshot = machine.resolveState({
      value: { booted: { panel, updates } } as never,
      context: {
        ...initial.context,
        settings: { app_id: 'acme', api_base: undefined, identity: { user_id: 'u1' }, attributes: {}, launcher: {} },
        session,
        person: { id: 'p1', role: 'user' } as never,
        thread: { conversationId: 'c1', messages: [], loading: false },
        ...context,
      },
    });
    // resolveState starts no children: the update sender booted invokes is there, never started.
    const updateSender = createActor(messengerActors(effects).updateSender, { input: { session } });
    return { ...snapshot, children: { updateSender } } as typeof snapshot;
  };
  const next = (snapshot: ReturnType<typeof booted>, event: MessengerEvent) =>
    getNextSnapshot(machine, snapshot, event);
  return { calls, booted, next, machine, initial, storage, session };
}

describe('evaluating a transition', () => {
  it('sends no message (the send is an action run afterwards)', () => {
    const { calls, booted, next } = world();
    const after = next(booted({ open: 'conversation' }, 'ready'), { type: 'SEND_MESSAGE', body: 'hello' });
    expect(after.context.thread!.messages.map((m) => m.status)).toEqual(['sending']);
    expect(calls).toEqual([]);
  });

  it('sends no update, and keeps no held one in storage', () => {
    const { calls, booted, next } = world();
    const update: MessengerEvent = {
      type: 'UPDATE',
      patch: { identity: {}, attributes: { name: 'Ada' } },
      launcher: {},
    };
    next(booted('closed', 'ready'), update);
    const held = next(booted('closed', 'throttled'), update);
    expect(held.context.pendingPatch).not.toBeNull();
    expect(calls).toEqual([]);
  });

  it("reads no held update out of storage when a boot's answer arrives (the boot request did)", () => {
    const { calls, machine, initial, storage, session } = world();
    storage.set(
      storageKeys('acme').heldUpdate,
      JSON.stringify({ token: 'old', person: 'p1', patch: { identity: {}, attributes: { plan: 'pro' } } }),
    );
    calls.length = 0;
    const booting = machine.resolveState({
      value: { booting: 'requesting' },
      context: {
        ...initial.context,
        settings: { app_id: 'acme', api_base: undefined, identity: {}, attributes: {}, launcher: {} },
      },
    });
    const [boot] = machine.getStateNodeById('messenger.booting.requesting').invoke;
    const output = {
      response: { session, person: { id: 'p1', role: 'user' }, unread_count: 0, conversations: [], settings: {} },
      resumedToken: 'old',
      carried: { identity: {}, attributes: { plan: 'pro' } },
    };
    const answered = getNextSnapshot(machine, booting, { type: `xstate.done.actor.${boot!.id}`, output } as never);
    expect(answered.matches('booted')).toBe(true);
    // The carried update went out first, through this page's window.
    expect(answered.context.updateWindow.count).toBe(1);
    expect(calls).toEqual([]);
  });
});
