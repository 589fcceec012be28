import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const PACKAGE = fileURLToPath(new URL('../..', import.meta.url));
const EXAMPLE = fileURLToPath(new URL('../../examples/library.ts', import.meta.url));

describe('the README library example', () => {
  it('is the file examples/library.ts, word for word', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    assert.ok(readme.includes(`\`\`\`ts\n${readFileSync(EXAMPLE, 'utf8')}\`\`\``), 'README lacks examples/library.ts');
  });

  it('runs an agent end to end and prints its events (Node type stripping, the built package)', () => {
    const result = spawnSync(process.execPath, [EXAMPLE], { cwd: PACKAGE, encoding: 'utf8', timeout: 30_000 });
    assert.equal(result.status, 0, result.stderr);
    const lines = result.stdout.trim().split('\n');
    assert.deepEqual(
      lines.slice(0, 6).map((l) => l.split(' ')[1]),
      ['agent_started', 'agent_thinking', 'tool_executing', 'tool_completed', 'partial_result', 'agent_completed'],
    );
    assert.match(lines[5]!, /^#6 agent_completed HELLO \(at \d{4}-\d\d-\d\dT/);
    assert.match(lines[6]!, /^run run_\S+: completed$/);
  });
});
