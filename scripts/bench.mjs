#!/usr/bin/env node
// `npm run bench -- <name> [--json] [options]`: builds, then runs test/bench/<name>.ts.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { build, ensureDependencies, ensureRedis, root } from './lib/prereqs.mjs';

ensureDependencies();
const [name, ...rest] = process.argv.slice(2);
const benches = readdirSync(join(root, 'test', 'bench'))
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace('.bench.ts', ''));
if (!name || !benches.includes(name)) {
  console.error(`usage: npm run bench -- <${benches.join('|')}> [--json]`);
  process.exit(2);
}
build();
const env = { ...process.env, REDIS_URL: await ensureRedis() };
const file = join(root, 'dist', 'test', 'bench', `${name}.bench.js`);
if (!existsSync(file)) throw new Error(`${file} was not built`);
const res = spawnSync(process.execPath, [file, ...rest], { stdio: 'inherit', env });
process.exit(res.status ?? 1);
