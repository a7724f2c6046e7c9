import { describe, expect, it } from 'vitest';
import { endReasonOf, outcomeOf } from './call-routing';

describe('how a failed connect attempt is reported', () => {
  it('maps the final status to the outcome routing hears', () => {
    expect([486, 600].map(outcomeOf)).toEqual(['busy', 'busy']);
    expect(outcomeOf(603)).toBe('rejected');
    expect([480, 408].map(outcomeOf)).toEqual(['no-answer', 'no-answer']);
    expect([404, 488, 500, 503].map(outcomeOf)).toEqual(['failed', 'failed', 'failed', 'failed']);
  });

  it("maps the final status to the call's end reason", () => {
    expect([486, 600].map(endReasonOf)).toEqual(['busy', 'busy']);
    expect([603, 403].map(endReasonOf)).toEqual(['rejected', 'rejected']);
    expect([480, 408].map(endReasonOf)).toEqual(['no-answer', 'no-answer']);
    expect(endReasonOf(503)).toBe('failed');
  });
});
