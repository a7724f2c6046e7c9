import type { Command } from 'commander';
import { ApiClient } from '../api-client';
import { printObject, printRows } from '../output';
import { bodyFrom } from './resources';
import { apiTarget, type GlobalOptions } from './target';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Operator commands (need the operator key, ADMIN_API_KEY). */
export function registerTenantCommands(program: Command): void {
  const client = () => new ApiClient(apiTarget(program.opts<GlobalOptions>()));
  const json = () => program.opts<GlobalOptions>().json === true;
  const tenants = program.command('tenants').description('manage tenants (operator key)');

  tenants
    .command('list')
    .option('--limit <n>', 'at most this many', '500')
    .action(async (o: { limit: string }) =>
      printRows(
        await client().list('/v1/tenants', Number(o.limit)),
        ['id', 'name', 'status', 'createdAt'],
        json(),
      ),
    );
  tenants
    .command('get <id>')
    .action(async (id: string) => printObject(await client().request('GET', `/v1/tenants/${id}`)));
  tenants
    .command('create <id>')
    .requiredOption('--name <name>', 'display name')
    .action(async (id: string, o: { name: string }) =>
      printObject(await client().request('POST', '/v1/tenants', { id, name: o.name })),
    );
  tenants
    .command('update <id>')
    .option('--data <json>', 'fields to change as JSON')
    .option('--set <key=value>', 'one field; repeatable', collect)
    .action(async (id: string, o: { data?: string; set?: string[] }) =>
      printObject(await client().request('PATCH', `/v1/tenants/${id}`, bodyFrom(o))),
    );
  tenants.command('delete <id>').action(async (id: string) => {
    await client().request('DELETE', `/v1/tenants/${id}`);
    process.stdout.write(`deleted ${id}\n`);
  });
  tenants
    .command('issue-key <id>')
    .description('issue an API key for a tenant; the key is printed once')
    .option('--name <name>', 'what the key is for', 'issued by ccx')
    .option('--scope <scope>', 'a scope; repeatable (default: all tenant scopes)', collect)
    .action(async (id: string, o: { name: string; scope?: string[] }) =>
      printObject(
        await client().request('POST', `/v1/tenants/${id}/api-keys`, {
          name: o.name,
          ...(o.scope ? { scopes: o.scope } : {}),
        }),
      ),
    );
}
