import type { Part } from '../view/anatomy';
import type { MessengerView } from '../view/connect';
import { type FocusableElement, focusReturnTarget } from './focus-return';
import { isAtThreadEnd, type PanelPlace, panelTransition } from './panel-transition';
import { activeElementAt, type DrawnNode } from './root-node';

/** The rendered root part, as far as the behaviour needs it (core reads no DOM globals). */
export interface RenderedRoot extends DrawnNode {
  querySelector(selector: string): unknown;
  contains(node: never): boolean;
  readonly ownerDocument: (DrawnNode['ownerDocument'] & { readonly body: unknown }) | null;
}

type Thread = { scrollHeight: number; scrollTop: number; clientHeight: number };

/**
 * What a render does beyond drawing, found by part under the messenger's root: the composer's
 * prefill, focus into the panel and back out where it came from, and the thread kept at its newest
 * message unless the reader scrolled up. An adapter calls `beforeUpdate` before the DOM takes a
 * new view-model ("at the bottom" is measured then) and `afterUpdate` once it has (also while
 * nothing is drawn: the panel's place is remembered, so drawing it later moves no focus).
 */
export function createPanelBehaviour(root: () => RenderedRoot | null | undefined) {
  let placed: PanelPlace = { open: false, view: null, draft: '', sending: false };
  let focusBeforeOpen: unknown = null;
  // The view and conversation drawn last (null: nothing drawn): another one starts at its newest message.
  let shown: string | null = null;
  let follow = false;
  const part = <T>(name: Part) => (root()?.querySelector(`[data-part="${name}"]`) ?? null) as T | null;

  return {
    beforeUpdate(view: MessengerView | null) {
      const next = view && `${view.view} ${view.thread?.conversationId}`;
      const thread = part<Thread>('thread');
      follow = next !== shown || !thread || isAtThreadEnd(thread);
      shown = next;
    },
    afterUpdate(view: MessengerView) {
      const { focus, prefill } = panelTransition(placed, view);
      placed = view; // one object per snapshot, never changed
      const element = root();
      if (!element) return;
      const input = part<FocusableElement & { value: string }>('input');
      if (prefill && input) input.value = view.draft;
      const target = view.focusPart === 'input' ? input : part<FocusableElement>('closeButton');
      if (focus === 'open') {
        focusBeforeOpen = activeElementAt(element);
        target?.focus();
      } else if (focus === 'move') {
        target?.focus();
      } else if (focus === 'close') {
        const document = element.ownerDocument;
        if (element.contains(activeElementAt(element) as never) || document?.activeElement === document?.body) {
          focusReturnTarget(
            focusBeforeOpen,
            document?.body,
            view.launcher.visible ? part<FocusableElement>('launcher') : null,
          )?.focus();
        }
        focusBeforeOpen = null;
      }
      const thread = part<Thread>('thread');
      if (follow && thread) thread.scrollTop = thread.scrollHeight;
    },
  };
}
