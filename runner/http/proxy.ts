// What the runner may believe about a request that came through a reverse proxy: its
// X-Forwarded-* headers only when WERKBANK_TRUST_PROXY says a proxy sets them, since any
// client can send them too.
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

function lastHeaderValue(req: IncomingMessage, name: string): string | null {
  const raw = req.headers[name];
  const joined = Array.isArray(raw) ? raw.join(',') : raw;
  // The proxy appends its own value last; earlier ones are whatever the client sent.
  const last = joined?.split(',').at(-1)?.trim();
  return last ? last : null;
}

export function requestIsHttps(req: IncomingMessage, trustProxy: boolean): boolean {
  if ((req.socket as Partial<TLSSocket>).encrypted === true) return true;
  return trustProxy && lastHeaderValue(req, 'x-forwarded-proto')?.toLowerCase() === 'https';
}

/** The client's address, for per-client limits. */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  const forwarded = trustProxy ? lastHeaderValue(req, 'x-forwarded-for') : null;
  return forwarded ?? req.socket.remoteAddress ?? 'unbekannt';
}
