import { existsSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readConfigFile } from '../config/server-config.js';
import { ConfigError, errorMessage } from '../errors.js';

/** Config files `runwire serve` looks for in the working directory, in this order. */
export const CONFIG_FILE_NAMES = ['runwire.config.ts', 'runwire.config.mts', 'runwire.config.js', 'runwire.config.mjs'];

/** A loaded config: its file (for messages) and its default export (checked later by `splitConfig`). */
export interface LoadedConfig {
  readonly file: string | undefined;
  readonly config: unknown;
}

/**
 * Loads the config: the file given (`--config`, `RUNWIRE_CONFIG`), or the first of `CONFIG_FILE_NAMES` in `cwd`.
 * JSON holds server options only; a module (`.ts` through Node's own type stripping, `.mts`, `.js`, `.mjs`) default-
 * exports `defineConfig({ … })`.
 * @throws ConfigError naming the file and the reason (never a bare stack trace).
 */
export async function loadConfigFile(given: string | undefined, cwd: string): Promise<LoadedConfig> {
  const file = given === undefined ? discover(cwd) : resolve(cwd, given);
  if (file === undefined) return { file: undefined, config: {} };
  if (extname(file) === '.json') return { file, config: readConfigFile(file) };
  if (!existsSync(file)) throw new ConfigError(`Cannot read config file '${file}': it does not exist`);
  let module: { default?: unknown };
  try {
    module = (await import(pathToFileURL(file).href)) as { default?: unknown };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_UNKNOWN_FILE_EXTENSION') {
      throw new ConfigError(
        `Cannot load config file '${file}': this Node (${process.version}) cannot run TypeScript; use Node 22.18 or later, or a .mjs config`,
      );
    }
    throw new ConfigError(`Cannot load config file '${file}': ${errorMessage(error)}`);
  }
  if (module.default === undefined) {
    throw new ConfigError(
      `Config file '${file}' has no default export; end it with export default defineConfig({ … })`,
    );
  }
  return { file, config: module.default };
}

function discover(cwd: string): string | undefined {
  for (const name of CONFIG_FILE_NAMES) {
    const file = resolve(cwd, name);
    if (existsSync(file)) return file;
  }
  return undefined;
}
