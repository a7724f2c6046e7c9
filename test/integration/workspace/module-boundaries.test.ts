import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(__dirname, '..', '..', '..');
let eslint: ESLint;

/** Lints a would-be file in place without writing it, and returns the rule ids that fired. */
async function rulesFiredFor(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, path) });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

describe('module boundaries are enforced by lint', () => {
  beforeAll(() => {
    // The Nx rule reads the project graph; without it the rule silently skips.
    execFileSync(join(root, 'node_modules', '.bin', 'nx'), ['show', 'projects'], {
      cwd: root,
      env: { ...process.env, NX_DAEMON: 'false' },
      stdio: 'ignore',
    });
    eslint = new ESLint({ cwd: root });
  });

  it('lets an app import a technical library', async () => {
    const fired = await rulesFiredFor(
      'apps/routing/src/probe.ts',
      "import { loadConfig } from '@ccx/config';\nexport const probe = loadConfig;\n",
    );
    expect(fired).toEqual([]);
  });

  it('forbids a technical library from importing a domain library', async () => {
    const fired = await rulesFiredFor(
      'libs/contracts/src/probe.ts',
      "import * as cp from '@ccx/control-plane';\nexport const probe = cp;\n",
    );
    expect(fired).toContain('@nx/enforce-module-boundaries');
  });

  it('forbids a library from importing an app', async () => {
    const fired = await rulesFiredFor(
      'libs/config/src/probe.ts',
      "import { RoutingAppModule } from '../../../apps/routing/src/app.module';\nexport const probe = RoutingAppModule;\n",
    );
    expect(fired).toContain('@nx/enforce-module-boundaries');
  });

  it('forbids an app from importing another app', async () => {
    const fired = await rulesFiredFor(
      'apps/sbc/src/probe.ts',
      "import { RoutingAppModule } from '../../routing/src/app.module';\nexport const probe = RoutingAppModule;\n",
    );
    expect(fired).toContain('@nx/enforce-module-boundaries');
  });

  it('forbids deep imports past a library entry point', async () => {
    const fired = await rulesFiredFor(
      'apps/routing/src/probe.ts',
      "import { loadConfig } from '@ccx/config/src/load-config';\nexport const probe = loadConfig;\n",
    );
    expect(fired).toContain('no-restricted-imports');
  });

  it('forbids `any`', async () => {
    const fired = await rulesFiredFor(
      'libs/config/src/probe.ts',
      'export const probe = (x: any) => x;\n',
    );
    expect(fired).toContain('@typescript-eslint/no-explicit-any');
  });
});
