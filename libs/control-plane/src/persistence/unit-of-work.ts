import { AsyncLocalStorage } from 'node:async_hooks';
import type { Database } from '@ccx/persistence';

export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];
/** What queries run on: the request's transaction when there is one, else the pool. */
export type Executor = Database | Transaction;

interface UnitState {
  tx: Transaction;
  afterCommit: (() => Promise<void>)[];
}

/**
 * One database transaction per mutating request, carried in AsyncLocalStorage so that every
 * query below the controller (tenant scope, idempotency store, webhooks) joins it without being
 * handed a transaction object. Side effects that must only happen once the data is committed
 * (publishing config.changed) are queued with `afterCommit` and run after COMMIT; a rollback
 * drops them. Bad input therefore leaves the database exactly as it was.
 */
export class UnitOfWork {
  private readonly storage = new AsyncLocalStorage<UnitState>();

  constructor(
    private readonly db: Database,
    private readonly onAfterCommitError: (err: unknown) => void = () => undefined,
  ) {}

  /** The current transaction, or the pool outside one. */
  get executor(): Executor {
    return this.storage.getStore()?.tx ?? this.db;
  }

  get inTransaction(): boolean {
    return this.storage.getStore() !== undefined;
  }

  /** Runs `fn` in a transaction (or joins the current one) and then the after-commit tasks. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.storage.getStore()) return fn();
    const afterCommit: (() => Promise<void>)[] = [];
    const result = await this.db.transaction((tx) => this.storage.run({ tx, afterCommit }, fn));
    for (const task of afterCommit) {
      await task().catch(this.onAfterCommitError);
    }
    return result;
  }

  /** Runs `task` after the current transaction commits; immediately when there is none. */
  afterCommit(task: () => Promise<void>): void {
    const state = this.storage.getStore();
    if (state) state.afterCommit.push(task);
    else void task().catch(this.onAfterCommitError);
  }
}
