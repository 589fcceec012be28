import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { ResolverFactory } from 'oxc-resolver';
import { isPythonFile } from './python/python-file.js';
import { PythonModuleResolver } from './python/python-module-resolver.js';

/**
 * Resolves import specifiers to files the way TypeScript and Node do: relative paths (with `.js` written for
 * `.ts` sources), `tsconfig` `paths`, and package `exports`. Results are cached per folder and specifier; call
 * {@link ModuleResolver.clear} when files are added or removed. A Python file's imports are Python module names,
 * resolved by `PythonModuleResolver`.
 */
export class ModuleResolver {
  readonly #tsconfig: string | undefined;
  /** oxc's resolver (a native addon), made on the first TypeScript or JavaScript import: a Python tree never loads it. */
  #resolver: ResolverFactory | undefined;
  readonly #cache = new Map<string, string | null>();
  readonly #python = new PythonModuleResolver();
  /** The same results by importing file, then specifier: the rules ask per file, many times per check. */
  readonly #byImporter = new Map<string, Map<string, string | null>>();

  /** @param tsconfig - a tsconfig.json to take `paths` from; by default the nearest one of each importing file. */
  constructor(tsconfig?: string) {
    this.#tsconfig = tsconfig;
  }

  #oxcResolver(): ResolverFactory {
    if (this.#resolver !== undefined) return this.#resolver;
    const { ResolverFactory: Factory } = createRequire(import.meta.url)(
      'oxc-resolver',
    ) as typeof import('oxc-resolver');
    const tsconfig = this.#tsconfig;
    this.#resolver = new Factory({
      tsconfig: tsconfig === undefined ? 'auto' : { configFile: tsconfig, references: 'auto' },
      extensions: ['.ts', '.tsx', '.mts', '.cts', '.d.ts', '.js', '.jsx', '.mjs', '.cjs', '.json'],
      extensionAlias: {
        '.js': ['.ts', '.tsx', '.d.ts', '.js', '.jsx'],
        '.mjs': ['.mts', '.mjs'],
        '.cjs': ['.cts', '.cjs'],
        '.jsx': ['.tsx', '.jsx'],
      },
      conditionNames: ['types', 'import', 'module', 'node', 'require', 'default'],
      mainFields: ['types', 'module', 'main'],
      builtinModules: true,
      nodePath: false,
    });
    return this.#resolver;
  }

  /** The absolute path `specifier` imports from `importer`, or null for builtins and unresolvable specifiers. */
  resolve(importer: string, specifier: string): string | null {
    if (isPythonFile(importer)) return this.#python.resolve(importer, specifier);
    let ofImporter = this.#byImporter.get(importer);
    if (ofImporter === undefined) {
      ofImporter = new Map();
      this.#byImporter.set(importer, ofImporter);
    }
    let path = ofImporter.get(specifier);
    if (path === undefined) {
      path = this.#resolveInFolder(importer, specifier);
      ofImporter.set(specifier, path);
    }
    return path;
  }

  /** {@link resolve}, cached per folder: the files of one folder share their results. */
  #resolveInFolder(importer: string, specifier: string): string | null {
    const dir = dirname(importer);
    const key = `${dir}\0${specifier}`;
    const cached = this.#cache.get(key);
    if (cached !== undefined) return cached;
    const resolver = this.#oxcResolver(); // outside the try: a resolver that cannot be made is an error, not a miss
    let path: string | null = null;
    try {
      path = resolver.resolveFileSync(importer, specifier).path ?? null;
    } catch {
      path = null; // malformed specifiers resolve to nothing, like missing packages
    }
    this.#cache.set(key, path);
    return path;
  }

  /** Forgets cached results (the file set changed). */
  clear(): void {
    this.#cache.clear();
    this.#byImporter.clear();
    this.#resolver?.clearCache();
    this.#python.clear();
  }
}
