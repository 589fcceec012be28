import { readFileSync } from 'node:fs';

/** The file's text, or undefined when it was deleted between listing and reading; other errors are thrown. */
export function readSource(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return undefined;
    throw error;
  }
}
