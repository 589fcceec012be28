import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Resolves Python module names to files the way an import would find them in a source tree: `.mod` and `..pkg.mod`
 * from the importing file's package; `pkg.mod` from the importing file's folder or any folder above it (so a tree
 * checked from its root, a `src/` layout, or a package folder all resolve without configuration). A module is
 * `mod.py` or a package's `mod/__init__.py`. Results are cached per folder and name, and each folder is listed
 * once (an import of `os` from a deep folder asks every folder above it: one listing each, not two file lookups per
 * importing folder); call {@link clear} when files are added or removed.
 */
export class PythonModuleResolver {
  readonly #cache = new Map<string, string | null>();
  /** The names in each folder listed so far (empty for a folder that cannot be read). */
  readonly #listings = new Map<string, ReadonlySet<string>>();

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
    const path = this.#moduleFile(base, parts);
    this.#cache.set(key, path);
    return path;
  }

  /** An absolute module name from `dir` or the nearest folder above that holds it; every folder's answer is kept. */
  #fromFolderOrAbove(dir: string, specifier: string, parts: readonly string[]): string | null {
    const key = `${dir}\0${specifier}`;
    const cached = this.#cache.get(key);
    if (cached !== undefined) return cached;
    const parent = dirname(dir);
    const path =
      this.#moduleFile(dir, parts) ?? (parent === dir ? null : this.#fromFolderOrAbove(parent, specifier, parts));
    this.#cache.set(key, path);
    return path;
  }

  clear(): void {
    this.#cache.clear();
    this.#listings.clear();
  }

  /** `base/a/b.py` or `base/a/b/__init__.py` for parts `a`, `b` (`base/__init__.py` for none). */
  #moduleFile(base: string, parts: readonly string[]): string | null {
    let folder = base;
    for (let i = 0; i < parts.length - 1; i++) {
      const part = parts[i] ?? '';
      if (!this.#has(folder, part)) return null;
      folder = join(folder, part);
    }
    const last = parts.at(-1);
    if (last !== undefined) {
      if (this.#has(folder, `${last}.py`)) return join(folder, `${last}.py`);
      if (!this.#has(folder, last)) return null;
      folder = join(folder, last);
    }
    return this.#has(folder, '__init__.py') ? join(folder, '__init__.py') : null;
  }

  /** True when `folder` holds an entry called `name`. */
  #has(folder: string, name: string): boolean {
    let listing = this.#listings.get(folder);
    if (listing === undefined) {
      try {
        listing = new Set(readdirSync(folder));
      } catch {
        listing = new Set(); // missing, not a folder, or unreadable: holds nothing the check can use
      }
      this.#listings.set(folder, listing);
    }
    return listing.has(name);
  }
}

/** The module `name` of the module or package `specifier`, as an import would write it: `..pkg` + `x` → `..pkg.x`. */
export function submoduleSpecifier(specifier: string, name: string): string {
  return specifier.endsWith('.') ? `${specifier}${name}` : `${specifier}.${name}`;
}
