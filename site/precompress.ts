// Writes a brotli (.br) and a gzip (.gz) copy beside every compressible file of the built
// site, once per build, so the runner serves them without compressing per request
// (runner/http/site.ts). Run by ./werkbank right after `astro build`:
//   node site/precompress.ts [site/dist]
import { existsSync } from 'node:fs';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** Text formats; images, fonts and Pagefind's index (gzip already) gain nothing. */
const COMPRESSIBLE = /\.(html|js|mjs|css|svg|json|xml|txt|map|webmanifest)$/;
/** Below this a compressed copy saves less than its headers cost. */
const MIN_BYTES = 512;

async function* filesUnder(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(path);
    else if (entry.isFile()) yield path;
  }
}

export interface PrecompressSummary {
  files: number;
  bytes: number;
  brotliBytes: number;
  gzipBytes: number;
}

export async function precompressDir(dir: string): Promise<PrecompressSummary> {
  const summary: PrecompressSummary = { files: 0, bytes: 0, brotliBytes: 0, gzipBytes: 0 };
  const jobs: Promise<void>[] = [];
  for await (const path of filesUnder(dir)) {
    // A copy left from an earlier build would be served in place of the new file.
    if (/\.(br|gz)$/.test(path)) {
      if (!existsSync(path.slice(0, -3))) await rm(path, { force: true });
      continue;
    }
    if (!COMPRESSIBLE.test(path)) continue;
    jobs.push(
      (async () => {
        const raw = await readFile(path);
        if (raw.length < MIN_BYTES) {
          await Promise.all([rm(`${path}.br`, { force: true }), rm(`${path}.gz`, { force: true })]);
          return;
        }
        const [br, gz] = await Promise.all([
          brotli(raw, {
            params: {
              [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
              [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
            },
          }),
          gzipAsync(raw, { level: constants.Z_BEST_COMPRESSION }),
        ]);
        // A copy that is barely smaller is not worth a second file to keep in step.
        if (br.length < raw.length * 0.9) await writeFile(`${path}.br`, br);
        else await rm(`${path}.br`, { force: true });
        if (gz.length < raw.length * 0.9) await writeFile(`${path}.gz`, gz);
        else await rm(`${path}.gz`, { force: true });
        summary.files += 1;
        summary.bytes += raw.length;
        summary.brotliBytes += Math.min(br.length, raw.length);
        summary.gzipBytes += Math.min(gz.length, raw.length);
      })(),
    );
  }
  await Promise.all(jobs);
  return summary;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = resolve(process.argv[2] ?? join(fileURLToPath(new URL('.', import.meta.url)), 'dist'));
  const summary = await precompressDir(dir);
  const kb = (bytes: number) => `${Math.round(bytes / 1024)} KB`;
  console.error(
    `[werkbank] ${summary.files} Dateien vorkomprimiert: ${kb(summary.bytes)} → brotli ${kb(summary.brotliBytes)}, gzip ${kb(summary.gzipBytes)}`,
  );
}
