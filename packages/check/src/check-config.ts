import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CheckError } from './check-error.js';
import { toPosix } from './posix-path.js';
import { RULE_IDS, type RuleId, type RuleSetting } from './rule-id.js';

/** The config file `runwire check` looks for, from the first checked path upwards to the project root. */
export const CONFIG_FILE_NAME = 'runwire.config.json';

/** Files the checker reads unless `include` says otherwise. */
export const DEFAULT_INCLUDE: readonly string[] = ['**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs,py}'];

/** Globs of generated files, left out unless `defaultExcludes` is false (besides files with a generated header). */
export const DEFAULT_GENERATED: readonly string[] = ['**/generated/**', '**/*.generated.*', '**/*.gen.*'];

/**
 * Files left out unless `defaultExcludes` is false: tests, fixtures, generated and vendored code, declaration
 * files (usually generated), build output, and Python's installed packages and virtual environments.
 */
export const DEFAULT_EXCLUDE: readonly string[] = [
  '**/node_modules/**',
  '**/.git/**',
  '**/*.test.*',
  '**/*.spec.*',
  '**/__tests__/**',
  '**/test/**',
  '**/tests/**',
  '**/fixtures/**',
  '**/__fixtures__/**',
  '**/__mocks__/**',
  ...DEFAULT_GENERATED,
  '**/vendor/**',
  '**/third_party/**',
  '**/dist/**',
  '**/build/**',
  '**/coverage/**',
  '**/*.d.ts',
  '**/*.d.mts',
  '**/*.d.cts',
  '**/*.min.js',
  '**/__pycache__/**',
  '**/site-packages/**',
  '**/.venv/**',
  '**/venv/**',
  '**/.tox/**',
  '**/test_*.py',
  '**/*_test.py',
  '**/conftest.py',
];

/**
 * The fewest statements (nested ones included) a function or class body needs for `duplicate-shape` to compare it
 * with literals ignored (a type-2 clone: other names and constants, same structure). Bodies under this are compared
 * only when they have at least {@link MIN_EXACT_SHAPE_NODES} syntax nodes and equal literals.
 */
export const DEFAULT_MIN_CLONE_STATEMENTS = 6;

/** The fewest syntax nodes a body needs for `duplicate-shape` to compare it with its literals. */
export const MIN_EXACT_SHAPE_NODES = 40;

/** The content of `runwire.config.json`. Paths in it are relative to the file's folder. */
export interface CheckConfigFile {
  readonly $schema?: string;
  readonly include?: readonly string[];
  readonly exclude?: readonly string[];
  readonly defaultExcludes?: boolean;
  readonly factoryOnly?: Readonly<Record<string, readonly string[]>>;
  readonly canonical?: Readonly<Record<string, string>>;
  readonly rules?: Readonly<Partial<Record<RuleId, RuleSetting>>>;
  readonly tsconfig?: string;
  /** World name → globs of its files: declarations in different worlds are never copies of each other. */
  readonly worlds?: Readonly<Record<string, readonly string[]>>;
  /** Globs of generated files, left out (added to the default generated globs). */
  readonly generated?: readonly string[];
  /** See {@link DEFAULT_MIN_CLONE_STATEMENTS}. */
  readonly minCloneStatements?: number;
}

/** Every key `runwire.config.json` may have (anything else is an error). */
export const CONFIG_KEYS = [
  '$schema',
  'include',
  'exclude',
  'defaultExcludes',
  'factoryOnly',
  'canonical',
  'rules',
  'tsconfig',
  'worlds',
  'generated',
  'minCloneStatements',
] as const;

const RULE_SETTINGS: readonly string[] = ['error', 'warning', 'off'];

/** The config after defaults, with absolute paths. */
export interface CheckConfig {
  /** The config file read, if any. */
  readonly file?: string;
  /** Globs (relative to each checked folder) of files to check. */
  readonly include: readonly string[];
  /** Globs (relative to each checked folder) of files to skip, the defaults included. */
  readonly exclude: readonly string[];
  /** Factory-only class names and the absolute paths of the modules allowed to construct them. */
  readonly factoryOnly: ReadonlyMap<string, readonly string[]>;
  /** Symbol names and the absolute path of the one module they must be imported from. */
  readonly canonical: ReadonlyMap<string, string>;
  readonly rules: Readonly<Record<RuleId, RuleSetting>>;
  /** Absolute path of the tsconfig used for `paths`; absent: the nearest tsconfig.json of each file. */
  readonly tsconfig?: string;
  /** World name → absolute globs of its files (see {@link CheckConfigFile.worlds}); files in none share one world. */
  readonly worlds: ReadonlyMap<string, readonly string[]>;
  /** True: files whose header says they are generated are left out (the default, with `defaultExcludes`). */
  readonly skipGeneratedHeaders: boolean;
  readonly minCloneStatements: number;
}

/** Where to look for the config. */
export interface LoadConfigOptions {
  /** An explicit config file (`--config`); it must exist. */
  readonly configPath?: string;
  /** Where to start looking for `runwire.config.json` when no file is given. */
  readonly searchFrom: string;
}

/**
 * Finds, reads, validates and compiles the checker config. Without a config file the defaults apply.
 *
 * @throws CheckError with code `bad_config` when the file is missing (if given), not JSON, or invalid.
 */
export function loadCheckConfig(options: LoadConfigOptions): CheckConfig {
  const file = options.configPath === undefined ? findConfigFile(options.searchFrom) : resolve(options.configPath);
  if (file === undefined) return compileCheckConfig({}, options.searchFrom);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CheckError('bad_config', file, `Cannot read config file '${file}'; check the --config path`, {
      cause: error,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CheckError('bad_config', file, `Config file '${file}' is not valid JSON (${reason}); fix the syntax`, {
      cause: error,
    });
  }
  const problems = validateConfigFile(json);
  if (problems.length > 0) {
    throw new CheckError(
      'bad_config',
      file,
      `Config file '${file}' is invalid: ${problems.join('; ')}. See docs/check.md for the config format`,
    );
  }
  return { ...compileCheckConfig(json as CheckConfigFile, dirname(file)), file };
}

/** Applies defaults to a config file's content and makes its paths absolute against `baseDir`. */
export function compileCheckConfig(content: CheckConfigFile, baseDir: string): CheckConfig {
  const rules = Object.fromEntries(RULE_IDS.map((id) => [id, content.rules?.[id] ?? 'error'])) as Record<
    RuleId,
    RuleSetting
  >;
  const factoryOnly = new Map(
    Object.entries(content.factoryOnly ?? {}).map(([name, modules]) => [
      name,
      modules.map((module) => resolve(baseDir, module)),
    ]),
  );
  const canonical = new Map(
    Object.entries(content.canonical ?? {}).map(([name, module]) => [name, resolve(baseDir, module)]),
  );
  return {
    include: content.include ?? DEFAULT_INCLUDE,
    exclude: [
      ...(content.defaultExcludes === false ? [] : DEFAULT_EXCLUDE),
      ...(content.exclude ?? []),
      ...(content.generated ?? []),
    ],
    factoryOnly,
    canonical,
    rules,
    worlds: new Map(
      Object.entries(content.worlds ?? {}).map(([name, globs]) => [
        name,
        globs.map((glob) => toPosix(resolve(baseDir, glob))),
      ]),
    ),
    skipGeneratedHeaders: content.defaultExcludes !== false,
    minCloneStatements: content.minCloneStatements ?? DEFAULT_MIN_CLONE_STATEMENTS,
    ...(content.tsconfig === undefined ? {} : { tsconfig: resolve(baseDir, content.tsconfig) }),
  };
}

/** Every way `json` differs from {@link CheckConfigFile}, as `where: what` lines; empty when it is valid. */
function validateConfigFile(json: unknown): string[] {
  if (!isRecord(json)) return ['(top level): expected an object'];
  const problems: string[] = [];
  const unknownKeys = (where: string, value: Record<string, unknown>, known: readonly string[]): void => {
    const keys = Object.keys(value).filter((key) => !known.includes(key));
    if (keys.length === 0) return;
    const list = keys.map((key) => `"${key}"`).join(', ');
    problems.push(`${where}: unknown ${keys.length === 1 ? 'key' : 'keys'} ${list} (known: ${known.join(', ')})`);
  };
  const strings = (where: string, value: unknown): void => {
    if (!Array.isArray(value)) problems.push(`${where}: expected an array of strings`);
    else for (const [i, item] of value.entries()) nonEmpty(`${where}.${i}`, item);
  };
  const nonEmpty = (where: string, value: unknown): void => {
    if (typeof value !== 'string' || value === '') problems.push(`${where}: expected a non-empty string`);
  };
  unknownKeys('(top level)', json, CONFIG_KEYS);
  if (json.$schema !== undefined && typeof json.$schema !== 'string') problems.push('$schema: expected a string');
  if (json.include !== undefined) strings('include', json.include);
  if (json.exclude !== undefined) strings('exclude', json.exclude);
  if (json.defaultExcludes !== undefined && typeof json.defaultExcludes !== 'boolean') {
    problems.push('defaultExcludes: expected true or false');
  }
  if (json.tsconfig !== undefined) nonEmpty('tsconfig', json.tsconfig);
  if (json.generated !== undefined) strings('generated', json.generated);
  const minStatements = json.minCloneStatements;
  if (minStatements !== undefined && !(Number.isInteger(minStatements) && (minStatements as number) >= 1)) {
    problems.push('minCloneStatements: expected a whole number of at least 1');
  }
  if (json.worlds !== undefined) {
    if (!isRecord(json.worlds)) problems.push('worlds: expected an object of world name to globs');
    else for (const [name, globs] of Object.entries(json.worlds)) strings(`worlds.${name}`, globs);
  }
  for (const key of ['factoryOnly', 'canonical', 'rules'] as const) {
    const value = json[key];
    if (value === undefined) continue;
    if (!isRecord(value)) {
      problems.push(`${key}: expected an object`);
      continue;
    }
    if (key === 'rules') unknownKeys('rules', value, RULE_IDS);
    for (const [name, entry] of Object.entries(value)) {
      if (key === 'factoryOnly') strings(`factoryOnly.${name}`, entry);
      else if (key === 'canonical') nonEmpty(`canonical.${name}`, entry);
      else if (RULE_IDS.some((id) => id === name) && !RULE_SETTINGS.includes(String(entry))) {
        problems.push(`rules.${name}: expected "error", "warning" or "off", got ${JSON.stringify(entry)}`);
      }
    }
  }
  return problems;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The nearest `runwire.config.json` from `start` up to the first folder holding package.json or .git. */
function findConfigFile(start: string): string | undefined {
  let dir = resolve(start);
  if (!isDirectory(dir)) dir = dirname(dir);
  for (;;) {
    const candidate = join(dir, CONFIG_FILE_NAME);
    if (existsSync(candidate)) return candidate;
    if (existsSync(join(dir, 'package.json')) || existsSync(join(dir, '.git'))) return undefined;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
