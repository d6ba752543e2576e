// Commands per second through `Intercom()` (parse, validate, translate) against the same commands
// sent to the xstate actor directly, in the same process and run: the ratio is what the public
// entry costs on top of the machine itself.
import { createMemoryStorage, createMessenger } from '@confab/core';
import { createMemoryServer, createSimulatedClock } from '@confab/core/testing';
import { Bench } from 'tinybench';

const COMMANDS_PER_BATCH = 1_000;

async function bootedMessenger() {
  const clock = createSimulatedClock();
  const server = createMemoryServer({ clock });
  const messenger = createMessenger({
    transport: server.transport,
    storage: createMemoryStorage(clock),
    clock,
    logger: {
      warn: (message) => {
        throw new Error(`unexpected warning during the benchmark: ${message}`);
      },
    },
    page: () => ({ url: 'https://bench.example/' }),
  });
  messenger.Intercom('boot', { app_id: 'bench', user_id: 'u1' });
  await clock.settle();
  if (messenger.getView().lifecycle !== 'booted') throw new Error('the messenger did not boot');
  return messenger;
}

const throughIntercom = await bootedMessenger();
const throughActor = await bootedMessenger();

// Alternating rounds, each running both tasks (in turn first), and the median of each: a single
// pass favours whichever task the JIT and the garbage collector happen to treat better.
const ROUNDS = 5;
const samples = { intercom: [] as number[], raw: [] as number[] };
const tasks = {
  intercom: () => {
    for (let i = 0; i < COMMANDS_PER_BATCH / 2; i++) {
      throughIntercom.Intercom('show');
      throughIntercom.Intercom('hide');
    }
  },
  raw: () => {
    for (let i = 0; i < COMMANDS_PER_BATCH / 2; i++) {
      throughActor.actor.send({ type: 'SHOW' });
      throughActor.actor.send({ type: 'HIDE' });
    }
  },
};

for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 === 0 ? (['intercom', 'raw'] as const) : (['raw', 'intercom'] as const);
  const bench = new Bench({ time: 1_000, warmupTime: 250 });
  for (const name of order) bench.add(name, tasks[name]);
  await bench.run();
  for (const task of bench.tasks) {
    const result = task.result;
    if (!('period' in result)) throw new Error(`${task.name} did not complete: ${result.state}`);
    samples[task.name as keyof typeof samples].push((COMMANDS_PER_BATCH * 1_000) / result.period);
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const intercom = median(samples.intercom);
const raw = median(samples.raw);
const format = (n: number) => Math.round(n).toLocaleString('en-US');

console.log(
  `core-dispatch (show/hide pairs on a booted messenger, median of ${ROUNDS} alternating rounds, node ${process.version})`,
);
console.log(`  Intercom():      ${format(intercom)} commands/s`);
console.log(`  actor.send:      ${format(raw)} events/s (baseline)`);
console.log(`  ratio:           ${(intercom / raw).toFixed(2)}x of the baseline's throughput`);
