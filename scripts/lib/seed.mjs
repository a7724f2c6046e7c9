// Seeds the demo tenant through the public API (the same calls a partner would make), once:
// the tenant's key is kept in a state file, and later starts reuse it.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

async function call(api, key, method, path, body, idempotencyKey) {
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
  const res = await fetch(`${api}${path}`, {
    method,
    headers,
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  const json = text ? JSON.parse(text) : undefined;
  return { status: res.status, json };
}

function must(res, what) {
  if (res.status >= 300)
    throw new Error(`seeding ${what} failed: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json;
}

export async function seedDemoTenant({ api, adminKey, stateFile, tenantId = 'demo' }) {
  if (existsSync(stateFile)) {
    const state = JSON.parse(readFileSync(stateFile, 'utf8'));
    const probe = await call(api, state.apiKey, 'GET', '/v1/sites?limit=1');
    if (probe.status === 200) return state;
  }
  const existing = await call(api, adminKey, 'GET', `/v1/tenants/${tenantId}`);
  if (existing.status === 404) {
    must(
      await call(api, adminKey, 'POST', '/v1/tenants', {
        id: tenantId,
        name: 'Demo Contact Center',
      }),
      'tenant',
    );
  }
  const issued = must(
    await call(api, adminKey, 'POST', `/v1/tenants/${tenantId}/api-keys`, {
      name: 'demo (npm start)',
      scopes: ['config:read', 'config:write', 'keys:manage', 'webhooks:manage', 'events:read'],
    }),
    'api key',
  );
  const key = issued.key;
  const seed = (path, body, id) =>
    call(api, key, 'POST', path, body, `seed-${id}`).then((r) => must(r, path));

  const site = await seed(
    '/v1/sites',
    { name: 'Berlin HQ', kind: 'central', country: 'DE' },
    'site',
  );
  const trunk = await seed(
    '/v1/trunks',
    {
      name: 'itsp-de',
      kind: 'itsp',
      siteId: site.id,
      host: '127.0.0.1',
      port: 5080,
      transport: 'udp',
      maxChannels: 30,
      codecs: ['PCMA', 'PCMU'],
    },
    'trunk',
  );
  await seed(
    '/v1/trunks',
    {
      name: 'teams',
      kind: 'teams',
      host: 'sip.pstnhub.microsoft.com',
      port: 5061,
      transport: 'tls',
      maxChannels: 100,
      codecs: ['PCMA', 'PCMU'],
    },
    'trunk-teams',
  );
  await seed(
    '/v1/number-ranges',
    {
      firstNumber: '+4930120000',
      lastNumber: '+4930120099',
      trunkId: trunk.id,
      siteId: site.id,
      purpose: 'did',
    },
    'numbers',
  );
  const skill = await seed('/v1/skills', { name: 'german', description: 'Speaks German' }, 'skill');
  await seed(
    '/v1/queues',
    {
      name: 'support',
      method: 'longest-idle',
      requiredSkills: [{ skillId: skill.id, minLevel: 1 }],
      maxWaitSeconds: 300,
    },
    'queue',
  );
  await seed(
    '/v1/agents',
    {
      displayName: 'Ada Agent',
      upn: 'ada@demo.example',
      skills: [{ skillId: skill.id, level: 5 }],
      capacity: { voice: 1, chat: 0 },
    },
    'agent',
  );

  const state = { tenantId, apiKey: key };
  writeFileSync(stateFile, JSON.stringify(state, null, 2), { mode: 0o600 });
  return state;
}
