import type { SnapshotFrom } from 'xstate';
import type { MessengerMachine } from './messenger.machine';
import type { View } from './messenger.types';

export type MessengerSnapshot = SnapshotFrom<MessengerMachine>;
export type Lifecycle = 'unbooted' | 'booting' | 'booted' | 'shutDown';

const VIEWS: readonly View[] = ['home', 'messages', 'conversation', 'newMessage'];

/** Plain facts read off the machine's state: the only place adapters and hooks learn them from. */
export function lifecycleOf(snapshot: MessengerSnapshot): Lifecycle {
  if (snapshot.matches('booted')) return 'booted';
  if (snapshot.matches('booting')) return 'booting';
  if (snapshot.matches('shutDown')) return 'shutDown';
  return 'unbooted';
}

export function isOpen(snapshot: MessengerSnapshot): boolean {
  return snapshot.matches({ booted: { panel: 'open' } });
}

export function viewOf(snapshot: MessengerSnapshot): View | null {
  for (const view of VIEWS) {
    if (snapshot.matches({ booted: { panel: { open: view } } })) return view;
  }
  return null;
}

export function isThrottled(snapshot: MessengerSnapshot): boolean {
  return snapshot.matches({ booted: { updates: 'throttled' } });
}

export function isSending(snapshot: MessengerSnapshot): boolean {
  return snapshot.matches({ booted: { panel: { open: { newMessage: 'sending' } } } });
}
