import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { problemFromDatabaseError } from './db-errors';
import { ApiProblem, validationProblem } from './problem';
import { fieldErrorsOf, parseOrThrow } from './zod-issues';

describe('zod issues as field errors', () => {
  const schema = z.strictObject({
    name: z.string().min(1),
    skills: z.array(z.strictObject({ skillId: z.uuid(), level: z.number().int().max(10) })),
  });

  it('names nested fields with dotted paths and every unknown key', () => {
    const result = schema.safeParse({
      name: '',
      skills: [{ skillId: 'x', level: 11 }],
      tenantId: 'b',
      extra: 1,
    });
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(
      fieldErrorsOf(result.error)
        .map((e) => e.field)
        .sort(),
    ).toEqual(['extra', 'name', 'skills.0.level', 'skills.0.skillId', 'tenantId'].sort());
  });

  it('names the body itself "(root)" and prefixes when asked', () => {
    const err = z.object({}).safeParse('text').error;
    expect(err && fieldErrorsOf(err)).toEqual([{ field: '(root)', message: expect.any(String) }]);
    const query = z.object({ limit: z.number() }).safeParse({}).error;
    expect(query && fieldErrorsOf(query, 'query')[0]?.field).toBe('query.limit');
  });

  it('throws a 400 validation problem carrying the fields', () => {
    try {
      parseOrThrow(schema, { name: 'x', skills: 'no' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ApiProblem);
      const details = (err as ApiProblem).toDetails('/v1/agents');
      expect(details).toMatchObject({
        type: 'urn:ccx:problem:validation',
        status: 400,
        instance: '/v1/agents',
        errors: [{ field: 'skills' }],
      });
      expect(details.detail).toContain('skills');
    }
  });
});

describe('problem details', () => {
  it('omit empty members', () => {
    const details = new ApiProblem('not-found').toDetails();
    expect(details).toEqual({ type: 'urn:ccx:problem:not-found', title: 'Not found', status: 404 });
    expect(validationProblem([{ field: 'a', message: 'bad' }]).toDetails().detail).toBe('a: bad');
  });
});

describe('database errors', () => {
  const wrapped = (cause: object) => Object.assign(new Error('Failed query'), { cause });

  it('maps a unique violation to 409 naming the protected field, through wrappers', () => {
    const problem = problemFromDatabaseError(
      wrapped({ code: '23505', constraint: 'agents_tenant_upn_uq' }),
    );
    expect(problem?.status).toBe(409);
    expect(problem?.errors).toEqual([{ field: 'upn', message: expect.any(String) }]);
  });

  it('maps foreign-key and serialization failures to 409, leaves other errors alone', () => {
    expect(problemFromDatabaseError({ code: '23503' })?.status).toBe(409);
    expect(problemFromDatabaseError({ code: '40001' })?.status).toBe(409);
    expect(problemFromDatabaseError({ code: '42P01' })).toBeUndefined();
    expect(problemFromDatabaseError(new Error('boom'))).toBeUndefined();
    expect(problemFromDatabaseError(undefined)).toBeUndefined();
  });
});
