import { BadRequestException, NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { ApiProblem, fieldProblem } from '../problem/problem';
import { toProblem } from './problem.filter';

describe('toProblem', () => {
  it('keeps ApiProblems as they are', () => {
    const problem = fieldProblem('limit', 'too big');
    expect(toProblem(problem)).toBe(problem);
  });

  it("maps Nest's own HTTP errors (unknown route, unreadable body, too large)", () => {
    expect(toProblem(new NotFoundException('Cannot GET /v1/x')).kind).toBe('not-found');
    const json = toProblem(new BadRequestException('Unexpected end of JSON input'));
    expect(json.kind).toBe('malformed-request');
    expect(json.detail).toContain('not valid JSON');
    expect(toProblem(new PayloadTooLargeException()).status).toBe(413);
  });

  it('maps constraint violations and hides everything else behind a logged 500', () => {
    expect(toProblem({ code: '23505', constraint: 'sites_tenant_name_uq' }).errors).toEqual([
      { field: 'name', message: expect.any(String) },
    ]);
    const logged: unknown[] = [];
    const secret = new Error('connection to 10.0.0.5 refused, password=hunter2');
    const problem = toProblem(secret, (e) => logged.push(e));
    expect(problem).toBeInstanceOf(ApiProblem);
    expect(problem.status).toBe(500);
    expect(JSON.stringify(problem.toDetails())).not.toContain('hunter2');
    expect(logged).toEqual([secret]);
  });
});
