import { type Command, Option } from 'commander';
import { SERVER_OPTIONS, type ServerConfigInput } from '../config/server-options.js';

/** Adds every server option of `SERVER_OPTIONS` (and `--config`) to a command, with its env var in the help. */
export function addServerOptions(command: Command, only?: ReadonlySet<string>): Command {
  for (const spec of SERVER_OPTIONS) {
    if (spec.envOnly === true || (only !== undefined && !only.has(spec.key))) continue;
    const option = new Option(
      `${spec.flag} <${spec.value}>`,
      `${spec.description} [env ${spec.env}] (default: ${spec.defaultText})`,
    );
    if (spec.choices !== undefined) option.choices(spec.choices);
    command.addOption(option);
  }
  command.addOption(
    new Option(
      '--config <FILE>',
      'config file: runwire.config.ts/.mts/.js/.mjs (defineConfig) or JSON with these options by their camelCase names [env RUNWIRE_CONFIG]',
    ),
  );
  return command;
}

/** The server options given as flags, keyed like `ServerConfigInput`. */
export function flagInput(command: Command): ServerConfigInput {
  const opts = command.opts<Record<string, unknown>>();
  const input: Record<string, unknown> = {};
  for (const spec of SERVER_OPTIONS) {
    if (spec.envOnly === true) continue;
    const attribute = new Option(`${spec.flag} <x>`).attributeName();
    const value = opts[attribute];
    if (value !== undefined) input[spec.key] = value;
  }
  return input as ServerConfigInput;
}
