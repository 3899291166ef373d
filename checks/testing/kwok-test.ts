// `kwokTest` is vitest's `test` with two fixtures for tests against the shared kwok
// cluster: `kube` (typed API clients) and `namespace` (a fresh namespace per test,
// deleted afterwards), so tests never see each other's objects.
import { randomBytes } from 'node:crypto';
import { inject, test } from 'vitest';
import { kubeClients, type KubeClients } from './kube-clients.ts';
import { waitFor } from './wait.ts';

/** A DNS label from the test's name, so a leftover namespace says where it came from. */
export function namespaceNameFor(testName: string): string {
  const slug = testName
    .toLowerCase()
    .replaceAll('ß', 'ss')
    .normalize('NFKD')
    .replace(/\p{M}/gu, '') // ü → u
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return `t-${slug || 'test'}-${randomBytes(3).toString('hex')}`;
}

export async function createTestNamespace(kube: KubeClients, name: string): Promise<void> {
  await kube.core.createNamespace({
    body: { metadata: { name, labels: { 'werkbank.test/kwok': 'true' } } },
  });
  // Until kube-controller-manager has created the default ServiceAccount, the
  // ServiceAccount admission refuses pods and controllers back off for seconds.
  await waitFor(`ServiceAccount default im Namespace ${name}`, () =>
    kube.core.readNamespacedServiceAccount({ name: 'default', namespace: name }),
  );
}

export const kwokTest = test
  .extend('kube', { scope: 'file' }, () => kubeClients(inject('kwokKubeconfig')))
  .extend('namespace', async ({ kube, task }, { onCleanup }) => {
    const name = namespaceNameFor(task.name);
    await createTestNamespace(kube, name);
    // Not waiting for the namespace to be gone: finalizing takes seconds and nothing
    // else will use this name.
    onCleanup(async () => {
      await kube.core.deleteNamespace({ name });
    });
    return name;
  });
