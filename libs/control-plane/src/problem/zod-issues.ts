import type { z } from 'zod';
import { validationProblem, type ApiProblem, type FieldError } from './problem';

/** Dotted path; the body itself is `(root)`, as in configuration errors. */
export function fieldPath(path: readonly PropertyKey[], prefix?: string): string {
  const parts = [...(prefix ? [prefix] : []), ...path.map((p) => String(p))];
  return parts.length ? parts.join('.') : '(root)';
}

/** Turns zod issues into one field error per offending input (unknown keys named one by one). */
export function fieldErrorsOf(error: z.ZodError, prefix?: string): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push({ field: fieldPath([...issue.path, key], prefix), message: 'unknown field' });
      }
    } else {
      out.push({ field: fieldPath(issue.path, prefix), message: issue.message });
    }
  }
  return out;
}

/** Parses untrusted input or throws a 400 problem that names every bad field. */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  input: unknown,
  prefix?: string,
): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw zodProblem(parsed.error, prefix);
}

export function zodProblem(error: z.ZodError, prefix?: string): ApiProblem {
  return validationProblem(fieldErrorsOf(error, prefix));
}
