import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { describe, expect } from 'vitest';
import { runCheck } from '../testing/check-helpers.ts';
import { createTestNamespace, kwokTest as test } from '../testing/kwok-test.ts';
import { waitFor } from '../testing/wait.ts';
import { namespaceExists } from './namespace-exists.ts';

describe('namespace-exists', () => {
  test.concurrent('passes for a namespace that exists', async ({ kube, namespace }) => {
    const result = await runCheck(kube, 'default', namespaceExists, { name: namespace });

    expect(result.passed).toBe(true);
    expect(result.message).toBe(`Der Namespace ‚${namespace}‘ existiert.`);
  });

  test.concurrent('namespace missing: says how to create it', async ({ kube, namespace }) => {
    const result = await runCheck(kube, namespace, namespaceExists, { name: `${namespace}-shop` });

    expect(result.passed).toBe(false);
    expect(result.message).toContain(`Den Namespace ‚${namespace}-shop‘ gibt es nicht`);
    expect(result.message).toContain(`„kubectl create namespace ${namespace}-shop“`);
    expect(result.data).toMatchObject({ exists: false });
  });

  test.concurrent('a namespace being deleted does not count', async ({ kube, namespace }) => {
    const doomed = `${namespace}-weg`;
    await createTestNamespace(kube, doomed);
    // A finalizer on an object inside keeps the namespace in Terminating until it is removed.
    await kube.core.createNamespacedConfigMap({
      namespace: doomed,
      body: { metadata: { name: 'halt', finalizers: ['werkbank.test/halt'] } },
    });
    await kube.core.deleteNamespace({ name: doomed });
    try {
      await waitFor('Namespace ist Terminating', async () => {
        const current = await kube.core.readNamespace({ name: doomed });
        return current.status?.phase === 'Terminating';
      });

      const result = await runCheck(kube, namespace, namespaceExists, { name: doomed });

      expect(result.passed).toBe(false);
      expect(result.message).toContain(`Der Namespace ‚${doomed}‘ wird gerade gelöscht (Terminating)`);
    } finally {
      await kube.core.patchNamespacedConfigMap(
        { name: 'halt', namespace: doomed, body: { metadata: { finalizers: null } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
    }
  });

  test.concurrent('Pod Security Admission label missing or at another level', async ({ kube, namespace }) => {
    const enforce = { 'pod-security.kubernetes.io/enforce': 'restricted' };
    const missing = await runCheck(kube, namespace, namespaceExists, { name: namespace, labels: enforce });
    await kube.core.patchNamespace(
      { name: namespace, body: { metadata: { labels: { 'pod-security.kubernetes.io/enforce': 'baseline' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const other = await runCheck(kube, namespace, namespaceExists, { name: namespace, labels: enforce });
    await kube.core.patchNamespace(
      { name: namespace, body: { metadata: { labels: enforce } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const right = await runCheck(kube, namespace, namespaceExists, { name: namespace, labels: enforce });

    expect(missing.passed).toBe(false);
    expect(missing.message).toContain('das Label ‚pod-security.kubernetes.io/enforce=restricted‘ fehlt');
    expect(missing.message).toContain(`„kubectl label namespace ${namespace} pod-security.kubernetes.io/enforce=restricted“`);
    expect(other.passed).toBe(false);
    expect(other.message).toContain('das Label ‚pod-security.kubernetes.io/enforce‘ steht auf ‚baseline‘ statt ‚restricted‘');
    expect(other.message).toContain('--overwrite“');
    expect(right.passed).toBe(true);
    expect(right.message).toBe(`Der Namespace ‚${namespace}‘ existiert und trägt ‚pod-security.kubernetes.io/enforce=restricted‘.`);
  });
});
