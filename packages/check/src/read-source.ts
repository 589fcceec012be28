import { readFileSync } from 'node:fs';
import { FactsCache } from './facts-cache.js';

/** A file's text and the facts cache's key of its content. */
export interface KeyedSource {
  readonly source: string;
  readonly key: string;
}

/**
 * The file's bytes, or undefined when it was deleted between listing and reading; other errors are thrown.
 */
function readBytes(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * The file's text (UTF-8) with its content key (see {@link FactsCache.key}), or undefined when it was deleted
 * between listing and reading; other errors are thrown. With `expectedKey`, the text is decoded only when the key
 * matches it (undefined otherwise): the caller wants this content or nothing.
 */
export function readKeyedSource(file: string, expectedKey?: string): KeyedSource | undefined {
  const bytes = readBytes(file);
  if (bytes === undefined) return undefined;
  const key = FactsCache.key(file, bytes);
  if (expectedKey !== undefined && key !== expectedKey) return undefined;
  return { source: bytes.toString('utf8'), key };
}
