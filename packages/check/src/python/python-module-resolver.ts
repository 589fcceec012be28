import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Resolves Python module names to files the way an import would find them in a source tree: `.mod` and `..pkg.mod`
 * from the importing file's package; `pkg.mod` from the importing file's folder or any folder above it (so a tree
 * checked from its root, a `src/` layout, or a package folder all resolve without configuration). A module is
 * `mod.py` or a package's `mod/__init__.py`. Results are cached per folder and name; call {@link clear} when files
 * are added or removed.
 */
export class PythonModuleResolver {
  readonly #cache = new Map<string, string | null>();

  /** The file `specifier` names from `importer`, or null when no checked-in-place file holds it (a package, stdlib). */
  resolve(importer: string, specifier: string): string | null {
    const dir = dirname(importer);
    const dots = /^\.*/.exec(specifier)?.[0].length ?? 0;
    const parts = specifier
      .slice(dots)
      .split('.')
      .filter((part) => part !== '');
    if (dots === 0) return parts.length === 0 ? null : this.#fromFolderOrAbove(dir, specifier, parts);
    const key = `${dir}\0${specifier}`;
    const cached = this.#cache.get(key);
    if (cached !== undefined) return cached;
    let base = dir;
    for (let up = 1; up < dots; up++) base = dirname(base);
    const path = moduleFile(base, parts);
    this.#cache.set(key, path);
    return path;
  }

  /** An absolute module name from `dir` or the nearest folder above that holds it; every folder's answer is kept. */
  #fromFolderOrAbove(dir: string, specifier: string, parts: readonly string[]): string | null {
    const key = `${dir}\0${specifier}`;
    const cached = this.#cache.get(key);
    if (cached !== undefined) return cached;
    const parent = dirname(dir);
    const path = moduleFile(dir, parts) ?? (parent === dir ? null : this.#fromFolderOrAbove(parent, specifier, parts));
    this.#cache.set(key, path);
    return path;
  }

  clear(): void {
    this.#cache.clear();
  }
}

/** `base/a/b.py` or `base/a/b/__init__.py` for parts `a`, `b` (`base/__init__.py` for none). */
function moduleFile(base: string, parts: readonly string[]): string | null {
  if (parts.length > 0) {
    const file = `${join(base, ...parts)}.py`;
    if (existsSync(file)) return file;
  }
  const init = join(base, ...parts, '__init__.py');
  return existsSync(init) ? init : null;
}

/** The module `name` of the module or package `specifier`, as an import would write it: `..pkg` + `x` → `..pkg.x`. */
export function submoduleSpecifier(specifier: string, name: string): string {
  return specifier.endsWith('.') ? `${specifier}${name}` : `${specifier}.${name}`;
}
