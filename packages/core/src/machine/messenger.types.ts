import type { LauncherSettings, NormalizedSettings } from '../commands/settings';
import type {
  ConversationSummary,
  EphemeralEvent,
  Message,
  Person,
  RealtimeEvent,
  ServerMessengerSettings,
  Session,
  TrackedEvent,
} from '../protocol/wire';
import type { UpdatePatch } from './patch';
import type { UpdateWindow } from './throttle';

/** The panel's views, as DESIGN.md names them. */
export type View = 'home' | 'messages' | 'conversation' | 'newMessage';

/** A message in the open thread; ours may still be on its way. */
export interface ThreadMessage extends Message {
  status: 'sent' | 'sending' | 'failed';
}

export interface Thread {
  conversationId: string;
  messages: ThreadMessage[];
  loading: boolean;
}

/** Events the machine accepts: public commands first, then the UI's intents, then I/O results. */
export type MessengerEvent =
  | { type: 'BOOT'; settings: NormalizedSettings }
  | { type: 'SHUTDOWN' }
  | { type: 'UPDATE'; patch: UpdatePatch; launcher: Partial<LauncherSettings> }
  | { type: 'SHOW' }
  | { type: 'HIDE' }
  | { type: 'TOGGLE' }
  | { type: 'SHOW_HOME' }
  | { type: 'SHOW_MESSAGES' }
  | { type: 'SHOW_NEW_MESSAGE'; prefill: string }
  | { type: 'SHOW_CONVERSATION'; conversationId: string }
  | { type: 'START_CONVERSATION'; body: string }
  | { type: 'TRACK_EVENT'; event: TrackedEvent }
  | { type: 'BACK' }
  | { type: 'SEND_MESSAGE'; body: string }
  | { type: 'RETRY_MESSAGE'; clientId: string }
  | { type: 'SUPPLY_EMAIL'; email: string }
  /** What the person types in the composer of a thread (the team is told they are typing). */
  | { type: 'PERSON_TYPING'; text: string }
  | { type: 'REALTIME'; event: RealtimeEvent | EphemeralEvent }
  /** A teammate's typing may have lapsed (TEAM_TYPING_SHOWN_MS after it was heard). */
  | { type: 'TEAM_TYPING_LAPSED' }
  /** The server refused the session (expired, or ended by a logout in another tab). */
  | { type: 'SESSION_LOST'; sessionToken: string }
  | { type: 'PERSON_UPDATED'; sessionToken: string; person: Person; unreadCount: number }
  | { type: 'UNREAD_COUNT'; unreadCount: number }
  | { type: 'MESSAGE_SENT'; clientId: string; message: Message }
  | { type: 'MESSAGE_FAILED'; clientId: string };

/** Commands that wait for boot, in order, when they arrive before it. */
export const DEFERRED_BEFORE_BOOT = [
  'UPDATE',
  'SHOW',
  'HIDE',
  'TOGGLE',
  'SHOW_HOME',
  'SHOW_MESSAGES',
  'SHOW_NEW_MESSAGE',
  'SHOW_CONVERSATION',
  'START_CONVERSATION',
  'TRACK_EVENT',
] as const;

export interface MessengerContext {
  /** The app id given at creation or by the last boot; kept by shutdown (it is not user data). */
  appId: string | undefined;
  /** Who is booting or booted, as the last boot/update described them. */
  settings: NormalizedSettings | null;
  launcher: LauncherSettings;
  serverSettings: ServerMessengerSettings;
  session: Session | null;
  person: Person | null;
  unreadCount: number;
  conversations: ConversationSummary[];
  thread: Thread | null;
  /** What the composer opens with (`showNewMessage(text)`), and the draft kept when a send fails. */
  draft: string;
  /**
   * The client id the draft is started with, kept until the server has it: a retry after an
   * answer that was lost finds the conversation already made instead of making a second.
   */
  draftClientId: string | null;
  deferred: MessengerEvent[];
  /** The stored session token the last boot carried (its owner's unsent events go out under it). */
  resumedToken: string | undefined;
  updateWindow: UpdateWindow;
  /** Throttled updates, merged, sent when the window reopens. */
  pendingPatch: UpdatePatch | null;
  bootAttempt: number;
  /** Sessions the server refused since news last came through: past 3, no more boots (see SESSION_LOST). */
  sessionLosses: number;
  /** When the last one was refused (see SESSION_LOST). */
  sessionLostAt: number;
  /**
   * The teammate heard typing last, in which conversation, shown until `until` (epoch
   * milliseconds) or their message arrives.
   */
  teamTyping: { conversationId: string; name: string; until: number } | null;
  /** No typing goes to the server before then (epoch milliseconds): at most one per TYPING_SENT_EVERY_MS. */
  typingQuietUntil: number;
  /** The last failure worth showing (boot refused, a send that failed). */
  error: string | null;
}

/** The call a deferred event came from, for warnings. */
export const COMMAND_OF: Partial<Record<MessengerEvent['type'], string>> = {
  UPDATE: 'update',
  SHOW: 'show',
  HIDE: 'hide',
  TOGGLE: 'custom_launcher_selector',
  SHOW_HOME: 'showSpace',
  SHOW_MESSAGES: 'showMessages',
  SHOW_NEW_MESSAGE: 'showNewMessage',
  SHOW_CONVERSATION: 'showConversation',
  START_CONVERSATION: 'startConversation',
  TRACK_EVENT: 'trackEvent',
};
