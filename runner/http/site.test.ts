import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { precompressDir } from '../../site/precompress.ts';
import { siteHandler } from './site.ts';

// A built site in miniature: a hashed script, a page and the 404 page, precompressed
// the way ./werkbank does it after `astro build`.
const script = `export function gruss(){return ${JSON.stringify('Grüße aus dem Terminal '.repeat(400))};}\n`;
const page = `<!doctype html><html lang="de"><body>${'<p>Eine Lektion über Pods.</p>'.repeat(200)}</body></html>`;
const notFoundPage = `<!doctype html><html lang="de"><body>${'<p>Seite nicht gefunden.</p>'.repeat(100)}</body></html>`;

let dir: string;
let server: Server;
let base: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'werkbank-site-'));
  await mkdir(join(dir, '_astro'));
  await mkdir(join(dir, 'lektionen', 'pods'), { recursive: true });
  await writeFile(join(dir, '_astro', 'dock.Ab12Cd34.js'), script);
  await writeFile(join(dir, 'lektionen', 'pods', 'index.html'), page);
  await writeFile(join(dir, '404.html'), notFoundPage);
  await precompressDir(dir);
  const handle = siteHandler(dir);
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

/** Raw bytes as they cross the wire (fetch would decompress them). */
async function get(path: string, acceptEncoding?: string) {
  const { request } = await import('node:http');
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
    const req = request(`${base}${path}`, { headers: acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('site assets over the wire', () => {
  it('sends a hashed script brotli-encoded, much smaller, cached for good', async () => {
    const response = await get('/_astro/dock.Ab12Cd34.js', 'gzip, deflate, br, zstd');
    expect(response.status).toBe(200);
    expect(response.headers['content-encoding']).toBe('br');
    expect(response.headers['vary']).toMatch(/Accept-Encoding/i);
    expect(response.headers['content-type']).toMatch(/javascript/);
    expect(response.headers['cache-control']).toMatch(/immutable/);
    expect(response.body.length).toBeLessThan(Buffer.byteLength(script) / 4);
    expect(brotliDecompressSync(response.body).toString()).toBe(script);
  });

  it('sends gzip to a client without brotli, and the file as it is to a client that accepts neither', async () => {
    const gz = await get('/_astro/dock.Ab12Cd34.js', 'gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).toString()).toBe(script);

    for (const accept of [undefined, 'identity', 'br;q=0, gzip;q=0']) {
      const plain = await get('/_astro/dock.Ab12Cd34.js', accept);
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.body.toString()).toBe(script);
    }
  });

  it('compresses lesson pages too, and lets the browser check them again each time', async () => {
    const response = await get('/lektionen/pods/', 'br');
    expect(response.headers['content-encoding']).toBe('br');
    expect(response.headers['content-type']).toMatch(/text\/html/);
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(brotliDecompressSync(response.body).toString()).toBe(page);
  });

  it('answers an unknown address with the compressed 404 page', async () => {
    const response = await get('/gibt-es-nicht/', 'gzip, br');
    expect(response.status).toBe(404);
    expect(response.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(response.body).toString()).toBe(notFoundPage);
    const plain = await get('/gibt-es-nicht/');
    expect(plain.status).toBe(404);
    expect(plain.body.toString()).toBe(notFoundPage);
  });
});
