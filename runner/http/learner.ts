// Who is this browser? A random learner id in an HttpOnly cookie: no account needed,
// and the id alone names the learner's home, shell and (later) cluster and progress.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const LEARNER_COOKIE = 'werkbank_learner';
const LEARNER_ID = /^[A-Za-z0-9_-]{22}$/;

export function isLearnerId(value: string): boolean {
  return LEARNER_ID.test(value);
}

export function readCookie(req: IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const separator = part.indexOf('=');
    if (separator < 0) continue;
    if (part.slice(0, separator).trim() === name) return part.slice(separator + 1).trim();
  }
  return null;
}

/** The learner id from the cookie, or null when missing or malformed. */
export function learnerOf(req: IncomingMessage): string | null {
  const id = readCookie(req, LEARNER_COOKIE);
  return id && isLearnerId(id) ? id : null;
}

/** The learner id, given a new one (and its cookie) when the browser has none. */
export function ensureLearner(req: IncomingMessage, res: ServerResponse): string {
  const existing = learnerOf(req);
  if (existing) return existing;
  const id = randomBytes(16).toString('base64url');
  res.appendHeader(
    'Set-Cookie',
    `${LEARNER_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${400 * 24 * 3600}`,
  );
  return id;
}
