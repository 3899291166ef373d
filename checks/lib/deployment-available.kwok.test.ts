import { describe, expect } from 'vitest';
import { createDeployment, deployment, podNames, restartedAgo, runCheck, waitForAvailable } from '../testing/check-helpers.ts';
import { kwokTest as test } from '../testing/kwok-test.ts';
import { waitFor } from '../testing/wait.ts';
import { deploymentAvailable } from './deployment-available.ts';

describe('deployment-available', () => {
  test.concurrent('passes when every replica is available', async ({ kube, namespace }) => {
    await createDeployment(kube, namespace, deployment('web', { replicas: 2 }));
    await waitForAvailable(kube, namespace, 'web', 2);

    const result = await runCheck(kube, namespace, deploymentAvailable, { name: 'web', replicas: 2 });

    expect(result.passed).toBe(true);
    expect(result.message).toBe('Das Deployment ‚web‘ ist verfügbar: 2 von 2 Replikas bereit.');
    expect(result.data).toMatchObject({ available: 2, expected: 2 });
  });

  test.concurrent('waits while the pods start and passes once they are there', async ({ kube, namespace }) => {
    await createDeployment(kube, namespace, deployment('web', { replicas: 2 }));

    const result = await runCheck(kube, namespace, deploymentAvailable, { name: 'web' }, { timeoutMs: 30_000 });

    expect(result.passed).toBe(true);
    expect(result.message).toContain('2 von 2 Replikas');
  });

  test.concurrent('fails when the Deployment asks for fewer replicas than the step', async ({ kube, namespace }) => {
    await createDeployment(kube, namespace, deployment('web', { replicas: 2 }));
    await waitForAvailable(kube, namespace, 'web', 2);

    const result = await runCheck(kube, namespace, deploymentAvailable, { name: 'web', replicas: 3 });

    expect(result.passed).toBe(false);
    expect(result.message).toContain('ist auf 2 Replikas eingestellt, erwartet sind 3');
    expect(result.message).toContain(`kubectl scale deployment web --replicas=3 -n ${namespace}`);
  });

  test.concurrent('fewer replicas available than asked: names the pod that finds no node', async ({ kube, namespace }) => {
    // Two nodes, three replicas that refuse to share a node: one pod stays Pending.
    await createDeployment(
      kube,
      namespace,
      deployment('web', {
        replicas: 3,
        pod: {
          affinity: {
            podAntiAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: [
                { labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' },
              ],
            },
          },
        },
      }),
    );
    // The check answers as soon as a pod cannot be scheduled; on a busy machine the other
    // two may not be ready by then. The count is asserted once they are, as a learner sees it.
    await waitFor(
      'zwei der drei Replikas sind verfügbar',
      async () => (await kube.apps.readNamespacedDeployment({ name: 'web', namespace })).status?.availableReplicas === 2,
      { timeoutMs: 30_000 },
    );

    const result = await runCheck(kube, namespace, deploymentAvailable, { name: 'web', replicas: 3 }, { timeoutMs: 20_000 });

    expect(result.passed).toBe(false);
    expect(result.timedOut).toBeUndefined();
    expect(result.message).toContain('Das Deployment ‚web‘ ist nicht verfügbar, bereit sind 2 von 3 Replikas');
    expect(result.message).toContain('kann keinem Knoten zugeteilt werden');
    expect(result.message).toContain('anti-affinity');
  });

  test.concurrent('a typo in the name: says which Deployments exist', async ({ kube, namespace }) => {
    await createDeployment(kube, namespace, deployment('web'));

    const result = await runCheck(kube, namespace, deploymentAvailable, { name: 'webapp' });

    expect(result.passed).toBe(false);
    expect(result.message).toContain(`Das Deployment ‚webapp‘ gibt es im Namespace ‚${namespace}‘ nicht`);
    expect(result.message).toContain('Dort gibt es nur: ‚web‘');
  });

  test.concurrent('created in another namespace than the step looks in (forgotten -n)', async ({ kube, namespace }) => {
    // A name no other test uses, so this namespace is the only other place it exists.
    await createDeployment(kube, namespace, deployment('katalog'));
    const expectedNamespace = `${namespace}-x`;

    const result = await runCheck(kube, expectedNamespace, deploymentAvailable, { name: 'katalog' });

    expect(result.passed).toBe(false);
    expect(result.message).toContain(`Den Namespace ‚${expectedNamespace}‘ gibt es nicht`);
    expect(result.message).toContain(`Das Deployment ‚katalog‘ gibt es im Namespace ‚${namespace}‘.`);
    expect(result.message).toContain(`kubectl create namespace ${expectedNamespace}`);
  });

  // Near miss: a crash loop is ready now and then; caught at such a moment it must not pass.
  test.concurrent('a pod that crashed and restarted lately fails; once it has run for minutes it passes', async ({ kube, namespace }) => {
    await createDeployment(kube, namespace, deployment('web'));
    await waitForAvailable(kube, namespace, 'web', 1);
    const [pod] = await podNames(kube, namespace, 'web');
    await restartedAgo(kube, namespace, pod!, 20_000);

    const looping = await runCheck(kube, namespace, deploymentAvailable, { name: 'web' });

    expect(looping.passed).toBe(false);
    expect(looping.timedOut).toBeUndefined();
    expect(looping.message).toContain(`Das Deployment ‚web‘ meldet 1 bereites Replika. Der Pod ‚${pod}‘ ist zwar gerade bereit, aber sein Container ‚web‘ wurde vor Kurzem neu gestartet (Error, 4 Neustarts)`);
    expect(looping.message).toContain(`kubectl logs ${pod} --previous -n ${namespace}`);

    await restartedAgo(kube, namespace, pod!, 10 * 60_000);
    const stable = await runCheck(kube, namespace, deploymentAvailable, { name: 'web' });

    expect(stable.message).toBe('Das Deployment ‚web‘ ist verfügbar: 1 von 1 Replika bereit.');
    expect(stable.passed).toBe(true);
  });
  // Near miss: a namespace that enforces Pod Security "restricted" refuses the pods; the
  // reason is Pod Security, not a ServiceAccount or a quota.
  test.concurrent('pods refused by Pod Security are named as such, with the first violation', async ({ kube, namespace }) => {
    const labelled = await kube.core.readNamespace({ name: namespace });
    labelled.metadata!.labels = { ...labelled.metadata?.labels, 'pod-security.kubernetes.io/enforce': 'restricted' };
    await kube.core.replaceNamespace({ name: namespace, body: labelled });
    await createDeployment(kube, namespace, deployment('sicher'));
    await waitFor('ReplicaFailure am Deployment sicher', async () => {
      const current = await kube.apps.readNamespacedDeployment({ name: 'sicher', namespace });
      return current.status?.conditions?.some((c) => c.type === 'ReplicaFailure' && c.status === 'True');
    });

    const result = await runCheck(kube, namespace, deploymentAvailable, { name: 'sicher' });

    expect(result.passed).toBe(false);
    expect(result.message).toMatch(/^Das Deployment ‚sicher‘ kann keine Pods anlegen: Pod Security \(restricted\) lehnt den Pod ab: allowPrivilegeEscalation != false \(container "web" must set securityContext\.allowPrivilegeEscalation=false\) – und 3 weitere Punkte\./);
    expect(result.message).not.toContain('ServiceAccount');
    expect(result.message).toContain('Tipp: Ergänze den securityContext');
  });
});
