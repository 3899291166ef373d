// Learner progress on disk: every "Prüfen" (attempt) and per step what the learner has
// reached (first pass, attempts, opened hint or solution), in one SQLite file under the
// data directory so that it survives restarts of the runner.
//
// SQLite comes from Node's built-in `node:sqlite` rather than better-sqlite3 (which
// issue 6 names): it is the same SQLite engine with the same synchronous API style, but
// nothing native has to be compiled on install.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

export const PROGRESS_FILE = 'progress.sqlite';

export type RevealKind = 'hint' | 'solution';

export interface AttemptInput {
  learner: string;
  lab: string;
  step: string;
  passed: boolean;
  /** What the learner was shown, stored as JSON (keep technical details out). */
  results: unknown[];
  /** Milliseconds since the epoch; now when absent. */
  checkedAt?: number;
}

/** What one learner has reached in one step. Times are milliseconds since the epoch. */
export interface StepRecord {
  learner: string;
  lab: string;
  step: string;
  attempts: number;
  /** The first time a check of this step passed; stays set even if a later one fails. */
  passedAt: number | null;
  lastCheckedAt: number | null;
  lastPassed: boolean | null;
  lastResults: unknown[] | null;
  hintRevealedAt: number | null;
  solutionRevealedAt: number | null;
}

export interface StoredAttempt {
  id: number;
  learner: string;
  lab: string;
  step: string;
  passed: boolean;
  results: unknown[];
  checkedAt: number;
}

/**
 * Schema changes, applied in order; PRAGMA user_version counts how many already ran.
 * Only ever append: a data directory from an older runner is upgraded step by step.
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE attempts (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     learner TEXT NOT NULL,
     lab TEXT NOT NULL,
     step TEXT NOT NULL,
     passed INTEGER NOT NULL CHECK (passed IN (0, 1)),
     results TEXT NOT NULL,
     checked_at INTEGER NOT NULL
   );
   CREATE INDEX attempts_by_learner ON attempts (learner, lab, step, checked_at);
   CREATE TABLE step_progress (
     learner TEXT NOT NULL,
     lab TEXT NOT NULL,
     step TEXT NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0,
     passed_at INTEGER,
     last_checked_at INTEGER,
     last_passed INTEGER,
     last_results TEXT,
     hint_revealed_at INTEGER,
     solution_revealed_at INTEGER,
     PRIMARY KEY (learner, lab, step)
   ) WITHOUT ROWID;`,
];

interface StepRow {
  learner: string;
  lab: string;
  step: string;
  attempts: number;
  passed_at: number | null;
  last_checked_at: number | null;
  last_passed: number | null;
  last_results: string | null;
  hint_revealed_at: number | null;
  solution_revealed_at: number | null;
}

interface AttemptRow {
  id: number;
  learner: string;
  lab: string;
  step: string;
  passed: number;
  results: string;
  checked_at: number;
}

function parseResults(text: string | null): unknown[] | null {
  if (text === null) return null;
  const value: unknown = JSON.parse(text);
  return Array.isArray(value) ? value : null;
}

function toRecord(row: StepRow): StepRecord {
  return {
    learner: row.learner,
    lab: row.lab,
    step: row.step,
    attempts: row.attempts,
    passedAt: row.passed_at,
    lastCheckedAt: row.last_checked_at,
    lastPassed: row.last_passed === null ? null : row.last_passed === 1,
    lastResults: parseResults(row.last_results),
    hintRevealedAt: row.hint_revealed_at,
    solutionRevealedAt: row.solution_revealed_at,
  };
}

export class ProgressStore {
  readonly path: string;
  private readonly db: DatabaseSync;

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.path = join(dataDir, PROGRESS_FILE);
    // Created empty (a valid SQLite database) with 0600 so that other users of the machine
    // cannot read the class's progress; SQLite gives -wal and -shm the same mode.
    writeFileSync(this.path, '', { flag: 'a', mode: 0o600 });
    this.db = new DatabaseSync(this.path);
    // WAL: readers (progress pages, the instructor's view polling every few seconds) never
    // wait for a writer, and a crash leaves the last committed state readable.
    this.db.exec('PRAGMA journal_mode = WAL');
    // FULL rather than NORMAL: with NORMAL a committed "Prüfen" can vanish on power loss
    // (a process crash loses nothing either way). Writes come at the pace of learners'
    // clicks, so one fsync per commit costs nothing anyone notices.
    this.db.exec('PRAGMA synchronous = FULL');
    this.db.exec('PRAGMA busy_timeout = 5000');
    this.migrate();
  }

  /** Applies the migrations this file has not seen, all in one transaction. */
  private migrate(): void {
    this.transaction(() => {
      const { user_version: version } = this.db.prepare('PRAGMA user_version').get() as { user_version: number };
      for (let index = version; index < MIGRATIONS.length; index += 1) this.db.exec(MIGRATIONS[index]!);
      // user_version lives in the database header, so it commits or rolls back with the rest.
      if (version < MIGRATIONS.length) this.db.exec(`PRAGMA user_version = ${MIGRATIONS.length}`);
    });
  }

  /** The schema version the file is at (number of migrations applied). */
  schemaVersion(): number {
    return (this.db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
  }

  /** Runs `work` in a write transaction: all of it lands on disk, or none of it. */
  private transaction<T>(work: () => T): T {
    // IMMEDIATE takes the write lock up front, so a second process cannot make it fail
    // half-way with SQLITE_BUSY on upgrade from a read lock.
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const result = work();
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
  }

  recordAttempt(attempt: AttemptInput): StepRecord {
    const at = attempt.checkedAt ?? Date.now();
    const results = JSON.stringify(attempt.results);
    const passed = attempt.passed ? 1 : 0;
    this.transaction(() => {
      this.db
        .prepare('INSERT INTO attempts (learner, lab, step, passed, results, checked_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(attempt.learner, attempt.lab, attempt.step, passed, results, at);
      this.db
        .prepare(
          `INSERT INTO step_progress (learner, lab, step, attempts, passed_at, last_checked_at, last_passed, last_results)
           VALUES (?, ?, ?, 1, ?, ?, ?, ?)
           ON CONFLICT (learner, lab, step) DO UPDATE SET
             attempts = attempts + 1,
             passed_at = coalesce(passed_at, excluded.passed_at),
             last_checked_at = excluded.last_checked_at,
             last_passed = excluded.last_passed,
             last_results = excluded.last_results`,
        )
        .run(attempt.learner, attempt.lab, attempt.step, attempt.passed ? at : null, at, passed, results);
    });
    return this.stepProgress(attempt.learner, attempt.lab, attempt.step)!;
  }

  /** Notes the first time the learner opened the step's hint or solution. */
  recordReveal(learner: string, lab: string, step: string, what: RevealKind, at = Date.now()): StepRecord {
    const column = what === 'hint' ? 'hint_revealed_at' : 'solution_revealed_at';
    this.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO step_progress (learner, lab, step, ${column}) VALUES (?, ?, ?, ?)
           ON CONFLICT (learner, lab, step) DO UPDATE SET ${column} = coalesce(${column}, excluded.${column})`,
        )
        .run(learner, lab, step, at);
    });
    return this.stepProgress(learner, lab, step)!;
  }

  stepProgress(learner: string, lab: string, step: string): StepRecord | null {
    const row = this.db
      .prepare('SELECT * FROM step_progress WHERE learner = ? AND lab = ? AND step = ?')
      .get(learner, lab, step) as StepRow | undefined;
    return row ? toRecord(row) : null;
  }

  /** The learner's steps of one lab that have any record (steps never touched are absent). */
  labProgress(learner: string, lab: string): StepRecord[] {
    const rows = this.db.prepare('SELECT * FROM step_progress WHERE learner = ? AND lab = ?').all(learner, lab) as unknown as StepRow[];
    return rows.map(toRecord);
  }

  /** Every step record of one learner, all labs. */
  learnerProgress(learner: string): StepRecord[] {
    const rows = this.db.prepare('SELECT * FROM step_progress WHERE learner = ? ORDER BY lab').all(learner) as unknown as StepRow[];
    return rows.map(toRecord);
  }

  /** Every step record of every learner, for the instructors' page. */
  classProgress(): StepRecord[] {
    const rows = this.db.prepare('SELECT * FROM step_progress ORDER BY learner, lab').all() as unknown as StepRow[];
    return rows.map(toRecord);
  }

  /** The attempts of one learner in one step, oldest first. */
  attempts(learner: string, lab: string, step: string): StoredAttempt[] {
    const rows = this.db
      .prepare('SELECT * FROM attempts WHERE learner = ? AND lab = ? AND step = ? ORDER BY id')
      .all(learner, lab, step) as unknown as AttemptRow[];
    return rows.map((row) => ({
      id: row.id,
      learner: row.learner,
      lab: row.lab,
      step: row.step,
      passed: row.passed === 1,
      results: parseResults(row.results) ?? [],
      checkedAt: row.checked_at,
    }));
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}

export function openProgressStore(dataDir: string): ProgressStore {
  return new ProgressStore(dataDir);
}
