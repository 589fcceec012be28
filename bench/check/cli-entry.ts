// The `runwire check` command on a fresh commander program, compiled by the bench so every tool runs as plain JS.
import { Command } from 'commander';
import { registerCheckCommand } from '../../src/cli/check-command.js';

const program = new Command('runwire');
registerCheckCommand(program);
await program.parseAsync(process.argv);
