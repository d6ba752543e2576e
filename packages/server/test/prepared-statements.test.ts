// PostgreSQL: each query text is prepared once per connection and run by name after that
// (db/prepared-statements.ts); a migration that changes a table's columns under a prepared
// statement costs one failed query, not a broken process.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nameStatements } from '../src/db/prepared-statements';
import { BACKEND, type TestDatabase, testDatabase } from './backend';

/** The one table these tests make. */
interface NotesDatabase {
  notes: { id: number; body: string };
}

describe.skipIf(BACKEND !== 'postgres')('prepared statements on PostgreSQL', () => {
  let folder: string;
  let database: TestDatabase;
  let pool: pg.Pool;
  let db: Kysely<NotesDatabase>;
  let named: ReturnType<typeof nameStatements>;

  beforeEach(async () => {
    folder = mkdtempSync(join(tmpdir(), 'confab-prepared-'));
    database = await testDatabase(folder);
    // One connection: what one query prepared, the next finds.
    pool = new pg.Pool({ connectionString: database.db, max: 1 });
    named = nameStatements(pool, 3);
    db = new Kysely<NotesDatabase>({ dialect: new PostgresDialect({ pool: named.pool }) });
    await sql`CREATE TABLE notes (id integer PRIMARY KEY, body text NOT NULL)`.execute(db);
  });

  afterEach(async () => {
    await db.destroy();
    await database.drop();
    rmSync(folder, { recursive: true, force: true });
  });

  const prepared = async () =>
    (await sql<{ name: string; statement: string }>`SELECT name, statement FROM pg_prepared_statements`.execute(db))
      .rows;

  it('runs a query text again by the name it was prepared under, with new values', async () => {
    for (const [id, body] of [
      [1, 'one'],
      [2, 'two'],
      [3, 'three'],
    ] as const) {
      await db.insertInto('notes').values({ id, body }).execute();
    }
    const statements = await prepared();
    const inserts = statements.filter((s) => s.statement.startsWith('insert into "notes"'));
    expect(inserts).toHaveLength(1);
    expect(inserts[0]!.name).toMatch(/^confab_/);
    const rows = await db.selectFrom('notes').select(['id', 'body']).orderBy('id').execute();
    expect(rows).toEqual([
      { id: 1, body: 'one' },
      { id: 2, body: 'two' },
      { id: 3, body: 'three' },
    ]);
  });

  it('names no more texts than its bound; the rest run unnamed, as before', async () => {
    for (let width = 1; width <= 6; width++) {
      const ids = Array.from({ length: width }, (_, i) => i + 1);
      await db.selectFrom('notes').selectAll().where('id', 'in', ids).execute();
    }
    expect(named.size).toBe(3);
    // The CREATE TABLE, two of the SELECTs; pg_prepared_statements' own query went unnamed.
    expect((await prepared()).length).toBe(3);
  });

  it('a statement whose columns a migration changed fails once, then is prepared anew', async () => {
    await db.insertInto('notes').values({ id: 1, body: 'one' }).execute();
    const read = () => db.selectFrom('notes').selectAll().execute();
    expect(await read()).toEqual([{ id: 1, body: 'one' }]);
    await sql`ALTER TABLE notes ADD COLUMN author text`.execute(db);
    await expect(read()).rejects.toMatchObject({ code: '0A000' });
    expect(await read()).toEqual([{ id: 1, body: 'one', author: null }]);
  });
});
