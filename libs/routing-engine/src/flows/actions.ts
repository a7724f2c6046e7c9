// What a flow run asks its host (the routing app) to do: answer, play prompts, keep timers, and
// finally one outcome. The host maps these to `sbc.*` commands and its own timers.
import type { FlowTransferTarget, SkillRequirement } from '@ccx/routing-model';

/** Why a run ended in a disconnect. */
export type DisconnectReason =
  /** A `disconnect` node. */
  | 'flow'
  /** A menu ran out of retries and has no fallback. */
  | 'no-input'
  /** `sbc.answer` failed: the call cannot hear prompts. */
  | 'answer-failed'
  /** Prompts kept failing to play. */
  | 'prompt-failed'
  /** More than 1,000 steps without waiting for anything. */
  | 'loop-guard'
  /** A `next` names no node (a flow that skipped validation). */
  | 'invalid-flow'
  /** Anything else unexpected inside the interpreter. */
  | 'error';

export type FlowOutcome =
  | {
      kind: 'enqueue';
      queueId: string;
      /** Set by a `set` node: replaces the queue's required skills. */
      skills?: SkillRequirement[];
      priority?: number;
      /** Collected and set variables, passed with the interaction. */
      variables: Record<string, string>;
    }
  | { kind: 'transfer'; target: FlowTransferTarget; variables: Record<string, string> }
  /** Play `prompt` (if any), then hang up. */
  | { kind: 'disconnect'; prompt?: string; reason: DisconnectReason }
  /** Play `prompt` (if any), then record up to `maxSeconds`. */
  | { kind: 'voicemail'; prompt?: string; maxSeconds: number; variables: Record<string, string> };

export type FlowAction =
  /** Answer the call (`sbc.answer`); comes once, before the first prompt. */
  | { kind: 'answer' }
  /** `sbc.play`; report its end with `onPromptEnded`, a refusal with `onCommandFailed`. */
  | { kind: 'play'; prompt: string; bargeIn: boolean }
  /** Call `onTimer(id)` after `ms` unless cancelled first. */
  | { kind: 'startTimer'; id: string; ms: number }
  | { kind: 'cancelTimer'; id: string }
  | FlowOutcome;

export type FlowOutcomeKind = FlowOutcome['kind'];

const outcomeKinds: ReadonlySet<FlowAction['kind']> = new Set([
  'enqueue',
  'transfer',
  'disconnect',
  'voicemail',
]);

export function isOutcome(action: FlowAction): action is FlowOutcome {
  return outcomeKinds.has(action.kind);
}
