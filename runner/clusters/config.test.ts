// How many clusters a runner gives out when the instructor sets no limit: as many as
// memory holds, and for kind no more than the cores can keep alive.
import { expect, test } from 'vitest';
import { loadClusterConfig } from './config.ts';

test('kind on 2 cores with 23 GiB free stops at 8 clusters, although memory would hold 37', () => {
  const kind = { WERKBANK_CLUSTER_PROVIDER: 'kind' };
  expect(loadClusterConfig(kind, 23_000, 2).maxClusters).toBe(8);
  expect(loadClusterConfig(kind, 23_000, 16).maxClusters).toBe(36);
});

test('sandboxes are the default, limited like kind by the cores, and by their larger memory', () => {
  expect(loadClusterConfig({}, 23_000, 2)).toMatchObject({ provider: 'sandbox', maxClusters: 8 });
  expect(loadClusterConfig({}, 23_000, 16).maxClusters).toBe(24);
});

test('sandbox limits: defaults fit the machine, settings override, the shell gets at most half the memory', () => {
  expect(loadClusterConfig({}, 23_000, 1).sandboxLimits).toMatchObject({ cpus: 1, memoryMiB: 4096, shellMemoryMiB: 1536 });
  const set = loadClusterConfig({ WERKBANK_SANDBOX_CPUS: '2', WERKBANK_SANDBOX_MEMORY_MIB: '2048', WERKBANK_SANDBOX_PIDS: '3000' }, 23_000, 2);
  expect(set.sandboxLimits).toMatchObject({ cpus: 2, memoryMiB: 2048, pids: 3000, shellMemoryMiB: 1024 });
  expect(() => loadClusterConfig({ WERKBANK_SANDBOX_MEMORY_MIB: '100' }, 23_000, 2)).toThrow(/WERKBANK_SANDBOX_MEMORY_MIB/);
});

test('with little memory, memory decides; kwok is limited by memory only', () => {
  expect(loadClusterConfig({ WERKBANK_CLUSTER_PROVIDER: 'kind' }, 3_000, 2).maxClusters).toBe(3);
  expect(loadClusterConfig({}, 3_000, 2).maxClusters).toBe(2);
  expect(loadClusterConfig({ WERKBANK_CLUSTER_PROVIDER: 'kwok' }, 23_000, 2).maxClusters).toBe(73);
});

test('WERKBANK_CLUSTER_MAX overrides the estimate, and a bad value is refused in German', () => {
  expect(loadClusterConfig({ WERKBANK_CLUSTER_MAX: '12' }, 23_000, 2).maxClusters).toBe(12);
  expect(() => loadClusterConfig({ WERKBANK_CLUSTER_MAX: 'viele' }, 23_000, 2)).toThrow(/Ungültige Cluster-Einstellung.*WERKBANK_CLUSTER_MAX/s);
});
