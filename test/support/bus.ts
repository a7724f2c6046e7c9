import { createEventBus, type EventBus, type EventBusOptions } from '@ccx/event-bus';
import { createLogger } from '@ccx/observability';
import { redisUrl, uniquePrefix } from './redis';

/** A bus on the test Redis with a private prefix; quiet logs unless CCX_TEST_LOG is set. */
export function openTestBus(options: Partial<EventBusOptions> & { prefix: string }): EventBus {
  return createEventBus({
    redisUrl: redisUrl(),
    source: 'test',
    logger: createLogger('test', process.env.CCX_TEST_LOG ?? 'silent'),
    ...options,
  });
}

/** Buses opened by a test, closed together at the end. */
export function busPool(label: string) {
  const prefix = uniquePrefix(label);
  const open: EventBus[] = [];
  return {
    prefix,
    open(options: Partial<EventBusOptions> = {}): EventBus {
      const bus = openTestBus({ prefix, ...options });
      open.push(bus);
      return bus;
    },
    async closeAll(): Promise<void> {
      await Promise.all(open.splice(0).map((b) => b.close()));
    },
  };
}

/** Polls until `check` returns true, or fails with `what` after `timeoutMs`. */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A valid config.changed input (stream `config`). */
export const configChange = (revision: number, tenantId = 'acme') => ({
  tenantId,
  data: { resource: 'queue' as const, id: `q-${revision}`, action: 'updated' as const, revision },
});
