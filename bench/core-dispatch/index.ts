// Commands per second through `Intercom()` (parse, validate, translate) against the same commands
// sent to the xstate actor directly, in the same process and run: the ratio is what the public
// entry costs on top of the machine itself.
import { createMemoryServer, createMemoryStorage, createMessenger, createSimulatedClock } from '@confab/core';
import { Bench } from 'tinybench';

const COMMANDS_PER_BATCH = 1_000;

async function bootedMessenger() {
  const clock = createSimulatedClock();
  const server = createMemoryServer({ clock });
  const messenger = createMessenger({
    transport: server.transport,
    storage: createMemoryStorage(clock),
    clock,
    logger: { warn: (message) => { throw new Error(`unexpected warning during the benchmark: ${message}`); } },
    page: () => ({ url: 'https://bench.example/' }),
  });
  messenger.Intercom('boot', { app_id: 'bench', user_id: 'u1' });
  await clock.settle();
  if (messenger.getView().lifecycle !== 'booted') throw new Error('the messenger did not boot');
  return messenger;
}

const throughIntercom = await bootedMessenger();
const throughActor = await bootedMessenger();

const bench = new Bench({ time: 2_000, warmupTime: 500 });
bench
  .add('Intercom() commands', () => {
    for (let i = 0; i < COMMANDS_PER_BATCH / 2; i++) {
      throughIntercom.Intercom('show');
      throughIntercom.Intercom('hide');
    }
  })
  .add('raw actor.send (baseline)', () => {
    for (let i = 0; i < COMMANDS_PER_BATCH / 2; i++) {
      throughActor.actor.send({ type: 'SHOW' });
      throughActor.actor.send({ type: 'HIDE' });
    }
  });

await bench.run();

const perSecond = new Map<string, number>();
for (const task of bench.tasks) {
  const result = task.result;
  if (!('period' in result)) throw new Error(`${task.name} did not complete: ${result.state}`);
  perSecond.set(task.name, (COMMANDS_PER_BATCH * 1_000) / result.period);
}
const intercom = perSecond.get('Intercom() commands')!;
const raw = perSecond.get('raw actor.send (baseline)')!;
const format = (n: number) => Math.round(n).toLocaleString('en-US');

console.log(`core-dispatch (show/hide pairs on a booted messenger, node ${process.version})`);
console.log(`  Intercom():      ${format(intercom)} commands/s`);
console.log(`  actor.send:      ${format(raw)} events/s (baseline)`);
console.log(`  ratio:           ${(intercom / raw).toFixed(2)}x of the baseline's throughput`);
