// Builds the media relay's optional native addon (libs/media-relay/native/udp_batch.c) into
// dist/native/udp_batch.node with the system C compiler and Node's own headers. Optional: when
// there is no compiler or no headers, the media worker runs on node:dgram (slower, same
// behaviour) and this says so in one line.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function nodeHeaders() {
  const dirs = [
    process.env.npm_config_nodedir && join(process.env.npm_config_nodedir, 'include', 'node'),
    join(process.config.variables.node_prefix ?? '/usr', 'include', 'node'),
    join(process.execPath, '..', '..', 'include', 'node'),
    '/usr/include/node',
  ];
  return dirs.find((d) => d && existsSync(join(d, 'node_api.h')) && existsSync(join(d, 'uv.h')));
}

/** Returns a line to print when something was done or skipped, undefined when up to date. */
export function buildNative(root, out) {
  const source = join(root, 'libs', 'media-relay', 'native', 'udp_batch.c');
  const target = join(out, 'native', 'udp_batch.node');
  if (process.platform !== 'linux') return undefined;
  if (existsSync(target) && statSync(target).mtimeMs >= statSync(source).mtimeMs) return undefined;
  const headers = nodeHeaders();
  if (!headers)
    return 'build: udp_batch addon skipped (no Node headers found): the media worker uses node:dgram';
  mkdirSync(join(out, 'native'), { recursive: true });
  const cc = process.env.CC ?? 'cc';
  try {
    execFileSync(
      cc,
      [
        '-O2',
        '-Wall',
        '-shared',
        '-fPIC',
        '-DNODE_GYP_MODULE_NAME=udp_batch',
        `-I${headers}`,
        '-o',
        target,
        source,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    return 'build: udp_batch addon compiled';
  } catch (err) {
    const detail = String(err.stderr ?? err.message).split('\n')[0];
    return `build: udp_batch addon skipped (${cc}: ${detail}): the media worker uses node:dgram`;
  }
}
