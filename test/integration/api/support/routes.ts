import type { INestApplication } from '@nestjs/common';

export interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI template, e.g. /v1/sites/{id}. */
  path: string;
  access: 'tenant' | 'operator' | 'public';
  scope?: string;
}

interface OpenApiDoc {
  paths: Record<string, Record<string, { security?: Record<string, string[]>[] }>>;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** Every operation of the OpenAPI document, with the access its security requirement says. */
export function operationsOf(doc: unknown): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries((doc as OpenApiDoc).paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const requirement = op.security?.[0] ?? {};
      const access =
        'tenantKey' in requirement
          ? 'tenant'
          : 'operatorKey' in requirement
            ? 'operator'
            : 'public';
      ops.push({
        method,
        path,
        access,
        ...(access === 'tenant' ? { scope: requirement['tenantKey']?.[0] } : {}),
      });
    }
  }
  return ops;
}

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
}

/** The routes Express actually serves, as `METHOD /path/{param}`. */
export function servedRoutes(app: INestApplication): string[] {
  const express = app.getHttpAdapter().getInstance() as { router: { stack: Layer[] } };
  const out: string[] = [];
  for (const layer of express.router.stack) {
    if (!layer.route) continue;
    const path = layer.route.path.replace(/:(\w+)/g, '{$1}');
    for (const [method, on] of Object.entries(layer.route.methods)) {
      if (on && method !== '_all') out.push(`${method.toUpperCase()} ${path}`);
    }
  }
  return out.sort();
}

/** Fills `{param}` placeholders. */
export function fillPath(template: string, params: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`no value for {${name}} in ${template}`);
    return encodeURIComponent(value);
  });
}
