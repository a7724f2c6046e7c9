// `npm run openapi`: writes the OpenAPI document to apps/api/openapi.json (committed; a test
// fails when it is stale). Run from the repository root after `node scripts/build.mjs`.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildApiDocument } from './openapi';

export const OPENAPI_PATH = 'apps/api/openapi.json';

export function renderApiDocument(): string {
  return `${JSON.stringify(buildApiDocument(), null, 2)}\n`;
}

if (require.main === module) {
  const target = resolve(process.cwd(), OPENAPI_PATH);
  writeFileSync(target, renderApiDocument());
  console.log(`wrote ${target}`);
}
