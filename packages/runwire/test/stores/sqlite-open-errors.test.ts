import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { StoreOpenError } from '../../src/errors.js';
import { SqliteDatabase } from '../../src/stores/sqlite/sqlite-database.js';
import { RUNWIRE_APPLICATION_ID, SQLITE_MIGRATIONS } from '../../src/stores/sqlite/sqlite-migrations.js';

const FIX = 'Move it aside (keep it for inspection) or pass --db with another path';
const WRITE_FIX =
  'Check the permissions of the file and its directory (and that the path is not a directory), or pass --db with a writable path';

function openError(file: string): StoreOpenError {
  try {
    SqliteDatabase.open({ file }).close();
  } catch (error) {
    assert.ok(error instanceof StoreOpenError, `expected a StoreOpenError, got ${String(error)}`);
    assert.equal(error.code, 'store_unavailable');
    assert.equal(error.file, file);
    return error;
  }
  assert.fail(`'${file}' opened`);
}

describe('opening a SQLite database that cannot be used', () => {
  let dir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'runwire-open-'));
  });

  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a file that is not a database, naming the file and the fix, and leaves the file as it was', () => {
    const file = join(dir, 'garbage.db');
    const garbage = 'not a database, only text\n'.repeat(200);
    writeFileSync(file, garbage);
    const error = openError(file);
    assert.equal(
      error.message,
      `Cannot open database '${file}': file is not a database (the file is damaged or is not a SQLite database). ${FIX}`,
    );
    assert.equal(readFileSync(file, 'utf8'), garbage, 'the file is not overwritten or emptied');
  });

  it('refuses a database whose schema page is damaged', () => {
    const file = join(dir, 'damaged.db');
    SqliteDatabase.open({ file }).close();
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(3000, 0x41), 0, 3000, 200);
    closeSync(fd);
    const error = openError(file);
    assert.equal(
      error.message,
      `Cannot open database '${file}': database disk image is malformed (the file is damaged or is not a SQLite ` +
        `database). ${FIX}`,
    );
  });

  it('refuses the SQLite database of another application without touching it', () => {
    const file = join(dir, 'other-app.db');
    const other = new Database(file);
    other.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)');
    other.close();
    const error = openError(file);
    assert.equal(
      error.message,
      `Cannot open database '${file}': it is a SQLite database of another application, not a Runwire one. ` +
        'Pass --db with another path',
    );
    const check = new Database(file, { readonly: true });
    assert.equal(check.pragma('user_version', { simple: true }), 0);
    assert.deepEqual(check.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").all(), [{ name: 'notes' }]);
    check.close();
  });

  it('refuses a database written by a newer Runwire', () => {
    const file = join(dir, 'newer.db');
    SqliteDatabase.open({ file }).close();
    const raw = new Database(file);
    raw.pragma('user_version = 99');
    raw.close();
    const error = openError(file);
    const latest = SQLITE_MIGRATIONS.length;
    assert.ok(
      error.message.includes(`written by a newer Runwire (schema version 99; this one knows up to ${latest})`),
      error.message,
    );
    assert.match(error.message, /Upgrade Runwire, or pass --db with another path$/);
    const check = new Database(file, { readonly: true });
    assert.equal(check.pragma('application_id', { simple: true }), RUNWIRE_APPLICATION_ID);
    check.close();
  });

  it('refuses a path below a regular file', () => {
    const blocker = join(dir, 'a-file');
    writeFileSync(blocker, 'x');
    const file = join(blocker, 'sub', 'runwire.db');
    const error = openError(file);
    assert.match(error.message, new RegExp(`^Cannot open database '${file}' for writing: ENOTDIR`));
    assert.ok(error.message.endsWith(WRITE_FIX));
  });

  it('refuses a path that is a directory', () => {
    const file = join(dir, 'a-directory.db');
    mkdirSync(file);
    const error = openError(file);
    assert.equal(
      error.message,
      `Cannot open database '${file}' for writing: unable to open database file. ${WRITE_FIX}`,
    );
  });

  describe('without write permission', () => {
    /** Opens the files in a child process; as root, as the unprivileged user `nobody`, since root may write anywhere. */
    function openAsUnprivileged(files: string[]): Array<{ opened: boolean; name?: string; message?: string }> {
      const script = fileURLToPath(new URL('./fixtures/open-database.ts', import.meta.url));
      const asRoot = process.getuid?.() === 0;
      const result = spawnSync(process.execPath, ['--import', 'tsx', script, ...files], {
        cwd: fileURLToPath(new URL('../..', import.meta.url)),
        encoding: 'utf8',
        env: { ...process.env, HOME: tmpdir() },
        ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
      });
      assert.equal(result.status, 0, result.stderr);
      return result.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
    }

    it('refuses a new database in a directory it may not write, and an existing file it may not write', () => {
      const root = mkdtempSync(join(tmpdir(), 'runwire-perm-'));
      try {
        chmodSync(root, 0o755);
        const readOnlyDir = join(root, 'read-only-dir');
        mkdirSync(readOnlyDir);
        const writableDir = join(root, 'writable-dir');
        mkdirSync(writableDir);
        const readOnlyFile = join(writableDir, 'read-only.db');
        SqliteDatabase.open({ file: readOnlyFile }).close();
        chmodSync(readOnlyDir, 0o555);
        chmodSync(writableDir, 0o777);
        chmodSync(readOnlyFile, 0o444);

        const [newFile, existingFile] = openAsUnprivileged([join(readOnlyDir, 'runwire.db'), readOnlyFile]);
        assert.deepEqual(newFile, {
          file: join(readOnlyDir, 'runwire.db'),
          opened: false,
          name: 'StoreOpenError',
          code: 'store_unavailable',
          message: `Cannot open database '${join(readOnlyDir, 'runwire.db')}' for writing: unable to open database file. ${WRITE_FIX}`,
          at: join(readOnlyDir, 'runwire.db'),
        });
        assert.equal(existingFile?.opened, false);
        assert.equal(
          existingFile?.message,
          `Cannot open database '${readOnlyFile}' for writing: attempt to write a readonly database. ${WRITE_FIX}`,
        );
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    });
  });
});
