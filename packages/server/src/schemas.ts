// Request schemas (TypeBox: JSON Schema with static types). Every object refuses unknown fields,
// so a misspelt attribute is an error the caller sees, not data silently dropped.
import { EVENT_NAME_MAX, EVENTS_PER_REQUEST_MAX, MESSAGE_MAX, METADATA_MAX_KEYS } from '@confab/core/protocol';
import Type, { type Static } from 'typebox';

const STRING_MAX = 255;
const strict = { additionalProperties: false } as const;

const ShortString = Type.String({ maxLength: STRING_MAX });
const Id = Type.String({ minLength: 1, maxLength: 128 });
const Scalar = Type.Union([Type.String({ maxLength: STRING_MAX }), Type.Number(), Type.Boolean(), Type.Null()]);
// A person holds up to 250 (store/people.ts); a client's update may carry that many, since it merges
// the calls the throttle held (100 at most per call) into one.
const CustomAttributes = Type.Record(Type.String({ minLength: 1, maxLength: 190 }), Scalar, { maxProperties: 250 });
const UnixSeconds = Type.Number({ minimum: 0 });

const Company = Type.Object(
  {
    company_id: Type.Optional(ShortString),
    name: Type.Optional(ShortString),
    created_at: Type.Optional(UnixSeconds),
    plan: Type.Optional(ShortString),
    monthly_spend: Type.Optional(Type.Number()),
    user_count: Type.Optional(Type.Integer({ minimum: 0 })),
    size: Type.Optional(Type.Integer({ minimum: 0 })),
    website: Type.Optional(ShortString),
    industry: Type.Optional(ShortString),
    custom_attributes: Type.Optional(CustomAttributes),
  },
  strict,
);

const PersonAttributes = Type.Object(
  {
    name: Type.Optional(ShortString),
    phone: Type.Optional(ShortString),
    created_at: Type.Optional(UnixSeconds),
    unsubscribed_from_emails: Type.Optional(Type.Boolean()),
    language_override: Type.Optional(Type.String({ maxLength: 16 })),
    avatar: Type.Optional(
      Type.Object({ type: Type.Literal('avatar'), image_url: Type.String({ maxLength: 2048 }) }, strict),
    ),
    company: Type.Optional(Company),
    companies: Type.Optional(Type.Array(Company, { maxItems: 50 })),
    custom_attributes: Type.Optional(CustomAttributes),
  },
  strict,
);

const Identity = Type.Object(
  {
    user_id: Type.Optional(Type.String({ minLength: 1, maxLength: STRING_MAX })),
    email: Type.Optional(Type.String({ minLength: 3, maxLength: STRING_MAX, pattern: '^[^\\s@]+@[^\\s@]+$' })),
    user_hash: Type.Optional(Type.String({ maxLength: 128 })),
    intercom_user_jwt: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
  },
  strict,
);

const Page = Type.Object(
  { url: Type.String({ minLength: 1, maxLength: 2048 }), title: Type.Optional(Type.String({ maxLength: 1024 })) },
  strict,
);

export const AppParams = Type.Object({
  app_id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }),
});
export const ConversationParams = Type.Object({ app_id: AppParams.properties.app_id, conversation_id: Id });
export const ContactParams = Type.Object({ app_id: AppParams.properties.app_id, contact_id: Id });

export const BootBody = Type.Object(
  {
    app_id: Type.String({ minLength: 1, maxLength: 64 }),
    visitor_id: Id,
    device_id: Id,
    session_token: Type.Optional(Type.String({ maxLength: 256 })),
    identity: Identity,
    attributes: PersonAttributes,
    page: Type.Optional(Page),
  },
  strict,
);

export const UpdateBody = Type.Object(
  { identity: Type.Optional(Identity), attributes: PersonAttributes, page: Type.Optional(Page) },
  strict,
);

const Metadata = Type.Record(Type.String({ minLength: 1, maxLength: STRING_MAX }), Scalar, {
  maxProperties: METADATA_MAX_KEYS,
});

const TrackedEvent = Type.Object(
  {
    id: Id,
    name: Type.String({ minLength: 1, maxLength: EVENT_NAME_MAX }),
    // Milliseconds, an integer that fits the database's bigint (PostgreSQL refuses 1.5 or 1e300).
    created_at: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
    metadata: Type.Optional(Metadata),
  },
  strict,
);

export const EventsBody = Type.Object(
  { events: Type.Array(TrackedEvent, { minItems: 1, maxItems: EVENTS_PER_REQUEST_MAX }) },
  strict,
);
export const BeaconBody = Type.Object(
  { session_token: Type.String({ minLength: 1, maxLength: 256 }), events: EventsBody.properties.events },
  strict,
);

const Body = Type.String({ minLength: 1, maxLength: MESSAGE_MAX, pattern: '\\S' });
export const MessageBody = Type.Object({ body: Body, client_id: Id }, strict);
// author_name: only the shared team token's replies may name their author; a teammate's are signed
// with their own name, and carrying it is a 400 that says so (routes/team.ts).
// client_id: optional for the team, as the messenger's: a retry with it is answered, not written again.
export const ReplyBody = Type.Object(
  {
    body: Body,
    author_name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    client_id: Type.Optional(Id),
  },
  strict,
);
export const NoteBody = Type.Object({ body: Body, client_id: Type.Optional(Id) }, strict);

const ConversationState = Type.Union([Type.Literal('open'), Type.Literal('snoozed'), Type.Literal('closed')]);
export const StateBody = Type.Object(
  {
    state: ConversationState,
    /** Epoch ms; required with `snoozed`, refused otherwise. */
    snoozed_until: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
  },
  strict,
);
export const AssignBody = Type.Object({ assignee_id: Type.Union([Id, Type.Null()]) }, strict);

const SavedReplyTitle = Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' });
export const SavedReplyBody = Type.Object({ title: SavedReplyTitle, body: Body }, strict);
export const SavedReplyPatch = Type.Object(
  { title: Type.Optional(SavedReplyTitle), body: Type.Optional(Body) },
  { ...strict, minProperties: 1 },
);
export const SavedReplyParams = Type.Object({ app_id: AppParams.properties.app_id, saved_reply_id: Id });

/** The page size every list takes, and its default. */
export const PAGE_LIMIT_MAX = 100;
const Paging = {
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: PAGE_LIMIT_MAX })),
};
export const PageQuery = Type.Object(Paging, strict);

export const ContactQuery = Type.Object(
  { user_id: Type.Optional(ShortString), email: Type.Optional(ShortString), visitor_id: Type.Optional(ShortString) },
  strict,
);
export const ConversationQuery = Type.Object(
  {
    state: Type.Optional(ConversationState),
    /** `me`, `unassigned`, `all` (the default) or a teammate's id. */
    assignee: Type.Optional(Id),
    /** A contact's id: only their conversations. */
    contact_id: Type.Optional(Id),
    ...Paging,
  },
  strict,
);

export type BootBody = Static<typeof BootBody>;
