import type { LauncherSettings } from '../commands/settings';
import type { MessengerEvent, Thread, ThreadMessage, View } from '../machine/messenger.types';
import {
  isOpen,
  isSending,
  isThrottled,
  type Lifecycle,
  lifecycleOf,
  type MessengerSnapshot,
  viewOf,
} from '../machine/selectors';
import type { ConversationSummary } from '../protocol/wire';
import { partAttrs } from './anatomy';
import { type Catalogue, catalogueFor } from './i18n';
import { isCloseKey, isSendKey } from './keys';
import { initialsOf, messageTime } from './message-meta';
import { MESSAGE_LINK_REL, safeHref } from './text-segments';

/** What the getters' handlers read of a DOM event (core reads no DOM globals: it only describes them). */
export interface UiEvent {
  preventDefault(): void;
  stopPropagation(): void;
  readonly currentTarget: unknown;
  readonly key?: string;
  readonly shiftKey?: boolean;
  readonly isComposing?: boolean;
}
type KeyEvent = UiEvent & { key: string; shiftKey: boolean; isComposing: boolean };
/** An attribute (true present, false/undefined absent), or a handler named `onClick`, `onSubmit`, `onKeydown`. */
export type PropValue = string | number | boolean | undefined | ((event: UiEvent) => void);
type Attrs = Record<string, PropValue>;
/** What a form's submit handler reads of its form (`currentTarget`): a named field. */
type FormTarget = { elements: { namedItem(name: string): unknown } };
/** The home view's cards, by their `data-action`: start a conversation, the recent one, all of them. */
export type Card = 'new-message' | 'recent' | 'all-conversations';

export interface MessengerView {
  lifecycle: Lifecycle;
  booted: boolean;
  open: boolean;
  view: View | null;
  throttled: boolean;
  unreadCount: number;
  person: { name?: string; email?: string; role: 'user' | 'lead' } | null;
  language: string;
  strings: Catalogue;
  /** The launcher's settings, and whether the default launcher is drawn at all. */
  launcher: LauncherSettings & { visible: boolean };
  greeting: string;
  teamName: string | undefined;
  conversations: ConversationSummary[];
  recentConversation: ConversationSummary | null;
  thread: Thread | null;
  /** The thread is not drawn yet: its messages are loading and none is known. */
  threadLoading: boolean;
  /** What the composer holds in the new-message view (`showNewMessage(text)`, or a send that failed); '' elsewhere. */
  draft: string;
  sending: boolean;
  /** The send button's text: "Send", or "Sending…" while a new conversation is being started. */
  sendLabel: string;
  error: string | null;
  /** The panel header's title for the current view. */
  title: string;
  /** The composer shows under the thread and the new-message view. */
  composerShown: boolean;
  /** A lead without an email is asked for one under the thread. */
  emailPromptShown: boolean;
  /** Where focus goes when the panel opens or changes view: the composer's input, or the close button. */
  focusPart: 'input' | 'closeButton' | null;
  /** What the badge reads ("99+" beyond 99). */
  badgeText: string;
  /** A conversation's last message on one line, for lists and cards. */
  previewOf(conversation: ConversationSummary): string;
  /** Who wrote a message, as the thread labels it. */
  authorOf(message: ThreadMessage): string;
  /** A message that failed to send and can be sent again (its retry button shows). */
  canRetry(message: ThreadMessage): boolean;
  /**
   * A team message's avatar: the teammate's picture (`src`, http(s) only) or else their initials;
   * null on the person's own messages.
   */
  avatarOf(message: ThreadMessage): { src: string | null; initials: string } | null;
  /** When a message was written, short, in the messenger's language ("Dec 3, 6:05 PM"). */
  timeOf(message: ThreadMessage): string;
  /** The person's last message in the thread, once the team has read it ("Seen" shows on it); null otherwise. */
  seenMessageId: string | null;
  /** "Sam is typing…" while a teammate types in the thread on screen; null otherwise. */
  typing: string | null;

  // Intents: they only send events.
  toggle(): void;
  show(): void;
  hide(): void;
  showHome(): void;
  showMessages(): void;
  showNewMessage(prefill?: string): void;
  openConversation(conversationId: string): void;
  back(): void;
  sendMessage(body: string): void;
  retryMessage(clientId: string): void;
  supplyEmail(email: string): void;
  /** The composer of a thread holds `text` now: the team is told the person is typing (throttled). */
  typed(text: string): void;

  // Prop getters: attributes (data-*, ARIA, the stylesheet's classes) and handlers each adapter
  // spreads onto its element. Handlers act on the state when the event comes, not when drawn.
  getRootProps(): Attrs;
  getLauncherProps(): Attrs;
  getBadgeProps(): Attrs;
  getPanelProps(): Attrs;
  getHeaderProps(): Attrs;
  getTitleProps(): Attrs;
  getCloseButtonProps(): Attrs;
  getBackButtonProps(): Attrs;
  getViewProps(): Attrs;
  /** A view's error line (role=alert), shown while `error` is set. */
  getErrorProps(): Attrs;
  /** What a view shows when it has nothing to list (no conversations, a thread loading, the new-message intro). */
  getEmptyProps(): Attrs;
  getGreetingProps(): Attrs;
  getCardProps(card: Card): Attrs;
  /** The line under a card's title (the intro, the recent conversation's preview). */
  getCardNoteProps(): Attrs;
  getConversationListProps(): Attrs;
  getConversationItemProps(conversation: ConversationSummary): Attrs;
  getConversationPreviewProps(): Attrs;
  getUnreadMarkProps(): Attrs;
  getThreadProps(): Attrs;
  getMessageProps(message: ThreadMessage): Attrs;
  getMessageAuthorProps(): Attrs;
  /** The avatar: an <img> when `avatarOf(message).src`, else an element holding the initials. */
  getAvatarProps(message: ThreadMessage): Attrs;
  /** A <time> element with the message's `datetime`, holding `timeOf(message)`. */
  getTimeProps(message: ThreadMessage): Attrs;
  getSeenProps(): Attrs;
  /** The line under the thread that holds `typing`. */
  getTypingProps(): Attrs;
  /** A link in a message body: it opens elsewhere, and is somebody else's content. */
  getMessageLinkProps(href: string): Attrs;
  getRetryButtonProps(message: ThreadMessage): Attrs;
  getComposerProps(): Attrs;
  getInputProps(): Attrs;
  getSendButtonProps(): Attrs;
  getEmailPromptProps(): Attrs;
  getEmailLabelProps(): Attrs;
  getEmailInputProps(): Attrs;
  getEmailSubmitProps(): Attrs;
}

/**
 * The view-model every adapter renders (zag's connect): plain fields read off the machine's
 * state, intents that send events, and prop getters with data-part/data-state and ARIA.
 * `instanceId` (one per messenger) prefixes every id the getters give. `current` is the machine's
 * state when a handler runs: a framework that draws later than the state changes may still hold
 * this view's handlers then, and they must not act on what was (Escape on a panel just opened).
 */
export function connect(
  snapshot: MessengerSnapshot,
  send: (event: MessengerEvent) => void,
  instanceId: string,
  current: () => MessengerSnapshot = () => snapshot,
): MessengerView {
  const { context } = snapshot;
  // Ids a label or ARIA reference points at: one messenger's never match another's on the page.
  const panelId = `${instanceId}-panel`;
  const emailId = `${instanceId}-email`;
  const lifecycle = lifecycleOf(snapshot);
  const booted = lifecycle === 'booted';
  const open = isOpen(snapshot);
  const view = viewOf(snapshot);
  const sending = isSending(snapshot);
  const composerShown = view === 'newMessage' || view === 'conversation';
  const state = open ? 'open' : 'closed';
  const { language, strings } = catalogueFor(context.settings?.attributes.language_override);
  const name = context.person?.name ?? context.settings?.attributes.name ?? undefined;
  const unreadCount = booted ? context.unreadCount : 0;
  const launcherVisible = booted && !context.launcher.hideDefaultLauncher;

  const teamName = context.serverSettings.team_name;
  const thread = view === 'conversation' ? context.thread : null;
  const recent = context.conversations[0] ?? null;
  // The intents, which the getters' handlers call too: each event is written once.
  const intents: Pick<
    MessengerView,
    | 'toggle'
    | 'show'
    | 'hide'
    | 'showHome'
    | 'showMessages'
    | 'showNewMessage'
    | 'openConversation'
    | 'back'
    | 'sendMessage'
    | 'retryMessage'
    | 'supplyEmail'
    | 'typed'
  > = {
    toggle: () => send({ type: 'TOGGLE' }),
    show: () => send({ type: 'SHOW' }),
    hide: () => send({ type: 'HIDE' }),
    showHome: () => send({ type: 'SHOW_HOME' }),
    showMessages: () => send({ type: 'SHOW_MESSAGES' }),
    showNewMessage: (prefill = '') => send({ type: 'SHOW_NEW_MESSAGE', prefill }),
    openConversation: (conversationId) => send({ type: 'SHOW_CONVERSATION', conversationId }),
    back: () => send({ type: 'BACK' }),
    sendMessage: (body) => send({ type: 'SEND_MESSAGE', body }),
    retryMessage: (clientId) => send({ type: 'RETRY_MESSAGE', clientId }),
    supplyEmail: (email) => send({ type: 'SUPPLY_EMAIL', email }),
    typed: (text) => send({ type: 'PERSON_TYPING', text }),
  };
  const authorOf = (message: ThreadMessage) =>
    message.author === 'person' ? strings.you : (message.author_name ?? strings.team);
  const avatarOf = (message: ThreadMessage) =>
    message.author === 'team'
      ? // A picture only from http(s): any other scheme (javascript:, data:) gets the initials.
        { src: safeHref(message.author_avatar_url!), initials: initialsOf(authorOf(message)) }
      : null;
  // "Seen": the team read the conversation up to the person's last message (it reached the server).
  const lastOwn = thread?.messages.filter((m) => m.author === 'person').pop();
  const seenAt = thread && context.conversations.find((c) => c.id === thread.conversationId)?.team_seen_at;
  const typingNow = context.teamTyping?.conversationId === thread?.conversationId ? context.teamTyping : null;

  return {
    lifecycle,
    booted,
    open,
    view,
    throttled: isThrottled(snapshot),
    unreadCount,
    person: context.person
      ? {
          role: context.person.role,
          ...(name ? { name } : {}),
          ...(context.person.email ? { email: context.person.email } : {}),
        }
      : null,
    language,
    strings,
    launcher: { ...context.launcher, visible: launcherVisible },
    greeting: context.serverSettings.greeting ?? (name ? strings.greetingNamed(name) : strings.greeting),
    teamName,
    conversations: context.conversations,
    recentConversation: recent,
    thread,
    threadLoading: !thread || (thread.loading && thread.messages.length === 0),
    draft: view === 'newMessage' ? context.draft : '',
    sending,
    sendLabel: sending ? strings.sending : strings.send,
    error: context.error,
    title: titleOf(view, strings, teamName),
    composerShown,
    emailPromptShown: view === 'conversation' && context.person?.role === 'lead' && !context.person.email,
    focusPart: open ? (composerShown ? 'input' : 'closeButton') : null,
    badgeText: unreadCount > 99 ? '99+' : String(unreadCount),
    previewOf: (conversation) => conversation.last_message?.body.replace(/\s+/g, ' ').slice(0, 140) ?? '',
    authorOf,
    canRetry: (message) => message.status === 'failed' && !!message.client_id,
    avatarOf,
    timeOf: (message) => messageTime(message.created_at, language),
    seenMessageId: lastOwn?.status === 'sent' && seenAt! >= lastOwn.created_at ? lastOwn.id : null,
    typing: typingNow ? strings.teamTyping(typingNow.name) : null,

    ...intents,

    getRootProps: () => ({
      ...partAttrs('root'),
      'data-state': state,
      'data-lifecycle': lifecycle,
      'data-alignment': context.launcher.alignment,
      dir: 'ltr',
      lang: language,
      onKeydown(event) {
        if (isCloseKey(event as KeyEvent) && isOpen(current())) {
          event.stopPropagation();
          intents.hide();
        }
      },
    }),
    getLauncherProps: () => ({
      ...partAttrs('launcher'),
      'data-state': state,
      type: 'button',
      'aria-label': unreadCount > 0 ? strings.launcherLabelUnread(unreadCount) : strings.launcherLabel,
      'aria-expanded': open,
      'aria-controls': panelId,
      'aria-haspopup': 'dialog',
      hidden: !launcherVisible,
      onClick: intents.toggle,
    }),
    getBadgeProps: () => ({
      ...partAttrs('badge'),
      'data-state': unreadCount > 0 ? 'visible' : 'hidden',
      'aria-hidden': true,
      hidden: unreadCount === 0,
    }),
    getPanelProps: () => ({
      ...partAttrs('panel'),
      'data-state': state,
      'data-view': view ?? undefined,
      id: panelId,
      role: 'dialog',
      'aria-modal': false,
      'aria-label': strings.panelLabel,
      hidden: !open,
    }),
    getHeaderProps: () => partAttrs('header'),
    getTitleProps: () => partAttrs('title'),
    getCloseButtonProps: () => ({
      ...partAttrs('closeButton'),
      type: 'button',
      'aria-label': strings.closeLabel,
      onClick: intents.hide,
    }),
    getBackButtonProps: () => ({
      ...partAttrs('backButton'),
      type: 'button',
      'aria-label': strings.backLabel,
      hidden: view === 'home' || view === null,
      onClick: intents.back,
    }),
    getViewProps: () => ({ ...partAttrs('view'), 'data-view': view ?? undefined }),
    getErrorProps: () => ({ role: 'alert' }),
    getEmptyProps: () => ({ class: 'confab-empty' }),
    getGreetingProps: () => partAttrs('greeting'),
    getCardProps: (card) => ({
      type: 'button',
      class: 'confab-card',
      'data-action': card,
      'data-conversation-id': card === 'recent' ? recent?.id : undefined,
      onClick: () =>
        card === 'recent'
          ? intents.openConversation(recent!.id)
          : card === 'all-conversations'
            ? intents.showMessages()
            : intents.showNewMessage(),
    }),
    getCardNoteProps: () => ({ class: 'confab-muted' }),
    getConversationListProps: () => partAttrs('conversationList'),
    getConversationItemProps: (conversation) => ({
      ...partAttrs('conversationItem'),
      'data-state': conversation.unread_count > 0 ? 'unread' : 'read',
      'data-conversation-id': conversation.id,
      type: 'button',
      onClick: () => intents.openConversation(conversation.id),
    }),
    getConversationPreviewProps: () => ({ class: 'confab-preview' }),
    getUnreadMarkProps: () => ({ class: 'confab-unread-mark' }),
    getThreadProps: () => ({ ...partAttrs('thread'), 'aria-live': 'polite' }),
    getMessageProps: (message) => ({
      ...partAttrs('message'),
      'data-author': message.author,
      'data-state': message.status,
      'data-message-id': message.id,
    }),
    getMessageAuthorProps: () => ({ class: 'confab-author' }),
    getAvatarProps: (message) => {
      const src = avatarOf(message)?.src;
      return {
        ...partAttrs('avatar'),
        // Initials repeat the name beside them: hidden from assistive technology.
        ...(src ? { src, alt: authorOf(message) } : { 'aria-hidden': true }),
      };
    },
    getTimeProps: (message) => ({
      ...partAttrs('time'),
      // toJSON, not toISOString: null rather than a throw for a time that is none.
      datetime: new Date(message.created_at).toJSON() ?? undefined,
    }),
    getSeenProps: () => partAttrs('seen'),
    getTypingProps: () => partAttrs('typing'),
    getMessageLinkProps: (href) => ({ href, target: '_blank', rel: MESSAGE_LINK_REL }),
    getRetryButtonProps: (message) => ({
      type: 'button',
      class: 'confab-retry',
      onClick: () => intents.retryMessage(message.client_id!),
    }),
    getComposerProps: () => ({
      ...partAttrs('composer'),
      'data-state': sending ? 'sending' : 'idle',
      hidden: !composerShown,
      onSubmit(event) {
        event.preventDefault();
        const field = (event.currentTarget as FormTarget).elements.namedItem('message') as { value: string };
        const body = field.value.trim();
        if (!body || isSending(current())) return;
        intents.sendMessage(body);
        field.value = '';
      },
    }),
    getInputProps: () => ({
      ...partAttrs('input'),
      name: 'message',
      rows: 1,
      'aria-label': strings.composerPlaceholder,
      placeholder: strings.composerPlaceholder,
      disabled: sending,
      onInput: (event) => intents.typed((event.currentTarget as { value: string }).value),
      onKeydown(event) {
        if (isSendKey(event as KeyEvent)) {
          event.preventDefault();
          (event.currentTarget as { form: { requestSubmit(): void } | null }).form?.requestSubmit();
        }
      },
    }),
    getSendButtonProps: () => ({
      ...partAttrs('sendButton'),
      type: 'submit',
      disabled: sending,
      'aria-label': strings.send,
    }),
    getEmailPromptProps: () => ({
      class: 'confab-email-prompt',
      onSubmit(event) {
        event.preventDefault();
        const email = (
          (event.currentTarget as FormTarget).elements.namedItem('email') as { value: string } | null
        )?.value.trim();
        if (email) intents.supplyEmail(email);
      },
    }),
    getEmailLabelProps: () => ({ for: emailId }),
    getEmailInputProps: () => ({
      id: emailId,
      type: 'email',
      name: 'email',
      required: true,
      placeholder: strings.emailPlaceholder,
      'aria-label': strings.emailPrompt,
      autocomplete: 'email',
    }),
    getEmailSubmitProps: () => ({ type: 'submit' }),
  };
}

function titleOf(view: View | null, strings: Catalogue, teamName: string | undefined): string {
  switch (view) {
    case 'messages':
      return strings.messagesTitle;
    case 'newMessage':
      return strings.newMessageTitle;
    case 'conversation':
      return teamName ?? strings.team;
    default:
      return teamName ?? strings.panelLabel;
  }
}
