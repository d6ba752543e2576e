'use client';

import { CHAT_ICON_PATH } from '@confab/core';
import { adoptStylesheetAt, createPanelBehaviour, launcherCustomProperties } from '@confab/core/browser';
import { type CSSProperties, type ReactNode, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { reactProps as p } from './react-props';
import { useMessengerView } from './use-intercom';
import { PanelContent, type RenderMessage } from './views';

// A layout effect in the page (after the DOM changed, before paint); none on a server, where
// React 18 warns about layout effects and neither would run.
const useBrowserLayoutEffect = typeof document === 'undefined' ? useEffect : useLayoutEffect;

/** What a `renderLauncher` prop is given: the launcher's content is the app's (the button, its label and badge stay). */
export interface LauncherRenderProps {
  open: boolean;
  unreadCount: number;
}

export interface ConfabMessengerProps {
  /** Draws the launcher's content (Vue's `launcher` slot, Svelte's snippet). */
  renderLauncher?: (props: LauncherRenderProps) => ReactNode;
  /** Draws one message (Vue's `message` slot). */
  renderMessage?: RenderMessage;
}

/**
 * The messenger in React: the same launcher and panel as the DOM adapter, rendered from core's
 * view-model in the page's own DOM under core's scoped stylesheet. Nothing is drawn until the
 * provider's messenger runs, so a server render and hydration hold nothing.
 */
export function ConfabMessenger({ renderLauncher, renderMessage }: ConfabMessengerProps): ReactNode {
  const view = useMessengerView();
  const [root, setRoot] = useState<HTMLDivElement | null>(null);
  const rootRef = useRef<HTMLDivElement | null>(null);
  rootRef.current = root;
  // Prefill, focus in and out, the newest message in sight: core's, measured before each render
  // reaches the DOM and applied after it. Measured once per view-model (a render may run twice).
  const [behaviour] = useState(() => createPanelBehaviour(() => rootRef.current));
  const measured = useRef<unknown>(undefined);
  if (measured.current !== view) {
    measured.current = view;
    behaviour.beforeUpdate(view);
  }
  useBrowserLayoutEffect(() => {
    if (view) behaviour.afterUpdate(view);
  }, [behaviour, view]);
  // The stylesheet goes where the root is drawn: the document, or a shadow root.
  useBrowserLayoutEffect(() => (root ? adoptStylesheetAt(root) : undefined), [root]);

  if (!view) return null;
  return (
    <div {...p(view.getRootProps())} ref={setRoot} style={launcherCustomProperties(view.launcher) as CSSProperties}>
      <button {...p(view.getLauncherProps())}>
        {renderLauncher ? (
          renderLauncher({ open: view.open, unreadCount: view.unreadCount })
        ) : (
          <svg viewBox="0 0 24 24" aria-hidden="true">
            <path d={CHAT_ICON_PATH} />
          </svg>
        )}
        <span {...p(view.getBadgeProps())}>{view.badgeText}</span>
      </button>
      <div {...p(view.getPanelProps())}>
        <div {...p(view.getHeaderProps())}>
          <button {...p(view.getBackButtonProps())}>‹</button>
          <h2 {...p(view.getTitleProps())}>{view.title}</h2>
          <button {...p(view.getCloseButtonProps())}>×</button>
        </div>
        <div {...p(view.getViewProps())}>
          <PanelContent view={view} renderMessage={renderMessage} />
        </div>
        <form {...p(view.getComposerProps())}>
          <textarea {...p(view.getInputProps())} />
          <button {...p(view.getSendButtonProps())}>{view.sendLabel}</button>
        </form>
      </div>
    </div>
  );
}
