// What the runner's HTTP layer adds to a request: p50/p95 of /api/health, the learner's
// progress and "Prüfen" on a runner without clusters (it answers 409 without touching a
// cluster, so the figure is routing, cookies, origin check and JSON only).
//
//   node bench/api-latency.ts [runs=500]
import { startTestRunner } from '../runner/testing/runner-fixture.ts';
import { newLearner } from '../runner/testing/terminal-client.ts';
import { percentile } from './stats.ts';

const runs = Number(process.argv[2] ?? 500);

async function measure(label: string, request: () => Promise<Response>, status: number): Promise<void> {
  for (let i = 0; i < 20; i += 1) await (await request()).arrayBuffer();
  const samples: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const started = performance.now();
    const response = await request();
    await response.arrayBuffer();
    samples.push(performance.now() - started);
    if (response.status !== status) throw new Error(`${label}: Status ${response.status} statt ${status}`);
  }
  console.log(`${label}: p50 ${percentile(samples, 50).toFixed(2)} ms, p95 ${percentile(samples, 95).toFixed(2)} ms (${runs} Anfragen)`);
}

const runner = await startTestRunner();
try {
  const learner = await newLearner(runner.url);
  const progress = (await (await fetch(`${runner.url}/api/progress`, { headers: { cookie: learner.cookie } })).json()) as {
    labs: { lab: string; steps: { id: string }[] }[];
  };
  const lab = progress.labs[0]!;
  const checkUrl = `${runner.url}/api/labs/${lab.lab}/steps/${lab.steps[0]!.id}/check`;
  await measure('GET /api/health', () => fetch(`${runner.url}/api/health`), 200);
  await measure('GET /api/progress', () => fetch(`${runner.url}/api/progress`, { headers: { cookie: learner.cookie } }), 200);
  await measure('POST …/check (ohne Cluster, 409)', () => fetch(checkUrl, { method: 'POST', headers: { origin: runner.url, cookie: learner.cookie } }), 409);
} finally {
  await runner.stop();
}
