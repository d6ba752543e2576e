import { describe, expect, it } from 'vitest';
import { getInitialSnapshot, getNextSnapshot } from 'xstate';
import { createMessengerEffects } from '../src/machine/effects';
import { createMessengerMachine } from '../src/machine/messenger.machine';
import type { MessengerEvent } from '../src/machine/messenger.types';
import { createMemoryStorage } from '../src/platform/memory-storage';
import type { Storage } from '../src/platform/storage';
import type { Transport } from '../src/delivery/transport';

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
    get: (key) => memory.get(key),
    set: (key, value, options) => {
      calls.push('storage.set');
      memory.set(key, value, options);
    },
    remove: (key) => {
      calls.push('storage.remove');
      memory.remove(key);
    },
  };
  const machine = createMessengerMachine(createMessengerEffects({ transport, storage, logger: { warn: () => {} } }));
  const initial = getInitialSnapshot(machine, { appId: 'acme' });
  const session = { app_id: 'acme', token: 't1', expires_at: Date.now() + 60_000 };
  const booted = (panel: unknown, updates: 'ready' | 'throttled', context: Partial<typeof initial.context> = {}) =>
    machine.resolveState({
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
  const next = (snapshot: ReturnType<typeof booted>, event: MessengerEvent) => getNextSnapshot(machine, snapshot, event);
  return { calls, booted, next };
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
    const update: MessengerEvent = { type: 'UPDATE', patch: { identity: {}, attributes: { name: 'Ada' } }, launcher: {} };
    next(booted('closed', 'ready'), update);
    const held = next(booted('closed', 'throttled'), update);
    expect(held.context.pendingPatch).not.toBeNull();
    expect(calls).toEqual([]);
  });
});
