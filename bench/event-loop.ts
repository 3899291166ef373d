// Does one learner's flood slow everyone else down? The runner's event-loop delay
// (perf_hooks.monitorEventLoopDelay, p99) while 50 terminals are open and two of them
// flood output, measured in a runner process of its own so the scripted browsers'
// work does not count (figures include the 1 ms sampling interval). Also an idle learner's keystroke echo during the flood,
// and the runner's memory before, right after and some seconds after a storm of 5,000
// resizes from one learner (the runner runs with --expose-gc so "after" means live memory).
import { fork } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startTestRunner } from '../runner/testing/runner-fixture.ts';
import { newLearner, TerminalClient } from '../runner/testing/terminal-client.ts';
import { percentile } from './stats.ts';

const TERMINALS = 50;
const FLOODERS = 2;
const MEASURE_MS = 10_000;

const STORM = 5_000;
const SETTLE_MS = 10_000;

type ToRunner = { type: 'measure' } | { type: 'report' } | { type: 'memory'; gc: boolean } | { type: 'stop' };
interface Memory {
  rssMiB: number;
  heapUsedMiB: number;
  externalMiB: number;
  /** The process's highest RSS so far (kernel high-water mark). */
  maxRssMiB: number;
}
type FromRunner =
  | { type: 'url'; url: string }
  | { type: 'delay'; p50: number; p99: number; max: number }
  | ({ type: 'memory' } & Memory);

if (process.argv.includes('--runner')) {
  const runner = await startTestRunner({ terminalGraceMs: 60_000, maxShells: TERMINALS + 10 });
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  const send = (message: FromRunner) => process.send!(message);
  process.on('message', (message: ToRunner) => {
    if (message.type === 'measure') {
      histogram.reset();
      histogram.enable();
    } else if (message.type === 'memory') {
      if (message.gc) for (let round = 0; round < 3; round++) globalThis.gc?.();
      const usage = process.memoryUsage();
      const mib = (bytes: number) => bytes / 2 ** 20;
      send({
        type: 'memory',
        rssMiB: mib(usage.rss),
        heapUsedMiB: mib(usage.heapUsed),
        externalMiB: mib(usage.external),
        maxRssMiB: process.resourceUsage().maxRSS / 1024,
      });
    } else if (message.type === 'report') {
      histogram.disable();
      const ms = (ns: number) => ns / 1e6;
      send({ type: 'delay', p50: ms(histogram.percentile(50)), p99: ms(histogram.percentile(99)), max: ms(histogram.max) });
    } else {
      void runner.stop().then(() => process.exit(0));
    }
  });
  send({ type: 'url', url: runner.url });
} else {
  const child = fork(import.meta.filename, ['--runner'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: ['--expose-gc'] });
  const next = () => new Promise<FromRunner>((resolve) => child.once('message', (message: FromRunner) => resolve(message)));
  const ask = (message: ToRunner) => child.send(message);
  const measure = async (during: () => Promise<unknown>) => {
    ask({ type: 'measure' });
    await during();
    const answer = next();
    ask({ type: 'report' });
    return (await answer) as Extract<FromRunner, { type: 'delay' }>;
  };
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const memory = async (gc: boolean) => {
    const answer = next();
    ask({ type: 'memory', gc });
    return (await answer) as Memory;
  };
  try {
    const { url } = (await next()) as Extract<FromRunner, { type: 'url' }>;

    // Memory around a resize storm: B has a full scrollback of long lines, so every resize
    // reflows the screen mirror.
    const [a, b] = [await TerminalClient.connect(url, await newLearner(url)), await TerminalClient.connect(url, await newLearner(url))];
    await Promise.all([a.waitForPrompt(30_000), b.waitForPrompt(30_000)]);
    await b.run('for i in $(seq 1 1500); do printf "Zeile %04d %0200d\\n" $i 0; done', 60_000);
    const before = await memory(true);
    for (let message = 0; message < STORM; message++) {
      const wide = message % 2 === 0;
      b.send({ type: 'resize', cols: wide ? 500 : 20, rows: wide ? 200 : 5 });
      if (message % 100 === 99) await new Promise((resolve) => setImmediate(resolve));
    }
    await b.run('stty size', 60_000);
    const during = await memory(false);
    await sleep(SETTLE_MS);
    const after = await memory(true);
    await Promise.all([a.close(), b.close()]);
    const mem = (figures: Memory) => `RSS ${figures.rssMiB.toFixed(0)} MiB, heap ${figures.heapUsedMiB.toFixed(1)} MiB, external ${figures.externalMiB.toFixed(1)} MiB`;
    console.log(`Runner memory around a storm of ${STORM} resizes from one learner (1,500 long lines of scrollback)`);
    console.log(`  before (after GC):               ${mem(before)}`);
    console.log(`  right after the storm (no GC):   ${mem(during)}, highest RSS so far ${during.maxRssMiB.toFixed(0)} MiB`);
    console.log(`  ${SETTLE_MS / 1000} s later (after GC):            ${mem(after)}`);
    console.log(`  left over: heap ${(after.heapUsedMiB - before.heapUsedMiB).toFixed(1)} MiB, RSS ${(after.rssMiB - before.rssMiB).toFixed(0)} MiB`);

    const clients: TerminalClient[] = [];
    for (let terminal = 0; terminal < TERMINALS; terminal++) {
      clients.push(await TerminalClient.connect(url, await newLearner(url)));
    }
    await Promise.all(clients.map((client) => client.waitForPrompt(30_000)));
    const idle = await measure(() => sleep(MEASURE_MS));

    const flooders = clients.slice(0, FLOODERS);
    const watcher = clients.at(-1)!;
    const floodStart = flooders.map((client) => client.receivedBytes);
    for (const client of flooders) client.type('cat /dev/urandom | base64\n');
    await sleep(1000);
    const echoes: number[] = [];
    const flood = await measure(async () => {
      const until = performance.now() + MEASURE_MS;
      while (performance.now() < until) {
        const before = watcher.receivedBytes;
        const started = performance.now();
        watcher.type('a');
        while (watcher.receivedBytes === before) await new Promise((resolve) => setImmediate(resolve));
        echoes.push(performance.now() - started);
        await sleep(50);
      }
    });
    const floodedMb = flooders.reduce((sum, client, index) => sum + client.receivedBytes - floodStart[index]!, 0) / 1e6;
    for (const client of flooders) client.type('\x03');
    watcher.type('\x15');

    const ms = (value: number) => `${value.toFixed(1)} ms`;
    console.log(`Runner event loop, ${TERMINALS} terminals open (monitorEventLoopDelay, ${MEASURE_MS / 1000} s each)`);
    console.log(`  idle:                      p50 ${ms(idle.p50)}, p99 ${ms(idle.p99)}, max ${ms(idle.max)}`);
    console.log(`  ${FLOODERS} of them flooding output: p50 ${ms(flood.p50)}, p99 ${ms(flood.p99)}, max ${ms(flood.max)}   (target p99 < 50 ms)`);
    console.log(`  flood delivered: ${(floodedMb / ((MEASURE_MS + 1000) / 1000)).toFixed(1)} MB/s in all`);
    console.log(`  an idle learner's echo during the flood, ${echoes.length} keys: p50 ${ms(percentile(echoes, 50))}, p95 ${ms(percentile(echoes, 95))}`);
    await Promise.all(clients.map((client) => client.close()));
  } finally {
    child.send({ type: 'stop' } satisfies ToRunner);
    await new Promise((resolve) => child.once('exit', resolve));
  }
}
