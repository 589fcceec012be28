import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { StoreOpenError } from '../../src/errors.js';
import { applyMigrations, type SqliteMigration } from '../../src/stores/sqlite/sqlite-migrations.js';

const STEPS: readonly SqliteMigration[] = [
  { version: 1, description: 'notes', sql: 'CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL) STRICT;' },
  { version: 2, description: 'note authors', sql: "ALTER TABLE notes ADD COLUMN author TEXT NOT NULL DEFAULT 'anon';" },
  { version: 3, description: 'note index', sql: 'CREATE INDEX notes_by_author ON notes (author);' },
];

describe('applyMigrations', () => {
  let dir: string;
  let file: string;
  let db: Database.Database;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'runwire-migrate-'));
    file = join(dir, 'test.db');
    db = new Database(file);
  });

  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function applied(): Array<{ version: number; description: string }> {
    return db.prepare('SELECT version, description FROM schema_migrations ORDER BY version').all() as Array<{
      version: number;
      description: string;
    }>;
  }

  it('applies every step in order on a new file and records each', () => {
    applyMigrations(db, file, STEPS);
    assert.equal(db.pragma('user_version', { simple: true }), 3);
    assert.deepEqual(
      applied(),
      STEPS.map((s) => ({ version: s.version, description: s.description })),
    );
    db.prepare('INSERT INTO notes (text) VALUES (?)').run('hello');
    assert.deepEqual(db.prepare('SELECT text, author FROM notes').all(), [{ text: 'hello', author: 'anon' }]);
  });

  it('applies only the steps a file lacks, keeping its data', () => {
    applyMigrations(db, file, STEPS.slice(0, 1));
    db.prepare('INSERT INTO notes (text) VALUES (?)').run('kept');
    applyMigrations(db, file, STEPS);
    assert.equal(db.pragma('user_version', { simple: true }), 3);
    assert.deepEqual(
      applied().map((m) => m.version),
      [1, 2, 3],
    );
    assert.deepEqual(db.prepare('SELECT text, author FROM notes').all(), [{ text: 'kept', author: 'anon' }]);
    applyMigrations(db, file, STEPS);
    assert.equal(applied().length, 3, 'a second run applies nothing');
  });

  it('rolls back a failing step and keeps the steps before it', () => {
    const broken: SqliteMigration = {
      version: 2,
      description: 'broken',
      sql: 'CREATE TABLE half_done (id INTEGER); THIS IS NOT SQL;',
    };
    assert.throws(() => applyMigrations(db, file, [STEPS[0] as SqliteMigration, broken]), /syntax error/);
    assert.equal(db.pragma('user_version', { simple: true }), 1);
    assert.deepEqual(
      applied().map((m) => m.version),
      [1],
    );
    assert.equal(db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'half_done'").pluck().get(), 0);
  });

  it('refuses a file whose schema is newer than the steps it knows', () => {
    applyMigrations(db, file, STEPS);
    assert.throws(
      () => applyMigrations(db, file, STEPS.slice(0, 2)),
      (error: unknown) => {
        assert.ok(error instanceof StoreOpenError);
        assert.equal(
          error.message,
          `Cannot open database '${file}': it was written by a newer Runwire (schema version 3; this one knows up ` +
            'to 2). Upgrade Runwire, or pass --db with another path',
        );
        return true;
      },
    );
  });
});
