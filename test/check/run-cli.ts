// Test entry: the check command on a fresh commander program, as src/cli/main.ts wires it.
import { Command } from 'commander';
import { registerCheckCommand } from '../../src/cli/check-command.js';

const program = new Command('runwire');
registerCheckCommand(program);
await program.parseAsync(process.argv);
