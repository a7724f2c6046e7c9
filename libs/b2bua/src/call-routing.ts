// A call held for the routing service (a `queue` number, or an `sbc.originate` call): the
// no-command timer, and `sbc.connect` attempts whose failure goes back to routing instead of
// ending the call (call.connect-failed).
import type { Call, EndReason } from './call';
import type { ConnectTarget } from './policy-port';
import { Q850 } from './q850';

export type ConnectOutcome = 'rejected' | 'busy' | 'no-answer' | 'timeout' | 'failed';

/** How routing hears of a failed connect attempt's final status. */
export function outcomeOf(status: number): ConnectOutcome {
  if (status === 486 || status === 600) return 'busy';
  if (status === 603) return 'rejected';
  if (status === 480 || status === 408) return 'no-answer';
  return 'failed';
}

/** The end reason of a call refused or failed with a SIP status. */
export function endReasonOf(status: number): EndReason {
  if (status === 486 || status === 600) return 'busy';
  if (status === 408 || status === 480) return 'no-answer';
  if (status === 603 || status === 403) return 'rejected';
  return 'failed';
}

export class CallRouting {
  private holdTimer?: NodeJS.Timeout;
  /** The `sbc.connect` being tried. */
  private attempt?: { requestId: string; timer?: NodeJS.Timeout };

  constructor(private readonly call: Call) {}

  /** A connect attempt is running: its failure goes back to routing. */
  get connecting(): boolean {
    return this.attempt !== undefined;
  }

  /**
   * Held for routing: waiting (leg a hears 180) or answered by us with no leg b, and no connect
   * attempt running.
   */
  get held(): boolean {
    const c = this.call;
    if (this.attempt) return false;
    return c.state === 'waiting' || (c.answeredLocally && c.state === 'answered' && !c.bDialog);
  }

  /**
   * The no-command timer of a held call: every command from routing restarts it; it does not run
   * while a connect attempt or a recording is in progress. When it fires, a waiting caller gets
   * 480, a call answered by us is ended with BYE.
   */
  armHoldTimer(): void {
    const c = this.call;
    clearTimeout(this.holdTimer);
    this.holdTimer = setTimeout(() => {
      if (!this.held) return;
      if (c.recording) return this.armHoldTimer();
      c.ctx.log.info({ callId: c.id }, 'no routing command in time; ending the call');
      if (c.state === 'waiting') c.fail(480, Q850.noAnswer, 'no routing decision');
      else c.hangup(Q850.noAnswer, 'system');
    }, c.ctx.holdForRoutingMs);
  }

  /** `sbc.connect`: route a held call to a target; a failure leaves the caller held. */
  connect(
    target: ConnectTarget,
    request: { requestId: string; timeoutSeconds?: number },
  ): { accepted: boolean; reason?: string } {
    const c = this.call;
    if (!this.held) {
      const reason = this.attempt
        ? 'a connect attempt is in progress'
        : c.bDialog
          ? 'call is already connected'
          : `call is ${c.state}`;
      return { accepted: false, reason };
    }
    const destinations = c.ctx.policy.destinationsFor(c.tenant, target);
    if (destinations.length === 0) {
      this.armHoldTimer();
      return { accepted: false, reason: 'no destination for target' };
    }
    clearTimeout(this.holdTimer);
    this.begin(request);
    if (c.state === 'waiting') c.state = 'setup';
    c.route(destinations);
    return { accepted: true };
  }

  /** A connect attempt starts (`sbc.connect`, or the first leg of `sbc.originate`). */
  begin(request: { requestId: string; timeoutSeconds?: number }): void {
    const c = this.call;
    const attempt: { requestId: string; timer?: NodeJS.Timeout } = {
      requestId: request.requestId,
    };
    if (request.timeoutSeconds !== undefined) {
      attempt.timer = setTimeout(() => {
        if (this.attempt !== attempt) return;
        c.ctx.log.info({ callId: c.id }, 'connect timed out; cancelling the attempt');
        c.attempt?.cancel('Q.850;cause=19;text="No answer"');
        this.failed('timeout');
      }, request.timeoutSeconds * 1000);
    }
    this.attempt = attempt;
  }

  /** The target answered: its timeout no longer applies (the attempt may still fail on media). */
  answering(): void {
    clearTimeout(this.attempt?.timer);
  }

  /** The target is connected: the attempt is over. */
  done(): void {
    clearTimeout(this.attempt?.timer);
    this.attempt = undefined;
  }

  /** The connect attempt failed: the caller stays held and routing hears why. */
  failed(outcome: ConnectOutcome, sipStatus?: number): void {
    const c = this.call;
    const attempt = this.attempt;
    if (!attempt || c.state === 'ended') return;
    this.done();
    c.attempt = undefined;
    if (c.origin) return this.originateFailed(attempt.requestId, outcome, sipStatus);
    c.releaseEgress();
    if (!c.answeredLocally) c.state = 'waiting';
    this.publishFailure(attempt.requestId, outcome, sipStatus);
    this.armHoldTimer();
  }

  /**
   * An originated call's agent (first) did not answer: routing hears `call.connect-failed` and
   * the call ends. The customer (then) did not: the agent is released with the customer's cause.
   */
  private originateFailed(requestId: string, outcome: ConnectOutcome, sipStatus?: number): void {
    const c = this.call;
    if (c.origin?.phase === 'first') this.publishFailure(requestId, outcome, sipStatus);
    const timeout = outcome === 'timeout';
    const status = timeout ? 480 : c.lastFailure.status;
    const q850 = timeout ? Q850.noAnswer : c.lastFailure.q850;
    c.bye('a', q850);
    c.bye('b', q850);
    c.finish(endReasonOf(status), status, q850, timeout ? 'system' : 'callee');
  }

  private publishFailure(requestId: string, outcome: ConnectOutcome, sipStatus?: number): void {
    this.call.emitCall('call.connect-failed', {
      requestId,
      outcome,
      ...(sipStatus !== undefined && sipStatus >= 300 ? { sipStatus } : {}),
    });
  }

  /** The call ended: no timer of ours may fire. */
  dispose(): void {
    clearTimeout(this.holdTimer);
    this.done();
  }
}
