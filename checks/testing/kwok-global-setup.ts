// One kwok cluster per `vitest --project kwok` run, shared by all test files; each test
// isolates itself in its own namespace (kwok-test.ts).
import type { TestProject } from 'vitest/node';
import { startKwokCluster } from './kwok-cluster.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Path of the admin kubeconfig of the shared kwok test cluster. */
    kwokKubeconfig: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = performance.now();
  const cluster = await startKwokCluster();
  console.log(`[kwok] Testcluster ${cluster.name} bereit nach ${((performance.now() - started) / 1000).toFixed(1)} s`);
  project.provide('kwokKubeconfig', cluster.kubeconfigPath);
  return () => cluster.stop();
}
