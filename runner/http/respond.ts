// How the API answers: JSON that is never cached, errors as one German sentence.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpBindings } from '@hono/node-server';
import type { Context, MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ApiError } from './contract.ts';

/** The router's requests carry Node's request and response (cookies, origin, client address). */
export type ApiEnv = { Bindings: HttpBindings };
export type ApiContext = Context<ApiEnv>;

/** A JSON answer as every API route gives it: never cached. */
export function reply<T>(c: Context, status: ContentfulStatusCode, body: T): Response {
  return c.body(JSON.stringify(body), status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
}

/** German error for the learner, with what to do next. */
export function replyError(c: Context, status: ContentfulStatusCode, message: string): Response {
  return reply<ApiError>(c, status, { ok: false, error: message });
}

/** Refuses (403, German) state-changing requests from pages other than the runner's own. */
export function sameOrigin(originAllowed: (req: IncomingMessage) => boolean, message: string): MiddlewareHandler<ApiEnv> {
  return async (c, next) => (originAllowed(c.env.incoming) ? next() : replyError(c, 403, message));
}

// For the answers the sign-in writes on Node's response itself (redirects, pages).

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(payload),
    'Cache-Control': 'no-store',
  });
  res.end(payload);
}

/** German error for the learner, with what to do next. */
export function sendError(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, { ok: false, error: message });
}
