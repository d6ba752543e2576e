import { CHAT_ICON_PATH, HOST_ATTRIBUTE, type Messenger, type MessengerView } from '@confab/core';
import { createPanelBehaviour } from '@confab/core/browser';
import { boundElement, elementFactory, present, setAttrs } from './dom-helpers';
import { createSheets, launcherCss } from './styles';
import { renderView, viewKey } from './views';

const SVG = 'http://www.w3.org/2000/svg';

export interface MountedMessenger {
  /** The element on the page that holds the shadow root. */
  host: HTMLElement;
  shadowRoot: ShadowRoot;
  destroy(): void;
}

/**
 * Renders the messenger's view-model into a shadow root on `parent` and keeps it in step through
 * the core's subscribe/getSnapshot seam. Attributes and handlers are the getters', focus, prefill
 * and scrolling core's panel behaviour: this is markup.
 */
export function mountMessenger(messenger: Messenger, parent: HTMLElement): MountedMessenger {
  const document = parent.ownerDocument;
  const h = elementFactory(document);
  const host = h('div', { [HOST_ATTRIBUTE]: '' });
  const shadowRoot = host.attachShadow({ mode: 'open' });
  const sheets = createSheets(shadowRoot);

  // The frame is drawn once; each render gives every element its getter's attributes (and text).
  const updates: Array<(view: MessengerView) => void> = [];
  const el = boundElement(h, updates);
  const icon = document.createElementNS(SVG, 'svg');
  setAttrs(icon, { viewBox: '0 0 24 24', 'aria-hidden': true });
  icon.append(document.createElementNS(SVG, 'path'));
  icon.firstElementChild!.setAttribute('d', CHAT_ICON_PATH);
  const content = el('div', (view) => view.getViewProps());
  // Not drawn with the view: what a person types here (text, caret, focus) survives a reply arriving.
  const emailPrompt = el('form', (view) => view.getEmailPromptProps(), [
    el(
      'label',
      (view) => view.getEmailLabelProps(),
      (view) => view.strings.emailPrompt,
    ),
    el('input', (view) => view.getEmailInputProps()),
    el('button', (view) => view.getEmailSubmitProps(), ['→']),
  ]);
  const root = el('div', (view) => view.getRootProps(), [
    el('button', (view) => view.getLauncherProps(), [
      icon,
      el(
        'span',
        (view) => view.getBadgeProps(),
        (view) => view.badgeText,
      ),
    ]),
    el('div', (view) => view.getPanelProps(), [
      el('div', (view) => view.getHeaderProps(), [
        el('button', (view) => view.getBackButtonProps(), ['‹']),
        el(
          'h2',
          (view) => view.getTitleProps(),
          (view) => view.title,
        ),
        el('button', (view) => view.getCloseButtonProps(), ['×']),
      ]),
      content,
      el('form', (view) => view.getComposerProps(), [
        el('textarea', (view) => view.getInputProps()),
        el(
          'button',
          (view) => view.getSendButtonProps(),
          (view) => view.sendLabel,
        ),
      ]),
    ]),
  ]);
  shadowRoot.append(root);
  parent.append(host);

  const behaviour = createPanelBehaviour(() => root);
  let drawnKey: string | null = null;
  let drawnCss = '';

  function render() {
    const view = messenger.getView();
    behaviour.beforeUpdate(view);
    for (const update of updates) update(view);
    const css = launcherCss(view.launcher);
    if (css !== drawnCss) {
      drawnCss = css;
      sheets.setLauncherCss(css);
    }
    const key = viewKey(view);
    if (key !== drawnKey) {
      drawnKey = key;
      for (const child of [...content.childNodes]) if (child !== emailPrompt) child.remove();
      if (!view.emailPromptShown) {
        emailPrompt.remove();
        emailPrompt.reset();
      } else if (!emailPrompt.isConnected) content.append(emailPrompt);
      content.prepend(...present(renderView(h, view)));
    }
    behaviour.afterUpdate(view);
  }

  const unsubscribe = messenger.subscribe(render);
  render();

  return {
    host,
    shadowRoot,
    destroy() {
      unsubscribe();
      host.remove();
    },
  };
}
