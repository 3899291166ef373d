// How long the kwok test cluster takes from nothing to ready (what every
// `vitest --project kwok` run pays once). Target: median under 30 s with a warm toolchain.
//
//   node bench/kwok-start.ts [runs=5]
import { startKwokCluster } from '../checks/testing/kwok-cluster.ts';
import { median } from './stats.ts';

const runs = Number(process.argv[2] ?? 5);
const startSeconds: number[] = [];
const stopSeconds: number[] = [];

for (let run = 1; run <= runs; run++) {
  let started = performance.now();
  const cluster = await startKwokCluster();
  startSeconds.push((performance.now() - started) / 1000);
  started = performance.now();
  await cluster.stop();
  stopSeconds.push((performance.now() - started) / 1000);
  console.log(`Lauf ${run}/${runs}: Start ${startSeconds.at(-1)!.toFixed(1)} s, Stopp ${stopSeconds.at(-1)!.toFixed(1)} s`);
}

console.log(
  `kwok-Testcluster: Start Median ${median(startSeconds).toFixed(1)} s ` +
    `(min ${Math.min(...startSeconds).toFixed(1)}, max ${Math.max(...startSeconds).toFixed(1)}, ${runs} Läufe), ` +
    `Stopp Median ${median(stopSeconds).toFixed(1)} s`,
);
