// `werkbank lab test --all` as part of the suite: every lab of the course on a fresh kind
// cluster made the way a learner gets one (runner's kind provider: baked lab images,
// metrics-server, Traefik). Each step's checks must fail before its solution and pass after.
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { toolchain } from '../docker/toolchain/paths.ts';
import { loadClusterConfig } from '../runner/clusters/config.ts';
import { createProvider } from '../runner/clusters/index.ts';
import type { ClusterHandle, ClusterProvider } from '../runner/clusters/provider.ts';
import { formatProblem, loadLabs } from '../runner/labs/load.ts';
import { kindNodeRuntime } from '../runner/labs/node-runtime.ts';
import { selfTestLab, type SelfTestTarget } from '../runner/labs/self-test.ts';

const { labs, problems } = await loadLabs();
let provider: ClusterProvider;
let cluster: ClusterHandle;
let target: SelfTestTarget;

beforeAll(async () => {
  provider = createProvider({ ...loadClusterConfig({}), provider: 'kind' }, await mkdtemp(join(tmpdir(), 'werkbank-labtest-')))!;
  cluster = await provider.create(`werkbank-labtest-${randomBytes(3).toString('hex')}`, () => {});
  const tools = toolchain();
  target = {
    kubeconfigPath: cluster.adminKubeconfigPath,
    clusterName: cluster.name,
    ...(cluster.nodeContainer ? { nodeRuntime: kindNodeRuntime(cluster.nodeContainer) } : {}),
    toolDirs: [...new Set([tools.kubectl, tools.kind, tools.helm].map((binary) => dirname(binary)))],
  };
});

afterAll(async () => {
  if (cluster) await provider.delete(cluster.name);
});

test('every lab is valid', () => {
  expect(problems.map(formatProblem)).toEqual([]);
  expect(labs.length).toBeGreaterThan(0);
});

for (const loaded of labs) {
  test(`lab ${loaded.lab.id}: each step fails before its solution and passes after it`, async () => {
    const lines: string[] = [];
    const report = await selfTestLab(loaded, target, { log: (line) => lines.push(line) });
    console.log(`[lab] ${loaded.lab.id} in ${(report.durationMs / 1000).toFixed(1)} s\n${lines.join('\n')}`);
    expect(report.phases.filter((phase) => !phase.ok).map((phase) => `${phase.step} (${phase.phase}): ${phase.problem}`)).toEqual([]);
    expect(report.ok).toBe(true);
  });
}
