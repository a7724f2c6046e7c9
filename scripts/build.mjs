#!/usr/bin/env node
// Compiles apps/ and libs/ to dist/ with SWC (decorator metadata on, @ccx/* aliases rewritten
// to relative paths), copying non-TypeScript assets (migrations, the committed OpenAPI document).
// Incremental: a file is recompiled only when its source is newer than its output.
import { transformFile } from '@swc/core';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildNative } from './lib/native.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist');
const base = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8'));

function* walk(dir) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else yield full;
  }
}

const isSource = (f) =>
  f.endsWith('.ts') && !f.endsWith('.spec.ts') && !f.endsWith('.d.ts') && !f.endsWith('.config.ts');
const isAsset = (f) =>
  /\.(sql|json|html|wav)$/.test(f) && !f.endsWith('project.json') && !f.endsWith('tsconfig.json');

const swcOptions = (file) => ({
  filename: file,
  sourceMaps: true,
  module: { type: 'commonjs' },
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    keepClassNames: true,
    baseUrl: root,
    paths: base.compilerOptions.paths,
  },
});

let compiled = 0;
let copied = 0;
const started = Date.now();
const jobs = [];
for (const top of ['apps', 'libs', 'test/bench', 'test/support', 'test/graph-emulator']) {
  for (const file of walk(join(root, top))) {
    const rel = relative(root, file);
    if (isSource(file)) {
      const target = join(out, rel.replace(/\.ts$/, '.js'));
      if (existsSync(target) && statSync(target).mtimeMs >= statSync(file).mtimeMs) continue;
      jobs.push(
        transformFile(file, swcOptions(file)).then((res) => {
          mkdirSync(dirname(target), { recursive: true });
          writeFileSync(
            target,
            `${res.code}\n//# sourceMappingURL=${target.split('/').pop()}.map\n`,
          );
          if (res.map) writeFileSync(`${target}.map`, res.map);
          compiled++;
        }),
      );
    } else if (isAsset(file)) {
      const target = join(out, rel);
      if (existsSync(target) && statSync(target).mtimeMs >= statSync(file).mtimeMs) continue;
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(file, target);
      copied++;
    }
  }
}
await Promise.all(jobs);
const native = buildNative(root, out);
if (native) console.error(native);
// When the last build finished: `bin/ccx.js` rebuilds only if a source is newer than this.
mkdirSync(out, { recursive: true });
writeFileSync(join(out, '.built'), new Date().toISOString());
// On stderr: a bench's `--json` output (stdout) must stay one JSON object even after a build.
if (!process.argv.includes('--quiet') || compiled > 0) {
  console.error(
    `build: ${compiled} files compiled, ${copied} assets copied in ${Date.now() - started} ms`,
  );
}
