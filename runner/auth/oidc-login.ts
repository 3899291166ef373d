// Sign-in with OpenID Connect (authorization code flow with PKCE, state and nonce):
//   GET  /api/auth/me        who is signed in here ({ enabled, user })
//   GET  /api/auth/login     off to the provider (?returnTo=/path: where to come back to)
//   GET  /api/auth/callback  the provider's answer: a session, then back to returnTo
//   POST /api/auth/logout    ends the session; answers where to go to end the provider's too
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as oidc from 'openid-client';
import type { OidcSettings } from '../config.ts';
import { readCookie, type LearnerSource } from '../http/learner.ts';
import { API, type AuthMeResponse, type LogoutResponse } from '../http/contract.ts';
import { requestIsHttps } from '../http/proxy.ts';
import { reply, type ApiContext } from '../http/respond.ts';
import { Accounts } from './accounts.ts';
import { LoginSessions, type LoginSession } from './login-sessions.ts';

export const AUTH_PREFIX = API.authPrefix;
export const LOGIN_PATH = API.authLogin;
const CALLBACK_PATH = API.authCallback;
const FLOW_COOKIE = 'werkbank_login';
const FLOW_TTL_MS = 10 * 60_000;
/** Sign-ins under way at most: anyone can start one, so their number must not grow unbounded. */
const MAX_FLOWS = 10_000;

/** One sign-in under way: what the callback must find again (kept here, not in the browser). */
interface Flow {
  state: string;
  nonce: string;
  codeVerifier: string;
  redirectUri: string;
  returnTo: string;
  expiresAt: number;
}

export interface OidcLoginOptions {
  dataDir: string;
  trustProxy: boolean;
  settings: OidcSettings;
  /** The provider's configuration; discovered from the issuer when absent (tests hand one in). */
  configuration?: oidc.Configuration;
  now?: () => number;
}

function isLoopback(url: URL): boolean {
  return ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

/** A path on this site only: a returnTo pointing elsewhere would make the login an open
 * redirect. Browsers drop tabs and line breaks from a Location ("/\t/evil" becomes
 * "//evil") and read "\" as "/", so control characters, spaces and backslashes go too. */
export function safeReturnTo(value: string | null): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || /[\u0000-\u0020\u007f\\]/.test(value)) return '/';
  return value;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** The provider's pages end up here on failure: a page a person can read, with a way on. */
function page(c: ApiContext, status: 400 | 502, message: string): Response {
  const body = `<!doctype html><html lang="de"><meta charset="utf-8"><title>Anmeldung</title><main><h1>Anmeldung</h1><p>${escapeHtml(message)}</p><p><a href="${LOGIN_PATH}">Noch einmal anmelden</a> · <a href="/">Zur Startseite</a></p></main></html>`;
  return c.body(body, status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
}

/** Off to the provider, or back into the course. */
function redirect(c: ApiContext, location: string): Response {
  return c.body(null, 302, { Location: location, 'Cache-Control': 'no-store' });
}

function claimString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** Instructor when the configured claim holds the configured value (a list of groups, one
 * role string, or `true` when no value is set). */
export function isInstructor(claims: Record<string, unknown>, settings: Pick<OidcSettings, 'instructorClaim' | 'instructorValue'>): boolean {
  const value = claims[settings.instructorClaim];
  const wanted = settings.instructorValue;
  if (wanted === undefined) return value === true;
  if (Array.isArray(value)) return value.includes(wanted);
  return value === wanted;
}

export class OidcLogin {
  readonly sessions: LoginSessions;
  readonly accounts: Accounts;
  private readonly options: OidcLoginOptions;
  private readonly now: () => number;
  private readonly flows = new Map<string, Flow>();
  private configuration: Promise<oidc.Configuration> | null;

  constructor(options: OidcLoginOptions) {
    this.options = options;
    this.now = options.now ?? Date.now;
    this.sessions = new LoginSessions({
      dataDir: options.dataDir,
      trustProxy: options.trustProxy,
      lifetimeMs: options.settings.sessionHours * 3600_000,
      now: this.now,
    });
    this.accounts = new Accounts(options.dataDir);
    this.configuration = options.configuration ? Promise.resolve(options.configuration) : null;
  }

  /** Discovered on first use and kept; a provider that was down is asked again next time. */
  private provider(): Promise<oidc.Configuration> {
    if (!this.configuration) {
      const { issuer, clientId, clientSecret } = this.options.settings;
      const issuerUrl = new URL(issuer);
      this.configuration = oidc
        .discovery(issuerUrl, clientId, clientSecret, undefined, {
          // Plain http only for a provider on this machine (tests, a local setup).
          ...(issuerUrl.protocol === 'http:' && isLoopback(issuerUrl) ? { execute: [oidc.allowInsecureRequests] } : {}),
          timeout: 10,
        })
        .catch((error: unknown) => {
          this.configuration = null;
          throw error;
        });
    }
    return this.configuration;
  }

  session(req: IncomingMessage): LoginSession | null {
    return this.sessions.of(req);
  }

  /** Learner ids from the login session; the runner lets no request without one get this far. */
  learners(): LearnerSource {
    return {
      of: (req) => this.session(req)?.learnerId ?? null,
      ensure: (req) => {
        const learnerId = this.session(req)?.learnerId;
        if (!learnerId) throw new Error('Anfrage ohne Anmeldung an einer Stelle, die eine braucht');
        return learnerId;
      },
    };
  }

  private baseUrl(req: IncomingMessage): string {
    const configured = this.options.settings.publicUrl;
    if (configured) return configured.replace(/\/+$/, '');
    return `${requestIsHttps(req, this.options.trustProxy) ? 'https' : 'http'}://${req.headers.host ?? '127.0.0.1'}`;
  }

  private flowCookie(req: IncomingMessage, res: ServerResponse, value: string, maxAgeS: number): void {
    const secure = requestIsHttps(req, this.options.trustProxy) ? '; Secure' : '';
    // Lax: the provider sends the browser back with a top-level GET, which carries it.
    res.appendHeader('Set-Cookie', `${FLOW_COOKIE}=${value}; Path=${AUTH_PREFIX}; HttpOnly; SameSite=Lax; Max-Age=${maxAgeS}${secure}`);
  }

  /** GET /api/auth/me: who is signed in here. */
  me(c: ApiContext): Response {
    const session = this.session(c.env.incoming);
    const account = session ? this.accounts.byLearner(session.learnerId) : undefined;
    return reply<AuthMeResponse>(c, 200, {
      enabled: true,
      user: session ? { name: account?.name ?? null, email: account?.email ?? null, instructor: session.instructor } : null,
    });
  }

  /** POST /api/auth/logout (the router checked the origin): ends the session here and says
   * where the browser ends the provider's. */
  async logout(c: ApiContext): Promise<Response> {
    const req = c.env.incoming;
    this.sessions.end(req, c.env.outgoing);
    let target = '/';
    try {
      const provider = await this.provider();
      // Also out at the provider: otherwise the next "Anmelden" signs in again without asking.
      if (provider.serverMetadata().end_session_endpoint) {
        target = oidc.buildEndSessionUrl(provider, { post_logout_redirect_uri: `${this.baseUrl(req)}/` }).href;
      }
    } catch (error) {
      console.error('[auth] Abmelden beim Anmeldedienst nicht möglich:', error);
    }
    return reply<LogoutResponse>(c, 200, { ok: true, redirect: target });
  }

  /** GET /api/auth/login: off to the provider (?returnTo=/path: where to come back to). */
  async login(c: ApiContext): Promise<Response> {
    const req = c.env.incoming;
    let provider: oidc.Configuration;
    try {
      provider = await this.provider();
    } catch (error) {
      console.error(`[auth] Anmeldedienst ${this.options.settings.issuer} nicht erreichbar:`, error);
      return page(c, 502, 'Der Anmeldedienst antwortet gerade nicht. Versuche es in einer Minute noch einmal; hält es an, sag deinen Lehrenden Bescheid.');
    }
    const now = this.now();
    for (const [id, flow] of this.flows) if (flow.expiresAt <= now) this.flows.delete(id);
    // The oldest first (a Map keeps insertion order): a flood ends only the flood's own sign-ins.
    for (const id of this.flows.keys()) {
      if (this.flows.size < MAX_FLOWS) break;
      this.flows.delete(id);
    }
    const flow: Flow = {
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      codeVerifier: oidc.randomPKCECodeVerifier(),
      redirectUri: `${this.baseUrl(req)}${CALLBACK_PATH}`,
      returnTo: safeReturnTo(new URL(req.url ?? '/', 'http://runner').searchParams.get('returnTo')),
      expiresAt: now + FLOW_TTL_MS,
    };
    const flowId = randomBytes(24).toString('base64url');
    this.flows.set(flowId, flow);
    const target = oidc.buildAuthorizationUrl(provider, {
      redirect_uri: flow.redirectUri,
      scope: this.options.settings.scopes,
      code_challenge: await oidc.calculatePKCECodeChallenge(flow.codeVerifier),
      code_challenge_method: 'S256',
      state: flow.state,
      nonce: flow.nonce,
    });
    this.flowCookie(req, c.env.outgoing, flowId, FLOW_TTL_MS / 1000);
    return redirect(c, target.href);
  }

  /** GET /api/auth/callback: the provider's answer; a session, then back to returnTo. */
  async callback(c: ApiContext): Promise<Response> {
    const req = c.env.incoming;
    const res = c.env.outgoing;
    const flowId = readCookie(req, FLOW_COOKIE) ?? '';
    const flow = this.flows.get(flowId);
    // Used up by any answer: a replayed callback finds nothing.
    this.flows.delete(flowId);
    this.flowCookie(req, res, '', 0);
    if (!flow || flow.expiresAt <= this.now()) {
      return page(c, 400, 'Diese Anmeldung ist abgelaufen oder wurde in einem anderen Browser begonnen. Melde dich noch einmal an.');
    }
    let claims: Record<string, unknown>;
    let issuer: string;
    try {
      const provider = await this.provider();
      issuer = provider.serverMetadata().issuer;
      const answer = new URL(flow.redirectUri);
      answer.search = new URL(req.url ?? '/', 'http://runner').search;
      const tokens = await oidc.authorizationCodeGrant(provider, answer, {
        pkceCodeVerifier: flow.codeVerifier,
        expectedState: flow.state,
        expectedNonce: flow.nonce,
        idTokenExpected: true,
      });
      const idClaims = tokens.claims();
      if (!idClaims) throw new Error('kein ID-Token');
      claims = { ...idClaims };
      // Many providers put name, e-mail and groups only into the userinfo answer.
      if (provider.serverMetadata().userinfo_endpoint) {
        const info = await oidc.fetchUserInfo(provider, tokens.access_token, idClaims.sub);
        claims = { ...info, ...idClaims };
      }
    } catch (error) {
      console.error('[auth] Anmeldung abgelehnt:', error instanceof Error ? error.message : error);
      return page(c, 400, 'Die Anmeldung hat nicht geklappt (die Antwort des Anmeldedienstes passt nicht zu dieser Anmeldung). Melde dich noch einmal an.');
    }
    const account = this.accounts.signIn(issuer, String(claims.sub), {
      name: claimString(claims.name) ?? claimString(claims.preferred_username),
      email: claimString(claims.email),
    });
    this.sessions.start(req, res, account.learnerId, isInstructor(claims, this.options.settings));
    return redirect(c, flow.returnTo);
  }
}
