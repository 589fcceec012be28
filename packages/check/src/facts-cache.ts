import { hash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, extname } from 'node:path';
import type { FileFacts } from './facts.js';
import type { Shape } from './shape-fingerprint.js';

/** Bumped whenever the facts format or their extraction changes, so stale cache files are ignored. */
const FACTS_VERSION = 'facts-12';

/** What was known about a path when the cache was saved: if size and mtime still match, its content key holds. */
export interface FileStamp {
  readonly mtimeMs: number;
  readonly size: number;
  readonly key: string;
}

interface CacheFile {
  readonly version: string;
  readonly entries: Record<string, FileFacts>;
  readonly files?: Record<string, FileStamp>;
  /** Exact shapes already computed, by content key and declaration offsets (null: no longer parses). */
  readonly shapes?: Record<string, Shape | null>;
}

/**
 * Facts by content hash, optionally kept in a file between runs. The key covers the extension (the language) and
 * the text, so a file whose content is unchanged is never parsed again, wherever it moved. Saving keeps only the
 * entries used since loading, so the cache never outgrows the tree.
 */
export class FactsCache {
  readonly #file: string | undefined;
  readonly #loaded: Map<string, FileFacts>;
  readonly #used = new Map<string, FileFacts>();
  readonly #stamps: Map<string, FileStamp>;
  #shapes: ReadonlyMap<string, Shape | null>;

  /** @param file - where the cache lives between runs; absent: memory only. A missing or stale file is ignored. */
  constructor(file?: string) {
    this.#file = file;
    const content = file === undefined ? undefined : readCacheFile(file);
    this.#loaded = new Map(Object.entries(content?.entries ?? {}));
    this.#stamps = new Map(Object.entries(content?.files ?? {}));
    this.#shapes = new Map(Object.entries(content?.shapes ?? {}));
  }

  /**
   * Exact shapes computed before, keyed by content key and offsets (see `ShapeComparer`); as loaded, then as last
   * set. Like the facts, they hold for as long as the content they were computed from.
   */
  get shapes(): ReadonlyMap<string, Shape | null> {
    return this.#shapes;
  }

  set shapes(shapes: ReadonlyMap<string, Shape | null>) {
    this.#shapes = shapes;
  }

  /** How many file stamps were loaded and not yet pruned. */
  get stampCount(): number {
    return this.#stamps.size;
  }

  /**
   * The stamp saved for `path` in the cache file, so a new process can trust an unchanged file (same size and
   * mtime) without reading it, as a long-lived checker does.
   */
  stamp(path: string): FileStamp | undefined {
    return this.#stamps.get(path);
  }

  /**
   * The cache key of a file's content: the SHA-1 of its extension, a NUL and its text. One-shot `hash()`, not a
   * `Hash` object fed three times: a cold check takes one per file, and the object cost more than the hashing.
   */
  static key(fileName: string, source: string): string {
    return hash('sha1', `${extname(fileName)}\0${source}`, 'base64url');
  }

  /** How many entries the cache holds (loaded from the file or set since). */
  get size(): number {
    return Math.max(this.#loaded.size, this.#used.size);
  }

  get(key: string): FileFacts | undefined {
    const facts = this.#used.get(key) ?? this.#loaded.get(key);
    if (facts !== undefined) this.#used.set(key, facts);
    return facts;
  }

  set(key: string, facts: FileFacts): void {
    this.#used.set(key, facts);
  }

  /** Forgets entries not used since the last call, keeping memory bounded in a long-lived checker. */
  prune(keep: ReadonlySet<string>): void {
    for (const key of this.#used.keys()) if (!keep.has(key)) this.#used.delete(key);
    this.#loaded.clear();
    this.#stamps.clear();
  }

  /** Writes the used entries and the files' stamps to the cache file (atomically); nothing for a memory-only cache. */
  save(files: ReadonlyMap<string, FileStamp>): void {
    if (this.#file === undefined) return;
    const stamps = Object.fromEntries(
      [...files].map(([path, { mtimeMs, size, key }]) => [path, { mtimeMs, size, key }] as const),
    );
    const content: CacheFile = {
      version: FACTS_VERSION,
      entries: Object.fromEntries(this.#used),
      files: stamps,
      shapes: Object.fromEntries(this.#shapes),
    };
    mkdirSync(dirname(this.#file), { recursive: true });
    const temporary = `${this.#file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(content));
    renameSync(temporary, this.#file);
  }
}

function readCacheFile(file: string): Partial<CacheFile> {
  try {
    const content = JSON.parse(readFileSync(file, 'utf8')) as Partial<CacheFile>;
    return content.version === FACTS_VERSION && typeof content.entries === 'object' && content.entries !== null
      ? content
      : {};
  } catch {
    return {}; // no cache yet, or a damaged one: start cold
  }
}
