// Terminal speed as a learner feels it, measured in a real browser against a real
// runner: page open → prompt, keystroke echo, throughput of a 50 MB output, and how
// fast Ctrl-C brings the prompt back during a flood. Prints its figures.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { repoRoot } from '../runner/config.ts';
import { startTestRunner } from '../runner/testing/runner-fixture.ts';
import { newLearner, TerminalClient } from '../runner/testing/terminal-client.ts';
import { launchChromium } from '../site/e2e/browser.ts';
import { promptShownAt } from './prompt.ts';
import { median, percentile } from './stats.ts';

const LESSON_PATH = '/lektionen/grundlagen/';
const OPEN_RUNS = 10;
const ECHO_SAMPLES = 100;
const THROUGHPUT_BYTES = 50 * 1000 * 1000;

async function measurePageOpen(baseUrl: string): Promise<number[]> {
  const browser = await launchChromium();
  const samples: number[] = [];
  try {
    for (let run = 0; run < OPEN_RUNS; run++) {
      const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
      const page = await context.newPage();
      await page.goto(`${baseUrl}${LESSON_PATH}`, { waitUntil: 'commit' });
      samples.push(await promptShownAt(page));
      await context.close();
    }
  } finally {
    await browser.close();
  }
  return samples;
}

interface EchoSample {
  /** Key pressed → echo parsed into xterm's buffer. */
  inBuffer: number;
  /** Key pressed → echo painted (xterm draws on the next animation frame). */
  painted: number;
}

async function measureEcho(page: Page): Promise<EchoSample[]> {
  await page.evaluate(() => {
    const term = window.werkbankTerminal!.term;
    const state = window as unknown as { echoSamples: EchoSample[]; keyAt: number | null; parsedAt: number | null };
    state.echoSamples = [];
    state.keyAt = null;
    state.parsedAt = null;
    term.textarea!.addEventListener('keydown', (event) => (state.keyAt = event.timeStamp), { capture: true });
    term.onWriteParsed(() => {
      if (state.keyAt !== null && state.parsedAt === null) state.parsedAt = performance.now();
    });
    term.onRender(() => {
      if (state.keyAt === null || state.parsedAt === null) return;
      state.echoSamples.push({ inBuffer: state.parsedAt - state.keyAt, painted: performance.now() - state.keyAt });
      state.keyAt = null;
      state.parsedAt = null;
    });
  });
  await page.locator('.wb-dock-screen .xterm').click();
  for (let sample = 0; sample < ECHO_SAMPLES; sample++) {
    await page.keyboard.press('a');
    await page.waitForFunction(() => (window as unknown as { keyAt: number | null }).keyAt === null);
    await page.waitForTimeout(20);
  }
  await page.keyboard.press('Control+U');
  return page.evaluate(() => (window as unknown as { echoSamples: EchoSample[] }).echoSamples);
}

async function runUntilMarker(page: Page, command: string, marker: string): Promise<number> {
  const started = await page.evaluate(() => performance.now());
  await page.keyboard.type(`${command}; echo ${marker.slice(0, 4)}''${marker.slice(4)}\n`);
  const done = await page.waitForFunction(
    (text) => {
      const buffer = window.werkbankTerminal!.term.buffer.active;
      const cursorLine = buffer.baseY + buffer.cursorY;
      for (let y = cursorLine; y >= Math.max(0, cursorLine - 3); y--) {
        if (buffer.getLine(y)?.translateToString(true) === text) return performance.now();
      }
      return false;
    },
    marker,
    { polling: 'raf', timeout: 300_000 },
  );
  return ((await done.jsonValue()) as number) - started;
}

async function measureThroughput(page: Page): Promise<number> {
  // `cat` of a 50 MB file of base64 lines (76 characters + newline). Written first, so
  // the figure is the terminal's and not base64's: writing to a tty line by line,
  // base64 alone tops out near 20 MB/s here even when nobody renders anything.
  const inputBytes = Math.round((THROUGHPUT_BYTES / 77) * 76 * 0.75);
  await runUntilMarker(page, `head -c ${inputBytes} /dev/urandom | base64 > durchsatz.txt`, 'DATEI-FERTIG');
  const ms = await runUntilMarker(page, 'cat durchsatz.txt', 'DURCHSATZ-FERTIG');
  await runUntilMarker(page, 'rm durchsatz.txt', 'AUFGERAEUMT');
  return THROUGHPUT_BYTES / 1e6 / (ms / 1000);
}

async function measureCtrlC(page: Page): Promise<number> {
  await page.keyboard.type('cat /dev/urandom | base64\n');
  await page.waitForTimeout(1500);
  const pressedAt = await page.evaluate(() => performance.now());
  await page.keyboard.press('Control+C');
  return (await promptShownAt(page)) - pressedAt;
}

/** The same paths without a browser (a scripted websocket client): what the runner
 * itself costs, to tell it apart from the browser's share. */
async function measureServerOnly(baseUrl: string): Promise<{ echo: number[]; throughput: number }> {
  const client = await TerminalClient.connect(baseUrl, await newLearner(baseUrl));
  await client.waitForPrompt();
  const echo: number[] = [];
  for (let sample = 0; sample < ECHO_SAMPLES; sample++) {
    const before = client.receivedBytes;
    const started = performance.now();
    client.type('a');
    while (client.receivedBytes === before) await new Promise((resolve) => setImmediate(resolve));
    echo.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  client.type('\x15'); // Ctrl-U: clear the line again
  const inputBytes = Math.round((THROUGHPUT_BYTES / 77) * 76 * 0.75);
  await client.run(`head -c ${inputBytes} /dev/urandom | base64 > durchsatz.txt`, 60_000);
  const before = client.receivedBytes;
  const started = performance.now();
  await client.run('cat durchsatz.txt; rm durchsatz.txt', 300_000);
  const throughput = (client.receivedBytes - before) / 1e6 / ((performance.now() - started) / 1000);
  await client.close();
  return { echo, throughput };
}

const runner = await startTestRunner({ siteDir: join(repoRoot, 'site', 'dist'), terminalGraceMs: 60_000 });
try {
  const serverOnly = await measureServerOnly(runner.url);
  const open = await measurePageOpen(runner.url);
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  await page.goto(`${runner.url}${LESSON_PATH}`);
  await promptShownAt(page);
  const echo = await measureEcho(page);
  const throughput = await measureThroughput(page);
  const ctrlC = [];
  for (let run = 0; run < 5; run++) ctrlC.push(await measureCtrlC(page));
  await browser.close();

  const ms = (value: number) => `${value.toFixed(1)} ms`;
  console.log('Terminal (Chromium → ws → node-pty → Chromium)');
  console.log(`  page open → prompt, median of ${OPEN_RUNS}: ${ms(median(open))}   (target < 500 ms)`);
  const inBuffer = echo.map((sample) => sample.inBuffer);
  const painted = echo.map((sample) => sample.painted);
  console.log(
    `  keystroke echo, ${echo.length} keys, in the terminal buffer: p50 ${ms(percentile(inBuffer, 50))}, p95 ${ms(percentile(inBuffer, 95))}   (target p50 < 10 ms)`,
  );
  console.log(`  keystroke echo, painted on the next frame: p50 ${ms(percentile(painted, 50))}, p95 ${ms(percentile(painted, 95))}`);
  console.log(`  throughput, 50 MB base64 rendered: ${throughput.toFixed(1)} MB/s   (target ≥ 20 MB/s)`);
  console.log(`  Ctrl-C during a flood → prompt, median of 5: ${ms(median(ctrlC))}   (target < 200 ms)`);
  console.log('Runner alone (scripted websocket client, no browser)');
  console.log(
    `  keystroke echo: p50 ${ms(percentile(serverOnly.echo, 50))}, p95 ${ms(percentile(serverOnly.echo, 95))}`,
  );
  console.log(`  throughput, 50 MB through pty, screen mirror and socket: ${serverOnly.throughput.toFixed(1)} MB/s`);
} finally {
  await runner.stop();
}
