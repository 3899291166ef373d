// One runner per data dir, with real runner processes (`node runner/main.ts`).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './config.ts';
import { waitUntil } from './wait.ts';

interface RunnerProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

const started: RunnerProcess[] = [];

function runMain(dataDir: string, port = 0): RunnerProcess {
  const child = spawn(process.execPath, [join(repoRoot, 'runner', 'main.ts')], {
    cwd: repoRoot,
    env: {
      ...process.env,
      WERKBANK_DATA: dataDir,
      WERKBANK_PORT: String(port),
      WERKBANK_CLUSTER_PROVIDER: 'none',
      WERKBANK_SITE_DIR: join(dataDir, 'keine-website'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const running = { child, output: () => output, exited };
  started.push(running);
  return running;
}

function urlOf(runner: RunnerProcess): Promise<string> {
  const notStarted = () => new Error(`runner did not start:\n${runner.output()}`);
  return waitUntil(
    'Werkbank läuft',
    () => {
      const url = /Werkbank läuft: (http:\/\/\S+)\//.exec(runner.output())?.[1];
      if (url) return url;
      if (runner.child.exitCode !== null) throw notStarted();
      return undefined;
    },
    { timeoutMs: 60_000, intervalMs: 50, retryErrors: false, timeoutError: notStarted },
  );
}

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'werkbank-lock-'));
});
afterAll(async () => {
  for (const { child } of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.all(started.map(({ exited }) => exited));
  await rm(dataDir, { recursive: true, force: true });
});

describe('one runner per data dir', () => {
  it('refuses a second runner on the same data dir, naming the first; after kill -9 of the first a new one starts', { timeout: 120_000 }, async () => {
    const first = runMain(dataDir);
    const firstUrl = await urlOf(first);

    const second = runMain(dataDir);
    const outcome = await Promise.race([
      second.exited.then((code) => `exit ${code}`),
      urlOf(second).then((url) => `started as well, at ${url}`),
    ]);
    expect(outcome).toBe('exit 1');
    expect(second.output()).toContain(`Auf dem Datenverzeichnis ${dataDir} läuft schon Werkbank (PID ${first.child.pid}, ${firstUrl}/)`);
    expect(second.output()).not.toContain('Werkbank läuft:');
    // The first one still serves.
    expect((await fetch(`${firstUrl}/api/health`)).status).toBe(200);

    first.child.kill('SIGKILL');
    await first.exited;
    const third = runMain(dataDir);
    const thirdUrl = await urlOf(third);
    expect((await fetch(`${thirdUrl}/api/health`)).status).toBe(200);
    third.child.kill('SIGTERM');
    expect(await third.exited).toBe(0);
  });

  it('says a taken port may be another Werkbank and how to find out, instead of just picking another port', { timeout: 120_000 }, async () => {
    const first = runMain(dataDir);
    const port = Number(new URL(await urlOf(first)).port);
    const otherData = await mkdtemp(join(tmpdir(), 'werkbank-lock-other-'));
    try {
      const second = runMain(otherData, port);
      expect(await second.exited).toBe(1);
      expect(second.output()).toContain(`Port ${port} ist schon belegt – vielleicht von einer Werkbank`);
      expect(second.output()).toContain(`ss -ltnp 'sport = :${port}'`);
      expect(second.output()).not.toContain('WERKBANK_PORT=4330');
    } finally {
      first.child.kill('SIGTERM');
      await first.exited;
      await rm(otherData, { recursive: true, force: true });
    }
  });
});
