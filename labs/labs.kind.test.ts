// `werkbank lab test --all` as part of the suite: every lab of the course on a fresh kind
// cluster made the way a learner gets one (runner's kind provider: baked lab images,
// metrics-server, Traefik). Each step's checks must fail before its solution and pass after.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { formatProblem, loadLabs } from '../runner/labs/load.ts';
import { selfTestLab } from '../runner/labs/self-test.ts';
import { freshLabCluster, type LabTestCluster } from '../runner/labs/test-cluster.ts';

const { labs, problems } = await loadLabs();
let cluster: LabTestCluster | undefined;

beforeAll(async () => {
  cluster = await freshLabCluster(await mkdtemp(join(tmpdir(), 'werkbank-labtest-')));
});

afterAll(async () => {
  await cluster?.remove();
});

test('every lab is valid', () => {
  expect(problems.map(formatProblem)).toEqual([]);
  expect(labs.length).toBeGreaterThan(0);
});

for (const loaded of labs) {
  test(`lab ${loaded.lab.id}: each step fails before its solution and passes after it`, async () => {
    const lines: string[] = [];
    const report = await selfTestLab(loaded, cluster!.target, { log: (line) => lines.push(line) });
    console.log(`[lab] ${loaded.lab.id} in ${(report.durationMs / 1000).toFixed(1)} s\n${lines.join('\n')}`);
    expect(report.phases.filter((phase) => !phase.ok).map((phase) => `${phase.step} (${phase.phase}): ${phase.problem}`)).toEqual([]);
    expect(report.ok).toBe(true);
  });
}
