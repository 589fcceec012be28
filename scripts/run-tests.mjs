// Runs every *.test.ts of every workspace package (packages/*/src and packages/*/test) through Node's test runner,
// with tsx for TypeScript. Pass paths or substrings to run a subset:
//   node scripts/run-tests.mjs tracker gateway        node scripts/run-tests.mjs packages/check/
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

function collect(dir, out) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    if (name === 'node_modules' || name === 'fixtures' || name === 'dist' || name.startsWith('.')) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) collect(full, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, full));
  }
  return out;
}

const packagesDir = join(root, 'packages');
const packages = readdirSync(packagesDir).filter((name) => statSync(join(packagesDir, name)).isDirectory());
const filters = process.argv.slice(2);
const files = packages
  .flatMap((name) => [...collect(join(packagesDir, name, 'src'), []), ...collect(join(packagesDir, name, 'test'), [])])
  .sort()
  .filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)));

if (files.length === 0) {
  console.error(`no test files matched ${filters.join(' ') || '(all)'}`);
  process.exit(1);
}

// The robustness suite times another user's round trips during storms and floods: it runs after the other files, one
// file at a time, so that what it measures is the server under attack and not the suite's other tests sharing the
// machine (run beside another test file, a storm's server waited over a second for a CPU; see run-queue-wait.ts).
const measuresTiming = (file) => file.includes('/test/robustness/');
const batches = [
  { files: files.filter((file) => !measuresTiming(file)), concurrency: process.env.RUNWIRE_TEST_CONCURRENCY ?? '2' },
  { files: files.filter(measuresTiming), concurrency: '1' },
].filter((batch) => batch.files.length > 0);

console.log(`node ${process.version}: ${files.length} test files`);
let status = 0;
for (const batch of batches) {
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', `--test-concurrency=${batch.concurrency}`, '--test-timeout=120000', ...batch.files],
    { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: process.env.NODE_ENV ?? 'test' } },
  );
  if (result.status !== 0) status = result.status ?? 1;
}
process.exit(status);
