// Who is this browser? A learner id the runner made up, signed with the runner's secret and
// kept in an HttpOnly cookie: no account needed, and a cookie the client invented (or one
// copied from a directory name, which is a one-way hash of the id) is not accepted.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse } from 'hono/utils/cookie';
import { keyedHash, legacyLearnerIds } from '../learner-dir.ts';
import { requestIsHttps } from './proxy.ts';

export const LEARNER_COOKIE = 'werkbank_learner';
const LEARNER_ID = /^[A-Za-z0-9_-]{22}$/;
const COOKIE_MAX_AGE_S = 400 * 24 * 3600;

export function isLearnerId(value: string): boolean {
  return LEARNER_ID.test(value);
}

/** One cookie of a request (also of a websocket upgrade, which has no router context). */
export function readCookie(req: IncomingMessage, name: string): string | null {
  return parse(req.headers.cookie ?? '', name)[name] ?? null;
}

/** Where a request's learner id comes from: the pseudonym cookie, or a login session. */
export interface LearnerSource {
  /** The learner id of this request, or null. */
  of(req: IncomingMessage): string | null;
  /** The learner id, made (and its cookie set) when the request has none. */
  ensure(req: IncomingMessage, res: ServerResponse): string;
}

export interface LearnerIdentityOptions {
  dataDir: string;
  /** Believe X-Forwarded-Proto (a reverse proxy in front terminates https). */
  trustProxy: boolean;
}

export class LearnerIdentity implements LearnerSource {
  private readonly options: LearnerIdentityOptions;
  /** Ids from before signing whose directories were migrated: accepted unsigned once more,
   * then re-issued signed. */
  private readonly legacy: Set<string>;

  constructor(options: LearnerIdentityOptions) {
    this.options = options;
    this.legacy = new Set(legacyLearnerIds(options.dataDir));
  }

  private signatureOf(learnerId: string): Buffer {
    return keyedHash(this.options.dataDir, 'learner-cookie', learnerId);
  }

  /** The cookie value for a learner: id and signature. */
  cookieValue(learnerId: string): string {
    return `${learnerId}.${this.signatureOf(learnerId).toString('base64url')}`;
  }

  private verify(value: string | null): { id: string; legacy: boolean } | null {
    if (!value) return null;
    const [id = '', signature, ...rest] = value.split('.');
    if (!isLearnerId(id) || rest.length > 0) return null;
    if (signature === undefined) return this.legacy.has(id) ? { id, legacy: true } : null;
    const given = Buffer.from(signature, 'base64url');
    const expected = this.signatureOf(id);
    return given.length === expected.length && timingSafeEqual(given, expected) ? { id, legacy: false } : null;
  }

  /** The learner id from a validly signed cookie, or null. */
  of(req: IncomingMessage): string | null {
    return this.verify(readCookie(req, LEARNER_COOKIE))?.id ?? null;
  }

  /** The learner id; a browser without a valid cookie becomes a new learner. */
  ensure(req: IncomingMessage, res: ServerResponse): string {
    const found = this.verify(readCookie(req, LEARNER_COOKIE));
    if (found && !found.legacy) return found.id;
    const id = found?.id ?? randomBytes(16).toString('base64url');
    const secure = requestIsHttps(req, this.options.trustProxy) ? '; Secure' : '';
    res.appendHeader(
      'Set-Cookie',
      `${LEARNER_COOKIE}=${this.cookieValue(id)}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${COOKIE_MAX_AGE_S}${secure}`,
    );
    return id;
  }
}
