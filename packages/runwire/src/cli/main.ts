import { readFileSync } from 'node:fs';
import { registerCheckCommand } from '@runwire/check';
import { Command, CommanderError } from 'commander';
import { ConfigError, InvalidArgumentError } from '../errors.js';
import { registerServeCommand } from './serve-command.js';
import { registerTokenCommand } from './token-command.js';

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** The `runwire` command line. Resolves with the exit code (or `undefined` when a command set `process.exitCode`). */
export async function main(argv: readonly string[]): Promise<number | undefined> {
  const program = new Command('runwire')
    .description('Runwire: multi-user, real-time AI-agent runs over WebSocket, and an SSOT checker')
    .version(version())
    // A one-line pointer, not the whole help: the error must stay the last thing on screen.
    .showHelpAfterError('(run with --help for the list of options)')
    .exitOverride();
  registerServeCommand(program);
  registerTokenCommand(program);
  registerCheckCommand(program);
  try {
    await program.parseAsync([...argv]);
    return undefined;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof ConfigError || error instanceof InvalidArgumentError) {
      process.stderr.write(`runwire: ${error.message}\n`);
      return 2;
    }
    if (error instanceof Error && 'code' in error && error.code === 'store_unavailable') {
      process.stderr.write(`runwire: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
