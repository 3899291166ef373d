// A lesson page as a learner's browser gets it: bytes over the wire (with the brotli the
// runner serves) and page open → first shell prompt in xterm, median over fresh browser
// contexts in Chromium, with where the time goes. Prints its figures.
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { repoRoot } from '../runner/config.ts';
import { startTestRunner } from '../runner/testing/runner-fixture.ts';
import { TICKET_PATH } from '../runner/terminal/protocol.ts';
import { launchChromium } from '../site/e2e/browser.ts';
import { promptShownAt } from './prompt.ts';
import { median, percentile } from './stats.ts';

const LESSON_PATH = '/lektionen/speicher/';
const RUNS = Number(process.env.WERKBANK_BENCH_RUNS ?? 15);
const TARGET_MS = 500;

interface Transfer {
  type: string;
  url: string;
  /** Bytes of the body as sent (compressed). */
  wire: number;
  /** Bytes of the body once decoded. */
  decoded: number;
  encoding: string;
}

/** Every response of one page load (a fresh context: nothing cached). */
async function measureBytes(page: Page, url: string): Promise<Transfer[]> {
  const transfers: Promise<Transfer>[] = [];
  page.on('requestfinished', (request) => {
    transfers.push(
      (async () => {
        const response = await request.response();
        const sizes = await request.sizes();
        const body = await response?.body().catch(() => Buffer.alloc(0));
        return {
          type: request.resourceType(),
          url: request.url(),
          wire: sizes.responseBodySize,
          decoded: body?.length ?? 0,
          encoding: (await response?.headerValue('content-encoding')) ?? 'keine',
        };
      })(),
    );
  });
  await page.goto(url, { waitUntil: 'networkidle' });
  return Promise.all(transfers);
}

interface OpenSample {
  /** All in ms since navigation start (page time). */
  html: number;
  /** The HTML is parsed (module scripts may run from here on). */
  parsed: number;
  domContentLoaded: number;
  /** The page's scripts start the terminal (early.ts) ... */
  terminalStart: number;
  /** ... and xterm.js stands in the dock (dock.ts). */
  xtermReady: number;
  ticket: number;
  /** The page's inline script opens the socket with the ticket ... */
  socketCreated: number;
  socketOpen: number;
  /** ... and, once it is open, tells the runner the screen's size: the shell starts. */
  hello: number;
  firstOutput: number;
  prompt: number;
}

/** Notes when the terminal's socket opens and first speaks (page time). */
function watchSocket(): void {
  const marks: Record<string, number> = {};
  (window as unknown as { wbBench: Record<string, number> }).wbBench = marks;
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args: ConstructorParameters<typeof WebSocket>) {
      super(...args);
      this.addEventListener('open', () => (marks.socketOpen ??= performance.now()));
      const send = this.send.bind(this);
      this.send = (data) => {
        if (typeof data === 'string' && data.includes('"hello"')) marks.hello ??= performance.now();
        send(data);
      };
      this.addEventListener('message', (event) => {
        if (typeof event.data !== 'string') marks.firstOutput ??= performance.now();
      });
    }
  };
}

/** The terminal's head start: an inline script at the top of a lesson asks for the ticket,
 * opens the socket and says hello (SkipLink.astro), the dock's first, small script takes
 * the socket over (early.ts). Without both the big script starts the terminal itself, as
 * the page once did: taken in turns under the same load, the two show what the head start
 * is worth. */
const HEAD_START_SCRIPT = '*TerminalDock.astro_astro_type_script_index_0_lang.*';

async function measureOpen(page: Page, url: string, headStart: boolean): Promise<OpenSample> {
  await page.addInitScript(watchSocket);
  if (!headStart) {
    // The inline script's head start is taken over at once and left unused (its ticket is
    // fetched anyway): it opens no socket of its own, which would say hello and take the
    // shell over from the page's later one.
    await page.addInitScript(() =>
      Object.defineProperty(window, 'werkbankPreconnect', { get: () => undefined, set: (preconnect: { take(): unknown }) => void preconnect.take() }),
    );
    // Blocked by Chromium itself: Playwright's routing would hold up every request.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setBlockedURLs', { urls: [HEAD_START_SCRIPT] });
  }
  await page.goto(url, { waitUntil: 'commit' });
  const prompt = await promptShownAt(page);
  return page.evaluate(
    ({ prompt, ticketPath }) => {
      const navigation = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      const ticket = performance.getEntriesByType('resource').find((entry) => entry.name.endsWith(ticketPath)) as PerformanceResourceTiming | undefined;
      const marks = (window as unknown as { wbBench: Record<string, number> }).wbBench;
      const mark = (name: string) => performance.getEntriesByName(name)[0]?.startTime ?? Number.NaN;
      return {
        html: navigation.responseEnd,
        parsed: navigation.domInteractive,
        domContentLoaded: navigation.domContentLoadedEventEnd,
        terminalStart: mark('werkbank:terminal-start'),
        xtermReady: mark('werkbank:xterm-ready'),
        ticket: ticket?.responseEnd ?? Number.NaN,
        socketCreated: mark('werkbank:socket-created'),
        socketOpen: marks.socketOpen ?? Number.NaN,
        hello: marks.hello ?? Number.NaN,
        firstOutput: marks.firstOutput ?? Number.NaN,
        prompt,
      };
    },
    { prompt, ticketPath: TICKET_PATH },
  );
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
const ms = (value: number) => `${value.toFixed(0)} ms`;

// A copy of the built site may be named (a rebuild of site/dist meanwhile would disturb it).
const siteDir = process.env.WERKBANK_SITE_DIR ?? join(repoRoot, 'site', 'dist');
const runner = await startTestRunner({ siteDir, terminalGraceMs: 60_000 });
const browser = await launchChromium();
try {
  const url = `${runner.url}${LESSON_PATH}`;
  const bytesContext = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const transfers = await measureBytes(await bytesContext.newPage(), url);
  await bytesContext.close();

  // Taken in turns, so both see the same load on the machine.
  const samples: OpenSample[] = [];
  const withoutHeadStart: OpenSample[] = [];
  for (let run = 0; run < RUNS; run++) {
    for (const headStart of [true, false]) {
      const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
      (headStart ? samples : withoutHeadStart).push(await measureOpen(await context.newPage(), url, headStart));
      await context.close();
    }
  }

  console.log(`Lesson page ${LESSON_PATH} (Chromium, fresh context, nothing cached)`);
  const byType = new Map<string, { count: number; wire: number; decoded: number }>();
  for (const transfer of transfers) {
    const sum = byType.get(transfer.type) ?? { count: 0, wire: 0, decoded: 0 };
    byType.set(transfer.type, { count: sum.count + 1, wire: sum.wire + transfer.wire, decoded: sum.decoded + transfer.decoded });
  }
  for (const [type, sum] of [...byType].sort((a, b) => b[1].wire - a[1].wire)) {
    console.log(`  ${type.padEnd(10)} ${String(sum.count).padStart(3)} files  ${kb(sum.decoded).padStart(7)} → ${kb(sum.wire).padStart(7)} over the wire`);
  }
  const wire = transfers.reduce((total, transfer) => total + transfer.wire, 0);
  const decoded = transfers.reduce((total, transfer) => total + transfer.decoded, 0);
  console.log(`  total      ${String(transfers.length).padStart(3)} files  ${kb(decoded).padStart(7)} → ${kb(wire).padStart(7)} over the wire`);
  const uncompressed = transfers.filter((transfer) => transfer.encoding === 'keine' && transfer.decoded > 1024 && transfer.type !== 'fetch');
  if (uncompressed.length > 0) {
    console.log(`  sent uncompressed (> 1 KB): ${uncompressed.map((transfer) => `${new URL(transfer.url).pathname} (${kb(transfer.decoded)})`).join(', ')}`);
  }

  const column = (pick: (sample: OpenSample) => number, from = samples) => {
    const values = from.map(pick).filter(Number.isFinite);
    return `median ${ms(median(values)).padStart(7)}, p90 ${ms(percentile(values, 90)).padStart(7)}`;
  };
  console.log(`Page open → prompt, ${RUNS} runs (ms since navigation start)`);
  console.log(`  HTML received          ${column((sample) => sample.html)}`);
  console.log(`  HTML parsed            ${column((sample) => sample.parsed)}`);
  console.log(`  DOMContentLoaded       ${column((sample) => sample.domContentLoaded)}`);
  console.log(`  terminal started       ${column((sample) => sample.terminalStart)}`);
  console.log(`  xterm.js ready         ${column((sample) => sample.xtermReady)}`);
  console.log(`  terminal ticket        ${column((sample) => sample.ticket)}`);
  console.log(`  terminal socket made   ${column((sample) => sample.socketCreated)}`);
  console.log(`  terminal socket open   ${column((sample) => sample.socketOpen)}`);
  console.log(`  hello (shell starts)   ${column((sample) => sample.hello)}`);
  console.log(`  first terminal output  ${column((sample) => sample.firstOutput)}`);
  const prompts = samples.map((sample) => sample.prompt);
  const verdict = median(prompts) < TARGET_MS ? 'met' : 'MISSED';
  console.log(`  prompt visible         ${column((sample) => sample.prompt)}   (target < ${TARGET_MS} ms median: ${verdict})`);
  console.log(`  without the head start ${column((sample) => sample.prompt, withoutHeadStart)}   (the big script starts the terminal)`);
  const [load1] = loadavg();
  console.log(`  machine load average while measuring: ${load1!.toFixed(1)} on ${availableParallelism()} cores`);
} finally {
  await browser.close();
  await runner.stop();
}
