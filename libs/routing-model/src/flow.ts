// Virtual-assistant flows: a declarative graph of steps a caller goes through before reaching a
// queue, a number, a Teams user or a bot (docs/routing.md#virtual-assistant-flows). The schema
// checks the flow's own consistency (every `next` names a node, no loop that never waits for the
// caller); `flowReferences` lists what it names outside itself, for the API to check on save.
import { z } from 'zod';
import { businessHours, skillRequirement } from './queue';

const nodeId = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'a node id: a letter, then letters, digits, _ or -');
/** A WAV file name in the media worker's prompt directory (as `media.play` takes it). */
export const promptName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*\.wav$/, 'a .wav file name')
  .max(128);
const e164 = z.string().regex(/^\+[1-9]\d{1,14}$/, 'an E.164 number such as +4930123456');
const variableName = z.string().regex(/^[a-z][a-zA-Z0-9_]{0,31}$/, 'a variable name');
const digits = z.string().regex(/^[0-9*#]$/, 'one DTMF key');

const play = z.strictObject({ kind: z.literal('play'), prompt: promptName, next: nodeId });

const menu = z.strictObject({
  kind: z.literal('menu'),
  prompt: promptName,
  /** DTMF key → next node. */
  options: z.record(digits, nodeId).refine((o) => Object.keys(o).length > 0, 'at least one option'),
  timeoutSeconds: z.number().int().min(1).max(60).default(5),
  /** Times the menu is replayed after no input or a wrong key before `fallback`. */
  retries: z.number().int().min(0).max(5).default(2),
  /** Where the caller goes when retries run out; default: disconnect. */
  fallback: nodeId.optional(),
});

const collect = z
  .strictObject({
    kind: z.literal('collect'),
    prompt: promptName,
    /** Stored as a flow variable, readable by `branch` and passed with the interaction. */
    variable: variableName,
    minDigits: z.number().int().min(1).max(32).default(1),
    maxDigits: z.number().int().min(1).max(32),
    /** Key that ends input early (not stored). */
    terminator: digits.optional(),
    timeoutSeconds: z.number().int().min(1).max(60).default(5),
    next: nodeId,
    /** Too few digits before the timeout; default: the same as `next` with what was typed. */
    noInput: nodeId.optional(),
  })
  .refine((c) => c.minDigits <= c.maxDigits, {
    message: 'minDigits must not exceed maxDigits',
    path: ['minDigits'],
  });

const hours = z.strictObject({
  kind: z.literal('hours'),
  hours: businessHours,
  open: nodeId,
  closed: nodeId,
});

/** Caller data: `caller` (From number), `called` (To number), or a variable set by `collect`/`set`. */
const condition = z.strictObject({
  variable: variableName,
  op: z.enum(['equals', 'prefix', 'in', 'matches', 'present']),
  /** equals/prefix/matches: one string (a regex for matches); in: a list; present: none. */
  value: z.union([z.string().max(256), z.array(z.string().max(256)).max(1000)]).optional(),
});

const branch = z.strictObject({
  kind: z.literal('branch'),
  rules: z
    .array(z.strictObject({ when: condition, next: nodeId }))
    .min(1)
    .max(50),
  otherwise: nodeId,
});

const set = z.strictObject({
  kind: z.literal('set'),
  /** Replaces the queue's required skills for this interaction. */
  skills: z.array(skillRequirement).max(20).optional(),
  priority: z.number().int().min(0).max(100).optional(),
  variables: z.record(variableName, z.string().max(256)).optional(),
  next: nodeId,
});

const queue = z.strictObject({ kind: z.literal('queue'), queueId: z.uuid() });

export const flowTransferTarget = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('number'), number: e164 }),
  /** A Teams user known to the tenant (an agent or an expert), by Entra object id. */
  z.strictObject({ kind: z.literal('teams-user'), userId: z.uuid() }),
  /** A bot or any SIP endpoint. */
  z.strictObject({ kind: z.literal('bot'), uri: z.string().regex(/^sips?:\S+$/, 'a sip: URI') }),
]);

export type FlowTransferTarget = z.output<typeof flowTransferTarget>;

const transfer = z.strictObject({ kind: z.literal('transfer'), target: flowTransferTarget });

const disconnect = z.strictObject({ kind: z.literal('disconnect'), prompt: promptName.optional() });

const voicemail = z.strictObject({
  kind: z.literal('voicemail'),
  prompt: promptName.optional(),
  maxSeconds: z.number().int().min(5).max(600).default(120),
});

export const flowNode = z.discriminatedUnion('kind', [
  play,
  menu,
  collect,
  hours,
  branch,
  set,
  queue,
  transfer,
  disconnect,
  voicemail,
]);
export type FlowNode = z.output<typeof flowNode>;
export type FlowNodeKind = FlowNode['kind'];

/** Variables every run has from the call itself; branches read them, nodes cannot write them. */
const readOnlyVariables: ReadonlySet<string> = new Set(['caller', 'called']);

/** Nodes a call may be waiting in (for the caller, a prompt or the clock). */
const waits: ReadonlySet<FlowNodeKind> = new Set(['play', 'menu', 'collect']);

/** The nodes a node can go to next, with the field naming each. */
export function successors(node: FlowNode): { field: string; id: string }[] {
  switch (node.kind) {
    case 'play':
    case 'set':
      return [{ field: 'next', id: node.next }];
    case 'collect':
      return [
        { field: 'next', id: node.next },
        ...(node.noInput ? [{ field: 'noInput', id: node.noInput }] : []),
      ];
    case 'menu':
      return [
        ...Object.entries(node.options).map(([key, id]) => ({ field: `options.${key}`, id })),
        ...(node.fallback ? [{ field: 'fallback', id: node.fallback }] : []),
      ];
    case 'hours':
      return [
        { field: 'open', id: node.open },
        { field: 'closed', id: node.closed },
      ];
    case 'branch':
      return [
        ...node.rules.map((r, i) => ({ field: `rules.${i}.next`, id: r.next })),
        { field: 'otherwise', id: node.otherwise },
      ];
    default:
      return [];
  }
}

/** A cycle through nodes that never wait would spin forever: report one node on it. */
function spinningNode(nodes: Record<string, FlowNode>): string | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const visit = (id: string): string | undefined => {
    const node = nodes[id];
    if (!node || waits.has(node.kind)) return undefined;
    const seen = state.get(id);
    if (seen === 'open') return id;
    if (seen === 'done') return undefined;
    state.set(id, 'open');
    for (const next of successors(node)) {
      const found = visit(next.id);
      if (found) return found;
    }
    state.set(id, 'done');
    return undefined;
  };
  for (const id of Object.keys(nodes)) {
    const found = visit(id);
    if (found) return found;
  }
  return undefined;
}

export const flowDefinition = z
  .strictObject({
    start: nodeId,
    nodes: z
      .record(nodeId, flowNode)
      .refine((n) => Object.keys(n).length <= 500, 'at most 500 nodes'),
  })
  .superRefine((flow, ctx) => {
    if (!flow.nodes[flow.start])
      ctx.addIssue({ code: 'custom', path: ['start'], message: `no node "${flow.start}"` });
    for (const [id, node] of Object.entries(flow.nodes)) {
      for (const next of successors(node)) {
        if (!flow.nodes[next.id])
          ctx.addIssue({
            code: 'custom',
            path: ['nodes', id, ...next.field.split('.')],
            message: `no node "${next.id}"`,
          });
      }
      if (node.kind === 'branch')
        node.rules.forEach((rule, i) =>
          checkCondition(rule.when, ['nodes', id, 'rules', i, 'when'], ctx),
        );
      const written =
        node.kind === 'collect'
          ? [{ name: node.variable, path: ['variable'] }]
          : node.kind === 'set'
            ? Object.keys(node.variables ?? {}).map((name) => ({ name, path: ['variables', name] }))
            : [];
      for (const w of written)
        if (readOnlyVariables.has(w.name))
          ctx.addIssue({
            code: 'custom',
            path: ['nodes', id, ...w.path],
            message: `"${w.name}" is the call's own number and cannot be set`,
          });
    }
    const spinning = spinningNode(flow.nodes);
    if (spinning)
      ctx.addIssue({
        code: 'custom',
        path: ['nodes', spinning],
        message: 'this node is on a loop that never plays a prompt or waits for the caller',
      });
  });
export type FlowDefinition = z.output<typeof flowDefinition>;
export type FlowCondition = z.output<typeof condition>;

function checkCondition(
  when: FlowCondition,
  path: (string | number)[],
  ctx: z.RefinementCtx,
): void {
  const issue = (message: string) =>
    ctx.addIssue({ code: 'custom', path: [...path, 'value'], message });
  if (when.op === 'present') return;
  if (when.value === undefined) return issue(`${when.op} needs a value`);
  if (when.op === 'in' && !Array.isArray(when.value)) return issue('in needs a list');
  if (when.op !== 'in' && Array.isArray(when.value)) return issue(`${when.op} needs one string`);
  if (when.op === 'matches' && typeof when.value === 'string') {
    try {
      new RegExp(when.value);
    } catch {
      issue('not a valid regular expression');
    }
  }
}

/** Something outside the flow it names, with where (for a 400 naming the field). */
export interface FlowReference {
  path: string;
  kind: 'queue' | 'skill' | 'teams-user' | 'prompt';
  id: string;
}

export function flowReferences(flow: FlowDefinition): FlowReference[] {
  const refs: FlowReference[] = [];
  for (const [id, node] of Object.entries(flow.nodes)) {
    const at = `nodes.${id}`;
    if ('prompt' in node && node.prompt)
      refs.push({ path: `${at}.prompt`, kind: 'prompt', id: node.prompt });
    if (node.kind === 'queue')
      refs.push({ path: `${at}.queueId`, kind: 'queue', id: node.queueId });
    if (node.kind === 'transfer' && node.target.kind === 'teams-user')
      refs.push({ path: `${at}.target.userId`, kind: 'teams-user', id: node.target.userId });
    if (node.kind === 'set')
      node.skills?.forEach((s, i) =>
        refs.push({ path: `${at}.skills.${i}.skillId`, kind: 'skill', id: s.skillId }),
      );
  }
  return refs;
}
