// The instructors' key to the class overview: a bearer token from the environment, or one
// the runner makes up once and keeps in the data directory, so it stays the same across
// restarts and the instructor's bookmark keeps working.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const INSTRUCTOR_TOKEN_FILE = 'instructor-token';

export interface InstructorToken {
  token: string;
  /** Where it came from, so the start-up message can say where to look. */
  source: 'env' | 'file' | 'new';
  /** The file it is kept in (also when it came from the environment: not written then). */
  path: string;
}

export function loadInstructorToken(dataDir: string, fromEnv?: string): InstructorToken {
  const path = join(dataDir, INSTRUCTOR_TOKEN_FILE);
  if (fromEnv && fromEnv.trim() !== '') return { token: fromEnv.trim(), source: 'env', path };
  try {
    const stored = readFileSync(path, 'utf8').trim();
    if (stored !== '') return { token: stored, source: 'file', path };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dataDir, { recursive: true });
  const token = randomBytes(24).toString('base64url');
  // 0600: other users on a shared machine must not read the class's progress.
  writeFileSync(path, `${token}\n`, { mode: 0o600 });
  return { token, source: 'new', path };
}

/** Compares in constant time (hashing first makes the lengths equal, too). */
export function tokenMatches(expected: string, given: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(expected), digest(given));
}

/** The token from an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1] ?? null;
}
