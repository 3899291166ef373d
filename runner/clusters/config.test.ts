// How many clusters a runner gives out when the instructor sets no limit: as many as
// memory holds, and for kind no more than the cores can keep alive.
import { expect, test } from 'vitest';
import { loadClusterConfig } from './config.ts';

test('kind on 2 cores with 23 GiB free stops at 8 clusters, although memory would hold 37', () => {
  expect(loadClusterConfig({}, 23_000, 2).maxClusters).toBe(8);
  expect(loadClusterConfig({}, 23_000, 16).maxClusters).toBe(36);
});

test('with little memory, memory decides; kwok is limited by memory only', () => {
  expect(loadClusterConfig({}, 3_000, 2).maxClusters).toBe(3);
  expect(loadClusterConfig({ WERKBANK_CLUSTER_PROVIDER: 'kwok' }, 23_000, 2).maxClusters).toBe(73);
});

test('WERKBANK_CLUSTER_MAX overrides the estimate, and a bad value is refused in German', () => {
  expect(loadClusterConfig({ WERKBANK_CLUSTER_MAX: '12' }, 23_000, 2).maxClusters).toBe(12);
  expect(() => loadClusterConfig({ WERKBANK_CLUSTER_MAX: 'viele' }, 23_000, 2)).toThrow(/Ungültige Cluster-Einstellung.*WERKBANK_CLUSTER_MAX/s);
});
