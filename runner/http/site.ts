// Serves the built Astro site. Unknown addresses get the site's German 404 page with
// status 404, hashed assets are cached for good. Files come precompressed from the
// build (site/precompress.ts: `.br` and `.gz` beside each text file), so a lesson page
// crosses the wire at about a quarter of its size without compressing per request.
import { createReadStream, existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import sirv from 'sirv';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

const siteNotBuilt: RequestHandler = (_req, res) => {
  res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end('Die Website ist noch nicht gebaut. "./werkbank start" baut sie vor dem Start.');
};

type Encoding = 'br' | 'gzip';

/** The precompressed encodings a client takes, best first. A `q=0` means "never". */
export function acceptedEncodings(header: string | undefined): Encoding[] {
  const accepted = new Set<string>();
  for (const part of (header ?? '').split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((param) => param.trim()).find((param) => param.startsWith('q='));
    if (q && !(Number(q.slice(2)) > 0)) continue;
    accepted.add(name.trim());
  }
  const any = accepted.has('*');
  return (['br', 'gzip'] as const).filter((encoding) => accepted.has(encoding) || any);
}

const EXTENSION: Record<Encoding, string> = { br: '.br', gzip: '.gz' };

export function siteHandler(siteDir: string): RequestHandler {
  if (!existsSync(siteDir)) return siteNotBuilt;
  const serveFile = sirv(siteDir, {
    etag: true,
    extensions: ['html'],
    brotli: true,
    gzip: true,
    setHeaders(res, pathname) {
      if (pathname.startsWith('/_astro/')) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
      else res.setHeader('Cache-Control', 'no-cache');
    },
  });
  const notFoundPage = join(siteDir, '404.html');

  const notFound = (req: IncomingMessage, res: ServerResponse, encodings: Encoding[]) => {
    const send = async () => {
      for (const encoding of [...encodings, null]) {
        const path = encoding ? notFoundPage + EXTENSION[encoding] : notFoundPage;
        const info = await stat(path).catch(() => null);
        if (!info) continue;
        const headers: Record<string, string | number> = {
          'Content-Type': 'text/html; charset=utf-8',
          'Content-Length': info.size,
          Vary: 'Accept-Encoding',
        };
        if (encoding) headers['Content-Encoding'] = encoding;
        res.writeHead(404, headers);
        if (req.method === 'HEAD') res.end();
        else createReadStream(path).pipe(res);
        return;
      }
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Seite nicht gefunden. Ist die Website gebaut? ("./werkbank start" baut sie.)');
    };
    void send();
  };

  return (req, res) => {
    const encodings = acceptedEncodings(req.headers['accept-encoding']);
    // sirv looks for "br" and "gzip" anywhere in the header and knows nothing of q-values
    // or "*"; it gets the header in the plain form it understands.
    req.headers['accept-encoding'] = encodings.join(', ');
    serveFile(req, res, () => notFound(req, res, encodings));
  };
}
