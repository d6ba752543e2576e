import { type Transport, TransportError } from '../src';

/**
 * What the network does to one request:
 * - `ok`: it goes through;
 * - `drop`: the server does the work, then the answer is lost (the call rejects, retryable);
 * - `dup`: the request reaches the server twice (a replayed packet), one answer comes back;
 * - `fail`: the request never reaches the server (network down);
 * - `503`: the server refuses it before doing anything (retryable);
 * - a number: the server does the work at once, the answer arrives that many ms later.
 */
export type Fault = 'ok' | 'drop' | 'dup' | 'fail' | '503' | number;

/** The request/response calls of a Transport (the realtime stream is left alone). */
export const REQUEST_METHODS = [
  'boot',
  'update',
  'trackEvents',
  'listConversations',
  'getConversation',
  'startConversation',
  'postMessage',
  'markRead',
  'endSession',
] as const satisfies readonly (keyof Transport)[];

export type RequestMethod = (typeof REQUEST_METHODS)[number];

export interface FlakyTransport {
  readonly transport: Transport;
  /** From now on every request goes straight through. */
  calm(): void;
  /** One line per request that met a fault, for a readable failure report. */
  readonly log: string[];
}

/**
 * Wraps a transport so that its requests meet the faults of `plan`, one fault per request, in
 * order and round and round (an empty plan is a perfect network). `wait` is the (simulated)
 * clock's idea of a delay, so slow answers cost no real time.
 */
export function createFlakyTransport(
  base: Transport,
  options: { plan: readonly Fault[]; wait(ms: number): Promise<void>; methods?: readonly RequestMethod[] },
): FlakyTransport {
  const { plan, wait } = options;
  const methods = options.methods ?? REQUEST_METHODS;
  const log: string[] = [];
  let calm = false;
  let next = 0;

  function nextFault(): Fault {
    if (calm || plan.length === 0) return 'ok';
    return plan[next++ % plan.length]!;
  }

  // The outcome of a request as a value, so a rejection is never left unhandled while we wait.
  const outcome = (promise: Promise<unknown>) =>
    promise.then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
  const unwrap = (result: { ok: true; value: unknown } | { ok: false; error: unknown }) => {
    if (result.ok) return result.value;
    throw result.error;
  };

  function wrap(method: RequestMethod) {
    const call = base[method] as (...args: unknown[]) => Promise<unknown>;
    return async (...args: unknown[]): Promise<unknown> => {
      const fault = nextFault();
      const send = () => call.apply(base, args);
      if (fault !== 'ok') log.push(`${method}: ${fault}`);
      if (fault === 'ok') return send();
      if (fault === 'fail') throw new TypeError(`${method}: network down, the request never reached the server`);
      if (fault === '503') throw TransportError.fromStatus(503, `${method}: service unavailable`);
      if (fault === 'drop') {
        await outcome(send());
        throw new TypeError(`${method}: the connection dropped after the server answered`);
      }
      if (fault === 'dup') {
        const [first] = await Promise.all([outcome(send()), outcome(send())]);
        return unwrap(first);
      }
      const result = await outcome(send());
      await wait(fault);
      return unwrap(result);
    };
  }

  const transport: Transport = { ...base };
  for (const method of methods) (transport as unknown as Record<string, unknown>)[method] = wrap(method);
  return {
    transport,
    calm: () => {
      calm = true;
    },
    log,
  };
}
