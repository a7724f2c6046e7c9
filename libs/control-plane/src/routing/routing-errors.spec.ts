import { describe, expect, it } from 'vitest';
import { CommandFailedError, CommandTimeoutError } from '@ccx/event-bus';
import { ApiProblem } from '../problem/problem';
import { problemFromCommandError, problemFromFailure, problemFromRefusal } from './routing-errors';

describe('routing failures (the handler threw) as HTTP problems', () => {
  const statusOf = (reason: string) => problemFromFailure(reason).status;

  it('reads "not found" and unknown-* codes as 404, keeping the reason as detail', () => {
    expect(statusOf('not found: no agent a-1')).toBe(404);
    expect(statusOf('not-found')).toBe(404);
    expect(statusOf('unknown-agent')).toBe(404);
    expect(problemFromFailure('unknown-call: c-1').detail).toBe('unknown-call: c-1');
  });

  it('reads a code before or after a colon as a state conflict (409)', () => {
    expect(statusOf('invalid-transition: busy')).toBe(409);
    expect(statusOf('agent a-1: invalid-transition')).toBe(409);
    expect(statusOf('expired')).toBe(409);
  });

  it('reads anything else as a failure of the routing service (502), hiding the reason', () => {
    for (const reason of ['Connection is closed.', 'invalid reply: ✖ bad', 'unknown agent', '']) {
      const problem = problemFromFailure(reason);
      expect(problem.status, reason).toBe(502);
      expect(problem.detail).toBe('the routing service failed');
    }
  });
});

describe('routing refusals (a reply that says no) as HTTP problems', () => {
  it('gives 404 for unknown objects and 409 for any other reason', () => {
    expect(problemFromRefusal('unknown-reservation').status).toBe(404);
    expect(problemFromRefusal('not found: no interaction').status).toBe(404);
    const refused = problemFromRefusal('no expert on "tax" is available');
    expect(refused.status).toBe(409);
    expect(refused.detail).toBe('no expert on "tax" is available');
  });
});

describe('command errors', () => {
  it('turns a timeout into 503, a failure by its reason, and leaves other errors alone', () => {
    const timeout = problemFromCommandError(
      new CommandTimeoutError('routing.agent-state', undefined, 2000, 'r'),
    );
    expect(timeout).toBeInstanceOf(ApiProblem);
    expect((timeout as ApiProblem).status).toBe(503);
    const failed = problemFromCommandError(
      new CommandFailedError('routing.callback', undefined, 'not found: no call c', 'r'),
    );
    expect((failed as ApiProblem).status).toBe(404);
    const bug = new TypeError('oops');
    expect(problemFromCommandError(bug)).toBe(bug);
  });
});
