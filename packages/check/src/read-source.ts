import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { FactsCache } from './facts-cache.js';

/** A file's text and the facts cache's key of its content. */
export interface KeyedSource {
  readonly source: string;
  readonly key: string;
}

/**
 * The file's bytes, or undefined when it was deleted between listing and reading; other errors are thrown. With
 * `size` (from a `stat` the caller made anyway), up to that many bytes are read without asking the size again, as
 * `readFileSync` would: one system call less per file of a cold check.
 */
function readBytes(file: string, size?: number): Buffer | undefined {
  try {
    if (size === undefined) return readFileSync(file);
    const fd = openSync(file, 'r');
    try {
      const bytes = Buffer.allocUnsafe(size);
      let length = 0;
      while (length < size) {
        const read = readSync(fd, bytes, length, size - length, length);
        if (read === 0) break; // shorter than it was: what is there now
        length += read;
      }
      return length === size ? bytes : bytes.subarray(0, length);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * The file's text (UTF-8) with its content key (see {@link FactsCache.key}), or undefined when it was deleted
 * between listing and reading; other errors are thrown. With `expectedKey`, the text is decoded only when the key
 * matches it (undefined otherwise): the caller wants this content or nothing. `size`: the file's size as the caller
 * just saw it (see `readBytes`).
 */
export function readKeyedSource(
  file: string,
  { expectedKey, size }: { readonly expectedKey?: string; readonly size?: number } = {},
): KeyedSource | undefined {
  const bytes = readBytes(file, size);
  if (bytes === undefined) return undefined;
  const key = FactsCache.key(file, bytes);
  if (expectedKey !== undefined && key !== expectedKey) return undefined;
  return { source: bytes.toString('utf8'), key };
}
