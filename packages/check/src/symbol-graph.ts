import { type DeclarationFact, type FileFacts, MODULE_EXPORTS, type NameRef } from './facts.js';
import { factsIndex } from './facts-index.js';
import type { ModuleResolver } from './module-resolver.js';
import { isPythonFile } from './python/python-file.js';
import { submoduleSpecifier } from './python/python-module-resolver.js';

/** Where a name finally leads. */
export type Origin =
  /** A top-level declaration in a checked file. */
  | { readonly kind: 'declaration'; readonly file: string; readonly declaration: DeclarationFact }
  /** A module namespace object (`import * as ns`, `export * as ns`). */
  | { readonly kind: 'namespace'; readonly file: string }
  /** Something from outside the checked files: a package, a builtin, an unchecked file. */
  | { readonly kind: 'external'; readonly specifier: string; readonly name: string }
  /** Not a top-level binding (a local variable, a global) or an export that does not exist. */
  | { readonly kind: 'unknown'; readonly file: string; readonly name: string };

/** One step on the way from a use to its origin. */
export interface Hop {
  readonly via: 'import' | 'reexport' | 'alias' | 'export';
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** The name at this step. */
  readonly name: string;
  /** The step is marked `@deprecated`. */
  readonly deprecated: boolean;
}

/** A resolved name: its origin and the hops that lead there. */
export interface Trace {
  readonly origin: Origin;
  readonly hops: readonly Hop[];
}

/**
 * Follows names across the checked files through imports (named, renamed, default, namespace), re-exports
 * (`export { a as b } from`, `export *`, `export * as ns`), local exports and `const X = Y` aliases, to the
 * declaration they denote. Built once per check from the facts; results are memoised.
 */
export class SymbolGraph {
  readonly #files: ReadonlyMap<string, FileFacts>;
  readonly #resolver: ModuleResolver;
  readonly #exportMemo = new Map<string, Trace>();

  constructor(files: ReadonlyMap<string, FileFacts>, resolver: ModuleResolver) {
    this.#files = files;
    this.#resolver = resolver;
  }

  /** The checked file `specifier` refers to from `importer`, or undefined when it leads outside the checked files. */
  target(importer: string, specifier: string): string | undefined {
    const path = this.#resolver.resolve(importer, specifier);
    return path !== null && this.#files.has(path) ? path : undefined;
  }

  /** What `ref` (a name or `ns.Name`) denotes at the top level of `file`. */
  resolveRef(file: string, ref: NameRef): Trace {
    return ref.member === undefined
      ? this.resolveLocal(file, ref.name, new Set())
      : this.#resolveMember(file, ref.name, ref.member, new Set());
  }

  /** What the top-level binding `name` of `file` denotes. */
  resolveLocal(file: string, name: string, seen: Set<string>): Trace {
    const facts = this.#files.get(file);
    if (facts === undefined) return { origin: { kind: 'unknown', file, name }, hops: [] };
    const index = factsIndex(facts);
    const declaration = index.declarations.get(name);
    if (declaration !== undefined) return { origin: { kind: 'declaration', file, declaration }, hops: [] };
    const key = `local\0${file}\0${name}`;
    if (seen.has(key)) return { origin: { kind: 'unknown', file, name }, hops: [] };
    seen.add(key);
    const alias = index.aliases.get(name);
    if (alias !== undefined) {
      const hop: Hop = {
        via: 'alias',
        file,
        line: alias.line,
        column: alias.column,
        name,
        deprecated: alias.deprecated,
      };
      const rest =
        alias.target.member === undefined
          ? this.resolveLocal(file, alias.target.name, seen)
          : this.#resolveMember(file, alias.target.name, alias.target.member, seen);
      return { origin: rest.origin, hops: [hop, ...rest.hops] };
    }
    const binding = index.imports.get(name);
    if (binding !== undefined) {
      const hop: Hop = { via: 'import', file, line: binding.line, column: binding.column, name, deprecated: false };
      const target = this.target(file, binding.source);
      if (target === undefined) {
        return { origin: { kind: 'external', specifier: binding.source, name: binding.imported }, hops: [hop] };
      }
      if (binding.require === true) {
        // `require('m')` is the module's `module.exports` value when it sets one, else its exports object.
        const whole = this.resolveExport(target, MODULE_EXPORTS, seen);
        if (whole.origin.kind !== 'unknown') return { origin: whole.origin, hops: [hop, ...whole.hops] };
      }
      if (binding.imported === '*') return { origin: { kind: 'namespace', file: target }, hops: [hop] };
      const rest = this.#pythonSubmodule(
        file,
        binding.source,
        binding.imported,
        this.resolveExport(target, binding.imported, seen),
      );
      return { origin: rest.origin, hops: [hop, ...rest.hops] };
    }
    return { origin: { kind: 'unknown', file, name }, hops: [] };
  }

  /** What the export `name` of `file` denotes. */
  resolveExport(file: string, name: string, seen: Set<string> = new Set()): Trace {
    const memoKey = `${file}\0${name}`;
    const memo = this.#exportMemo.get(memoKey);
    if (memo !== undefined) return memo;
    const key = `export\0${memoKey}`;
    if (seen.has(key)) return { origin: { kind: 'unknown', file, name }, hops: [] };
    seen.add(key);
    const trace = this.#resolveExportUncached(file, name, seen);
    seen.delete(key);
    this.#exportMemo.set(memoKey, trace);
    return trace;
  }

  #resolveExportUncached(file: string, name: string, seen: Set<string>): Trace {
    const facts = this.#files.get(file);
    if (facts === undefined) return { origin: { kind: 'unknown', file, name }, hops: [] };
    const index = factsIndex(facts);
    const entry = index.exports.get(name);
    if (entry !== undefined) {
      const hop: Hop = {
        via: entry.form === 'local' ? 'export' : 'reexport',
        file,
        line: entry.line,
        column: entry.column,
        name,
        deprecated: entry.deprecated,
      };
      if (entry.form === 'local') {
        if (entry.local === undefined) return { origin: { kind: 'unknown', file, name }, hops: [hop] };
        const rest = this.resolveLocal(file, entry.local, seen);
        return { origin: rest.origin, hops: [hop, ...rest.hops] };
      }
      const source = entry.source ?? '';
      const target = this.target(file, source);
      const imported = entry.imported ?? name;
      if (target === undefined) return { origin: { kind: 'external', specifier: source, name: imported }, hops: [hop] };
      if (imported === '*') return { origin: { kind: 'namespace', file: target }, hops: [hop] };
      const rest = this.#pythonSubmodule(file, source, imported, this.resolveExport(target, imported, seen));
      return { origin: rest.origin, hops: [hop, ...rest.hops] };
    }
    if (name === 'default') return { origin: { kind: 'unknown', file, name }, hops: [] };
    for (const entry of index.stars) {
      const target = this.target(file, entry.source ?? '');
      if (target === undefined) continue;
      const rest = this.resolveExport(target, name, seen);
      if (rest.origin.kind === 'unknown') continue;
      const hop: Hop = {
        via: 'reexport',
        file,
        line: entry.line,
        column: entry.column,
        name,
        deprecated: entry.deprecated,
      };
      return { origin: rest.origin, hops: [hop, ...rest.hops] };
    }
    // Any module-level name of a Python module can be imported from it: no export lists it.
    if (isPythonFile(file)) return this.resolveLocal(file, name, seen);
    return { origin: { kind: 'unknown', file, name }, hops: [] };
  }

  /**
   * `from pkg import mod` imports the submodule `pkg.mod` when the package itself binds no `mod`: `found` as it is
   * unless it is unknown and `file` is Python, then that submodule as a namespace (if it is a checked file).
   */
  #pythonSubmodule(file: string, specifier: string, name: string, found: Trace): Trace {
    if (found.origin.kind !== 'unknown' || !isPythonFile(file)) return found;
    const submodule = this.target(file, submoduleSpecifier(specifier, name));
    return submodule === undefined ? found : { origin: { kind: 'namespace', file: submodule }, hops: [] };
  }

  #resolveMember(file: string, object: string, member: string, seen: Set<string>): Trace {
    const base = this.resolveLocal(file, object, seen);
    if (base.origin.kind === 'namespace') {
      const rest = this.resolveExport(base.origin.file, member, seen);
      return { origin: rest.origin, hops: [...base.hops, ...rest.hops] };
    }
    if (base.origin.kind === 'external' && base.origin.name === '*') {
      return { origin: { kind: 'external', specifier: base.origin.specifier, name: member }, hops: base.hops };
    }
    return { origin: { kind: 'unknown', file, name: `${object}.${member}` }, hops: base.hops };
  }
}
