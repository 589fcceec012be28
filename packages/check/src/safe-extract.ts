import type { FileFacts } from './facts.js';

/**
 * Extracts facts, turning a parser crash into a file with one parse error instead of a failed run: one odd file
 * must not hide the findings of the rest.
 */
export function safeExtract(
  extract: (file: string, source: string) => FileFacts,
  file: string,
  source: string,
): FileFacts {
  try {
    return extract(file, source);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { declarations: [], aliases: [], imports: [], exports: [], newSites: [], parseErrors: [`1:1 ${message}`] };
  }
}
