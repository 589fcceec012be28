import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { configureCheckCommand } from './check-command.js';

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/**
 * The `runwire-check` command line: the checker on its own, with exactly the options of `runwire check`. Resolves
 * with the exit code, or `undefined` when the check set `process.exitCode` itself.
 */
export async function main(argv: readonly string[]): Promise<number | undefined> {
  const program = configureCheckCommand(new Command('runwire-check')).version(version()).showHelpAfterError();
  try {
    await program.parseAsync([...argv]);
    return undefined;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    throw error;
  }
}
