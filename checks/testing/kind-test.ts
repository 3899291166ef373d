// `kindTest` is vitest's `test` for the shared kind cluster, with the same fixtures as
// `kwokTest` (typed clients, a fresh namespace per test) plus the cluster's identity.
import { inject, test } from 'vitest';
import { kubeClients } from './kube-clients.ts';
import { createTestNamespace, namespaceNameFor } from './kwok-test.ts';

export const kindTest = test
  .extend('kube', { scope: 'file' }, () => kubeClients(inject('kindKubeconfig')))
  .extend('cluster', { scope: 'file' }, () => ({
    name: inject('kindClusterName'),
    kubeconfigPath: inject('kindKubeconfig'),
    nodeContainer: inject('kindNodeContainer'),
  }))
  .extend('namespace', async ({ kube, task }, { onCleanup }) => {
    const name = namespaceNameFor(task.name);
    await createTestNamespace(kube, name);
    onCleanup(async () => {
      await kube.core.deleteNamespace({ name });
    });
    return name;
  });
