// Runs every `bench:*` script of every workspace package in turn. Arguments narrow it: a package name runs that
// package's benches (`node scripts/run-benches.mjs runwire`), any other word the scripts whose name contains it
// (`npm run bench -- tracker store`).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const packagesDir = join(root, 'packages');
const packages = readdirSync(packagesDir)
  .filter((name) => statSync(join(packagesDir, name)).isDirectory())
  .map((name) => JSON.parse(readFileSync(join(packagesDir, name, 'package.json'), 'utf8')));
const wanted = process.argv.slice(2);
const wantedPackages = wanted.filter((word) => packages.some((pkg) => pkg.name === word));
const wantedScripts = wanted.filter((word) => !wantedPackages.includes(word));

let failed = 0;
for (const pkg of packages) {
  if (wantedPackages.length > 0 && !wantedPackages.includes(pkg.name)) continue;
  const names = Object.keys(pkg.scripts ?? {})
    .filter((s) => s.startsWith('bench:'))
    .filter((s) => wantedScripts.length === 0 || wantedScripts.some((w) => s.includes(w)));
  for (const name of names) {
    console.log(`\n=== ${pkg.name}: npm run ${name}`);
    const result = spawnSync('npm', ['run', '--silent', '-w', pkg.name, name], { cwd: root, stdio: 'inherit' });
    if (result.status !== 0) {
      failed++;
      console.error(`${pkg.name} ${name} failed (exit ${result.status})`);
    }
  }
}
process.exit(failed === 0 ? 0 : 1);
