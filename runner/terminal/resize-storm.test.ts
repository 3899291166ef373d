// One learner cannot stall the others: a storm of resizes (each one reflows the screen
// mirror's scrollback) from B must not delay A's keystrokes or the runner's answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { percentile } from '../../bench/stats.ts';
import { startTestRunner, type TestRunner } from '../testing/runner-fixture.ts';
import { newLearner, TerminalClient } from '../testing/terminal-client.ts';

let runner: TestRunner;
beforeAll(async () => {
  runner = await startTestRunner({ terminalGraceMs: 60_000 });
});
afterAll(() => runner.stop());

const STORM = 5_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function echoDelay(client: TerminalClient): Promise<number> {
  const before = client.receivedBytes;
  const started = performance.now();
  client.type('a');
  while (client.receivedBytes === before) {
    if (performance.now() - started > 30_000) throw new Error('no echo within 30 s');
    await new Promise((resolve) => setImmediate(resolve));
  }
  return performance.now() - started;
}

describe('a storm of resizes', () => {
  it(`from one learner (${STORM} messages) leaves another learner's echo and /api/health fast`, { timeout: 120_000 }, async () => {
    const a = await TerminalClient.connect(runner.url, await newLearner(runner.url));
    const b = await TerminalClient.connect(runner.url, await newLearner(runner.url));
    await Promise.all([a.waitForPrompt(), b.waitForPrompt()]);
    // A full scrollback of long lines makes every mirror resize a real reflow.
    await b.run('for i in $(seq 1 1500); do printf "Zeile %04d %0200d\\n" $i 0; done', 30_000);
    for (let warm = 0; warm < 20; warm++) await echoDelay(a);
    await fetch(`${runner.url}/api/health`); // its first answer probes the tools

    // Three rounds: one quiet spell between storms must not be what saves the figures.
    const echoes: number[] = [];
    const health: number[] = [];
    for (let round = 0; round < 3; round++) {
      let stormDone = false;
      // Sent in slices: this process is also the runner, and 5,000 sends in one go would
      // block it on the test's own account, not the runner's.
      const storm = (async () => {
        for (let message = 0; message < STORM; message++) {
          const wide = message % 2 === 0;
          b.send({ type: 'resize', cols: wide ? 500 : 20, rows: wide ? 200 : 5 });
          if (message % 100 === 99) await new Promise((resolve) => setImmediate(resolve));
        }
      })();
      const healthPoller = (async () => {
        while (!stormDone) {
          const started = performance.now();
          expect((await fetch(`${runner.url}/api/health`)).status).toBe(200);
          health.push(performance.now() - started);
          await sleep(25);
        }
      })();
      for (let sample = 0; sample < 40; sample++) {
        echoes.push(await echoDelay(a));
        await sleep(20);
      }
      await storm;
      stormDone = true;
      await healthPoller;
    }
    a.type('\x15');
    // B's shell ends up with B's last size, and B's terminal still works.
    expect(await b.run('stty size', 30_000)).toContain('5 20');

    const summary = `echo p50 ${percentile(echoes, 50).toFixed(1)} ms, p95 ${percentile(echoes, 95).toFixed(1)} ms, max ${Math.max(...echoes).toFixed(1)} ms; health p95 ${percentile(health, 95).toFixed(1)} ms, max ${Math.max(...health).toFixed(1)} ms (${health.length} requests)`;
    console.log(`[resize storm] ${summary}`);
    expect(percentile(echoes, 95), summary).toBeLessThan(50);
    expect(percentile(health, 95), summary).toBeLessThan(100);
    // Room for a busy CI machine, but no stall: the runner before coalescing stalled for seconds.
    expect(Math.max(...health), summary).toBeLessThan(250);
    await Promise.all([a.close(), b.close()]);
  });
});
