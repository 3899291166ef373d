// How long `./werkbank start` takes until its URL answers (what a learner waits for
// before reading the first lesson), and until the background preparation is done (the
// tools, Docker engine and images clusters need). Each run uses a data directory and
// port of its own and no warm pool, so it starts no sandbox.
//
//   node bench/serve-first.ts [runs=3]
//
// On this machine everything is built already; on a fresh one the URL waits only for
// Node, the npm packages and the site build (about 1 min per issue 16), and the
// preparation takes what the builds take (about 20 min from Go sources).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../runner/config.ts';
import { runProcess } from '../runner/process.ts';
import type { PreparationState } from '../runner/setup/preparation.ts';
import { waitUntil } from '../runner/wait.ts';
import { median } from './stats.ts';

const runs = Number(process.argv[2] ?? 3);

function until<T>(what: string, read: () => Promise<T | null>, timeoutMs: number): Promise<T> {
  return waitUntil(what, async () => (await read()) ?? undefined, { timeoutMs, intervalMs: 100 });
}

async function oneRun(): Promise<{ servedS: number; preparedS: number; steps: string }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'werkbank-bench-serve-'));
  const started = performance.now();
  let output = '';
  const keep = (line: string) => (output += `${line}\n`);
  const stop = new AbortController();
  const werkbank = runProcess('bash', [join(repoRoot, 'werkbank'), 'start'], {
    env: { ...process.env, WERKBANK_DATA: dataDir, WERKBANK_PORT: '0', WERKBANK_CLUSTER_POOL: '0' },
    // Its own process group: the build steps it runs end with it.
    group: true,
    signal: stop.signal,
    onStdoutLine: keep,
    onStderrLine: keep,
  });
  werkbank.catch(() => {}); // awaited below
  try {
    const url = await until('Werkbank läuft', async () => /Werkbank läuft: (http:\/\/\S+?)\/?\n/.exec(output)?.[1] ?? null, 15 * 60_000);
    await until('Seite antwortet', async () => ((await fetch(`${url}/`)).ok ? true : null), 60_000);
    const servedS = (performance.now() - started) / 1000;
    const state = await until('Vorbereitung fertig', async () => {
      const body = (await (await fetch(`${url}/api/preparation`)).json()) as { preparation: PreparationState | null };
      return body.preparation && body.preparation.phase !== 'running' ? body.preparation : null;
    }, 60 * 60_000);
    if (state.phase === 'failed') throw new Error(state.message);
    const preparedS = (performance.now() - started) / 1000;
    const steps = state.steps.map((step) => `${step.id} ${(((step.endedAt ?? 0) - (step.startedAt ?? 0)) / 1000).toFixed(1)} s`).join(', ');
    return { servedS, preparedS, steps };
  } catch (error) {
    console.error(output.slice(-3000));
    throw error;
  } finally {
    stop.abort();
    await werkbank;
    await rm(dataDir, { recursive: true, force: true, maxRetries: 3 });
  }
}

const served: number[] = [];
const prepared: number[] = [];
for (let run = 1; run <= runs; run++) {
  const result = await oneRun();
  served.push(result.servedS);
  prepared.push(result.preparedS);
  console.log(`Lauf ${run}/${runs}: URL antwortet nach ${result.servedS.toFixed(1)} s, Vorbereitung fertig nach ${result.preparedS.toFixed(1)} s (${result.steps})`);
}
console.log(
  `./werkbank start bis die URL antwortet: Median ${median(served).toFixed(1)} s ` +
    `(min ${Math.min(...served).toFixed(1)}, max ${Math.max(...served).toFixed(1)}, ${runs} Läufe); ` +
    `Vorbereitung im Hintergrund fertig: Median ${median(prepared).toFixed(1)} s`,
);
