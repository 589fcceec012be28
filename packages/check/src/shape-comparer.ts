import type { DeclarationFact, DeclarationKind, FileFacts, ShapeSource } from './facts.js';
import type { ShapeJob, ShapeResults } from './file-shapes.js';
import type { Shape } from './shape-fingerprint.js';

/** A checked file as the comparer needs it: its facts and the content key they were extracted from. */
export interface KeyedFacts {
  readonly key: string;
  readonly facts: FileFacts;
}

/** Computes exact shapes for jobs, one result per job in order (on worker threads or on this one). */
export type ShapeComputer = (jobs: readonly ShapeJob[]) => Promise<readonly ShapeResults[]>;

/**
 * Gives exact shapes to the declarations that need one: those whose sketch is shared with a declaration of the same
 * kind in another file. Most declarations share none, so most are never parsed again; the others
 * are parsed from their own text, once per content (the results are kept while their files are unchanged: in a
 * long-lived checker, and in the facts cache).
 */
export class ShapeComparer {
  /** Exact shapes (null: no longer parses) by content key and declaration offsets. */
  #known: ReadonlyMap<string, Shape | null>;
  #computed = 0;

  /** @param known - exact shapes computed before (e.g. kept in the facts cache), by the same keys */
  constructor(known: ReadonlyMap<string, Shape | null> = new Map()) {
    this.#known = known;
  }

  /** The exact shapes the last comparison used, by content key and declaration offsets, to keep for later runs. */
  get known(): ReadonlyMap<string, Shape | null> {
    return this.#known;
  }

  /** How many exact shapes the last comparison had to compute (0: all were known). */
  get computed(): number {
    return this.#computed;
  }

  /** Exact shapes by declaration, for every declaration whose sketch another file shares. */
  async compare(files: ReadonlyMap<string, KeyedFacts>, compute: ShapeComputer): Promise<Map<DeclarationFact, Shape>> {
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
    const known = new Map<string, Shape | null>();
    /** Declarations to compute, by file. */
    const needed = new Map<
      string,
      { key: string; memoKeys: string[]; declarations: { kind: DeclarationKind; at: ShapeSource }[] }
    >();
    const wanted: { declaration: DeclarationFact; memoKey: string }[] = [];
    for (const group of bySketch.values()) {
      // Exact groups are parts of sketch groups, and the rules need several files in one: copies under other names
      // (duplicate-shape), and functions of one name, which are one concept only when their shapes match too.
      const first = group[0];
      if (first === undefined || group.every((member) => member.file === first.file)) continue;
      // Classes of one name are one concept whatever their shapes: only copies under other names need them.
      const oneName = group.every((member) => member.declaration.name === first.declaration.name);
      if (oneName && first.declaration.kind === 'class') continue;
      for (const { file, declaration } of group) {
        const at = declaration.shapeSource;
        const entry = files.get(file);
        if (at === undefined || entry === undefined) continue;
        const memoKey = `${entry.key}:${at.start}:${at.end}`;
        wanted.push({ declaration, memoKey });
        const memo = this.#known.get(memoKey);
        if (memo !== undefined) known.set(memoKey, memo);
        if (memo !== undefined || known.has(memoKey)) continue;
        known.set(memoKey, null); // until computed: also marks it as asked for
        let request = needed.get(file);
        if (request === undefined) {
          request = { key: entry.key, memoKeys: [], declarations: [] };
          needed.set(file, request);
        }
        request.memoKeys.push(memoKey);
        request.declarations.push({ kind: declaration.kind, at });
      }
    }
    this.#computed = 0;
    if (needed.size > 0) {
      const requests = [...needed];
      const jobs: ShapeJob[] = requests.map(([file, { key, declarations }]) => ({ file, key, declarations }));
      const results = await compute(jobs);
      requests.forEach(([, { memoKeys }], i) => {
        memoKeys.forEach((memoKey, k) => {
          known.set(memoKey, results[i]?.[k] ?? null);
        });
        this.#computed += memoKeys.length;
      });
    }
    this.#known = known; // only what this check used: shapes of changed or deleted files are dropped
    const shapes = new Map<DeclarationFact, Shape>();
    for (const { declaration, memoKey } of wanted) {
      const shape = known.get(memoKey);
      if (shape !== undefined && shape !== null) shapes.set(declaration, shape);
    }
    return shapes;
  }
}
