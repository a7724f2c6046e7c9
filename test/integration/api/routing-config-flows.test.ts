import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../support/api';
import { backends } from '../../support/database';
import { clientFor, type Client } from './support/client';
import { created, promptDir, refused, userId } from './support/routing-config';

const GHOST = '00000000-0000-4000-8000-000000000009';

/** A flow naming one of everything a flow can name outside itself. */
function mainMenu(refs: { queueId: string; skillId: string; expert: string }) {
  return {
    start: 'welcome',
    nodes: {
      welcome: { kind: 'play', prompt: 'welcome.wav', next: 'menu1' },
      menu1: {
        kind: 'menu',
        prompt: 'menu.wav',
        options: { '1': 'german', '2': 'expert' },
        fallback: 'bye',
      },
      german: {
        kind: 'set',
        skills: [{ skillId: refs.skillId, minLevel: 2 }],
        priority: 5,
        next: 'wait',
      },
      wait: { kind: 'queue', queueId: refs.queueId },
      expert: { kind: 'transfer', target: { kind: 'teams-user', userId: refs.expert } },
      bye: { kind: 'disconnect' },
    },
  };
}

describe.each(backends)('routing configuration: flows and experts (%s)', (b) => {
  let api: TestApi;
  let t: Client;
  let refs: { queueId: string; skillId: string; expert: string };
  let prompts: string;

  beforeAll(async () => {
    prompts = promptDir();
    api = await startTestApi(b, { API_PROMPT_DIR: prompts });
    t = clientFor(api, await api.createTenant('flows'));
    const skillId = await created(t, '/v1/skills', { name: 'german' });
    const queueId = await created(t, '/v1/queues', {
      name: 'support',
      method: 'round-robin',
      maxWaitSeconds: 60,
    });
    await created(t, '/v1/experts', {
      displayName: 'Erin',
      userId: userId(7),
      phoneNumber: '+4930555007',
      topics: ['tax-law', 'vat'],
    });
    refs = { queueId, skillId, expert: userId(7) };
  });
  afterAll(async () => {
    await api?.close();
  });

  it('stores a flow whose queues, skills, Teams users and prompts all exist', async () => {
    const res = await t.post('/v1/flows', { name: 'main', definition: mainMenu(refs) });
    expect(res.status, res.text).toBe(201);
    // Stored as the routing service parses it: the schema's defaults filled in.
    expect(res.body.definition.nodes.menu1).toMatchObject({ timeoutSeconds: 5, retries: 2 });
    expect((await t.get(`/v1/flows/${res.body.id}`)).body).toEqual(res.body);
  });

  it('refuses a flow naming something missing, naming the field, and stores nothing', async () => {
    const post = (definition: object) => () => t.post('/v1/flows', { name: 'bad', definition });
    const flow = mainMenu(refs);
    const change = (node: string, value: object) => ({
      ...flow,
      nodes: { ...flow.nodes, [node]: value },
    });
    await refused(api, post(change('wait', { kind: 'queue', queueId: GHOST })), 400, [
      'definition.nodes.wait.queueId',
    ]);
    await refused(
      api,
      post(change('german', { ...flow.nodes.german, skills: [{ skillId: GHOST, minLevel: 1 }] })),
      400,
      ['definition.nodes.german.skills.0.skillId'],
    );
    const user = await refused(
      api,
      post(change('expert', { kind: 'transfer', target: { kind: 'teams-user', userId: GHOST } })),
      400,
      ['definition.nodes.expert.target.userId'],
    );
    expect(user).toContain(GHOST);
    const prompt = await refused(
      api,
      post(change('welcome', { ...flow.nodes.welcome, prompt: 'missing.wav' })),
      400,
      ['definition.nodes.welcome.prompt'],
    );
    expect(prompt).toContain(`"missing.wav" was not found in ${prompts}`);
    await refused(
      api,
      post(change('menu1', { ...flow.nodes.menu1, options: { '1': 'german', '2': 'nowhere' } })),
      400,
      ['definition.nodes.menu1.options.2'],
    );
    // Two missing things: both named.
    await refused(
      api,
      post({
        start: 'a',
        nodes: {
          a: { kind: 'play', prompt: 'gone.wav', next: 'b' },
          b: { kind: 'queue', queueId: GHOST },
        },
      }),
      400,
      ['definition.nodes.a.prompt', 'definition.nodes.b.queueId'],
    );
  });

  it('checks a patched definition and keeps what a flow names from being deleted', async () => {
    const id = await created(t, '/v1/flows', { name: 'guarded', definition: mainMenu(refs) });
    const patch = { definition: mainMenu({ ...refs, queueId: GHOST }) };
    await refused(api, () => t.patch(`/v1/flows/${id}`, patch), 400, [
      'definition.nodes.wait.queueId',
    ]);
    const inUse = (path: string) => refused(api, () => t.delete(path), 409, ['id']);
    expect(await inUse(`/v1/queues/${refs.queueId}`)).toMatch(/flow "/);
    expect(await inUse(`/v1/skills/${refs.skillId}`)).toMatch(/flow "/);
    const [expert] = (await t.get('/v1/experts')).body.items as { id: string }[];
    expect(await inUse(`/v1/experts/${expert!.id}`)).toMatch(/flow "/);
    const renamed = await t.patch(`/v1/flows/${id}`, { name: 'guarded II' });
    expect(renamed.body).toMatchObject({ name: 'guarded II', revision: 2 });
    await refused(
      api,
      () => t.post('/v1/flows', { name: 'guarded II', definition: mainMenu(refs) }),
      409,
      ['name'],
    );
  });

  it('stores experts with a unique user id, a number and topic slugs', async () => {
    const expert = (n: number, extra: object = {}) => ({
      displayName: `Expert ${n}`,
      userId: userId(100 + n),
      phoneNumber: `+4930555${100 + n}`,
      topics: ['billing'],
      ...extra,
    });
    const id = await created(t, '/v1/experts', expert(1));
    const post = (body: object) => () => t.post('/v1/experts', body);
    await refused(api, post(expert(1)), 409, ['userId']);
    await refused(api, post(expert(2, { userId: 'not-a-uuid' })), 400, ['userId']);
    await refused(api, post(expert(2, { phoneNumber: undefined })), 400, ['phoneNumber']);
    await refused(api, post(expert(2, { phoneNumber: '030555' })), 400, ['phoneNumber']);
    await refused(api, post(expert(2, { topics: [] })), 400, ['topics']);
    await refused(api, post(expert(2, { topics: ['Tax Law'] })), 400, ['topics.0']);
    await refused(api, post(expert(2, { topics: ['vat', 'vat'] })), 400, ['topics']);
    const many = Array.from({ length: 21 }, (_, i) => `topic-${i}`);
    await refused(api, post(expert(2, { topics: many })), 400, ['topics']);
    const patched = await t.patch(`/v1/experts/${id}`, { topics: ['billing', 'vat'] });
    expect(patched.body).toMatchObject({ topics: ['billing', 'vat'], revision: 2 });
    expect((await t.delete(`/v1/experts/${id}`)).status).toBe(204);
  });
});

describe.each(backends)('flows when the prompt directory is missing (%s)', (b) => {
  let api: TestApi;
  let t: Client;
  const dir = join(promptDir(), 'not-there');

  beforeAll(async () => {
    api = await startTestApi(b, { API_PROMPT_DIR: dir });
    t = clientFor(api, await api.createTenant('noprompts'));
  });
  afterAll(async () => {
    await api?.close();
  });

  it('refuses a flow that plays a prompt, saying where it looked', async () => {
    const detail = await refused(
      api,
      () =>
        t.post('/v1/flows', {
          name: 'hello',
          definition: {
            start: 'hi',
            nodes: {
              hi: { kind: 'play', prompt: 'welcome.wav', next: 'bye' },
              bye: { kind: 'disconnect' },
            },
          },
        }),
      400,
      ['definition.nodes.hi.prompt'],
    );
    expect(detail).toContain(`not found in ${dir} (the directory does not exist`);
    // A flow without prompts does not need the directory.
    const quiet = await t.post('/v1/flows', {
      name: 'quiet',
      definition: { start: 'bye', nodes: { bye: { kind: 'disconnect' } } },
    });
    expect(quiet.status, quiet.text).toBe(201);
  });
});
