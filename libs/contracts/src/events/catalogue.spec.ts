import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { eventNames, parseEvent, streamOf } from './catalogue';

const base = () => ({
  eventId: randomUUID(),
  version: 1,
  tenantId: 'acme',
  occurredAt: new Date().toISOString(),
  source: 'sbc',
});

describe('event catalogue', () => {
  it('names the events the architecture requires', () => {
    for (const name of [
      'call.offered',
      'call.ended',
      'interaction.queued',
      'agent.state-changed',
      'presence.changed',
      'trunk.status-changed',
      'config.changed',
    ]) {
      expect(eventNames).toContain(name);
    }
  });

  it('uses stable dotted kebab-case wire names', () => {
    for (const name of eventNames) expect(name).toMatch(/^[a-z]+\.[a-z-]+$/);
  });

  it('accepts a well-formed event and types its payload', () => {
    const res = parseEvent({
      ...base(),
      name: 'call.ended',
      callId: 'c1',
      seq: 3,
      data: { reason: 'normal', durationMs: 1200 },
    });
    expect(res.ok).toBe(true);
    if (res.ok && res.value.name === 'call.ended') expect(res.value.data.durationMs).toBe(1200);
  });

  it('rejects unknown names, wrong versions, missing callId and bad payloads with a reason', () => {
    const bad = [
      [{ ...base(), name: 'call.exploded', data: {} }, 'unknown event name'],
      [
        {
          ...base(),
          version: 2,
          name: 'call.ended',
          callId: 'c',
          data: { reason: 'normal', durationMs: 1 },
        },
        'version',
      ],
      [{ ...base(), name: 'call.ended', data: { reason: 'normal', durationMs: 1 } }, 'callId'],
      [
        { ...base(), name: 'call.ended', callId: 'c', data: { reason: 'meteor', durationMs: 1 } },
        'reason',
      ],
      [{ ...base(), tenantId: 'Not A Slug', name: 'config.changed', data: {} }, 'tenantId'],
    ] as const;
    for (const [input, why] of bad) {
      const res = parseEvent(input);
      expect(res.ok).toBe(false);
      if (!res.ok) expect(res.error).toContain(why);
    }
  });

  it('derives the stream from the name, and streams (queue names) are a fixed set', () => {
    expect(streamOf('interaction.assigned')).toBe('interaction');
    // Streams name the bus queues: a new one is a deliberate change, not a side effect of a name.
    expect(new Set(eventNames.map(streamOf))).toEqual(
      new Set([
        'call',
        'interaction',
        'agent',
        'presence',
        'queue',
        'trunk',
        'config',
        'media',
        'webhook',
      ]),
    );
  });
});
