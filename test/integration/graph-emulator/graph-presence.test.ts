import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpAgent } from '@ccx/graph';
import { startGraphHarness, type GraphHarness } from './graph-harness';

// Presence through the real Graph client against the emulator: reads, writes, refusals,
// aggregation precedence and the clock-driven timeouts and expirations.
let h: GraphHarness;
const MIN = 60_000;

beforeAll(async () => {
  h = await startGraphHarness();
});
afterAll(async () => {
  await h?.close();
});

const presenceOf = async (token: string, path: string) =>
  (await h.client(token).api(path).get()) as {
    id: string;
    availability: string;
    activity: string;
    sequenceNumber: string;
  };

const setPresence = async (token: string, userId: string, body: Record<string, unknown>) =>
  h.client(token).api(`/users/${userId}/presence/setPresence`).post(body);

describe('reading presence', () => {
  it('shows Offline before any session, then what the Teams client shows, with a growing sequence', async () => {
    const token = await h.appToken(['Presence.Read.All']);
    const user = h.m365.directory.addUser(h.tenant.id, {
      userPrincipalName: 'carol@contoso.example',
    });
    const before = await presenceOf(token, `/users/${user.id}/presence`);
    expect(before).toMatchObject({ id: user.id, availability: 'Offline', activity: 'Offline' });

    h.graph.setClientSession(user.id, 'Busy', 'InAMeeting');
    const after = await presenceOf(token, `/communications/presences/${user.id}`);
    expect(after).toMatchObject({ availability: 'Busy', activity: 'InAMeeting' });
    expect(after.sequenceNumber > before.sequenceNumber).toBe(true);
    // Reading again without a change keeps the sequence.
    expect(
      (await presenceOf(token, `/users/${user.userPrincipalName}/presence`)).sequenceNumber,
    ).toBe(after.sequenceNumber);
    h.graph.endClientSession(user.id);
  });

  it('serves /me/presence to delegated tokens only', async () => {
    h.graph.setClientSession(h.alice.id, 'Available', 'Available');
    const mine = await presenceOf(await h.userToken(h.alice, ['Presence.Read']), '/me/presence');
    expect(mine).toMatchObject({ id: h.alice.id, availability: 'Available' });
    await expect(
      h
        .client(await h.appToken(['Presence.Read.All']))
        .api('/me/presence')
        .get(),
    ).rejects.toMatchObject({ statusCode: 400 });
    h.graph.endClientSession(h.alice.id);
  });

  it('reads up to 650 users at once and leaves out users of other tenants', async () => {
    const client = h.client(await h.appToken(['Presence.Read.All']));
    h.graph.setClientSession(h.bob.id, 'Away', 'Away');
    const res = (await client
      .api('/communications/getPresencesByUserId')
      .post({ ids: [h.alice.id, h.bob.id, h.mallory.id] })) as {
      value: Array<{ id: string; availability: string }>;
    };
    expect(res.value.map((p) => p.id).sort()).toEqual([h.alice.id, h.bob.id].sort());
    expect(res.value.find((p) => p.id === h.bob.id)?.availability).toBe('Away');

    const tooMany = Array.from(
      { length: 651 },
      (_, i) => `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`,
    );
    await expect(
      client.api('/communications/getPresencesByUserId').post({ ids: tooMany }),
    ).rejects.toMatchObject({ statusCode: 400 });
    h.graph.endClientSession(h.bob.id);
  });
});

describe('refusals', () => {
  it('answers 401 InvalidAuthenticationToken without a token, with an expired, mis-addressed or forged one', async () => {
    const agent = httpAgent({ extraCaPem: h.m365.caPem });
    const bare = await request(`${h.m365.graphBaseUrl}/users/${h.alice.id}/presence`, {
      dispatcher: agent,
    });
    expect(bare.statusCode).toBe(401);
    expect(((await bare.body.json()) as { error: { code: string } }).error.code).toBe(
      'InvalidAuthenticationToken',
    );
    await agent.close();

    const path = `/users/${h.alice.id}/presence`;
    const expired = await h.appToken(['Presence.Read.All'], { lifetime: 60 });
    h.m365.clock.advance(2 * MIN);
    await expect(presenceOf(expired, path)).rejects.toMatchObject({
      statusCode: 401,
      code: 'InvalidAuthenticationToken',
    });

    const otherAudience = await h.m365.signer.sign(
      {
        aud: 'api://someone-else',
        tid: h.tenant.id,
        roles: ['Presence.Read.All'],
        idtyp: 'app',
        appid: h.app.clientId,
      },
      3600,
    );
    await expect(presenceOf(otherAudience, path)).rejects.toMatchObject({ statusCode: 401 });

    const good = await h.appToken(['Presence.Read.All']);
    const [head, payload, sig] = good.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<
      string,
      unknown
    >;
    const forgedPayload = Buffer.from(JSON.stringify({ ...claims, tid: h.other.id })).toString(
      'base64url',
    );
    await expect(presenceOf(`${head}.${forgedPayload}.${sig}`, path)).rejects.toMatchObject({
      statusCode: 401,
    });
  });

  it('answers 403 when the token lacks the permission the page lists', async () => {
    const path = `/users/${h.alice.id}/presence`;
    await expect(presenceOf(await h.appToken(['User.Read.All']), path)).rejects.toMatchObject({
      statusCode: 403,
    });
    // Presence.Read covers the signed-in user only.
    const own = await h.userToken(h.bob, ['Presence.Read']);
    await expect(presenceOf(own, path)).rejects.toMatchObject({ statusCode: 403 });
    await expect(presenceOf(own, `/users/${h.bob.id}/presence`)).resolves.toMatchObject({
      id: h.bob.id,
    });
    // Writing needs Presence.ReadWrite.All (application).
    const readOnly = await h.appToken(['Presence.Read.All']);
    await expect(
      setPresence(readOnly, h.alice.id, {
        sessionId: h.app.clientId,
        availability: 'Busy',
        activity: 'InACall',
      }),
    ).rejects.toMatchObject({ statusCode: 403 });
  });

  it('does not show a user of another tenant (404)', async () => {
    await expect(
      presenceOf(await h.appToken(['Presence.Read.All']), `/users/${h.mallory.id}/presence`),
    ).rejects.toMatchObject({ statusCode: 404 });
    await expect(
      setPresence(await h.appToken(['Presence.ReadWrite.All']), h.mallory.id, {
        sessionId: h.app.clientId,
        availability: 'Busy',
        activity: 'InACall',
      }),
    ).rejects.toMatchObject({ statusCode: 404 });
  });

  it("lets a delegated token change only the signed-in user's presence", async () => {
    const token = await h.userToken(h.alice, ['Presence.ReadWrite']);
    const body = { sessionId: h.app.clientId, availability: 'Busy', activity: 'InACall' };
    await expect(setPresence(token, h.bob.id, body)).rejects.toMatchObject({ statusCode: 403 });
    await setPresence(token, h.alice.id, body);
    expect(h.graph.presenceOf(h.alice.id)).toMatchObject({
      availability: 'Busy',
      activity: 'InACall',
    });
    await h
      .client(token)
      .api(`/users/${h.alice.id}/presence/clearPresence`)
      .post({ sessionId: h.app.clientId });
    expect(h.graph.presenceOf(h.alice.id).availability).toBe('Offline');
  });
});

describe('setPresence and clearPresence', () => {
  it('accepts only the documented pairs, the app id as session id and PT5M..PT4H', async () => {
    const token = await h.appToken(['Presence.ReadWrite.All']);
    const id = h.alice.id;
    const sessionId = h.app.clientId;
    const refused = [
      { sessionId: 'not-our-app', availability: 'Busy', activity: 'InACall' },
      { sessionId, availability: 'Busy', activity: 'Busy' },
      { sessionId, availability: 'Available', activity: 'InACall' },
      { sessionId, availability: 'Busy', activity: 'InACall', expirationDuration: 'PT4M' },
      { sessionId, availability: 'Busy', activity: 'InACall', expirationDuration: 'PT4H1M' },
      { sessionId, availability: 'Busy', activity: 'InACall', expirationDuration: 'soon' },
    ];
    for (const body of refused) {
      await expect(setPresence(token, id, body)).rejects.toMatchObject({ statusCode: 400 });
    }
    expect(h.graph.presenceOf(id).availability).toBe('Offline');
    for (const [availability, activity] of [
      ['Available', 'Available'],
      ['Busy', 'InAConferenceCall'],
      ['Away', 'Away'],
      ['DoNotDisturb', 'Presenting'],
      ['Busy', 'InACall'],
    ]) {
      await setPresence(token, id, {
        sessionId,
        availability,
        activity,
        expirationDuration: 'PT4H',
      });
      expect(h.graph.presenceOf(id)).toMatchObject({ availability, activity });
    }
    await h.client(token).api(`/users/${id}/presence/clearPresence`).post({ sessionId });
    expect(h.graph.presenceOf(id)).toMatchObject({ availability: 'Offline', activity: 'Offline' });
  });

  it('expires the session after expirationDuration (default 5 minutes) and falls back to the clients', async () => {
    const token = await h.appToken(['Presence.ReadWrite.All']);
    const sessionId = h.app.clientId;
    await setPresence(token, h.bob.id, { sessionId, availability: 'Busy', activity: 'InACall' });
    h.m365.clock.advance(5 * MIN);
    expect(h.graph.presenceOf(h.bob.id).availability).toBe('Offline');

    h.graph.setClientSession(h.bob.id, 'Available', 'Available');
    await setPresence(token, h.bob.id, {
      sessionId,
      availability: 'Busy',
      activity: 'InACall',
      expirationDuration: 'PT1H',
    });
    h.m365.clock.advance(59 * MIN);
    expect(h.graph.presenceOf(h.bob.id).activity).toBe('InACall');
    h.m365.clock.advance(1 * MIN);
    expect(h.graph.presenceOf(h.bob.id)).toMatchObject({
      availability: 'Available',
      activity: 'Available',
    });
    h.graph.endClientSession(h.bob.id);
  });

  it('fades an Available session that is not refreshed: AvailableInactive after 5 minutes, Away after 10', async () => {
    const token = await h.appToken(['Presence.ReadWrite.All']);
    const body = {
      sessionId: h.app.clientId,
      availability: 'Available',
      activity: 'Available',
      expirationDuration: 'PT1H',
    };
    await setPresence(token, h.bob.id, body);
    h.m365.clock.advance(5 * MIN);
    expect(h.graph.presenceOf(h.bob.id)).toMatchObject({
      availability: 'Available',
      activity: 'AvailableInactive',
    });
    h.m365.clock.advance(5 * MIN);
    expect(h.graph.presenceOf(h.bob.id)).toMatchObject({ availability: 'Away', activity: 'Away' });
    await setPresence(token, h.bob.id, body);
    expect(h.graph.presenceOf(h.bob.id)).toMatchObject({
      availability: 'Available',
      activity: 'Available',
    });
    await h
      .client(token)
      .api(`/users/${h.bob.id}/presence/clearPresence`)
      .post({ sessionId: h.app.clientId });
  });
});

describe('aggregation and preferred presence', () => {
  it('ranks sessions DoNotDisturb > Busy > Available > Away, and the preferred presence above all', async () => {
    const token = await h.appToken(['Presence.ReadWrite.All']);
    const id = h.alice.id;
    const client = h.client(token);
    h.graph.setClientSession(id, 'Available', 'Available');
    await setPresence(token, id, {
      sessionId: h.app.clientId,
      availability: 'Busy',
      activity: 'InACall',
      expirationDuration: 'PT1H',
    });
    expect(h.graph.presenceOf(id)).toMatchObject({ availability: 'Busy', activity: 'InACall' });

    h.graph.setClientSession(id, 'DoNotDisturb', 'Presenting', 'mobile');
    expect(h.graph.presenceOf(id)).toMatchObject({
      availability: 'DoNotDisturb',
      activity: 'Presenting',
    });
    h.graph.endClientSession(id, 'mobile');

    h.graph.setClientSession(id, 'Away', 'Away');
    expect(h.graph.presenceOf(id).availability).toBe('Busy');

    await client
      .api(`/users/${id}/presence/setUserPreferredPresence`)
      .post({ availability: 'Away', activity: 'Away' });
    expect(h.graph.presenceOf(id)).toMatchObject({ availability: 'Away', activity: 'Away' });
    await client.api(`/users/${id}/presence/clearUserPreferredPresence`).post({});
    expect(h.graph.presenceOf(id)).toMatchObject({ availability: 'Busy', activity: 'InACall' });

    await client.api(`/users/${id}/presence/clearPresence`).post({ sessionId: h.app.clientId });
    h.graph.endClientSession(id);
  });

  it('shows the preferred presence only while a session exists, and applies its default expirations', async () => {
    // A fresh token per request: the test lets days pass.
    const client = h.client(() => h.appToken(['Presence.ReadWrite.All']));
    const id = h.bob.id;
    const prefer = (body: Record<string, unknown>) =>
      client.api(`/users/${id}/presence/setUserPreferredPresence`).post(body);

    await expect(prefer({ availability: 'Busy', activity: 'InACall' })).rejects.toMatchObject({
      statusCode: 400,
    });
    await prefer({ availability: 'DoNotDisturb', activity: 'DoNotDisturb' });
    expect(h.graph.presenceOf(id).availability).toBe('Offline');

    h.graph.setClientSession(id, 'Available', 'Available');
    expect(h.graph.presenceOf(id)).toMatchObject({
      availability: 'DoNotDisturb',
      activity: 'DoNotDisturb',
    });
    h.m365.clock.advance(23 * 60 * MIN);
    expect(h.graph.presenceOf(id).availability).toBe('DoNotDisturb');
    h.m365.clock.advance(60 * MIN);
    expect(h.graph.presenceOf(id).availability).toBe('Available');

    await prefer({ availability: 'Offline', activity: 'OffWork' });
    h.m365.clock.advance(6 * 24 * 60 * MIN);
    expect(h.graph.presenceOf(id)).toMatchObject({ availability: 'Offline', activity: 'OffWork' });
    h.m365.clock.advance(24 * 60 * MIN);
    expect(h.graph.presenceOf(id).availability).toBe('Available');

    await prefer({
      availability: 'BeRightBack',
      activity: 'BeRightBack',
      expirationDuration: 'PT1H',
    });
    h.m365.clock.advance(60 * MIN);
    expect(h.graph.presenceOf(id).availability).toBe('Available');
    h.graph.endClientSession(id);
  });

  it('serves the same presence under /beta', async () => {
    const token = await h.appToken(['Presence.Read.All']);
    const res = (await h
      .client(token)
      .api(`/users/${h.alice.id}/presence`)
      .version('beta')
      .get()) as {
      id: string;
    };
    expect(res.id).toBe(h.alice.id);
  });
});
