// Sign-in as an attacker would try it: made-up, expired and ended session cookies, answers
// from the provider that belong to another sign-in, and two people who must never share a
// learner. Against a real OpenID Connect provider on 127.0.0.1 (no browser needed here).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { loadConfig } from '../config.ts';
import { startRunner, type Runner } from '../server.ts';
import { startTestOidcProvider, type TestOidcProvider } from '../testing/oidc-provider.ts';
import { LoginSessions, SESSION_COOKIE } from './login-sessions.ts';

/** A cookie jar and redirect-following client, enough for the provider's plain HTML forms. */
class Client {
  readonly cookies = new Map<string, string>();

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), ...(cookie ? { cookie } : {}) } });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const separator = pair.indexOf('=');
      const name = pair.slice(0, separator).trim();
      const value = pair.slice(separator + 1).trim();
      if (value === '' || /max-age=0\b/i.test(line) || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  async json(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await this.request(url);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }
}

let idp: TestOidcProvider;
let runner: Runner;
let runnerData: string;

beforeAll(async () => {
  idp = await startTestOidcProvider({
    anna: { name: 'Anna A.', email: 'anna@schule.example', groups: ['klasse'] },
    bert: { name: 'Bert B.', email: 'bert@schule.example', groups: ['klasse'] },
  });
  runnerData = await mkdtemp(join(tmpdir(), 'werkbank-oidc-'));
  const oidc = { issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret, scopes: 'openid profile email', instructorClaim: 'groups', instructorValue: 'lehrende', sessionHours: 1 };
  runner = await startRunner(
    { ...loadConfig({}), host: '127.0.0.1', port: 0, dataDir: runnerData, siteDir: null, rateLimitPerMinute: 100_000, instructorToken: 'token-fuer-grade', oidc },
    {
      // Grading with every signed-in learner's cluster gone: they are listed as skipped.
      learnersWithClusters: () => (JSON.parse(readFileSync(join(runnerData, 'accounts.json'), 'utf8')) as { learnerId: string }[]).map((account) => account.learnerId),
      clusterFor: () => Promise.resolve(null),
    },
  );
  idp.attach(runner.url);
});
afterAll(async () => {
  await runner?.close();
  await idp?.close();
  await rm(runnerData, { recursive: true, force: true });
});

/** Goes from the runner's login through the provider's login and consent forms to the
 * runner's callback; `tamper` may change the authorization request on its way. */
async function signIn(client: Client, account: string, tamper: (authorize: URL) => void = () => {}): Promise<Response> {
  let response = await client.request(`${runner.url}/api/auth/login?returnTo=/lektionen/speicher/`);
  expect(response.status).toBe(302);
  const authorize = new URL(response.headers.get('location')!);
  tamper(authorize);
  let url = authorize.href;
  for (let hop = 0; hop < 20; hop++) {
    if (url.startsWith(`${runner.url}/api/auth/callback`)) return client.request(url);
    response = await client.request(url);
    if (response.status >= 300 && response.status < 400) {
      url = new URL(response.headers.get('location')!, url).href;
      continue;
    }
    const page = await response.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(page)?.[1]?.replaceAll('&amp;', '&');
    if (!action) throw new Error(`Keine Weiterleitung und kein Formular (${response.status}): ${page.slice(0, 300)}`);
    const form: Record<string, string> = page.includes('name="login"') ? { prompt: 'login', login: account, password: 'egal' } : { prompt: 'consent' };
    response = await client.request(new URL(action, url).href, { method: 'POST', body: new URLSearchParams(form) });
    url = new URL(response.headers.get('location')!, url).href;
  }
  throw new Error('Die Anmeldung kommt nicht beim Runner an.');
}

async function hintRevealed(client: Client): Promise<boolean | 'abgelehnt'> {
  const { status, body } = await client.json(`${runner.url}/api/labs/speicher/progress`);
  if (status !== 200) return 'abgelehnt';
  return (body.steps as { id: string; hintRevealed: boolean }[]).find((step) => step.id === 'pvc')!.hintRevealed;
}

describe('sign-in with OpenID Connect', () => {
  it('binds a person to one learner on every device, and never to another person’s', async () => {
    const annaLaptop = new Client();
    const signedIn = await signIn(annaLaptop, 'anna');
    expect(signedIn.status).toBe(302);
    expect(signedIn.headers.get('location')).toBe('/lektionen/speicher/');
    expect((await annaLaptop.json(`${runner.url}/api/auth/me`)).body.user).toEqual({ name: 'Anna A.', email: 'anna@schule.example', instructor: false });
    const reveal = await annaLaptop.request(`${runner.url}/api/labs/speicher/steps/pvc/reveal`, {
      method: 'POST',
      headers: { origin: runner.url, 'content-type': 'application/json' },
      body: JSON.stringify({ what: 'hint' }),
    });
    expect(reveal.status).toBe(200);
    expect(await hintRevealed(annaLaptop)).toBe(true);

    const bert = new Client();
    expect((await signIn(bert, 'bert')).status).toBe(302);
    expect(await hintRevealed(bert)).toBe(false);

    const annaPhone = new Client();
    expect((await signIn(annaPhone, 'anna')).status).toBe(302);
    expect(await hintRevealed(annaPhone)).toBe(true);

    // Instructors (here with the token `werkbank grade` uses) see her name, not a pseudonym.
    const classView = await fetch(`${runner.url}/api/lehrende/progress`, { headers: { authorization: 'Bearer token-fuer-grade' } });
    const learners = ((await classView.json()) as { learners: { name?: string }[] }).learners;
    expect(learners.map((learner) => learner.name)).toEqual(['Anna A.']);
    // `werkbank grade` (the same token) lists them by name, too.
    const grade = await fetch(`${runner.url}/api/lehrende/grade`, { method: 'POST', headers: { authorization: 'Bearer token-fuer-grade' } });
    expect(((await grade.json()) as { skipped: string[] }).skipped).toEqual(['Anna A.', 'Bert B.']);
    // A signed-in learner without the instructor role does not get the class.
    expect((await bert.request(`${runner.url}/api/lehrende/progress`)).status).toBe(403);
  });

  it('refuses an answer whose state belongs to no sign-in of this browser', async () => {
    const client = new Client();
    const answer = await signIn(client, 'anna', (authorize) => authorize.searchParams.set('state', 'von-jemand-anderem'));
    expect(answer.status).toBe(400);
    expect(await answer.text()).toContain('Die Anmeldung hat nicht geklappt');
    expect(client.cookies.has(SESSION_COOKIE)).toBe(false);
    expect(await hintRevealed(client)).toBe('abgelehnt');
  });

  it('refuses an ID token whose nonce belongs to another sign-in', async () => {
    const client = new Client();
    const answer = await signIn(client, 'anna', (authorize) => authorize.searchParams.set('nonce', 'eingeschleust'));
    expect(answer.status).toBe(400);
    expect(client.cookies.has(SESSION_COOKIE)).toBe(false);
    expect(await hintRevealed(client)).toBe('abgelehnt');
  });

  it('refuses a callback replayed without the browser that started the sign-in', async () => {
    const client = new Client();
    let callback = '';
    const original = client.request.bind(client);
    client.request = (url, init) => {
      if (url.startsWith(`${runner.url}/api/auth/callback`)) callback = url;
      return original(url, init);
    };
    expect((await signIn(client, 'anna')).status).toBe(302);
    const thief = new Client();
    const replay = await thief.request(callback);
    expect(replay.status).toBe(400);
    expect(thief.cookies.has(SESSION_COOKIE)).toBe(false);
  });

  it('answers the API and the terminal ticket with 401 and the way to sign in', async () => {
    const ticket = await fetch(`${runner.url}/api/terminal/ticket`, { method: 'POST', headers: { origin: runner.url } });
    expect(ticket.status).toBe(401);
    expect(await ticket.json()).toEqual({ ok: false, error: 'Bitte melde dich zuerst an: oben rechts auf „Anmelden“.', login: '/api/auth/login' });
    expect((await fetch(`${runner.url}/api/health`)).status).toBe(200);
  });

  it('signs out only from the runner’s own page, and then the session opens nothing', async () => {
    const carla = new Client();
    expect((await signIn(carla, 'anna')).status).toBe(302);
    const foreign = await carla.request(`${runner.url}/api/auth/logout`, { method: 'POST', headers: { origin: 'https://fremd.example' } });
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toEqual({ ok: false, error: 'Diese Seite darf dich nicht abmelden.' });
    expect((await carla.json(`${runner.url}/api/auth/me`)).body.user).not.toBeNull();

    const out = await carla.request(`${runner.url}/api/auth/logout`, { method: 'POST', headers: { origin: runner.url } });
    expect(out.status).toBe(200);
    expect(((await out.json()) as { ok: boolean }).ok).toBe(true);
    expect((await carla.json(`${runner.url}/api/auth/me`)).body.user).toBeNull();
    expect((await carla.request(`${runner.url}/api/progress`)).status).toBe(401);
  });
});

describe('login sessions', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'werkbank-sessions-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  const request = (cookie?: string) => ({ headers: cookie ? { cookie } : {}, socket: {} }) as unknown as IncomingMessage;
  function response() {
    const cookies: string[] = [];
    return { cookies, res: { appendHeader: (_name: string, value: string) => cookies.push(value) } as unknown as ServerResponse };
  }

  it('refuses forged, tampered, expired and ended session cookies', () => {
    let now = 1_000_000;
    const sessions = new LoginSessions({ dataDir, trustProxy: false, lifetimeMs: 60_000, now: () => now });
    const { cookies, res } = response();
    sessions.start(request(), res, 'learner-a', false);
    const cookie = cookies[0]!.split(';')[0]!;
    expect(cookies[0]).toMatch(/; Path=\/; HttpOnly; SameSite=Lax; Max-Age=60$/);
    expect(sessions.of(request(cookie))?.learnerId).toBe('learner-a');

    const [id, signature] = cookie.slice(SESSION_COOKIE.length + 1).split('.') as [string, string];
    const forgedId = `${SESSION_COOKIE}=${'A'.repeat(43)}.${signature}`;
    const tampered = `${SESSION_COOKIE}=${id}.${signature.slice(0, -2)}AA`;
    const unsigned = `${SESSION_COOKIE}=${id}`;
    for (const bad of [forgedId, tampered, unsigned]) expect(sessions.of(request(bad))).toBeNull();

    // A second runner start (same data dir) still knows it; after its lifetime nobody does.
    expect(new LoginSessions({ dataDir, trustProxy: false, lifetimeMs: 60_000, now: () => now }).of(request(cookie))?.learnerId).toBe('learner-a');
    now += 60_001;
    expect(sessions.of(request(cookie))).toBeNull();

    // Signing out ends the session on the server: a copy of the cookie is worthless.
    now = 1_000_000;
    const second = response();
    sessions.start(request(), second.res, 'learner-b', false);
    const copy = second.cookies[0]!.split(';')[0]!;
    sessions.end(request(copy), response().res);
    expect(sessions.of(request(copy))).toBeNull();
  });
});
