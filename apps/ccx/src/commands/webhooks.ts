import type { Command } from 'commander';
import { ApiClient } from '../api-client';
import { printObject, printRows } from '../output';
import { apiTarget, type GlobalOptions } from './target';

/** Webhook operations beyond CRUD: delivery log, replay, test ping, enable/disable, rotation. */
export function registerWebhookCommands(program: Command): void {
  const webhooks = program.commands.find((c) => c.name() === 'webhooks');
  if (!webhooks) throw new Error('register the webhooks resource commands first');
  const client = () => new ApiClient(apiTarget(program.opts<GlobalOptions>()));
  const json = () => program.opts<GlobalOptions>().json === true;

  webhooks
    .command('deliveries <id>')
    .description('the delivery log of a subscription, newest first')
    .option('--status <status>', 'pending, succeeded or failed')
    .option('--limit <n>', 'at most this many', '50')
    .action(async (id: string, o: { status?: string; limit: string }) => {
      const query = o.status ? `?status=${encodeURIComponent(o.status)}` : '';
      const rows = await client().list(`/v1/webhooks/${id}/deliveries${query}`, Number(o.limit));
      printRows(
        rows,
        ['id', 'eventName', 'status', 'attempts', 'lastStatusCode', 'createdAt'],
        json(),
      );
    });
  webhooks
    .command('replay <id> <deliveryId>')
    .description('send a delivery again, as a new series of attempts')
    .action(async (id: string, deliveryId: string) =>
      printObject(
        await client().request('POST', `/v1/webhooks/${id}/deliveries/${deliveryId}/replay`),
      ),
    );
  for (const action of ['ping', 'enable', 'disable', 'rotate-secret'] as const) {
    webhooks
      .command(`${action} <id>`)
      .description(`${action} a subscription`)
      .action(async (id: string) =>
        printObject(await client().request('POST', `/v1/webhooks/${id}/${action}`)),
      );
  }
}
