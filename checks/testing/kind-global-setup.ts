// One kind cluster per `vitest --project kind` run, shared by all its test files; each
// test isolates itself in its own namespace (kind-test.ts).
import type { TestProject } from 'vitest/node';
import { createKindCluster } from './kind-cluster.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin kubeconfig of the shared kind test cluster. */
    kindKubeconfig: string;
    /** Its name, for `kind load docker-image --name`. */
    kindClusterName: string;
    /** Its node container, for `docker exec … crictl`. */
    kindNodeContainer: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = performance.now();
  const cluster = await createKindCluster();
  console.log(`[kind] Testcluster ${cluster.name} bereit nach ${((performance.now() - started) / 1000).toFixed(1)} s`);
  project.provide('kindKubeconfig', cluster.kubeconfigPath);
  project.provide('kindClusterName', cluster.name);
  project.provide('kindNodeContainer', cluster.nodeContainer);
  return () => cluster.delete();
}
