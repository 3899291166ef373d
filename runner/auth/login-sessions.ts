// Who signed in on this browser: a server-side session behind a signed, HttpOnly cookie.
// Signing keeps made-up cookies out before any lookup; keeping the session on the server
// lets "Abmelden" end it for good (a copied cookie is worthless afterwards) and lets it
// expire whatever the browser does with Max-Age.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { z } from 'zod';
import { keyedHash } from '../learner-dir.ts';
import { readCookie } from '../http/learner.ts';
import { requestIsHttps } from '../http/proxy.ts';

export const SESSION_COOKIE = 'werkbank_session';
const SESSIONS_FILE = 'login-sessions.json';

const sessionSchema = z.object({
  learnerId: z.string(),
  instructor: z.boolean(),
  expiresAt: z.number(),
});
export type LoginSession = z.infer<typeof sessionSchema>;
/** Kept under a keyed hash of the session id: the file alone opens no session. */
const fileSchema = z.record(z.string(), sessionSchema);

export interface LoginSessionsOptions {
  dataDir: string;
  trustProxy: boolean;
  lifetimeMs: number;
  now?: () => number;
}

export class LoginSessions {
  private readonly options: LoginSessionsOptions;
  private readonly now: () => number;
  private readonly path: string;
  private readonly sessions: Map<string, LoginSession>;

  constructor(options: LoginSessionsOptions) {
    this.options = options;
    this.now = options.now ?? Date.now;
    this.path = join(options.dataDir, SESSIONS_FILE);
    this.sessions = new Map(existsSync(this.path) ? Object.entries(fileSchema.parse(JSON.parse(readFileSync(this.path, 'utf8')))) : []);
  }

  private key(sessionId: string): string {
    return keyedHash(this.options.dataDir, 'login-session', sessionId).toString('hex');
  }

  private signature(sessionId: string): Buffer {
    return keyedHash(this.options.dataDir, 'login-session-cookie', sessionId);
  }

  private save(): void {
    const now = this.now();
    for (const [key, session] of this.sessions) if (session.expiresAt <= now) this.sessions.delete(key);
    const draft = `${this.path}.${process.pid}`;
    writeFileSync(draft, JSON.stringify(Object.fromEntries(this.sessions)), { mode: 0o600 });
    renameSync(draft, this.path);
  }

  private sessionId(req: IncomingMessage): string | null {
    const [id = '', signature, ...rest] = (readCookie(req, SESSION_COOKIE) ?? '').split('.');
    if (!/^[A-Za-z0-9_-]{43}$/.test(id) || signature === undefined || rest.length > 0) return null;
    const given = Buffer.from(signature, 'base64url');
    const expected = this.signature(id);
    return given.length === expected.length && timingSafeEqual(given, expected) ? id : null;
  }

  /** The session of a validly signed, unexpired, not ended session cookie, or null. */
  of(req: IncomingMessage): LoginSession | null {
    const id = this.sessionId(req);
    if (!id) return null;
    const session = this.sessions.get(this.key(id));
    return session && session.expiresAt > this.now() ? session : null;
  }

  /** Starts a session and sets its cookie. */
  start(req: IncomingMessage, res: ServerResponse, learnerId: string, instructor: boolean): void {
    // A sign-in in a browser that had a session replaces it: the old id opens nothing more.
    const previous = this.sessionId(req);
    if (previous) this.sessions.delete(this.key(previous));
    const id = randomBytes(32).toString('base64url');
    this.sessions.set(this.key(id), { learnerId, instructor, expiresAt: this.now() + this.options.lifetimeMs });
    this.save();
    this.setCookie(req, res, `${id}.${this.signature(id).toString('base64url')}`, Math.floor(this.options.lifetimeMs / 1000));
  }

  /** Ends the browser's session (if any) and clears its cookie. */
  end(req: IncomingMessage, res: ServerResponse): void {
    const id = this.sessionId(req);
    if (id && this.sessions.delete(this.key(id))) this.save();
    this.setCookie(req, res, '', 0);
  }

  private setCookie(req: IncomingMessage, res: ServerResponse, value: string, maxAgeS: number): void {
    const secure = requestIsHttps(req, this.options.trustProxy) ? '; Secure' : '';
    res.appendHeader('Set-Cookie', `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeS}${secure}`);
  }
}
