#!/usr/bin/env node
// The `ccx` operator tool. Builds the sources first when the build is missing or older than a
// source file (the build is incremental and takes ~0.1 s), then runs them.
'use strict';
const { execFileSync } = require('node:child_process');
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const entry = join(root, 'dist', 'apps', 'ccx', 'src', 'main.js');
const stamp = join(root, 'dist', '.built');

function newerThan(dir, time) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, e.name);
    if (
      e.isDirectory()
        ? newerThan(full, time)
        : e.name.endsWith('.ts') && statSync(full).mtimeMs > time
    )
      return true;
  }
  return false;
}

function stale() {
  if (!existsSync(entry) || !existsSync(stamp)) return true;
  if (process.env.CCX_REBUILD === '0') return false;
  const built = statSync(stamp).mtimeMs;
  return ['apps', 'libs'].some(
    (dir) => existsSync(join(root, dir)) && newerThan(join(root, dir), built),
  );
}

if (stale()) {
  execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--quiet'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
require(entry)
  .run(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
