// The `runwire check` command on a fresh commander program, compiled by the bench so every tool runs as plain JS.
import { Command, CommanderError } from 'commander';
import { registerCheckCommand } from '../../src/cli/check-command.js';

const program = new Command('runwire');
registerCheckCommand(program);
try {
  await program.parseAsync(process.argv);
} catch (error) {
  // As src/cli/main.ts does: commander's usage errors carry their exit code (2), --help 0.
  if (!(error instanceof CommanderError)) throw error;
  process.exitCode = error.exitCode;
}
