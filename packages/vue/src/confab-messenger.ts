import { CHAT_ICON_PATH, type MessengerView } from '@confab/core';
import {
  activeElementAt,
  adoptStylesheetAt,
  focusReturnTarget,
  isAtThreadEnd,
  isCloseKey,
  isSendKey,
  launcherCustomProperties,
  panelTransition,
} from '@confab/core/browser';
import { defineComponent, h, onMounted, ref, watch, type SlotsType } from 'vue';
import { useMessengerView } from './use-intercom';
import { renderView, type MessageSlotProps } from './views';


/** Slot props for the launcher's content (the button itself, its label and badge stay). */
export interface LauncherSlotProps {
  open: boolean;
  unreadCount: number;
}

/**
 * The messenger in Vue: the same launcher and panel as the DOM adapter, rendered from core's
 * view-model, in the page's own DOM under core's scoped stylesheet. Slots `launcher` and `message`
 * let an app draw those itself. Rendered only once mounted: a server render and the first
 * hydrating render hold nothing, so no hydration mismatch is possible.
 */
export const ConfabMessenger = defineComponent({
  name: 'ConfabMessenger',
  slots: Object as SlotsType<{ launcher?: LauncherSlotProps; message?: MessageSlotProps }>,
  setup(_, { slots }) {
    const viewRef = useMessengerView();
    const mounted = ref(false);
    const root = ref<HTMLElement | null>(null);
    const launcher = ref<HTMLButtonElement | null>(null);
    const closeButton = ref<HTMLButtonElement | null>(null);
    const input = ref<HTMLTextAreaElement | null>(null);
    let focusBeforeOpen: Element | null = null;

    onMounted(() => (mounted.value = true));
    // The stylesheet goes where the root is drawn: the document, or a shadow root.
    watch(root, (element, _, onCleanup) => element && onCleanup(adoptStylesheetAt(element)), { flush: 'post' });

    const current = () => viewRef.value;
    const activeElement = () => (root.value ? (activeElementAt(root.value) as Element | null) : document.activeElement);

    // Focus, after each render: into the panel as it opens or changes view, back where it came from as it closes.
    watch(
      () => [current()?.open ?? false, current()?.view ?? null, current()?.draft ?? '', current()?.sending ?? false] as const,
      ([open, view, draft, sending], previous) => {
        const model = current();
        if (!model) return;
        const [wasOpen, previousView, previousDraft, wasSending] = previous ?? [false, null, '', false];
        const { focus, prefill } = panelTransition(
          { open: wasOpen, view: previousView, draft: previousDraft, sending: wasSending },
          { open, view, draft, sending },
        );
        if (prefill && input.value) input.value.value = model.draft;
        const focusTarget = () => (model.focusPart === 'input' ? input.value : closeButton.value);
        if (focus === 'open') {
          focusBeforeOpen = activeElement();
          focusTarget()?.focus();
        } else if (focus === 'move') {
          focusTarget()?.focus();
        } else if (focus === 'close') {
          const focusInside = root.value?.contains(activeElement()) || document.activeElement === document.body;
          if (focusInside) focusReturnTarget(focusBeforeOpen, document.body, model.launcher.visible ? (launcher.value ?? null) : null)?.focus();
          focusBeforeOpen = null;
        }
      },
      { flush: 'post' },
    );

    // A thread stays scrolled to its newest message, unless the reader scrolled up (the DOM
    // widget's rule): "at the bottom" is measured before the update, the scroll made after it.
    const thread = () => root.value?.querySelector('[data-part="thread"]');
    const shown = () => (mounted.value ? current() : null);
    let follow = false;
    watch(
      shown,
      (view, previous) => {
        const before = thread();
        const moved = view?.view !== previous?.view || view?.thread?.conversationId !== previous?.thread?.conversationId;
        follow = moved || !before || isAtThreadEnd(before);
      },
      { flush: 'pre' },
    );
    watch(
      shown,
      () => {
        const after = thread();
        if (follow && after) after.scrollTop = after.scrollHeight;
      },
      { flush: 'post' },
    );

    function submit(event: Event) {
      event.preventDefault();
      const model = current();
      const field = input.value;
      if (!model || !field) return;
      const body = field.value.trim();
      if (!body || model.sending) return;
      model.sendMessage(body);
      field.value = '';
    }

    return () => {
      const view = current();
      if (!mounted.value || !view) return null;
      return h(
        'div',
        {
          ...view.getRootProps(),
          ref: root,
          style: launcherCustomProperties(view.launcher),
          onKeydown(event: KeyboardEvent) {
            if (isCloseKey(event) && current()?.open) {
              event.stopPropagation();
              current()!.hide();
            }
          },
        },
        [
          h('button', { ...view.getLauncherProps(), ref: launcher, onClick: () => current()?.toggle() }, [
            slots.launcher
              ? slots.launcher({ open: view.open, unreadCount: view.unreadCount })
              : h('svg', { viewBox: '0 0 24 24', 'aria-hidden': 'true' }, [h('path', { d: CHAT_ICON_PATH })]),
            h('span', view.getBadgeProps(), view.badgeText),
          ]),
          panel(view),
        ],
      );
    };

    function panel(view: MessengerView) {
      return h('div', view.getPanelProps(), [
        h('div', view.getHeaderProps(), [
          h('button', { ...view.getBackButtonProps(), onClick: () => current()?.back() }, '‹'),
          h('h2', view.getTitleProps(), view.title),
          h('button', { ...view.getCloseButtonProps(), ref: closeButton, onClick: () => current()?.hide() }, '×'),
        ]),
        h('div', view.getViewProps(), renderView(view, slots.message)),
        h('form', { ...view.getComposerProps(), onSubmit: submit }, [
          h('textarea', {
            ...view.getInputProps(),
            ref: input,
            name: 'message',
            rows: 1,
            onKeydown(event: KeyboardEvent) {
              // Enter sends, Shift+Enter is a new line, as in every messenger.
              if (isSendKey(event)) {
                event.preventDefault();
                (event.currentTarget as HTMLTextAreaElement).form?.requestSubmit();
              }
            },
          }),
          h('button', view.getSendButtonProps(), view.sending ? view.strings.sending : view.strings.send),
        ]),
      ]);
    }
  },
});
