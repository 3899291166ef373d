// Fetches a release binary and keeps it only when its SHA-256 is the pinned one: streamed
// to a temporary file beside the cache, hashed on the way, verified, then renamed into
// place, so the cache never holds a partial or unverified file.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { chmod, mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { runChecked } from '../../runner/process.ts';
import type { ReleaseAsset } from './releases.ts';

export class DownloadRefused extends Error {}

export interface DownloadOptions {
  /** Where temporary files go; must be on the same file system as `dest`. */
  workDir: string;
  /** Called with bytes received so far and the total when the server tells it. */
  onProgress?: (received: number, total: number | null) => void;
  timeoutMs?: number;
}

/** Downloads `asset` to `dest` (the binary itself; for archives the member inside). */
export async function downloadRelease(asset: ReleaseAsset, dest: string, options: DownloadOptions): Promise<void> {
  const label = `${asset.tool} ${asset.version}`;
  if (!asset.sha256) {
    throw new DownloadRefused(`Für ${label} ist keine Prüfsumme in docker/versions.env hinterlegt – Download abgelehnt.`);
  }
  await mkdir(options.workDir, { recursive: true });
  const work = await mkdtemp(join(options.workDir, '.download-'));
  try {
    const response = await fetch(asset.url, { signal: AbortSignal.timeout(options.timeoutMs ?? 600_000) }).catch((error: unknown) => {
      throw new DownloadRefused(`${label} ließ sich nicht laden (${asset.url}): ${(error as Error).message}`);
    });
    if (!response.ok || !response.body) {
      throw new DownloadRefused(`${label} ließ sich nicht laden (${asset.url}): HTTP ${response.status}.`);
    }
    const total = Number(response.headers.get('content-length')) || null;
    const hash = createHash('sha256');
    let received = 0;
    const measure = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        received += chunk.length;
        options.onProgress?.(received, total);
        done(null, chunk);
      },
    });
    const file = join(work, 'file');
    await pipeline(Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>), measure, createWriteStream(file, { mode: 0o600 }));
    const actual = hash.digest('hex');
    if (actual !== asset.sha256) {
      throw new DownloadRefused(
        `Prüfsumme stimmt nicht für ${label} (${asset.url}): erwartet ${asset.sha256}, erhalten ${actual}. Datei verworfen.`,
      );
    }
    let binary = file;
    if (asset.member) {
      await runChecked('tar', ['-xzf', file, '-C', work, asset.member]).catch(() => {
        throw new DownloadRefused(`${label}: das Archiv enthält kein ${asset.member}.`);
      });
      binary = join(work, asset.member);
    }
    await chmod(binary, 0o755);
    await mkdir(dirname(dest), { recursive: true });
    await rename(binary, dest);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
