// Saved replies: an app's canned answers, written by admins and read by every teammate; listed by
// title, paged by (title, id).
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { NotFoundError } from '../domain-errors';
import { type Paged, type SavedReply, toSavedReply } from './rows';

export interface SavedReplyStore {
  savedReplies(
    appId: string,
    page: { after?: { title: string; id: string }; limit: number },
  ): Promise<Paged<SavedReply, { title: string; id: string }>>;
  savedReply(appId: string, id: string): Promise<SavedReply>;
  createSavedReply(
    appId: string,
    fields: { title: string; body: string },
    teammateId: string,
    now: number,
  ): Promise<SavedReply>;
  updateSavedReply(
    appId: string,
    id: string,
    fields: { title?: string; body?: string },
    teammateId: string,
    now: number,
  ): Promise<SavedReply>;
  deleteSavedReply(appId: string, id: string): Promise<void>;
}

export function savedReplyStore(db: Kysely<Database>): SavedReplyStore {
  async function savedReply(appId: string, id: string): Promise<SavedReply> {
    const row = await db
      .selectFrom('saved_replies')
      .selectAll()
      .where('app_id', '=', appId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw new NotFoundError(`saved reply ${id}`);
    return toSavedReply(row);
  }

  return {
    async savedReplies(appId, { after, limit }) {
      let query = db.selectFrom('saved_replies').selectAll().where('app_id', '=', appId);
      if (after) query = query.where((eb) => eb(eb.refTuple('title', 'id'), '>', eb.tuple(after.title, after.id)));
      const rows = await query
        .orderBy('title')
        .orderBy('id')
        .limit(limit + 1)
        .execute();
      const items = rows.slice(0, limit).map(toSavedReply);
      const last = items[items.length - 1];
      return { items, ...(rows.length > limit && last ? { next: { title: last.title, id: last.id } } : {}) };
    },

    savedReply,

    async createSavedReply(appId, fields, teammateId, now) {
      const row = {
        id: randomUUID(),
        app_id: appId,
        title: fields.title,
        body: fields.body,
        created_by: teammateId,
        created_at: now,
        updated_by: teammateId,
        updated_at: now,
      };
      await db.insertInto('saved_replies').values(row).execute();
      return toSavedReply(row);
    },

    async updateSavedReply(appId, id, fields, teammateId, now) {
      const result = await db
        .updateTable('saved_replies')
        .set({ ...fields, updated_by: teammateId, updated_at: now })
        .where('app_id', '=', appId)
        .where('id', '=', id)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) throw new NotFoundError(`saved reply ${id}`);
      return savedReply(appId, id);
    },

    async deleteSavedReply(appId, id) {
      const result = await db
        .deleteFrom('saved_replies')
        .where('app_id', '=', appId)
        .where('id', '=', id)
        .executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) throw new NotFoundError(`saved reply ${id}`);
    },
  };
}
