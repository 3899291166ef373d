// Terminal speed as a learner feels it, measured in a real browser against a real
// runner: page open → prompt, keystroke echo, throughput of a 50 MB output, and how
// fast Ctrl-C brings the prompt back during a flood. Prints its figures.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { repoRoot } from '../runner/config.ts';
import { startTestRunner } from '../runner/testing/runner-fixture.ts';
import { launchChromium } from '../site/e2e/browser.ts';
import { median, percentile } from './stats.ts';

const LESSON_PATH = '/lektionen/grundlagen/';
const OPEN_RUNS = 10;
const ECHO_SAMPLES = 100;
const THROUGHPUT_BYTES = 50 * 1000 * 1000;

/** Resolves (in page time, ms since navigation) when the last line shows the prompt. */
function promptShownAt(page: Page): Promise<number> {
  return page
    .waitForFunction(
      () => {
        const term = window.werkbankTerminal?.term;
        if (!term) return false;
        const buffer = term.buffer.active;
        const line = buffer.getLine(buffer.baseY + buffer.cursorY)?.translateToString(true) ?? '';
        return /\$ ?$/.test(line) ? performance.now() : false;
      },
      null,
      { polling: 'raf', timeout: 30_000 },
    )
    .then((handle) => handle.jsonValue() as Promise<number>);
}

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

async function measureEcho(page: Page): Promise<number[]> {
  await page.evaluate(() => {
    const term = window.werkbankTerminal!.term;
    const state = window as unknown as { echoSamples: number[]; keyAt: number | null };
    state.echoSamples = [];
    state.keyAt = null;
    term.textarea!.addEventListener('keydown', (event) => (state.keyAt = event.timeStamp), { capture: true });
    // Rendered on screen, not only received: what the learner sees.
    term.onRender(() => {
      if (state.keyAt === null) return;
      state.echoSamples.push(performance.now() - state.keyAt);
      state.keyAt = null;
    });
  });
  await page.locator('.wb-dock-screen .xterm').click();
  for (let sample = 0; sample < ECHO_SAMPLES; sample++) {
    await page.keyboard.press('a');
    await page.waitForFunction(() => (window as unknown as { keyAt: number | null }).keyAt === null);
    await page.waitForTimeout(20);
  }
  await page.keyboard.press('Control+U');
  return page.evaluate(() => (window as unknown as { echoSamples: number[] }).echoSamples);
}

async function runUntilMarker(page: Page, command: string, marker: string): Promise<number> {
  const started = await page.evaluate(() => performance.now());
  await page.keyboard.type(`${command}; echo ${marker.slice(0, 4)}''${marker.slice(4)}\n`);
  const done = await page.waitForFunction(
    (text) => {
      const buffer = window.werkbankTerminal!.term.buffer.active;
      for (let y = buffer.length - 1; y >= Math.max(0, buffer.length - 4); y--) {
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
  // base64 of random bytes: 4/3 of the input, plus a newline every 76 characters.
  const inputBytes = Math.round((THROUGHPUT_BYTES / 77) * 76 * 0.75);
  const ms = await runUntilMarker(page, `head -c ${inputBytes} /dev/urandom | base64`, 'DURCHSATZ-FERTIG');
  return THROUGHPUT_BYTES / 1e6 / (ms / 1000);
}

async function measureCtrlC(page: Page): Promise<number> {
  await page.keyboard.type('cat /dev/urandom | base64\n');
  await page.waitForTimeout(1500);
  const pressedAt = await page.evaluate(() => performance.now());
  await page.keyboard.press('Control+C');
  return (await promptShownAt(page)) - pressedAt;
}

const runner = await startTestRunner({ siteDir: join(repoRoot, 'site', 'dist'), terminalGraceMs: 60_000 });
try {
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
  console.log(
    `  keystroke echo, ${echo.length} keys: p50 ${ms(percentile(echo, 50))}, p95 ${ms(percentile(echo, 95))}   (target p50 < 10 ms)`,
  );
  console.log(`  throughput, 50 MB base64 rendered: ${throughput.toFixed(1)} MB/s   (target ≥ 20 MB/s)`);
  console.log(`  Ctrl-C during a flood → prompt, median of 5: ${ms(median(ctrlC))}   (target < 200 ms)`);
} finally {
  await runner.stop();
}
