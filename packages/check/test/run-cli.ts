// Test entry: the check command on a fresh commander program, wired as runwire's CLI (packages/runwire/src/cli/main.ts) wires it.
import { Command, CommanderError } from 'commander';
import { registerCheckCommand } from '../src/check-command.js';

const program = new Command('runwire');
registerCheckCommand(program);
try {
  await program.parseAsync(process.argv);
} catch (error) {
  // As runwire's CLI does: commander's usage errors carry their exit code (2), --help 0.
  if (!(error instanceof CommanderError)) throw error;
  process.exitCode = error.exitCode;
}
