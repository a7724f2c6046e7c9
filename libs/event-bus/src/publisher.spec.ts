import { describe, expect, it } from 'vitest';
import { InvalidEventError } from './errors';
import type { RegistrySnapshot } from './group-registry';
import { DEFAULT_RETRY, MAX_EVENTS_PER_JOB } from './job-options';
import { buildEvent, planJobs } from './publisher';

const snapshot = (groups: Record<string, string[]>): RegistrySnapshot => ({
  version: '1',
  groupsOf: (name) => (groups[name] ?? []).map((group) => ({ group, policy: DEFAULT_RETRY })),
});
const ringing = (seq: number) =>
  buildEvent(
    { name: 'call.ringing', tenantId: 'acme', callId: 'c', seq, data: { earlyMedia: false } },
    'sbc',
  );

describe('buildEvent', () => {
  it('fills the envelope and applies payload defaults', () => {
    const event = buildEvent(
      {
        name: 'interaction.queued',
        tenantId: 'acme',
        callId: 'c',
        data: { interactionId: 'i', queueId: 'q' },
      },
      'routing',
    );
    expect(event).toMatchObject({
      version: 1,
      source: 'routing',
      data: { priority: 50, requiredSkills: [] },
    });
    expect(event.eventId).toMatch(/^[0-9a-f-]{36}$/);
  });
  it('keeps a given eventId and rejects what the catalogue refuses', () => {
    const eventId = '5d0f3f8e-6f43-4a53-9f39-2a4f4f1f6c11';
    expect(
      buildEvent(
        {
          name: 'call.ringing',
          tenantId: 'acme',
          callId: 'c',
          eventId,
          data: { earlyMedia: true },
        },
        's',
      ).eventId,
    ).toBe(eventId);
    expect(() =>
      buildEvent({ name: 'call.ringing', tenantId: 'acme', data: { earlyMedia: true } }, 's'),
    ).toThrow(InvalidEventError);
  });
});

describe('planJobs', () => {
  it('makes one job per group queue, with the eventId as job id for a lone event', () => {
    const event = ringing(1);
    const jobs = planJobs([event], snapshot({ 'call.ringing': ['a', 'b'] }));
    expect(jobs.map((j) => [j.queue, j.opts.jobId])).toEqual([
      ['ev.a.call', event.eventId],
      ['ev.b.call', event.eventId],
    ]);
  });
  it('batches per queue, cuts at the job size, drops repeated ids and skips unsubscribed names', () => {
    const events = Array.from({ length: MAX_EVENTS_PER_JOB + 5 }, (_, i) => ringing(i));
    const jobs = planJobs(
      [...events, events[0] as never, ringing(999)].slice(0, -1),
      snapshot({ 'call.ringing': ['a'] }),
    );
    expect(jobs.map((j) => j.data.events.length)).toEqual([MAX_EVENTS_PER_JOB, 5]);
    expect(jobs.every((j) => String(j.opts.jobId).startsWith('b-'))).toBe(true);
    expect(planJobs(events, snapshot({}))).toEqual([]);
  });
});
