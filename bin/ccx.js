#!/usr/bin/env node
// The `ccx` operator tool. Builds the sources on first use (incremental, fast), then runs them.
'use strict';
const { execFileSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const entry = join(root, 'dist', 'apps', 'ccx', 'src', 'main.js');
if (!existsSync(entry) || process.env.CCX_REBUILD !== '0') {
  execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--quiet'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
require(entry)
  .run(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
