#!/usr/bin/env node
// `npm test`: formatting, lint (with module boundaries), type-check, build, then the unit,
// integration (real Redis, PGlite and PostgreSQL) and end-to-end tiers. Ends with one line
// "N passed, N failed". Pass a tier name to run only that tier: `npm test -- integration`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build, ensureDependencies, ensureRedis, postgresReachable, root } from './lib/prereqs.mjs';

ensureDependencies();
const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const want = (step) => only.length === 0 || only.includes(step);

const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' };
env.REDIS_URL = await ensureRedis();
env.TEST_POSTGRES_URL ??= 'postgres://postgres@127.0.0.1:5432/postgres';
if (!(await postgresReachable(env.TEST_POSTGRES_URL))) {
  console.error(
    `PostgreSQL is needed for the integration tier and ${env.TEST_POSTGRES_URL} does not answer: install it (apt-get install postgresql) or set TEST_POSTGRES_URL.`,
  );
  process.exit(1);
}

const bin = (name) => join(root, 'node_modules', '.bin', name);
let failedSteps = [];
let passed = 0;
let failed = 0;
let skipped = 0;

function step(name, cmd, args, extraEnv = {}) {
  if (!want(name)) return;
  const started = Date.now();
  console.log(`\n▶ ${name}`);
  const res = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...env, ...extraEnv } });
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  if (res.status === 0) console.log(`✔ ${name} (${secs} s)`);
  else {
    console.log(`✘ ${name} failed (${secs} s)`);
    failedSteps.push(name);
  }
  return res.status === 0;
}

function tier(name) {
  if (!want(name)) return;
  const out = join(root, '.data', 'test-results');
  mkdirSync(out, { recursive: true });
  const file = join(out, `${name}.json`);
  rmSync(file, { force: true });
  step(
    name,
    bin('vitest'),
    ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${file}`],
    { CCX_TEST_TIER: name },
  );
  try {
    const r = JSON.parse(readFileSync(file, 'utf8'));
    passed += r.numPassedTests;
    failed += r.numFailedTests;
    skipped += r.numPendingTests + (r.numTodoTests ?? 0);
  } catch {
    failed += 1;
  }
}

step('format', bin('prettier'), ['--check', '--log-level', 'warn', '.']);
// The module-boundary rule reads Nx's project graph; compute it first or the rule is skipped.
step('project-graph', bin('nx'), ['show', 'projects'], { NX_DAEMON: 'false' });
step('lint', bin('eslint'), ['.', '--max-warnings', '0']);
step('typecheck', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']);
if (want('unit') || want('integration') || want('e2e')) build();
tier('unit');
tier('integration');
tier('e2e');

console.log('');
if (failedSteps.length) console.log(`Failed steps: ${failedSteps.join(', ')}`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failedSteps.length || failed ? 1 : 0);
