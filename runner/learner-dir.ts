// Where a learner's files live. The directory name is a keyed hash of the learner id, not
// the id itself: the name shows up in every shell ($HOME, KUBECONFIG, `ls learners/`), and
// the id is the credential in the learner's cookie, so a name must never lead back to it.
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const SECRET_FILE = 'learner-secret';
const LEGACY_IDS_FILE = 'learner-legacy-ids';
/** Learner ids before they were signed: 16 random bytes, base64url. */
const LEGACY_ID = /^[A-Za-z0-9_-]{22}$/;

const secrets = new Map<string, Buffer>();

/** The runner's secret for this data dir, made on first use and readable by its owner only.
 * Linked into place, so two processes starting at once agree on one secret. */
export function learnerSecret(dataDir: string): Buffer {
  const dir = resolve(dataDir);
  const path = join(dir, SECRET_FILE);
  const cached = secrets.get(dir);
  // Checked again each time: a data dir deleted and made anew must not keep a secret that
  // exists only in this process (the next start would sign differently).
  if (cached && existsSync(path)) return cached;
  if (!existsSync(path)) {
    mkdirSync(dir, { recursive: true });
    const draft = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(draft, randomBytes(32).toString('hex'), { mode: 0o600 });
    try {
      linkSync(draft, path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      unlinkSync(draft);
    }
  }
  const secret = Buffer.from(readFileSync(path, 'utf8').trim(), 'hex');
  if (secret.length < 32) throw new Error(`${path} ist beschädigt (zu kurz). Datei löschen, dann meldet sich jeder Lernende neu an.`);
  secrets.set(dir, secret);
  return secret;
}

/** HMAC of `value` under the data dir's secret, separated by purpose so that no derived
 * value (a directory name) can stand in for another (a cookie signature). */
export function keyedHash(dataDir: string, purpose: string, value: string): Buffer {
  return createHmac('sha256', learnerSecret(dataDir)).update(`${purpose}\0${value}`).digest();
}

/** The learner's directory under <dataDir>/learners/ (home, kubeconfig, …). */
export function learnerDir(dataDir: string, learnerId: string): string {
  return join(dataDir, 'learners', keyedHash(dataDir, 'learner-dir', learnerId).toString('hex').slice(0, 32));
}

/** Renames directories named by a raw learner id (before ids were signed) to their
 * derived name and remembers those ids, so their cookies keep working. Runs before
 * anything else touches learners/, so no shell sees an old name again. */
/** The learner's home on the host: their shell's $HOME, or what their sandbox mounts. */
export function learnerHome(dataDir: string, learnerId: string): string {
  return join(learnerDir(dataDir, learnerId), 'home');
}

export function migrateLegacyLearnerDirs(dataDir: string): string[] {
  const learners = join(dataDir, 'learners');
  let entries: string[];
  try {
    entries = readdirSync(learners);
  } catch {
    return legacyLearnerIds(dataDir);
  }
  const migrated = entries.filter((entry) => LEGACY_ID.test(entry));
  if (migrated.length === 0) return legacyLearnerIds(dataDir);
  const known = new Set([...legacyLearnerIds(dataDir), ...migrated]);
  // Recorded first: a crash between the two steps leaves a known id, never a lost one.
  writeFileSync(join(dataDir, LEGACY_IDS_FILE), [...known].map((id) => `${id}\n`).join(''), { mode: 0o600 });
  for (const id of migrated) {
    const target = learnerDir(dataDir, id);
    if (existsSync(target)) continue;
    renameSync(join(learners, id), target);
  }
  return [...known];
}

export function legacyLearnerIds(dataDir: string): string[] {
  try {
    return readFileSync(join(dataDir, LEGACY_IDS_FILE), 'utf8').split('\n').filter((id) => LEGACY_ID.test(id));
  } catch {
    return [];
  }
}
