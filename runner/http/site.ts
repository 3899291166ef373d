// Serves the built Astro site. Unknown addresses get the site's German 404 page with
// status 404, hashed assets are cached for good.
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

export function siteHandler(siteDir: string): RequestHandler {
  if (!existsSync(siteDir)) return siteNotBuilt;
  const serveFile = sirv(siteDir, {
    etag: true,
    extensions: ['html'],
    setHeaders(res, pathname) {
      if (pathname.startsWith('/_astro/')) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
      else res.setHeader('Cache-Control', 'no-cache');
    },
  });
  const notFoundPage = join(siteDir, '404.html');

  const notFound: RequestHandler = (req, res) => {
    stat(notFoundPage).then(
      (info) => {
        res.writeHead(404, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': info.size });
        if (req.method === 'HEAD') res.end();
        else createReadStream(notFoundPage).pipe(res);
      },
      () => {
        res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('Seite nicht gefunden. Ist die Website gebaut? ("./werkbank start" baut sie.)');
      },
    );
  };

  return (req, res) => serveFile(req, res, () => notFound(req, res));
}
