/**
 * RFC 9457 problem details. Every error the API returns is one of these kinds; the `type` URI
 * is stable (clients may switch on it) and documented in docs/api.md.
 */
export interface FieldError {
  /** Dotted path of the offending input, e.g. `siteId`, `requiredSkills.0.skillId`, `limit`. */
  field: string;
  message: string;
}

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: FieldError[];
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export const problemKinds = {
  validation: { status: 400, title: 'The request is not valid' },
  'malformed-request': { status: 400, title: 'The request body could not be read' },
  unauthorized: { status: 401, title: 'Authentication required' },
  forbidden: { status: 403, title: 'Not allowed' },
  'not-found': { status: 404, title: 'Not found' },
  conflict: { status: 409, title: 'Conflict' },
  'idempotency-in-progress': {
    status: 409,
    title: 'A request with this idempotency key is in progress',
  },
  'payload-too-large': { status: 413, title: 'The request body is too large' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type' },
  'idempotency-key-reused': {
    status: 422,
    title: 'The idempotency key was used for a different request',
  },
  internal: { status: 500, title: 'Internal error' },
  'bad-gateway': { status: 502, title: 'A service behind the API failed' },
  'service-unavailable': { status: 503, title: 'A service behind the API did not answer' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ProblemKind = keyof typeof problemKinds;

export const problemType = (kind: ProblemKind): string => `urn:ccx:problem:${kind}`;

/** An error that knows how it is shown to the client. Throw it anywhere below a controller. */
export class ApiProblem extends Error {
  readonly status: number;
  readonly title: string;

  constructor(
    readonly kind: ProblemKind,
    readonly detail?: string,
    readonly errors?: FieldError[],
  ) {
    super(detail ?? problemKinds[kind].title);
    this.name = 'ApiProblem';
    this.status = problemKinds[kind].status;
    this.title = problemKinds[kind].title;
  }

  toDetails(instance?: string): ProblemDetails {
    return {
      type: problemType(this.kind),
      title: this.title,
      status: this.status,
      ...(this.detail ? { detail: this.detail } : {}),
      ...(instance ? { instance } : {}),
      ...(this.errors?.length ? { errors: this.errors } : {}),
    };
  }
}

export const validationProblem = (errors: FieldError[], detail?: string) =>
  new ApiProblem(
    'validation',
    detail ?? errors.map((e) => `${e.field}: ${e.message}`).join('; '),
    errors,
  );

export const fieldProblem = (field: string, message: string) =>
  validationProblem([{ field, message }]);

export const notFound = (what: string, id: string) =>
  new ApiProblem('not-found', `no ${what} with id "${id}"`);

export const conflict = (field: string, message: string) =>
  new ApiProblem('conflict', `${field}: ${message}`, [{ field, message }]);

export const unauthorized = (detail: string) => new ApiProblem('unauthorized', detail);
export const forbidden = (detail: string) => new ApiProblem('forbidden', detail);
