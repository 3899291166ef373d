import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isAlive } from '../testing/pid-alive.ts';
import { commandStep, Preparation, type PreparationNeed, type PreparationStep } from './preparation.ts';

/** A step that does what the test says, when it says so. */
function fakeStep(id: string, needs: PreparationNeed[], guessSeconds = 60) {
  let finish!: () => void;
  let fail!: (error: Error) => void;
  const started: string[] = [];
  const lines: string[] = [];
  const step: PreparationStep = {
    id,
    label: `Baue ${id}`,
    needs,
    guessSeconds,
    fix: `Führe „build ${id}“ aus.`,
    run: (onLine) => {
      started.push(id);
      for (const line of lines) onLine(line);
      return new Promise<void>((resolve, reject) => {
        finish = resolve;
        fail = reject;
      });
    },
  };
  return { step, started, lines, finish: () => finish(), fail: (message: string) => fail(new Error(message)) };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
const dir = mkdtempSync(join(tmpdir(), 'werkbank-preparation-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('background preparation', () => {
  it('runs the steps one after another and says which of how many runs, with the time left', async () => {
    const docker = fakeStep('docker', ['terminal', 'cluster'], 60);
    const images = fakeStep('images', ['cluster'], 240);
    const preparation = new Preparation({ steps: [docker.step, images.step], log: () => {} });
    expect(preparation.state()).toMatchObject({ phase: 'running', terminalReady: false, clusterReady: false });
    const done = preparation.start();
    await settle();
    expect(docker.started).toEqual(['docker']);
    expect(images.started).toEqual([]);
    expect(preparation.state().message).toBe('Schritt 1 von 2: Baue docker – noch etwa 5 min.');
    expect(preparation.state().steps.map((step) => step.state)).toEqual(['running', 'waiting']);

    docker.finish();
    await settle();
    expect(images.started).toEqual(['images']);
    expect(preparation.state()).toMatchObject({ terminalReady: true, clusterReady: false });
    expect(preparation.state().message).toBe('Schritt 2 von 2: Baue images – noch etwa 4 min.');

    images.finish();
    await done;
    expect(preparation.state()).toMatchObject({ phase: 'done', terminalReady: true, clusterReady: true, message: 'Alles vorbereitet.' });
  });

  it('opens each gate when the steps it needs are done, not before', async () => {
    const docker = fakeStep('docker', ['terminal', 'cluster']);
    const images = fakeStep('images', ['cluster']);
    const preparation = new Preparation({ steps: [docker.step, images.step], log: () => {} });
    const opened: string[] = [];
    void preparation.whenReady('terminal').then(() => opened.push('terminal'));
    void preparation.whenReady('cluster').then(() => opened.push('cluster'));
    void preparation.start();
    await settle();
    expect(opened).toEqual([]);
    docker.finish();
    await settle();
    expect(opened).toEqual(['terminal']);
    images.finish();
    await settle();
    expect(opened).toEqual(['terminal', 'cluster']);
  });

  it('stops at a failure and tells what failed, its output and what to do', async () => {
    const docker = fakeStep('docker', ['terminal', 'cluster']);
    const images = fakeStep('images', ['cluster']);
    docker.lines.push('Starte dockerd …', 'dockerd: permission denied');
    const logged: string[] = [];
    const preparation = new Preparation({ steps: [docker.step, images.step], log: (line) => logged.push(line) });
    const gate = preparation.whenReady('cluster');
    const done = preparation.start();
    await settle();
    docker.fail('beendet mit Code 1');
    await done;
    await gate; // released, so whoever waited finds out the problem itself
    const state = preparation.state();
    expect(state).toMatchObject({ phase: 'failed', terminalReady: false, clusterReady: false });
    expect(state.message).toBe('Vorbereitung fehlgeschlagen bei „Baue docker“ (Schritt 1 von 2). Führe „build docker“ aus. Nächster Versuch von selbst in 30 Sekunden.');
    expect(state.steps[0]).toMatchObject({ state: 'failed', logTail: 'Starte dockerd …\ndockerd: permission denied\nbeendet mit Code 1' });
    expect(state.steps[1]!.state).toBe('skipped');
    expect(images.started).toEqual([]);
    expect(logged.join('\n')).toMatch(/Fehler bei „Baue docker“: beendet mit Code 1\n.*permission denied\nWas tun: Führe „build docker“ aus\./s);
    preparation.stop();
  });

  describe('after a failure, with nobody pressing „Erneut versuchen“', () => {
    beforeEach(() => {
      vi.useFakeTimers();
    });
    afterEach(() => {
      vi.useRealTimers();
    });
    const tick = (ms = 0) => vi.advanceTimersByTimeAsync(ms);

    it('tries the failed step again by itself, waiting longer each time, and the waiting clusters go on once it works', async () => {
      const docker = fakeStep('docker', ['terminal', 'cluster']);
      const images = fakeStep('images', ['cluster']);
      const logged: string[] = [];
      const preparation = new Preparation({ steps: [docker.step, images.step], log: (line) => logged.push(line) });
      let clusterGoesOn = false;
      void preparation.whenDone('cluster').then(() => (clusterGoesOn = true));
      void preparation.start();
      await tick();
      docker.finish();
      await tick();
      images.fail('Pull fehlgeschlagen');
      await tick();
      expect(preparation.state()).toMatchObject({ phase: 'failed', retryInSeconds: 30 });
      expect(preparation.state().message).toMatch(/ Nächster Versuch von selbst in 30 Sekunden\.$/);
      expect(logged).toContain('Nächster Versuch von selbst in 30 Sekunden (oder sofort mit „Erneut versuchen“ auf der Seite).');

      await tick(20_000);
      expect(preparation.state()).toMatchObject({ phase: 'failed', retryInSeconds: 10 });
      expect(images.started).toHaveLength(1);
      await tick(10_000);
      expect(images.started).toHaveLength(2);
      expect(docker.started).toHaveLength(1); // the step done before is left alone
      expect(preparation.state().phase).toBe('running');
      expect(preparation.state()).not.toHaveProperty('retryInSeconds');
      expect(logged).toContain('Automatischer neuer Versuch ab Schritt 2 von 2.');

      images.fail('Pull fehlgeschlagen');
      await tick();
      expect(preparation.state().message).toMatch(/ Nächster Versuch von selbst in 2 Minuten\.$/);
      await tick(119_000);
      expect(images.started).toHaveLength(2);
      await tick(1_000);
      expect(images.started).toHaveLength(3);
      images.fail('Pull fehlgeschlagen');
      await tick();
      expect(preparation.state().retryInSeconds).toBe(300);
      await tick(300_000);
      images.fail('Pull fehlgeschlagen');
      await tick();
      expect(preparation.state().retryInSeconds).toBe(600);
      await tick(600_000);
      images.fail('Pull fehlgeschlagen');
      await tick();
      expect(preparation.state().message).toMatch(/ Nächster Versuch von selbst in 10 Minuten\.$/); // and so on, every 10 min
      expect(clusterGoesOn).toBe(false);

      await tick(600_000);
      expect(images.started).toHaveLength(6);
      images.finish();
      await tick();
      expect(clusterGoesOn).toBe(true);
      expect(preparation.state()).toMatchObject({ phase: 'done', clusterReady: true, message: 'Alles vorbereitet.' });
      expect(vi.getTimerCount()).toBe(0);
    });

    it('„Erneut versuchen“ replaces the waiting automatic try, and stopping the runner cancels it', async () => {
      const images = fakeStep('images', ['cluster']);
      const preparation = new Preparation({ steps: [images.step], log: () => {} });
      void preparation.start();
      await tick();
      images.fail('kaputt');
      await tick();
      expect(preparation.retry()).toBe(true);
      expect(preparation.state()).not.toHaveProperty('retryInSeconds');
      await tick(60_000);
      expect(images.started).toHaveLength(2); // the manual one only
      images.fail('kaputt');
      await tick();
      expect(preparation.state().retryInSeconds).toBe(120); // failures in a row keep counting
      preparation.stop();
      await tick(3_600_000);
      expect(images.started).toHaveLength(2);
      expect(vi.getTimerCount()).toBe(0);
    });
  });

  it('a retry runs again from the failed step, leaves the steps done before it alone and opens the doors on success', async () => {
    const docker = fakeStep('docker', ['terminal', 'cluster']);
    const images = fakeStep('images', ['cluster']);
    const preparation = new Preparation({ steps: [docker.step, images.step], log: () => {} });
    expect(preparation.retry()).toBe(false); // nothing failed yet
    let clusterDone = false;
    const done = preparation.whenDone('cluster').then(() => (clusterDone = true));
    const first = preparation.start();
    await settle();
    docker.finish();
    await settle();
    images.fail('beendet mit Code 1');
    await first;
    expect(preparation.state().phase).toBe('failed');
    await settle();
    expect(clusterDone).toBe(false);

    expect(preparation.retry()).toBe(true);
    expect(preparation.retry()).toBe(false); // already running again
    await settle();
    expect(docker.started).toEqual(['docker']);
    expect(images.started).toEqual(['images', 'images']);
    const state = preparation.state();
    expect(state).toMatchObject({ phase: 'running', terminalReady: true, clusterReady: false, message: 'Schritt 2 von 2: Baue images – noch etwa 60 s.' });
    expect(state.steps[1]).not.toHaveProperty('logTail');
    const gate = preparation.whenReady('cluster');
    images.finish();
    await gate;
    await done; // whenDone waited through the failure, for the retry's success
    expect(preparation.state()).toMatchObject({ phase: 'done', clusterReady: true });
  });

  it('estimates each step by its last run, kept in the cache', async () => {
    const durationsFile = join(dir, 'seconds.json');
    writeFileSync(durationsFile, JSON.stringify({ docker: 3, images: 7 }));
    let clock = 1_000_000;
    const docker = fakeStep('docker', ['cluster'], 600);
    const images = fakeStep('images', ['cluster'], 600);
    const preparation = new Preparation({ steps: [docker.step, images.step], durationsFile, log: () => {}, now: () => clock });
    expect(preparation.state().steps.map((step) => step.estimateSeconds)).toEqual([3, 7]);
    expect(preparation.state().message).toBe('Schritt 1 von 2: Baue docker – noch etwa 10 s.');
    const done = preparation.start();
    await settle();
    clock += 2_000;
    docker.finish();
    await settle();
    clock += 4_000;
    images.finish();
    await done;
    expect(JSON.parse(readFileSync(durationsFile, 'utf8'))).toEqual({ docker: 2, images: 4 });
  });

  it('runs a build script as a step: its lines without colours, its exit code decides', async () => {
    const lines: string[] = [];
    const ok = commandStep({ id: 'ok', label: 'ok', needs: ['cluster'], guessSeconds: 1, fix: '' }, 'bash', ['-c', 'printf "\\033[1m[werkbank]\\033[0m fertig\\n"']);
    await ok.run((line) => lines.push(line), new AbortController().signal);
    expect(lines).toEqual(['[werkbank] fertig']);
    const broken = commandStep({ id: 'no', label: 'no', needs: ['cluster'], guessSeconds: 1, fix: '' }, 'bash', ['-c', 'echo kaputt >&2; exit 3']);
    const seen: string[] = [];
    await expect(broken.run((line) => seen.push(line), new AbortController().signal)).rejects.toThrow('beendet mit Code 3');
    expect(seen).toEqual(['kaputt']);
  });

  it('stopping ends the running build with the programs it started, and starts no later step', async () => {
    let grandchild = 0;
    const build = commandStep({ id: 'build', label: 'Baue', needs: ['cluster'], guessSeconds: 1, fix: '' }, 'bash', ['-c', 'sleep 300 & echo $!; wait']);
    const later = fakeStep('later', ['cluster']);
    const preparation = new Preparation({
      steps: [{ ...build, run: (onLine, signal) => build.run((line) => { grandchild = Number(line); onLine(line); }, signal) }, later.step],
      log: () => {},
    });
    const done = preparation.start();
    await expect.poll(() => grandchild).toBeGreaterThan(0);
    preparation.stop();
    await done;
    await expect.poll(() => isAlive(grandchild)).toBe(false);
    expect(later.started).toEqual([]);
    expect(preparation.state().steps[0]!.state).toBe('running');
  });
});
