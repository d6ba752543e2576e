// Request schemas shared by the teammates' routes (routes/team-auth.ts, routes/teammates.ts).
import Type from 'typebox';

/** Apps a teammate or token reaches: app ids, or `*` for every app. */
export const AppList = Type.Array(Type.String({ minLength: 1, maxLength: 64, pattern: '^(\\*|[A-Za-z0-9_-]+)$' }), {
  minItems: 1,
  maxItems: 100,
});
export const AvatarUrl = Type.Union([Type.String({ maxLength: 2048, pattern: '^https?://' }), Type.Null()]);
export const TeammateName = Type.String({ minLength: 1, maxLength: 255 });
export const Email = Type.String({ minLength: 3, maxLength: 254, pattern: '^[^@\\s]+@[^@\\s]+$' });
