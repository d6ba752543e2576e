// Search parity: one corpus (messages, contacts, notes) loaded into a SQLite server and a PostgreSQL server, the same queries
// to both, the same conversations (and the same snippets) back. Needs both engines at once, so it
// runs in the `server-postgres` project (which has a PostgreSQL server) beside a SQLite file; the
// `server` project checks SQLite alone against the expected answers (search.test.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src';
import { BACKEND } from './backend';
import { CORPUS, type CorpusConversation, loadCorpus, QUERIES } from './search-corpus';
import { type Answer, call, startTestServer, TEAM_TOKEN, type TestServer, team, testConfig } from './server-harness';

/** Words that tokenizers disagree on: accents, case, ligatures, scripts, emails, ids, operators. */
const VOCABULARY = [
  'Café',
  'cafe',
  'CAFÉ',
  'naïve',
  'Straße',
  'Ørsted',
  'Dvořák',
  'Łódź',
  'résumé',
  'e-mail',
  'user_42',
  'usr-42-abc',
  'ada@example.com',
  'Ada.Lovelace@Example.COM',
  "O'Brien",
  '東京',
  '注文',
  '订单',
  'Привет',
  'пришёл',
  'ΟΔΥΣΣΕΑ',
  'Καλημέρα',
  'مرحبا',
  'हिन्दी',
  '한국어',
  'ไทย',
  '🙏',
  '1,299.50',
  '#123',
  'C++',
  'node.js',
  'x86_64',
  'İstanbul',
  'ǅemal',
  'ﬁle',
  'ｆｕｌｌ',
  'NEAR',
  'AND',
  'OR',
  'NOT',
  '-',
  '"',
  '*',
  ':',
  '(',
  ')',
  "'",
  '\\',
  'refund',
  'Refunds',
  'REFUNDED',
  'order',
  'orders',
  'ordering',
  'ß',
  'ﬀ',
  '²',
  '½',
  'Ⅻ',
  'µ',
  'ﬂight',
  'Œuvre',
  'æsir',
  'ŉ',
  'ᾳ',
];

/** A pseudo-random but fixed sequence, so both engines and every run get the same corpus. */
function sequence(seed: number) {
  let state = seed;
  return (n: number) => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state % n;
  };
}

function generatedCorpus(size: number): CorpusConversation[] {
  const next = sequence(42);
  const words = (count: number) => Array.from({ length: count }, () => VOCABULARY[next(VOCABULARY.length)]).join(' ');
  return Array.from({ length: size }, (_, i) => ({
    label: `generated-${i}`,
    contact: {
      name: words(2),
      ...(next(3) === 0 ? { email: `${['ada', 'zoë', 'o.brien', 'usr-42'][next(4)]}.${i}@Example.COM` } : {}),
      ...(next(3) === 0 ? { user_id: `usr-${i}-${['abc', 'ÀBC', 'x_y'][next(3)]}` } : {}),
    },
    messages: Array.from({ length: 1 + next(3) }, () => words(3 + next(8))),
  }));
}

/** Every vocabulary word alone, its first two and three characters, and pairs. */
function generatedQueries(): string[] {
  const next = sequence(7);
  const pairs = Array.from(
    { length: 40 },
    () => `${VOCABULARY[next(VOCABULARY.length)]} ${VOCABULARY[next(VOCABULARY.length)]}`,
  );
  const prefixes = VOCABULARY.flatMap((word) => [
    Array.from(word).slice(0, 2).join(''),
    Array.from(word).slice(0, 3).join(''),
  ]);
  return [...VOCABULARY, ...prefixes, ...pairs, 'usr-1', 'usr-4', 'example.com', 'ada.1', 'zoe'];
}

interface Engine {
  server: Pick<RunningServer, 'url'>;
  labels: Map<string, string>;
}

/** What a query answers on one engine, by label: conversations in order with their matches; or the refusal. */
async function answer(engine: Engine, q: string): Promise<unknown> {
  const results: unknown[] = [];
  let cursor: string | null = null;
  do {
    const page: Answer = await call(
      engine.server,
      'GET',
      `${team('parity')}/search?q=${encodeURIComponent(q)}&limit=7${cursor ? `&cursor=${cursor}` : ''}`,
      { token: TEAM_TOKEN },
    );
    if (page.status !== 200) return { status: page.status, field: page.body.error?.field };
    for (const { conversation, match } of page.body.results) {
      const label = engine.labels.get(conversation.id);
      results.push({ label, kind: match.kind, field: match.field, text: match.text, highlights: match.highlights });
    }
    cursor = page.body.next_cursor;
  } while (cursor);
  // Conversation times differ between the two runs: the set matters, each with its match.
  return results.sort((a, b) => String((a as { label: string }).label).localeCompare((b as { label: string }).label));
}

describe.runIf(BACKEND === 'postgres')('search parity between SQLite and PostgreSQL', () => {
  let postgres: TestServer;
  let sqlite: RunningServer;
  let folder: string;
  const engines: Engine[] = [];
  const corpus = [...CORPUS, ...generatedCorpus(100)];

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'confab-search-parity-'));
    postgres = await startTestServer();
    sqlite = await startServer(testConfig(folder));
    for (const server of [sqlite, postgres]) {
      const ids = await loadCorpus(server, 'parity', corpus);
      // Internal notes on every fifth generated conversation, from the same words.
      const next = sequence(99);
      for (const [k, [label, id]] of [...ids].entries())
        if (k % 5 === 0 && label.startsWith('generated-')) {
          const body = Array.from({ length: 4 }, () => VOCABULARY[next(VOCABULARY.length)]).join(' ');
          const note = await call(server, 'POST', `${team('parity')}/conversations/${id}/notes`, {
            token: TEAM_TOKEN,
            body: { body },
          });
          if (note.status !== 200) throw new Error(`note: ${note.status} ${JSON.stringify(note.body)}`);
        }
      engines.push({ server, labels: new Map([...ids].map(([label, id]) => [id, label])) });
    }
  }, 120_000);
  afterAll(async () => {
    await sqlite?.close();
    await postgres?.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  it('the same conversations and snippets for every query, the expected ones for the hand-written queries', async () => {
    const [onSqlite, onPostgres] = engines as [Engine, Engine];
    let found = 0;
    for (const q of [...QUERIES.map(([query]) => query), ...generatedQueries()]) {
      const [a, b] = [await answer(onSqlite, q), await answer(onPostgres, q)];
      expect({ q, postgres: b }).toEqual({ q, postgres: a });
      if (Array.isArray(a) && a.length > 0) found++;
    }
    // The comparison means something only if most queries find something.
    expect(found).toBeGreaterThan(120);
    for (const [q, labels] of QUERIES) {
      const got = (await answer(onPostgres, q)) as Array<{ label: string }>;
      expect({ q, labels: got.map((r) => r.label).filter((l) => !l.startsWith('generated-')) }).toEqual({
        q,
        labels: [...labels].sort(),
      });
    }
  }, 120_000);
});
