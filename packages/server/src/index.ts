export type { Message } from '@confab/core/protocol';
export { BackupError, backupSqlite } from './backup';
export { buildServer } from './build-app';
export type { ClientApps, ServedClientApps } from './client-apps';
export type { ServerConfig } from './config';
export { ConfigError, parseConfig, USAGE } from './config';
export type { ServerOptions } from './context';
export type { Dialect, SchemaStatus } from './db/migrations';
export { migrate, SchemaNewerError, schemaStatus } from './db/migrations';
export { isPostgresUrl, openPostgres } from './db/postgres';
export type { Database } from './db/schema';
export { openSqlite } from './db/sqlite';
export { NotFoundError } from './domain-errors';
export type { ErrorBody } from './errors';
export { errorBody } from './errors';
export type { ServedInbox } from './inbox-files';
export { builtInboxFolder, INBOX_BUILD_COMMAND, INBOX_CSP, INBOX_PATH } from './inbox-files';
export { createPostgresRealtimeHub, EPHEMERAL_CHANNEL, REALTIME_CHANNEL, TEAM_CHANNEL } from './postgres-realtime';
export type { RateLimiters, RateLimits } from './rate-limits';
export { DEFAULT_RATE_LIMITS, memoryRateLimiters, postgresRateLimiters } from './rate-limits';
export type { RealtimeHub } from './realtime';
export { createLocalRealtimeHub } from './realtime';
export { DEFAULT_REQUEST_TIMEOUT_MS } from './request-timeout';
export { userHash } from './services/identity-verification';
export type { RunningServer, StartOptions } from './start-server';
export { startServer } from './start-server';
export type { StaticRoot } from './static-files';
export type {
  ApiToken,
  Contact,
  Note,
  PageView,
  SavedReply,
  Store,
  StoredEventView,
  TeamConversation,
  Teammate,
  TeammateSession,
  ThreadEntry,
} from './store';
export { createStore, hashToken } from './store';
export type { StreamCaps } from './stream-caps';
export { DEFAULT_STREAM_CAPS } from './stream-caps';
export type {
  ConversationStateName,
  TeamEvent,
  TeamEventBody,
  TeamEventConversation,
  TeamEventNote,
  TeamEventType,
  TeamTypingEvent,
} from './team-events';
export type { ServedWidget } from './widget';
export { builtWidgetFile, WIDGET_PATH } from './widget';
