import { Command, CommanderError } from 'commander';
import { ApiError } from './api-client';
import { registerBusCommands } from './commands/bus';
import { registerG711Command } from './commands/g711';
import { registerHealthCommand } from './commands/health';
import { registerResourceCommands } from './commands/resources';
import { registerSipCommand } from './commands/sip';
import { UsageError } from './commands/target';
import { registerTenantCommands } from './commands/tenants';
import { registerWebhookCommands } from './commands/webhooks';

/** Exit codes: 0 ok, 1 the operation failed (API error, unreachable), 2 bad usage. */
export function buildProgram(): Command {
  const program = new Command('ccx')
    .description('Operator tool for the contact-center connector')
    .option('--api <url>', 'control-plane API URL (env CCX_API_URL, default http://127.0.0.1:3000)')
    .option('--key <key>', 'API key (env CCX_API_KEY)')
    .option('--json', 'print JSON instead of tables')
    .exitOverride()
    .showHelpAfterError();
  registerTenantCommands(program);
  registerResourceCommands(program);
  registerWebhookCommands(program);
  registerBusCommands(program);
  registerHealthCommand(program);
  registerG711Command(program);
  registerSipCommand(program);
  return program;
}

export async function run(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (err instanceof UsageError) {
      process.stderr.write(`ccx: ${err.message}\n`);
      return 2;
    }
    const message = err instanceof ApiError || err instanceof Error ? err.message : String(err);
    process.stderr.write(`ccx: ${message}\n`);
    return 1;
  }
}

if (require.main === module) {
  run(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
