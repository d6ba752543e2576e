// @vitest-environment node
// The composer's sends against a real server: a reply and a note are stored and handed to the
// thread; a send that cannot reach the server stays, with its words, until retried or taken back;
// a retry after a lost answer is stored once.
import { createServer } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ApiRequest, ConversationsApi } from '../../src/conversations/conversations-api';
import { Outbox } from '../../src/conversations/outbox.svelte';
import type { ThreadEntry } from '../../src/conversations/types';
import { APP_ID, addTeammate, addVisitor, type RealServer, realServer, requestAs, type Teammate } from './real-server';

let real: RealServer;
let ann: Teammate;
/** An address nothing listens on: a connection there is refused, as when the server is down. */
let deadUrl: string;

beforeAll(async () => {
  real = realServer();
  ann = await addTeammate(real, 'agent', 'Ann');
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  deadUrl = `http://127.0.0.1:${port}`;
});

async function threadOf(id: string) {
  return (await ann.api.thread(id)).thread.map((entry) => `${entry.kind}:${entry.body}`);
}

describe('Outbox', () => {
  it('sends a reply and a note and hands each stored entry to the thread', async () => {
    const visitor = await addVisitor(real);
    const id = await visitor.start('Hi');
    const sent: ThreadEntry[] = [];
    const outbox = new Outbox(ann.api, (_conversation, entry) => sent.push(entry));
    expect(await outbox.send(id, 'reply', 'Hello')).toBe(true);
    expect(await outbox.send(id, 'note', 'internal')).toBe(true);
    expect(outbox.items).toEqual([]);
    expect(sent.map((entry) => `${entry.kind}:${entry.body}`)).toEqual(['message:Hello', 'note:internal']);
    expect(await threadOf(id)).toEqual(['message:Hi', 'message:Hello', 'note:internal']);
  });

  it('keeps a send the server never got, and delivers it once on retry', async () => {
    const visitor = await addVisitor(real);
    const id = await visitor.start('Hi');
    let target = deadUrl;
    const api = new ConversationsApi((method, path, body) => requestAs(target, ann.token)(method, path, body), APP_ID);
    const outbox = new Outbox(api, () => {});
    expect(await outbox.send(id, 'reply', 'Are you there?')).toBe(false);
    expect(outbox.of(id)).toMatchObject([{ body: 'Are you there?', mode: 'reply', status: 'failed' }]);
    expect(outbox.of(id)[0]!.error).toBeTruthy();
    expect(await threadOf(id)).toEqual(['message:Hi']);

    target = real.url;
    expect(await outbox.retry(outbox.of(id)[0]!.localId)).toBe(true);
    expect(outbox.items).toEqual([]);
    expect(await threadOf(id)).toEqual(['message:Hi', 'message:Are you there?']);
  });

  it('retries a send whose answer was lost with the same client_id: the server holds it once', async () => {
    const visitor = await addVisitor(real);
    const id = await visitor.start('Hi');
    // The request reaches the server and is stored; its answer is lost on the way back.
    let loseNextAnswer = true;
    const sentIds: unknown[] = [];
    const reachesServer = requestAs(real.url, ann.token);
    const lossy: ApiRequest = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
      sentIds.push((body as { client_id?: unknown } | undefined)?.client_id);
      const answer = await reachesServer<T>(method, path, body);
      if (loseNextAnswer) {
        loseNextAnswer = false;
        throw new TypeError('Failed to fetch');
      }
      return answer;
    };
    const sent: ThreadEntry[] = [];
    const outbox = new Outbox(new ConversationsApi(lossy, APP_ID), (_conversation, entry) => sent.push(entry));
    for (const mode of ['reply', 'note'] as const) {
      loseNextAnswer = true;
      expect(await outbox.send(id, mode, `Lost ${mode}`)).toBe(false);
      expect(outbox.of(id)).toMatchObject([{ status: 'failed', mode }]);
      expect(await outbox.retry(outbox.of(id)[0]!.localId)).toBe(true);
      expect(outbox.items).toEqual([]);
    }
    expect(await threadOf(id)).toEqual(['message:Hi', 'message:Lost reply', 'note:Lost note']);
    expect(sent.map((entry) => `${entry.kind}:${entry.body}`)).toEqual(['message:Lost reply', 'note:Lost note']);
    // One client id per send, the same on its retry, another for the next send.
    expect(sentIds).toHaveLength(4);
    expect(sentIds[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(sentIds[1]).toBe(sentIds[0]);
    expect(sentIds[3]).toBe(sentIds[2]);
    expect(sentIds[2]).not.toBe(sentIds[0]);
  });

  it('keeps a send the server refused with its reason, and hands the words back', async () => {
    const visitor = await addVisitor(real);
    const id = await visitor.start('Hi');
    const outbox = new Outbox(ann.api, () => {});
    const tooLong = 'x'.repeat(100_000);
    expect(await outbox.send(id, 'note', tooLong)).toBe(false);
    const [failed] = outbox.of(id);
    expect(failed).toMatchObject({ status: 'failed', mode: 'note' });
    expect(failed!.error).toMatch(/body/);
    expect(outbox.takeBack(failed!.localId)?.body).toBe(tooLong);
    expect(outbox.items).toEqual([]);
    expect(await threadOf(id)).toEqual(['message:Hi']);
  });
});
