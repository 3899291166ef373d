// Which pages may open a terminal: the runner's own address and configured extras.
// Checked on every websocket upgrade and state-changing request, so a foreign site in
// the learner's browser cannot drive their shell.
import type { IncomingMessage } from 'node:http';

export function allowedOrigins(host: string, port: number, extra: string[]): Set<string> {
  const hosts = new Set([host, '127.0.0.1', 'localhost']);
  if (host === '0.0.0.0' || host === '::') hosts.delete(host);
  const origins = [...hosts].map((name) => `http://${name.includes(':') ? `[${name}]` : name}:${port}`);
  return new Set([...origins, ...extra]);
}

export function originAllowed(req: IncomingMessage, allowed: Set<string>): boolean {
  const origin = req.headers.origin;
  return typeof origin === 'string' && allowed.has(origin);
}
