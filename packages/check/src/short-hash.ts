import { hash } from 'node:crypto';

/**
 * A 22-character fingerprint of `text`: the first 132 bits of its SHA-1, in base64url, ample to tell code shapes
 * apart and short to keep and compare. One-shot `hash()` rather than a `Hash` object: a check takes tens of thousands
 * of them, mostly of short texts, where building the object costs more than the hashing.
 */
export function shortHash(text: string): string {
  return hash('sha1', text, 'base64url').slice(0, 22);
}
