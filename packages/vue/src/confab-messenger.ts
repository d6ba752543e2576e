import { CHAT_ICON_PATH, type MessengerView } from '@confab/core';
import { adoptStylesheetAt, createPanelBehaviour, launcherCustomProperties } from '@confab/core/browser';
import { defineComponent, h, onMounted, ref, type SlotsType, watch } from 'vue';
import { useMessengerView } from './use-intercom';
import { type MessageSlotProps, renderView } from './views';

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

    onMounted(() => (mounted.value = true));
    // The stylesheet goes where the root is drawn: the document, or a shadow root.
    watch(root, (element, _, onCleanup) => element && onCleanup(adoptStylesheetAt(element)), { flush: 'post' });

    const current = () => viewRef.value;
    // Prefill, focus in and out, the newest message in sight: core's, measured before each render and applied after it.
    const behaviour = createPanelBehaviour(() => root.value);
    const shown = () => (mounted.value ? current() : null);
    watch(shown, (view) => behaviour.beforeUpdate(view ?? null), { flush: 'pre' });
    watch([current, mounted], ([view]) => view && behaviour.afterUpdate(view), { flush: 'post' });

    return () => {
      const view = current();
      if (!mounted.value || !view) return null;
      return h(
        'div',
        {
          ...view.getRootProps(),
          ref: root,
          style: launcherCustomProperties(view.launcher),
        },
        [
          h('button', view.getLauncherProps(), [
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
          h('button', view.getBackButtonProps(), '‹'),
          h('h2', view.getTitleProps(), view.title),
          h('button', view.getCloseButtonProps(), '×'),
        ]),
        h('div', view.getViewProps(), renderView(view, slots.message)),
        h('form', view.getComposerProps(), [
          h('textarea', view.getInputProps()),
          h('button', view.getSendButtonProps(), view.sendLabel),
        ]),
      ]);
    }
  },
});
