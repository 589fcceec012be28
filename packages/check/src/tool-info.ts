import { readFileSync } from 'node:fs';

/** The tool's name and version as reports state them (the version is read once from the package.json). */
export const TOOL_INFO: { readonly name: string; readonly version: string } = {
  name: 'runwire check',
  version: readVersion(),
};

function readVersion(): string {
  try {
    // src/check/ and dist/check/ are both two levels below the package root.
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: unknown;
    };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}
