import { readFileSync } from 'node:fs';
import type { DeclarationFact, FileFacts } from './facts.js';
import { FactsCache } from './facts-cache.js';

/** A checked file as the comparer needs it: its facts and the content key they were extracted from. */
export interface KeyedFacts {
  readonly key: string;
  readonly facts: FileFacts;
}

/**
 * Gives exact shapes to the declarations that need one: those whose sketch is shared with a declaration of the same
 * kind under another name in another file. Most declarations share none, so most are never parsed again; the others are parsed from
 * their own text, once per content (the results are kept while their files are unchanged, for `--watch`).
 */
export class ShapeComparer {
  /** Exact shapes (null: too small, or no longer parses) by content key and declaration offsets. */
  #known = new Map<string, string | null>();

  /** Exact shapes by declaration, for every declaration whose sketch another file shares. */
  async compare(files: ReadonlyMap<string, KeyedFacts>): Promise<Map<DeclarationFact, string>> {
    const bySketch = new Map<string, { file: string; declaration: DeclarationFact }[]>();
    for (const [file, { facts }] of files) {
      for (const declaration of facts.declarations) {
        if (declaration.sketch === undefined) continue;
        const key = `${declaration.kind}:${declaration.sketch}`;
        const group = bySketch.get(key);
        if (group === undefined) bySketch.set(key, [{ file, declaration }]);
        else group.push({ file, declaration });
      }
    }
    const shapes = new Map<DeclarationFact, string>();
    const known = new Map<string, string | null>();
    const sources = new Map<string, string | undefined>();
    let exactShape: typeof import('./exact-shape.js').exactShape | undefined;
    for (const group of bySketch.values()) {
      // Exact groups are parts of sketch groups, and the rule needs several files and names in one.
      const first = group[0];
      if (first === undefined || group.every((member) => member.file === first.file)) continue;
      if (group.every((member) => member.declaration.name === first.declaration.name)) continue;
      for (const { file, declaration } of group) {
        const at = declaration.shapeSource;
        const entry = files.get(file);
        if (at === undefined || entry === undefined) continue;
        const memoKey = `${entry.key}:${at.start}:${at.end}`;
        let shape = this.#known.has(memoKey) ? this.#known.get(memoKey) : known.get(memoKey);
        if (shape === undefined) {
          // Loaded on first use: a tree without shared sketches never loads the parser on this thread.
          exactShape ??= (await import('./exact-shape.js')).exactShape;
          const source = sources.has(file) ? sources.get(file) : readIfUnchanged(file, entry.key);
          sources.set(file, source);
          shape = source === undefined ? null : (exactShape(file, source, declaration.kind, at) ?? null);
        }
        known.set(memoKey, shape);
        if (shape !== null) shapes.set(declaration, shape);
      }
    }
    this.#known = known; // only what this check used: shapes of changed or deleted files are dropped
    return shapes;
  }
}

/** The file's text if it still has the content its facts came from; undefined if it changed or is gone. */
function readIfUnchanged(file: string, key: string): string | undefined {
  try {
    const source = readFileSync(file, 'utf8');
    return FactsCache.key(file, source) === key ? source : undefined;
  } catch {
    return undefined;
  }
}
