// Runs every `bench:*` script of package.json in turn (or those named: `npm run bench -- tracker store`).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const wanted = process.argv.slice(2);
const names = Object.keys(pkg.scripts)
  .filter((s) => s.startsWith('bench:'))
  .filter((s) => wanted.length === 0 || wanted.some((w) => s.includes(w)));
let failed = 0;
for (const name of names) {
  console.log(`\n=== npm run ${name}`);
  const result = spawnSync('npm', ['run', '--silent', name], { stdio: 'inherit' });
  if (result.status !== 0) {
    failed++;
    console.error(`${name} failed (exit ${result.status})`);
  }
}
process.exit(failed === 0 ? 0 : 1);
