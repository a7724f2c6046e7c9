/**
 * Order-tolerant state for call-scoped events (see docs/event-bus.md, "Ordering").
 *
 * Events of one call carry `seq`, assigned by the service that owns the call. A consumer keeps
 * the state it derives from them as a map of fields, each remembering the seq of the event that
 * last wrote it (a last-writer-wins register per field, ordered by seq). An event writes a field
 * only if its seq is higher than the field's: so a late, stale event cannot undo a newer one,
 * a duplicate changes nothing, and any delivery order gives the same final state.
 */

export type FieldPatch = Readonly<Record<string, unknown>>;

export interface SeqState {
  values: Record<string, unknown>;
  /** Seq of the event that last wrote each field. */
  seqs: Record<string, number>;
}

export interface MergeResult {
  state: SeqState;
  /** Fields this event actually changed (empty: the event was stale or a duplicate). */
  applied: string[];
}

export const emptySeqState = (): SeqState => ({ values: {}, seqs: {} });

/** Pure merge of one event's patch into a state; returns a new state. */
export function mergeBySeq(state: SeqState, seq: number, patch: FieldPatch): MergeResult {
  const values = { ...state.values };
  const seqs = { ...state.seqs };
  const applied: string[] = [];
  for (const [field, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (seq > (seqs[field] ?? -1)) {
      values[field] = value;
      seqs[field] = seq;
      applied.push(field);
    }
  }
  return { state: { values, seqs }, applied };
}

/** The event with the highest seq of each call (e.g. to rebuild a view from a replay). */
export function latestBySeq<E extends { callId?: string; seq?: number }>(
  events: Iterable<E>,
): Map<string, E> {
  const latest = new Map<string, E>();
  for (const event of events) {
    if (event.callId === undefined || event.seq === undefined) continue;
    const current = latest.get(event.callId);
    if (!current || (current.seq ?? -1) < event.seq) latest.set(event.callId, event);
  }
  return latest;
}

/** Where per-call states live: in process memory (one consumer instance) or in Redis (shared). */
export interface SeqStore {
  apply(tenantId: string, callId: string, seq: number, patch: FieldPatch): Promise<MergeResult>;
  get(tenantId: string, callId: string): Promise<SeqState>;
}

/** In-memory store, for a consumer whose state is local to one process (and for tests). */
export class MemorySeqStore implements SeqStore {
  private readonly states = new Map<string, SeqState>();

  async apply(tenantId: string, callId: string, seq: number, patch: FieldPatch) {
    const key = `${tenantId}\u0000${callId}`;
    const result = mergeBySeq(this.states.get(key) ?? emptySeqState(), seq, patch);
    this.states.set(key, result.state);
    return result;
  }

  async get(tenantId: string, callId: string): Promise<SeqState> {
    return this.states.get(`${tenantId}\u0000${callId}`) ?? emptySeqState();
  }
}
