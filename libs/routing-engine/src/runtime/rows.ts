// Configuration rows as the API stores them (projected into Redis by live-config), parsed into
// what routing runs with. A row that does not parse is left out with its error, so one bad row
// cannot stop a tenant's other queues.
import { z } from 'zod';
import {
  flowDefinition,
  queueConfig,
  type FlowDefinition,
  type QueueConfig,
} from '@ccx/routing-model';

const e164 = z.string().regex(/^\+[1-9]\d{1,14}$/);

export type Rows = readonly Record<string, unknown>[];

export interface QueueEntry {
  config: QueueConfig;
  name: string;
}

const queueRow = z.looseObject({ id: z.string(), name: z.string().default('') });

export interface AgentEntry {
  id: string;
  displayName: string;
  teamsUserId?: string;
  phoneNumber?: string;
  /** skillId → level 1–5. */
  skills: Record<string, number>;
  capacity: { voice: number; chat: number };
  optOutQueues: string[];
  maxMissedOffers: number;
}

const agentRow = z.looseObject({
  id: z.string(),
  displayName: z.string().default(''),
  teamsUserId: z.string().nullish(),
  phoneNumber: e164.nullish(),
  skills: z
    .array(z.object({ skillId: z.string(), level: z.number().int().min(1).max(5) }))
    .default([]),
  capacity: z
    .object({ voice: z.number().int().min(0).max(1), chat: z.number().int().min(0).max(50) })
    .default({ voice: 1, chat: 0 }),
  optOutQueues: z.array(z.string()).default([]),
  maxMissedOffers: z.number().int().min(0).max(100).default(3),
});

/** A number (range) routed to a queue or a flow. */
export interface NumberEntry {
  first: string;
  last: string;
  queueId?: string;
  flowId?: string;
}

const numberRow = z.looseObject({
  firstNumber: e164,
  lastNumber: e164,
  purpose: z.string(),
  queueId: z.string().nullish(),
  flowId: z.string().nullish(),
});

export interface FlowEntry {
  id: string;
  name: string;
  definition: FlowDefinition;
}

const flowRow = z.looseObject({
  id: z.string(),
  name: z.string().default(''),
  definition: flowDefinition,
});

export interface ExpertEntry {
  id: string;
  displayName: string;
  userId: string;
  phoneNumber: string;
  topics: string[];
}

const expertRow = z.looseObject({
  id: z.string(),
  displayName: z.string().default(''),
  userId: z.string(),
  phoneNumber: e164,
  topics: z.array(z.string()).default([]),
});

export interface RowError {
  resource: string;
  id: string;
  error: string;
}

function parseAll<T>(
  resource: string,
  rows: Rows,
  parse: (row: Record<string, unknown>) => T,
  errors: RowError[],
): T[] {
  const out: T[] = [];
  for (const row of rows) {
    try {
      out.push(parse(row));
    } catch (err) {
      const message = err instanceof z.ZodError ? z.prettifyError(err) : String(err);
      errors.push({ resource, id: String(row['id'] ?? '?'), error: message });
    }
  }
  return out;
}

export function parseQueues(rows: Rows, errors: RowError[]): QueueEntry[] {
  return parseAll(
    'queue',
    rows,
    (row) => {
      const { name } = queueRow.parse(row);
      return { name, config: queueConfig.parse(pickQueueFields(row)) };
    },
    errors,
  );
}

/** The stored row carries bookkeeping (tenantId, revision, dates) the strict schema refuses. */
function pickQueueFields(row: Record<string, unknown>): Record<string, unknown> {
  const keys = Object.keys(queueConfig.shape);
  const out: Record<string, unknown> = {};
  for (const key of keys.length > 0 ? keys : Object.keys(row)) {
    const value = row[key];
    if (value !== null && value !== undefined) out[key] = value;
  }
  return out;
}

export function parseAgents(rows: Rows, errors: RowError[]): AgentEntry[] {
  return parseAll(
    'agent',
    rows,
    (row) => {
      const a = agentRow.parse(row);
      return {
        id: a.id,
        displayName: a.displayName,
        ...(a.teamsUserId ? { teamsUserId: a.teamsUserId } : {}),
        ...(a.phoneNumber ? { phoneNumber: a.phoneNumber } : {}),
        skills: Object.fromEntries(a.skills.map((s) => [s.skillId, s.level])),
        capacity: a.capacity,
        optOutQueues: a.optOutQueues,
        maxMissedOffers: a.maxMissedOffers,
      };
    },
    errors,
  );
}

export function parseNumbers(rows: Rows, errors: RowError[]): NumberEntry[] {
  const out: NumberEntry[] = [];
  for (const n of parseAll('number-range', rows, (row) => numberRow.parse(row), errors)) {
    if (n.purpose !== 'queue' || (!n.queueId && !n.flowId)) continue;
    out.push({
      first: n.firstNumber,
      last: n.lastNumber,
      ...(n.queueId ? { queueId: n.queueId } : {}),
      ...(n.flowId ? { flowId: n.flowId } : {}),
    });
  }
  return out;
}

export function parseFlows(rows: Rows, errors: RowError[]): FlowEntry[] {
  return parseAll('flow', rows, (row) => flowRow.parse(row), errors);
}

export function parseExperts(rows: Rows, errors: RowError[]): ExpertEntry[] {
  return parseAll('expert', rows, (row) => expertRow.parse(row), errors);
}
