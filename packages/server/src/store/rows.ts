// What the store hands out, and how a database row becomes it.
import { createHash } from 'node:crypto';
import type {
  ConversationSummary,
  Message,
  Page,
  Person,
  PersonAttributes,
  RealtimeEvent,
} from '@confab/core/protocol';
import type { Kysely, Transaction } from 'kysely';
import type { Database, MessageRow, NoteRow, PersonRow, SavedReplyRow } from '../db/schema';
import type { StreamPosition } from './stream-position';

/** The database, or the transaction an operation runs in. */
export type Db = Kysely<Database> | Transaction<Database>;
export type RealtimeEventBody = RealtimeEvent extends infer E
  ? E extends RealtimeEvent
    ? Omit<E, 'id'>
    : never
  : never;

/**
 * How far a request's email can be trusted as a key to someone's record:
 * - `signed`: the server has a secret and the email is what the user_hash signed, or the JWT's
 *   email claim;
 * - `unsigned`: the server has a secret and nothing signed the email (a user_hash over the
 *   user_id says nothing about the email beside it): stored, shown to the team, never looked up;
 * - `unchecked`: the server has no secret, so nothing is proven and every email is looked up.
 */
export type EmailTrust = 'signed' | 'unsigned' | 'unchecked';

export interface Contact extends Person {
  app_id: string;
  /** Whether a signature proved the email (see EmailTrust); an unproven one is never a key. */
  email_verified: boolean;
  created_at: number;
  updated_at: number;
}

/** A conversation as the team sees it: its team-side state, who it is with, and whether the asking teammate has read it. */
export interface TeamConversation extends Omit<ConversationSummary, 'state'> {
  state: 'open' | 'snoozed' | 'closed';
  /** Epoch ms a snoozed conversation wakes at. */
  snoozed_until?: number;
  /** The teammate it is assigned to; null: unassigned. */
  assignee_id: string | null;
  assigned_by?: string;
  assigned_at?: number;
  state_changed_by?: string;
  state_changed_at?: number;
  /** The last message, note, state change or assignment: the order of the team's lists. */
  activity_at: number;
  /** Something happened since the asking teammate last read it (or they never have). */
  unread: boolean;
  contact: { id: string; role: 'user' | 'lead'; name?: string; email?: string; user_id?: string };
}

/** Who writes on the team's side: a reply, note or change records them. */
export interface TeamAuthor {
  id: string;
  name: string;
  avatar_url?: string;
}

/** An internal note: seen by teammates only. */
export interface Note {
  id: string;
  conversation_id: string;
  author_id: string;
  author_name: string;
  author_avatar_url?: string;
  body: string;
  created_at: number;
}

/** One entry of the team's thread: a message or a note, in the order they were written. */
export type ThreadEntry = ({ kind: 'message' } & Message) | ({ kind: 'note' } & Note);

export interface SavedReply {
  id: string;
  title: string;
  body: string;
  created_by: string;
  created_at: number;
  updated_by: string;
  updated_at: number;
}

/** A page of a list, and the key of its last item when more follow (absent: this is the last page). */
export interface Paged<T, Key> {
  items: T[];
  next?: Key;
}

export interface StoredEventView {
  id: string;
  name: string;
  metadata?: Record<string, string | number | boolean | null>;
  created_at: number;
  received_at: number;
}

export interface PageView extends Page {
  created_at: number;
}

export interface SessionRecord {
  /** Which session: the sha-256 of its token (the token itself is never stored). */
  token_hash: string;
  app_id: string;
  person_id: string;
  expires_at: number;
  /** The position a fresh stream of this session starts after (stream-position.ts). */
  stream_from: StreamPosition;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export const parse = <T>(json: string | null): T | undefined => (json === null ? undefined : (JSON.parse(json) as T));

export function toPerson(row: PersonRow): Person {
  return {
    id: row.id,
    role: row.role,
    visitor_id: row.visitor_id,
    ...(row.user_id !== null ? { user_id: row.user_id } : {}),
    ...(row.email !== null ? { email: row.email } : {}),
    ...(row.name !== null ? { name: row.name } : {}),
    attributes: parse<PersonAttributes>(row.attributes) ?? {},
  };
}

export function toContact(row: PersonRow): Contact {
  return {
    ...toPerson(row),
    app_id: row.app_id,
    email_verified: row.email !== null && Number(row.email_verified) === 1,
    created_at: Number(row.created_at),
    updated_at: Number(row.updated_at),
  };
}

export function toMessage(row: MessageRow): Message {
  return {
    id: row.id,
    conversation_id: row.conversation_id,
    author: row.author,
    ...(row.author_name !== null ? { author_name: row.author_name } : {}),
    ...(row.author_avatar_url !== null ? { author_avatar_url: row.author_avatar_url } : {}),
    body: row.body,
    created_at: Number(row.created_at),
    ...(row.client_id !== null ? { client_id: row.client_id } : {}),
  };
}

export function toNote(row: NoteRow): Note {
  return {
    id: row.id,
    conversation_id: row.conversation_id,
    author_id: row.author_id,
    author_name: row.author_name,
    ...(row.author_avatar_url !== null ? { author_avatar_url: row.author_avatar_url } : {}),
    body: row.body,
    created_at: Number(row.created_at),
  };
}

export function toSavedReply(row: SavedReplyRow): SavedReply {
  return {
    id: row.id,
    title: row.title,
    body: row.body,
    created_by: row.created_by,
    created_at: Number(row.created_at),
    updated_by: row.updated_by,
    updated_at: Number(row.updated_at),
  };
}
