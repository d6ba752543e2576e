// The team stream and typing across two server processes on one PostgreSQL: a team stream held by
// one process hears what is written through the other (NOTIFY on the team channel, then read from
// the database), and typing crosses in its NOTIFY's payload, since it is never stored; a team
// stream resumes on the other process with its Last-Event-ID after a SIGKILL and misses nothing;
// the typing limit holds across both.
// (On SQLite, one file serves one process: skipped.)
import { describe, expect, it } from 'vitest';
import { TYPING_LIMIT } from '../src/rate-limits';
import { BACKEND } from './backend';
import { boot, call, messenger, TEAM_TOKEN, team } from './server-harness';
import { processTestBed, startServerProcess } from './server-process';
import { openRawStream, received } from './sse-blocks';

const bed = processTestBed('team-processes');

describe.skipIf(BACKEND !== 'postgres')('the team stream on two server processes, one PostgreSQL', () => {
  it('carries what is written through the other process, typing both ways included; resumes on the other after a SIGKILL', async () => {
    const [a, b] = await Promise.all([
      startServerProcess(bed.database.db, bed.children),
      startServerProcess(bed.database.db, bed.children),
    ]);
    const onA = await openRawStream(`${a.url}${team()}/stream`, { authorization: `Bearer ${TEAM_TOKEN}` });
    const onB = await openRawStream(`${b.url}${team()}/stream`, { authorization: `Bearer ${TEAM_TOKEN}` });
    try {
      // A visitor on B starts a conversation; A's team stream hears it.
      const visitor = await boot(b);
      const started = await call(b, 'POST', `${messenger()}/conversations`, {
        token: visitor.session.token,
        body: { body: 'through B', client_id: 'p1' },
      });
      const conversationId = started.body.conversation.id as string;
      const [created, message] = await received(onA, 2);
      expect(created!.data).toMatchObject({ type: 'conversation.created', conversation: { id: conversationId } });
      expect(message!.data.message.body).toBe('through B');

      // The visitor's stream is on A; a teammate types through B: it crosses in the NOTIFY.
      const visitorOnA = await openRawStream(`${a.url}${messenger()}/stream`, {
        authorization: `Bearer ${visitor.session.token}`,
      });
      try {
        expect(
          (await call(b, 'POST', `${team()}/conversations/${conversationId}/typing`, { token: TEAM_TOKEN })).status,
        ).toBe(204);
        await expect.poll(() => visitorOnA.blocks.some((e) => e.event === 'typing'), { timeout: 10_000 }).toBe(true);
        expect(visitorOnA.blocks.find((e) => e.event === 'typing')).toMatchObject({
          id: undefined,
          data: { type: 'typing', conversation_id: conversationId },
        });
      } finally {
        visitorOnA.close();
      }
      // The visitor types through A: B's team stream hears it.
      expect(
        (
          await call(a, 'POST', `${messenger()}/conversations/${conversationId}/typing`, {
            token: visitor.session.token,
          })
        ).status,
      ).toBe(204);
      await expect
        .poll(() => onB.blocks.some((e) => e.event === 'typing' && e.data.author === 'person'), { timeout: 10_000 })
        .toBe(true);

      // The typing limit is counted across both processes: the allowance spent through A (one
      // typing above) and B is spent on both.
      const typeThrough = (through: typeof a) =>
        call(through, 'POST', `${messenger()}/conversations/${conversationId}/typing`, {
          token: visitor.session.token,
        });
      for (let i = 1; i < TYPING_LIMIT.points; i++) expect((await typeThrough(i % 2 === 0 ? a : b)).status).toBe(204);
      expect((await typeThrough(b)).status).toBe(429);
      expect((await typeThrough(a)).status).toBe(429);

      // A dies; its team stream resumes on B from the last id it read, while replies go on through B.
      const lastOnA = onA.blocks.filter((e) => e.id !== undefined).at(-1)!.id!;
      expect(await a.kill()).toBe('SIGKILL');
      const replies: string[] = [];
      for (let i = 0; i < 5; i++) {
        const reply = await call(b, 'POST', `${team()}/conversations/${conversationId}/reply`, {
          token: TEAM_TOKEN,
          body: { body: `r${i}` },
        });
        replies.push(reply.body.id);
      }
      const resumed = await openRawStream(`${b.url}${team()}/stream`, {
        authorization: `Bearer ${TEAM_TOKEN}`,
        'last-event-id': lastOnA,
      });
      try {
        await expect
          .poll(() => resumed.blocks.filter((e) => e.event === 'message').map((e) => e.data.message.id), {
            timeout: 10_000,
          })
          .toEqual(replies);
      } finally {
        resumed.close();
      }
    } finally {
      onA.close();
      onB.close();
    }
  }, 60_000);
});
