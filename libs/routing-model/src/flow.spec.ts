import { describe, expect, it } from 'vitest';
import { flowDefinition, flowReferences } from './flow';

const salesQueue = '3f0d6f9e-2b8a-4c52-9a57-1f1b7c1e0a01';
const supportQueue = '3f0d6f9e-2b8a-4c52-9a57-1f1b7c1e0a02';
const expert = '7c2e1a44-9d3b-4f6a-8e21-5b0c3d4e5f60';

/** Hours → menu → set skills → queue, with a closed path to voicemail and a VIP branch. */
const realistic = {
  start: 'vip',
  nodes: {
    vip: {
      kind: 'branch',
      rules: [{ when: { variable: 'caller', op: 'prefix', value: '+4930' }, next: 'expert' }],
      otherwise: 'open',
    },
    open: {
      kind: 'hours',
      hours: { timeZone: 'Europe/Berlin', weekly: { mon: [{ from: '08:00', to: '18:00' }] } },
      open: 'welcome',
      closed: 'mailbox',
    },
    welcome: { kind: 'play', prompt: 'welcome.wav', next: 'main' },
    main: {
      kind: 'menu',
      prompt: 'main-menu.wav',
      options: { '1': 'sales', '2': 'account' },
      fallback: 'support',
    },
    account: {
      kind: 'collect',
      prompt: 'enter-account.wav',
      variable: 'account',
      minDigits: 6,
      maxDigits: 8,
      terminator: '#',
      next: 'support',
    },
    sales: {
      kind: 'set',
      skills: [{ skillId: 'sales', minLevel: 3 }],
      priority: 5,
      variables: { topic: 'sales' },
      next: 'salesQueue',
    },
    support: { kind: 'set', skills: [{ skillId: 'support', minLevel: 1 }], next: 'supportQueue' },
    salesQueue: { kind: 'queue', queueId: salesQueue },
    supportQueue: { kind: 'queue', queueId: supportQueue },
    expert: { kind: 'transfer', target: { kind: 'teams-user', userId: expert } },
    mailbox: { kind: 'voicemail', prompt: 'closed.wav' },
  },
};

function clone(): typeof realistic {
  return structuredClone(realistic);
}

/** The paths (dot-joined) of the issues a refused flow reports. */
function refusedAt(flow: unknown): string[] {
  const result = flowDefinition.safeParse(flow);
  expect(result.success).toBe(false);
  return result.success ? [] : result.error.issues.map((i) => i.path.join('.'));
}

describe('flowDefinition', () => {
  it('accepts a realistic flow and fills in defaults', () => {
    const flow = flowDefinition.parse(realistic);
    const main = flow.nodes['main'];
    expect(main).toMatchObject({ kind: 'menu', timeoutSeconds: 5, retries: 2 });
    expect(flow.nodes['mailbox']).toMatchObject({ kind: 'voicemail', maxSeconds: 120 });
    const open = flow.nodes['open'];
    expect(open?.kind === 'hours' && open.hours.weekly.sun).toEqual([]);
  });

  it('refuses a next that names a missing node, at that field', () => {
    const flow = clone();
    flow.nodes.welcome.next = 'nowhere';
    expect(refusedAt(flow)).toEqual(['nodes.welcome.next']);
    const menu = clone();
    menu.nodes.main.options = { '1': 'sales', '2': 'gone' };
    expect(refusedAt(menu)).toEqual(['nodes.main.options.2']);
    const branch = clone();
    branch.nodes.vip.rules[0]!.next = 'gone';
    expect(refusedAt(branch)).toEqual(['nodes.vip.rules.0.next']);
  });

  it('refuses a start that names no node', () => {
    expect(refusedAt({ ...clone(), start: 'missing' })).toEqual(['start']);
  });

  it('refuses a loop of nodes that never wait for the caller', () => {
    const flow = {
      start: 'a',
      nodes: {
        a: { kind: 'set', priority: 1, next: 'b' },
        b: {
          kind: 'branch',
          rules: [{ when: { variable: 'caller', op: 'present' }, next: 'a' }],
          otherwise: 'q',
        },
        q: { kind: 'queue', queueId: salesQueue },
      },
    };
    const paths = refusedAt(flow);
    expect(paths).toHaveLength(1);
    expect(['nodes.a', 'nodes.b']).toContain(paths[0]);
  });

  it('accepts a loop that goes through a prompt', () => {
    const flow = clone();
    flow.nodes.support.next = 'main';
    expect(flowDefinition.safeParse(flow).success).toBe(true);
  });

  it('refuses a regular expression that does not compile', () => {
    const flow = clone();
    flow.nodes.vip.rules[0]!.when = { variable: 'caller', op: 'matches', value: '^(\\+49' };
    expect(refusedAt(flow)).toEqual(['nodes.vip.rules.0.when.value']);
  });

  it('refuses `in` without a list and `equals` with one', () => {
    const flow = clone();
    flow.nodes.vip.rules[0]!.when = { variable: 'caller', op: 'in', value: '+4930' };
    expect(refusedAt(flow)).toEqual(['nodes.vip.rules.0.when.value']);
    const list = clone();
    list.nodes.vip.rules[0]!.when = {
      variable: 'caller',
      op: 'equals',
      value: ['+4930'] as unknown as string,
    };
    expect(refusedAt(list)).toEqual(['nodes.vip.rules.0.when.value']);
  });

  it('refuses minDigits above maxDigits', () => {
    const flow = clone();
    flow.nodes.account.minDigits = 9;
    expect(refusedAt(flow)).toEqual(['nodes.account.minDigits']);
  });

  it('refuses writing the read-only variables caller and called', () => {
    const flow = clone();
    flow.nodes.account.variable = 'caller';
    const set = clone();
    set.nodes.sales.variables = { called: '+4930' } as unknown as { topic: string };
    expect(refusedAt(flow)).toEqual(['nodes.account.variable']);
    expect(refusedAt(set)).toEqual(['nodes.sales.variables.called']);
  });

  it('refuses a menu key that is not one DTMF key', () => {
    const flow = clone();
    const options: Record<string, string> = { '1': 'sales', '12': 'account' };
    expect(
      refusedAt({ ...flow, nodes: { ...flow.nodes, main: { ...flow.nodes.main, options } } })[0],
    ).toMatch(/^nodes\.main\.options/);
  });
});

describe('flowReferences', () => {
  it('lists queues, skills, Teams users and prompts with their paths', () => {
    const refs = flowReferences(flowDefinition.parse(realistic));
    expect(refs).toHaveLength(9);
    expect(refs).toEqual(
      expect.arrayContaining([
        { path: 'nodes.salesQueue.queueId', kind: 'queue', id: salesQueue },
        { path: 'nodes.supportQueue.queueId', kind: 'queue', id: supportQueue },
        { path: 'nodes.sales.skills.0.skillId', kind: 'skill', id: 'sales' },
        { path: 'nodes.support.skills.0.skillId', kind: 'skill', id: 'support' },
        { path: 'nodes.expert.target.userId', kind: 'teams-user', id: expert },
        { path: 'nodes.welcome.prompt', kind: 'prompt', id: 'welcome.wav' },
        { path: 'nodes.main.prompt', kind: 'prompt', id: 'main-menu.wav' },
        { path: 'nodes.account.prompt', kind: 'prompt', id: 'enter-account.wav' },
        { path: 'nodes.mailbox.prompt', kind: 'prompt', id: 'closed.wav' },
      ]),
    );
  });
});
