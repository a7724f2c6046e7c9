// Where an interaction goes when its queue cannot keep it (closed, waited too long, full), and
// what happens when a transfer out of a flow or an overflow fails.
import type { QueueConfig } from '@ccx/routing-model';
import { sbcOptions, type RuntimeDeps } from './deps';
import type { InteractionRecord } from './interaction-store';
import type { Router } from './router';

export class Overflows {
  constructor(
    private readonly deps: RuntimeDeps,
    private readonly router: Router,
  ) {}

  /**
   * A transfer out of a flow or an overflow did not reach its target: the caller goes back to
   * the queue it was in, keeping its place, or is released if it never was in one.
   */
  async transferFailed(rec: InteractionRecord): Promise<void> {
    if (
      rec.queueId &&
      (await this.router.enqueue(rec, rec.queueId, 'keep-place', ['transferred'])) > 0
    )
      return;
    await this.deps.interactions.leave(rec.tenantId, rec.id, 'ended', ['transferred']);
    await this.deps.bus.command(
      'sbc.hangup',
      { tenantId: rec.tenantId, requestId: `hangup-${rec.id}`, callId: rec.callId, q850Cause: 31 },
      sbcOptions(this.deps, rec),
    );
  }

  async overflow(
    tenantId: string,
    queue: QueueConfig,
    rec: InteractionRecord,
    reason: 'closed' | 'max-wait' | 'max-size',
  ): Promise<void> {
    const action = queue.overflow;
    const to = action.target ? `${action.kind}:${action.target}` : action.kind;
    this.router.touched.add(`${tenantId}/${queue.id}`);
    if (action.kind === 'queue' && action.target && !action.prompt) {
      const target = action.target;
      if (!this.deps.directory(tenantId)?.queues.has(target)) {
        this.deps.log.error({ tenantId, queueId: queue.id, target }, 'overflow queue unknown');
      }
      const moved = await this.deps.interactions.enqueue(
        tenantId,
        rec.id,
        target,
        this.deps.now(),
        'keep-place',
        ['waiting'],
      );
      if (moved.position === 0) return;
      await this.publishOverflow(tenantId, rec, queue, to, reason);
      await this.router.run(tenantId, target);
      return;
    }
    const left = await this.deps.interactions.leave(tenantId, rec.id, 'flow', ['waiting']);
    if (left !== 'waiting') return;
    await this.publishOverflow(tenantId, rec, queue, to, reason);
    if (!(await this.router.flows?.overflow({ ...rec, state: 'flow' }, queue))) {
      await this.deps.bus.command(
        'sbc.hangup',
        { tenantId, requestId: `overflow-${rec.id}`, callId: rec.callId, q850Cause: 34 },
        sbcOptions(this.deps, rec),
      );
    }
  }

  private async publishOverflow(
    tenantId: string,
    rec: InteractionRecord,
    queue: QueueConfig,
    to: string,
    reason: 'closed' | 'max-wait' | 'max-size',
  ) {
    await this.deps.bus.publish('interaction.overflowed', {
      tenantId,
      callId: rec.id,
      data: { interactionId: rec.id, fromQueueId: queue.id, to, reason },
    });
  }
}
