import type { PGlite } from '@electric-sql/pglite';
import type { PGLiteSocketServer } from '@electric-sql/pglite-socket';

interface QueuedMessage {
  handlerId: number;
  message: Uint8Array;
  onData(data: Uint8Array): void;
  resolve(bytes: number): void;
  reject(err: unknown): void;
}

interface QueryQueue {
  db: PGlite;
  queue: QueuedMessage[];
  processing: boolean;
  lastHandlerId: number | null;
  processQueue(): Promise<void>;
  clearQueueForHandler(handlerId: number): void;
}

/**
 * Frontend messages of the extended query protocol that leave a sequence open until Sync:
 * Parse, Bind, Describe, Execute, Close, Flush.
 */
const OPEN_SEQUENCE = new Set(['P', 'B', 'D', 'E', 'C', 'H'].map((c) => c.charCodeAt(0)));

/**
 * PGlite is a single backend shared by every socket connection, so pglite-socket (0.2.17)
 * queues the connections' protocol messages and runs them one by one. It keeps a connection's
 * messages together only inside a transaction, so the Parse/Bind/Execute/Sync of one query can
 * be split by another connection's messages: the unnamed statement or portal is then replaced,
 * and the query fails ("unnamed prepared statement does not exist") or, worse, returns the
 * other query's rows. This replaces the queue's scheduler so that a connection also keeps the
 * backend from its first extended-protocol message up to its Sync, as a real server would.
 */
export function keepProtocolSequencesTogether(server: PGLiteSocketServer): void {
  const q = (server as unknown as { queryQueue?: QueryQueue }).queryQueue;
  if (!q || !Array.isArray(q.queue) || typeof q.processQueue !== 'function') {
    throw new Error('pglite-socket changed: re-check keepProtocolSequencesTogether');
  }
  let openSequence = false;

  q.processQueue = async function processQueue(this: QueryQueue): Promise<void> {
    if (this.processing || this.queue.length === 0) return;
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        const sticky = this.lastHandlerId !== null && (openSequence || this.db.isInTransaction());
        let item: QueuedMessage | undefined;
        if (sticky) {
          const index = this.queue.findIndex((m) => m.handlerId === this.lastHandlerId);
          // The owner's next message has not arrived yet: wait for it (enqueue calls again).
          if (index === -1) break;
          item = this.queue.splice(index, 1)[0];
        } else {
          item = this.queue.shift();
        }
        if (!item) break;
        const current = item;
        let bytes = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(current.message, {
              onRawData: (data: Uint8Array) => {
                bytes += data.length;
                current.onData(data);
              },
            }),
          );
        } catch (err) {
          this.lastHandlerId = current.handlerId;
          openSequence = false;
          current.reject(err);
          continue;
        }
        this.lastHandlerId = current.handlerId;
        openSequence = OPEN_SEQUENCE.has(current.message[0] ?? 0);
        current.resolve(bytes);
      }
    } finally {
      this.processing = false;
    }
  };

  const clear = q.clearQueueForHandler.bind(q);
  q.clearQueueForHandler = (handlerId: number) => {
    clear(handlerId);
    // A connection that went away mid-sequence must not hold the backend.
    if (q.lastHandlerId === handlerId) openSequence = false;
    void q.processQueue();
  };
}
