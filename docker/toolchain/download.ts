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
  /** The whole download. */
  timeoutMs?: number;
  /** Until the server answers at all (name lookup, connect, response headers). */
  answerTimeoutMs?: number;
}

/** Without a network the request fails at once (no name lookup); a firewall that drops
 * packets, or a server that accepts and says nothing, would hold `./werkbank start`'s
 * step for minutes instead. A release server answers within a second or two. */
const ANSWER_TIMEOUT_MS = 20_000;

/** Why fetch() failed, in German: undici's own message is only "fetch failed". */
function connectionProblem(error: unknown, host: string, answerTimedOut: boolean, answerMs: number): string {
  if (answerTimedOut) return `${host} antwortet nicht innerhalb von ${Math.round(answerMs / 1000)} s`;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code ?? cause?.message ?? (error as Error).message;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `keine Verbindung: der Name ${host} lässt sich nicht auflösen (${code}, kein Internet?)`;
  return `keine Verbindung zu ${host} (${code})`;
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
    const answerMs = options.answerTimeoutMs ?? ANSWER_TIMEOUT_MS;
    const noAnswer = new AbortController();
    const answerTimer = setTimeout(() => noAnswer.abort(), answerMs);
    const signal = AbortSignal.any([AbortSignal.timeout(options.timeoutMs ?? 600_000), noAnswer.signal]);
    const response = await fetch(asset.url, { signal })
      .catch((error: unknown) => {
        const problem = connectionProblem(error, new URL(asset.url).host, noAnswer.signal.aborted, answerMs);
        throw new DownloadRefused(`${label} ließ sich nicht laden (${asset.url}): ${problem}.`);
      })
      .finally(() => clearTimeout(answerTimer));
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
