import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApiDocument } from '../../../apps/api/src/openapi';
import { OPENAPI_PATH } from '../../../apps/api/src/openapi-export';
import { startTestApi, type TestApi } from '../../support/api';
import { backends } from '../../support/database';
import { operationsOf, servedRoutes } from './support/routes';

const root = resolve(__dirname, '..', '..', '..');

interface Operation {
  operationId?: string;
  security?: Record<string, string[]>[];
  requestBody?: unknown;
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
}
type Doc = { openapi: string; paths: Record<string, Record<string, Operation>> };

/** The only routes documented without authentication. */
const publicPaths = new Set([
  '/v1/m365/consent/callback',
  '/v1/m365/service-sign-in/callback',
  '/v1/m365/sign-in',
  '/v1/m365/sign-in/callback',
  '/v1/m365/teams-sso',
]);

describe('the committed OpenAPI document', () => {
  it('is what the code generates (run `npm run openapi` and commit apps/api/openapi.json)', () => {
    const committed: unknown = JSON.parse(readFileSync(resolve(root, OPENAPI_PATH), 'utf8'));
    // JSON round trip: the generated object may hold undefined values JSON drops.
    const generated: unknown = JSON.parse(JSON.stringify(buildApiDocument()));
    expect(committed, 'apps/api/openapi.json is stale: run `npm run openapi`').toEqual(generated);
  });

  it('documents every operation with an id, security and its problem responses', () => {
    const doc = buildApiDocument() as unknown as Doc;
    expect(doc.openapi).toBe('3.1.0');
    const ids = new Set<string>();
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const where = `${method.toUpperCase()} ${path}`;
        expect(op.operationId, where).toBeTruthy();
        expect(ids.has(op.operationId ?? ''), `duplicate operationId at ${where}`).toBe(false);
        ids.add(op.operationId ?? '');
        const statuses = Object.keys(op.responses);
        if (publicPaths.has(path)) {
          // Entra ID redirects and user sign-in: no API key, on purpose (docs/identity.md).
          expect(op.security, where).toEqual([]);
        } else {
          expect(op.security?.length, `${where} has no security requirement`).toBe(1);
          expect(statuses, where).toEqual(expect.arrayContaining(['401', '403']));
        }
        if (op.requestBody) expect(statuses, where).toEqual(expect.arrayContaining(['400', '415']));
        if (path.includes('{')) expect(statuses, where).toContain('404');
        for (const status of statuses.filter((s) => Number(s) >= 400)) {
          const schema = op.responses[status]?.content?.['application/problem+json']?.schema;
          expect(schema?.$ref, `${where} ${status}`).toBe('#/components/schemas/Problem');
        }
      }
    }
  });
});

describe.each(backends)('the served API and its document (%s)', (backend) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi(backend);
  });
  afterAll(async () => {
    await api?.close();
  });

  it('documents exactly the /v1 routes Express serves', () => {
    const served = servedRoutes(api.app).filter((r) => r.split(' ')[1]?.startsWith('/v1'));
    const documented = operationsOf(buildApiDocument())
      .map((o) => `${o.method.toUpperCase()} ${o.path}`)
      .sort();
    expect(served.length).toBeGreaterThan(0);
    expect(served).toEqual(documented);
  });

  it('serves the document at /docs/openapi.json and Swagger UI at /docs', async () => {
    const json = await api.http().get('/docs/openapi.json');
    expect(json.status).toBe(200);
    expect(json.body).toEqual(JSON.parse(JSON.stringify(buildApiDocument())));
    const page = await api.http().get('/docs');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('swagger-ui-bundle.js');
    for (const asset of [
      'swagger-ui.css',
      'swagger-ui-bundle.js',
      'swagger-ui-standalone-preset.js',
      'init.js',
    ]) {
      const res = await api.http().get(`/docs/assets/${asset}`);
      expect(res.status, asset).toBe(200);
      expect(Number(res.headers['content-length'] ?? res.text.length)).toBeGreaterThan(0);
    }
    expect((await api.http().get('/docs/assets/..%2Fpackage.json')).status).toBe(404);
  });
});
