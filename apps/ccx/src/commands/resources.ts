import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ApiClient } from '../api-client';
import { printObject, printRows } from '../output';
import { apiTarget, type GlobalOptions } from './target';

/** Tenant resources the CLI manages, with the columns shown by `list`. */
export const resources: Record<string, { path: string; columns: string[]; help: string }> = {
  sites: {
    path: '/v1/sites',
    columns: ['id', 'name', 'kind', 'country'],
    help: 'central and branch sites',
  },
  trunks: {
    path: '/v1/trunks',
    columns: ['id', 'name', 'kind', 'host', 'port', 'transport', 'maxChannels', 'enabled'],
    help: 'SIP trunks to ITSPs, PBXs and Teams Direct Routing',
  },
  numbers: {
    path: '/v1/number-ranges',
    columns: ['id', 'firstNumber', 'lastNumber', 'purpose', 'trunkId'],
    help: 'E.164 number ranges',
  },
  skills: { path: '/v1/skills', columns: ['id', 'name', 'description'], help: 'agent skills' },
  queues: {
    path: '/v1/queues',
    columns: ['id', 'name', 'method', 'maxWaitSeconds'],
    help: 'routing queues',
  },
  agents: {
    path: '/v1/agents',
    columns: ['id', 'displayName', 'upn', 'teamsUserId', 'phoneNumber'],
    help: 'agents',
  },
  flows: {
    path: '/v1/flows',
    columns: ['id', 'name', 'revision'],
    help: 'virtual-assistant flows',
  },
  experts: {
    path: '/v1/experts',
    columns: ['id', 'displayName', 'phoneNumber', 'topics'],
    help: 'subject-matter experts (Teams users by topic)',
  },
  keys: {
    path: '/v1/api-keys',
    columns: ['id', 'name', 'prefix', 'scopes', 'revokedAt'],
    help: 'API keys',
  },
  webhooks: {
    path: '/v1/webhooks',
    columns: ['id', 'url', 'eventTypes', 'enabled', 'disabledReason'],
    help: 'webhook subscriptions',
  },
};

function parseValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** Body from `--data '<json>'`, `--data @file.json` and repeated `--set key=value`. */
export function bodyFrom(options: { data?: string; set?: string[] }): Record<string, unknown> {
  let body: Record<string, unknown> = {};
  if (options.data) {
    const text = options.data.startsWith('@')
      ? readFileSync(options.data.slice(1), 'utf8')
      : options.data;
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('--data must be a JSON object');
    body = parsed as Record<string, unknown>;
  }
  for (const pair of options.set ?? []) {
    const eq = pair.indexOf('=');
    if (eq < 1) throw new Error(`--set expects key=value, got "${pair}"`);
    body[pair.slice(0, eq)] = parseValue(pair.slice(eq + 1));
  }
  return body;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerResourceCommands(program: Command): void {
  for (const [name, spec] of Object.entries(resources)) {
    const cmd = program.command(name).description(`manage ${spec.help}`);
    const client = () => new ApiClient(apiTarget(program.opts<GlobalOptions>()));
    const json = () => program.opts<GlobalOptions>().json === true;

    cmd
      .command('list')
      .option('--limit <n>', 'at most this many', '500')
      .action(async (o: { limit: string }) => {
        printRows(await client().list(spec.path, Number(o.limit)), spec.columns, json());
      });
    cmd
      .command('get <id>')
      .action(async (id: string) =>
        printObject(await client().request('GET', `${spec.path}/${id}`)),
      );
    cmd
      .command('create')
      .option('--data <json>', 'the object as JSON, or @file.json')
      .option('--set <key=value>', 'one field (JSON values allowed); repeatable', collect)
      .option('--idempotency-key <key>', 'make a retried create harmless')
      .action(async (o: { data?: string; set?: string[]; idempotencyKey?: string }) => {
        const headers: Record<string, string> = o.idempotencyKey
          ? { 'idempotency-key': o.idempotencyKey }
          : {};
        printObject(await client().request('POST', spec.path, bodyFrom(o), headers));
      });
    cmd
      .command('update <id>')
      .option('--data <json>', 'fields to change as JSON, or @file.json')
      .option('--set <key=value>', 'one field; repeatable', collect)
      .action(async (id: string, o: { data?: string; set?: string[] }) => {
        printObject(await client().request('PATCH', `${spec.path}/${id}`, bodyFrom(o)));
      });
    cmd.command('delete <id>').action(async (id: string) => {
      await client().request('DELETE', `${spec.path}/${id}`);
      process.stdout.write(`deleted ${id}\n`);
    });
  }
}
