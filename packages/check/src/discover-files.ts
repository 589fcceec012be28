import { type Dirent, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import picomatch from 'picomatch';
import type { CheckConfig } from './check-config.js';
import { CheckError } from './check-error.js';
import { toPosix } from './posix-path.js';

/** Extensions the parser reads; a file named on the command line must have one. */
const SOURCE_FILE = /\.(?:[cm]?[jt]s|[jt]sx|py)$/;

/** A name no file pattern matches, used to ask whether a whole folder is excluded. */
const PROBE = '__runwire_probe__';

/**
 * Lists the source files under the given paths, as sorted absolute paths. Folders are walked (symbolic links are
 * not followed) and filtered by the config's include and exclude globs, matched against the path relative to the
 * folder given; files named directly are always checked.
 *
 * @throws CheckError with code `unreadable_path` when a path does not exist or cannot be read.
 */
export function discoverFiles(paths: readonly string[], config: CheckConfig): string[] {
  const include = picomatch([...config.include], { dot: true });
  const exclude = picomatch([...config.exclude], { dot: true });
  const found = new Set<string>();
  for (const path of paths) {
    const root = resolve(path);
    let isDirectory: boolean;
    try {
      isDirectory = statSync(root).isDirectory();
    } catch (error) {
      throw unreadable(path, error);
    }
    if (!isDirectory) {
      if (!SOURCE_FILE.test(root)) {
        throw new CheckError(
          'unreadable_path',
          path,
          `Cannot check '${path}': not a TypeScript, JavaScript or Python file; give a folder or a .ts/.tsx/.js/.jsx/.mts/.cts/.mjs/.cjs/.py file`,
        );
      }
      found.add(root);
      continue;
    }
    const walk = (dir: string): void => {
      let entries: Dirent[];
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch (error) {
        throw unreadable(dir, error);
      }
      for (const entry of entries) {
        const full = join(dir, entry.name);
        const rel = toPosix(relative(root, full));
        if (entry.isDirectory()) {
          if (!exclude(`${rel}/${PROBE}`)) walk(full);
        } else if (entry.isFile() && SOURCE_FILE.test(entry.name) && include(rel) && !exclude(rel)) {
          found.add(full);
        }
      }
    };
    walk(root);
  }
  return [...found].sort();
}

function unreadable(path: string, error: unknown): CheckError {
  const code = (error as { code?: unknown } | null)?.code;
  const reason =
    code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : String(code);
  return new CheckError('unreadable_path', path, `Cannot read '${path}': ${reason}; check the path and permissions`, {
    cause: error,
  });
}
