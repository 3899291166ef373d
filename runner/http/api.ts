// The runner's HTTP API on Hono (served through @hono/node-server): the addresses of
// contract.ts, in the order a request meets them — health and preparation answer
// everyone, then sign-in, then (with sign-in) the gate, then the learner's routes.
// Whatever matches nothing gets a German 404 naming method and path.
import type { IncomingMessage } from 'node:http';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { OidcLogin } from '../auth/oidc-login.ts';
import type { Capabilities } from '../capabilities.ts';
import type { PreparationGate } from '../setup/preparation-route.ts';
import type { TerminalStats } from '../terminal/connection.ts';
import type { Admission } from '../terminal/limits.ts';
import { API, INSTRUCTOR_PREFIX, type ApiError, type AuthMeResponse, type HealthResponse, type SignInRequired, type TicketAnswer, type TicketBody } from './contract.ts';
import { BODY_LIMIT_BYTES, ticketBody } from './contract-bodies.ts';
import { clusterRoutes, type ClusterRouteContext } from './clusters.ts';
import { labRoutes, type LabRouteContext } from './labs.ts';
import type { LearnerSource } from './learner.ts';
import type { RateLimiter } from './rate-limit.ts';
import { reply, replyError, sameOrigin, type ApiEnv } from './respond.ts';

export interface ApiDependencies {
  login: OidcLogin | null;
  learners: LearnerSource;
  rateLimit: RateLimiter;
  /** The client's address for the rate limit (X-Forwarded-For only behind a trusted proxy). */
  clientAddress: (req: IncomingMessage) => string;
  originAllowed: (req: IncomingMessage) => boolean;
  preparation: PreparationGate;
  health: () => Promise<{ capabilities: Capabilities; live: number; stats: TerminalStats }>;
  ticket: {
    admit: (learnerId: string) => Admission;
    /** German refusal when the learner's shell would not fit, else null. */
    noRoom: (learnerId: string) => string | null;
    /** With the terminal's size the learner's shell starts now, before their socket. */
    issue: (learnerId: string, size: TicketBody | null) => { ticket: string; expiresInMs: number };
  };
  clusters: Omit<ClusterRouteContext, 'learners' | 'originAllowed' | 'rateLimited'>;
  labs: Omit<LabRouteContext, 'learners' | 'originAllowed'>;
}

export function apiRouter(deps: ApiDependencies): Hono<ApiEnv> {
  const { login, preparation } = deps;
  const app = new Hono<ApiEnv>();

  /** Ticket, cluster and sign-in requests: a 429 when this client asked too often. */
  const rateLimited: MiddlewareHandler<ApiEnv> = async (c, next) => {
    const verdict = deps.rateLimit.take(deps.clientAddress(c.env.incoming));
    if (verdict.ok) return next();
    c.header('Retry-After', String(verdict.retryAfterS));
    return replyError(c, 429, `Zu viele Anfragen in kurzer Zeit. Bitte warte ${verdict.retryAfterS} Sekunden und versuche es dann noch einmal.`);
  };

  const unknownAddress = (c: Context) => replyError(c, 404, `Unbekannte API-Adresse: ${c.req.method} ${c.req.path}`);
  app.notFound(unknownAddress);
  app.onError((error, c) => {
    console.error('[runner] API-Fehler:', error);
    if (c.env.outgoing.headersSent) return RESPONSE_ALREADY_SENT;
    return replyError(c, 500, 'Interner Fehler im Runner. Bitte später erneut versuchen.');
  });
  // Hono answers HEAD with its GET route; the API has no HEAD routes.
  app.use(async (c, next) => (c.req.method === 'HEAD' ? unknownAddress(c) : next()));

  app.get(API.health, async (c) => {
    const { capabilities, live, stats } = await deps.health();
    return reply<HealthResponse>(c, 200, { ok: true, node: process.version, capabilities, terminals: { live, ...stats } });
  });
  app.get(API.preparation, (c) => {
    const answer = preparation.state();
    return reply(c, answer.status, answer.body);
  });

  if (login) {
    app.use(API.authLogin, rateLimited);
    app.get(API.authMe, (c) => login.me(c));
    app.get(API.authLogin, (c) => login.login(c));
    app.get(API.authCallback, (c) => login.callback(c));
    app.post(API.authLogout, sameOrigin(deps.originAllowed, 'Diese Seite darf dich nicht abmelden.'), (c) => login.logout(c));
    // Nothing but the routes above answers without a session (instructors' routes check
    // their session or token themselves).
    app.use(async (c, next) => {
      if (c.req.path.startsWith(INSTRUCTOR_PREFIX) || login.session(c.env.incoming)) return next();
      return reply<SignInRequired>(c, 401, { ok: false, error: 'Bitte melde dich zuerst an: oben rechts auf „Anmelden“.', login: API.authLogin });
    });
  } else {
    app.get(API.authMe, (c) => reply<AuthMeResponse>(c, 200, { enabled: false, user: null }));
  }

  const smallBody = bodyLimit({ maxSize: BODY_LIMIT_BYTES, onError: (c) => replyError(c, 400, 'Die Anfrage ist zu groß.') });
  app.post(API.ticket, sameOrigin(deps.originAllowed, 'Diese Seite darf kein Terminal öffnen.'), rateLimited, smallBody, async (c) => {
    const refused = preparation.refuseTicket();
    if (refused) return reply(c, refused.status, refused.body);
    const learnerId = deps.learners.ensure(c.env.incoming, c.env.outgoing);
    const admission = deps.ticket.admit(learnerId);
    if (!admission.ok) return reply<TicketAnswer>(c, 503, { ok: false, error: admission.message, position: admission.position });
    const noRoom = deps.ticket.noRoom(learnerId);
    if (noRoom) return replyError(c, 503, noRoom);
    // The size is optional (a ticket alone still opens a terminal); anything else is ignored.
    const size = ticketBody.safeParse(await c.req.json().catch(() => null));
    return reply<TicketAnswer>(c, 200, deps.ticket.issue(learnerId, size.success ? size.data : null));
  });
  app.post(API.preparationRetry, sameOrigin(deps.originAllowed, 'Diese Seite darf die Vorbereitung nicht neu starten.'), rateLimited, (c) => {
    const answer = preparation.retry();
    return reply(c, answer.status, answer.body);
  });

  // Starting or resetting a cluster waits for the background preparation (before any other check).
  app.use(async (c, next) => {
    if (c.req.method !== 'POST' || !c.req.path.startsWith(API.cluster)) return next();
    const refused = preparation.refuseCluster();
    return refused ? reply(c, refused.status, refused.body) : next();
  });
  clusterRoutes(app, { ...deps.clusters, learners: deps.learners, originAllowed: deps.originAllowed, rateLimited });
  labRoutes(app, { ...deps.labs, learners: deps.learners, originAllowed: deps.originAllowed });
  return app;
}
