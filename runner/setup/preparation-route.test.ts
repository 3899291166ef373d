// The doors the background preparation keeps shut, over the runner's real HTTP API: a
// cluster start always waits for it; a terminal only in the sandbox mode (there the shell
// runs in the learner's sandbox, never on the host); elsewhere the host shell is there.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ClusterManager } from '../clusters/manager.ts';
import { FakeProvider } from '../clusters/testing/fake-provider.ts';
import { loadConfig } from '../config.ts';
import { startRunner, type Runner } from '../server.ts';
import { TICKET_PATH } from '../terminal/protocol.ts';
import { Preparation, type PreparationStep } from './preparation.ts';
import { PREPARATION_RETRY_PATH } from './preparation-route.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function runnerPreparing(sandboxed: boolean): Promise<{ runner: Runner; finish: () => void; fail: () => void; preparation: Preparation }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'werkbank-preparation-route-'));
  let finish!: () => void;
  let fail!: (error: Error) => void;
  const step: PreparationStep = {
    id: 'images',
    label: 'Images der Labs werden gebaut',
    needs: sandboxed ? ['terminal', 'cluster'] : ['cluster'],
    guessSeconds: 300,
    fix: 'Führe „docker/images/build.sh“ aus.',
    run: () =>
      new Promise<void>((resolve, reject) => {
        finish = resolve;
        fail = reject;
      }),
  };
  const preparation = new Preparation({ steps: [step], log: () => {} });
  const provider = new FakeProvider(sandboxed ? { slotRoot: join(dataDir, 'slots') } : {});
  const clusters = new ClusterManager({
    provider, dataDir, poolSize: 0, maxClusters: 3, idleTtlMs: 3600_000, memoryPerClusterMiB: 100, maxParallelCreates: 1,
    freeMemoryMiB: () => 16_000, log: () => {}, startAfter: preparation.whenReady(sandboxed ? 'terminal' : 'cluster'),
  });
  const config = { ...loadConfig({}), host: '127.0.0.1', port: 0, dataDir, siteDir: null, rateLimitPerMinute: 100_000 };
  const runner = await startRunner(config, { clusters, preparation, labs: [] });
  void preparation.start();
  cleanups.push(async () => {
    await runner.close();
    await rm(dataDir, { recursive: true, force: true, maxRetries: 3 });
  });
  return { runner, finish: () => finish(), fail: () => fail(new Error('beendet mit Code 1')), preparation };
}

const post = (runner: Runner, path: string) => fetch(`${runner.url}${path}`, { method: 'POST', headers: { origin: runner.url } });

describe('preparation over HTTP', () => {
  it('reports its steps and refuses cluster starts in German until it is done', async () => {
    const { runner, finish, preparation } = await runnerPreparing(false);
    const state = (await (await fetch(`${runner.url}/api/preparation`)).json()) as { preparation: { phase: string; message: string } };
    expect(state.preparation).toMatchObject({ phase: 'running', message: 'Schritt 1 von 1: Images der Labs werden gebaut – noch etwa 5 min.' });

    const refused = await post(runner, '/api/cluster');
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { error: string }).error).toBe(
      'Die Lernumgebung wird vorbereitet … Schritt 1 von 1: Images der Labs werden gebaut – noch etwa 5 min. „Cluster starten“ geht, sobald alles bereit ist.',
    );
    // Outside the sandbox mode the learner's shell does not wait for the images.
    expect((await post(runner, TICKET_PATH)).status).toBe(200);

    finish();
    await preparation.start();
    expect((await post(runner, '/api/cluster')).status).toBe(202);
  });

  it('"Erneut versuchen" runs a failed preparation again; without a failure there is nothing to retry', async () => {
    const { runner, fail, preparation } = await runnerPreparing(false);
    const early = await post(runner, PREPARATION_RETRY_PATH);
    expect(early.status).toBe(409);
    expect(((await early.json()) as { error: string }).error).toBe('Die Vorbereitung läuft gerade; „Erneut versuchen“ geht erst nach einem Fehler.');
    fail();
    await preparation.start();
    expect(preparation.state().phase).toBe('failed');
    const foreign = await fetch(`${runner.url}${PREPARATION_RETRY_PATH}`, { method: 'POST', headers: { origin: 'https://evil.example' } });
    expect(foreign.status).toBe(403);
    const retried = await post(runner, PREPARATION_RETRY_PATH);
    expect(retried.status).toBe(202);
    expect(((await retried.json()) as { preparation: { phase: string } }).preparation.phase).toBe('running');
  });

  it('in the sandbox mode gives no terminal ticket before the sandbox can start', async () => {
    const { runner, finish, preparation } = await runnerPreparing(true);
    const refused = await post(runner, TICKET_PATH);
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { error: string }).error).toMatch(/^Die Lernumgebung wird vorbereitet … Schritt 1 von 1: .* Dein Terminal startet, sobald deine Sandbox möglich ist\.$/);
    finish();
    await preparation.start();
    expect((await post(runner, TICKET_PATH)).status).toBe(200);
  });
});
