import { CHAT_ICON_PATH, HOST_ATTRIBUTE, type Messenger, type MessengerView } from '@confab/core';
import { focusReturnTarget, isAtThreadEnd, panelTransition, type PanelPlace } from '@confab/core/browser';
import { h, setAttrs } from './dom-helpers';
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
 * the core's subscribe/getSnapshot seam. All behaviour is the view-model's, handlers included;
 * this only maps it onto elements and moves focus.
 */
export function mountMessenger(messenger: Messenger, parent: HTMLElement): MountedMessenger {
  const document = parent.ownerDocument;
  const host = h(document, 'div', { [HOST_ATTRIBUTE]: '' });
  const shadowRoot = host.attachShadow({ mode: 'open' });
  const sheets = createSheets(shadowRoot);

  const root = h(document, 'div');
  const launcher = h(document, 'button');
  const icon = document.createElementNS(SVG, 'svg');
  setAttrs(icon, { viewBox: '0 0 24 24', 'aria-hidden': true });
  const path = document.createElementNS(SVG, 'path');
  path.setAttribute('d', CHAT_ICON_PATH);
  icon.append(path);
  const badge = h(document, 'span');
  launcher.append(icon, badge);

  const panel = h(document, 'div');
  const header = h(document, 'div');
  const backButton = h(document, 'button', {}, ['‹']);
  const title = h(document, 'h2');
  const closeButton = h(document, 'button', {}, ['×']);
  header.append(backButton, title, closeButton);
  const content = h(document, 'div');
  const input = h(document, 'textarea');
  const sendButton = h(document, 'button');
  const composer = h(document, 'form', {}, [input, sendButton]);
  panel.append(header, content, composer);

  root.append(launcher, panel);
  shadowRoot.append(root);
  parent.append(host);

  const current = () => messenger.getView();
  // Asked before reading shadowRoot.activeElement: happy-dom throws reading it while focus is in another shadow root.
  const focusInside = () => (host.getRootNode() as Document).activeElement === host;
  let renderedKey: string | null = null;
  let placed: PanelPlace = { open: false, view: null };
  let focusBeforeOpen: Element | null = null;
  let lastLauncherCss = '';

  function render() {
    const view = current();
    setAttrs(root, view.getRootProps());
    setAttrs(launcher, view.getLauncherProps());
    setAttrs(badge, view.getBadgeProps());
    badge.textContent = view.badgeText;
    setAttrs(panel, view.getPanelProps());
    setAttrs(header, view.getHeaderProps());
    setAttrs(backButton, view.getBackButtonProps());
    setAttrs(closeButton, view.getCloseButtonProps());
    setAttrs(title, view.getTitleProps());
    title.textContent = view.title;
    setAttrs(content, view.getViewProps());
    setAttrs(composer, view.getComposerProps());
    setAttrs(input, view.getInputProps());
    setAttrs(sendButton, view.getSendButtonProps());
    sendButton.textContent = view.sending ? view.strings.sending : view.strings.send;

    const css = launcherCss(view.launcher);
    if (css !== lastLauncherCss) {
      sheets.setLauncherCss(css);
      lastLauncherCss = css;
    }

    const viewChanged = view.view !== placed.view;
    const transition = panelTransition(placed, view);
    if (transition.prefill) input.value = view.draft;
    const key = viewKey(view);
    if (key !== renderedKey) {
      const thread = content.querySelector('[data-part="thread"]');
      const wasAtBottom = !thread || isAtThreadEnd(thread);
      // The thread is drawn anew, but what the person is typing into it (the email prompt)
      // is theirs: its text, caret and focus survive a message arriving.
      const typing = keptInput(content, focusInside() ? shadowRoot.activeElement : null);
      content.replaceChildren(...renderView(document, view));
      typing?.restore(content);
      renderedKey = key;
      const newThread = content.querySelector('[data-part="thread"]');
      if (newThread && (wasAtBottom || viewChanged)) newThread.scrollTop = newThread.scrollHeight;
    }
    placed = view; // the view model is a PanelPlace, one object per snapshot, never changed
    moveFocus(view, transition.focus);
  }

  function moveFocus(view: MessengerView, focus: ReturnType<typeof panelTransition>['focus']) {
    if (focus === 'open') {
      const active = document.activeElement;
      focusBeforeOpen = active;
      focusInto(view);
    } else if (focus === 'move') {
      focusInto(view);
    } else if (focus === 'close') {
      // Focus goes back where it came from, if that is still on the page; else to the launcher.
      if (focusInside() || document.activeElement === document.body) {
        focusReturnTarget(focusBeforeOpen, document.body, view.launcher.visible ? launcher : null)?.focus();
      }
      focusBeforeOpen = null;
    }
  }

  function focusInto(view: MessengerView) {
    (view.focusPart === 'input' ? input : closeButton).focus();
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

/** A named input inside the view with text in it (`active`: the shadow root's focused element), to carry over when the view is drawn again. */
function keptInput(content: HTMLElement, active: Element | null) {
  const input = content.querySelector<HTMLInputElement>('input[name]');
  const focused = active === input;
  if (!input || (input.value === '' && !focused)) return null;
  const { name, value, selectionStart, selectionEnd } = input;
  return {
    restore(next: HTMLElement) {
      const again = next.querySelector<HTMLInputElement>(`input[name="${name}"]`);
      if (!again) return;
      again.value = value;
      if (focused) {
        again.focus();
        // Not every input type has a caret to place (type=email has none in the DOM's API).
        try {
          again.setSelectionRange(selectionStart, selectionEnd);
        } catch {
          // keep the browser's own caret
        }
      }
    },
  };
}
