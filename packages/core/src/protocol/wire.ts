// The wire protocol between a messenger client and a Confab server. Every transport (in-memory,
// HTTP+SSE) speaks these shapes, so the server and the clients agree in one place.

/** Custom attribute values Intercom accepts: dates travel as unix seconds. */
export type CustomAttributeValue = string | number | boolean | null;
export type CustomAttributes = Record<string, CustomAttributeValue>;

export interface Company {
  company_id?: string;
  name?: string;
  created_at?: number;
  plan?: string;
  monthly_spend?: number;
  user_count?: number;
  size?: number;
  website?: string;
  industry?: string;
  custom_attributes?: CustomAttributes;
}

/** What a person's record holds besides identity; every field optional so it doubles as a patch. */
export interface PersonAttributes {
  name?: string;
  phone?: string;
  /** Unix seconds, as Intercom's `created_at`. */
  created_at?: number;
  unsubscribed_from_emails?: boolean;
  language_override?: string;
  avatar?: { type: 'avatar'; image_url: string };
  company?: Company;
  companies?: Company[];
  custom_attributes?: CustomAttributes;
}

/** Who the visitor says they are. A lead has neither user_id nor email. */
export interface Identity {
  user_id?: string;
  email?: string;
  /** HMAC-SHA256(secret, user_id or email), required where the app has a secret (or a JWT). */
  user_hash?: string;
  /** A JWT (HS256, the app's secret) the site's backend signs; its claims win over the fields above. */
  intercom_user_jwt?: string;
}

export interface Page {
  url: string;
  title?: string;
}

export interface Person {
  id: string;
  role: 'user' | 'lead';
  visitor_id: string;
  user_id?: string;
  email?: string;
  name?: string;
  attributes: PersonAttributes;
}

export interface Session {
  app_id: string;
  token: string;
  /** Epoch milliseconds. */
  expires_at: number;
}

/** Messenger settings the server hands out (the team's look of the messenger). */
export interface ServerMessengerSettings {
  team_name?: string;
  greeting?: string;
  action_color?: string;
  background_color?: string;
}

export interface BootRequest {
  app_id: string;
  visitor_id: string;
  device_id: string;
  /** The session a previous page load left, so a reload keeps the conversation. */
  session_token?: string;
  identity: Identity;
  attributes: PersonAttributes;
  page?: Page;
}

export interface BootResponse {
  session: Session;
  person: Person;
  unread_count: number;
  conversations: ConversationSummary[];
  settings: ServerMessengerSettings;
}

export interface UpdateRequest {
  identity?: Identity;
  attributes: PersonAttributes;
  /** A page impression; an `update` with no argument sends only this. */
  page?: Page;
}

export interface UpdateResponse {
  person: Person;
  unread_count: number;
}

export type EventMetadata = Record<string, string | number | boolean | null>;

export interface TrackedEvent {
  /** Made on the client, so a retry after a lost acknowledgement is stored once. */
  id: string;
  name: string;
  /** Epoch milliseconds on the client's clock. */
  created_at: number;
  metadata?: EventMetadata;
}

export interface EventsAck {
  /** Ids the server holds durably (new or already stored). */
  accepted: string[];
}

export type MessageAuthor = 'person' | 'team';

export interface Message {
  id: string;
  conversation_id: string;
  author: MessageAuthor;
  author_name?: string;
  /** The teammate's picture on a team message; without one, clients show the name's initials. */
  author_avatar_url?: string;
  body: string;
  /** Epoch milliseconds. */
  created_at: number;
  /** The id the sender's client made, so a retried post is stored once. */
  client_id?: string;
}

export interface ConversationSummary {
  id: string;
  state: 'open' | 'closed';
  created_at: number;
  updated_at: number;
  /** Team messages the person has not read in this conversation. */
  unread_count: number;
  /** Epoch milliseconds: the team has read the person's messages up to this time ("seen"). */
  team_seen_at?: number;
  last_message?: Message;
}

export interface ConversationThread {
  conversation: ConversationSummary;
  messages: Message[];
}

export interface StartConversationResponse {
  conversation: ConversationSummary;
  message: Message;
}

export interface MarkReadResponse {
  unread_count: number;
}

/** What the realtime stream carries; `id` orders events and resumes a stream (Last-Event-ID). */
export type RealtimeEvent =
  | {
      id: string;
      type: 'message';
      message: Message;
      conversation: ConversationSummary;
      unread_count: number;
    }
  | { id: string; type: 'unread'; unread_count: number }
  | { id: string; type: 'conversation'; conversation: ConversationSummary }
  /** A teammate read the person's messages up to `seen_at` (epoch milliseconds). */
  | { id: string; type: 'seen'; conversation_id: string; seen_at: number };

/**
 * What the stream carries besides stored events: never stored, so it has no id and a resumed
 * stream does not replay it. A teammate typing lasts a few seconds unless repeated.
 */
export type EphemeralEvent = {
  type: 'typing';
  conversation_id: string;
  author_name: string;
  author_avatar_url?: string;
};
