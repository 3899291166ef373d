import type { CoreV1Event } from '@kubernetes/client-node';
import { describe, expect } from 'vitest';
import { createDeployment, deployment, runCheck, waitForAvailable } from '../testing/check-helpers.ts';
import type { KubeClients } from '../testing/kube-clients.ts';
import { kwokTest as test } from '../testing/kwok-test.ts';
import { driftHealed, healedDrift, parseScaling } from './drift-healed.ts';

/** A ScalingReplicaSet event as kube-controller-manager writes it for the Deployment. */
async function scaled(kube: KubeClients, namespace: string, from: number, to: number): Promise<void> {
  const body: CoreV1Event = {
    metadata: { generateName: 'web.' },
    involvedObject: { kind: 'Deployment', name: 'web', namespace, apiVersion: 'apps/v1' },
    reason: 'ScalingReplicaSet',
    type: 'Normal',
    message: `Scaled ${to > from ? 'up' : 'down'} replica set web-5d4f8 from ${from} to ${to}`,
    source: { component: 'deployment-controller' },
    firstTimestamp: new Date(),
    lastTimestamp: new Date(),
  };
  await kube.core.createNamespacedEvent({ namespace, body });
}

describe('drift-healed', () => {
  test('reads the replica moves from the event messages', () => {
    expect(parseScaling('Scaled up replica set web-5d4f8 from 3 to 5')).toEqual({ replicaSet: 'web-5d4f8', from: 3, to: 5 });
    expect(parseScaling('Created pod: web-5d4f8-abcde')).toBeUndefined();
    // Creation (0 → 2) and a wanted change (2 → 3) are no drift away from 3.
    expect(healedDrift([{ replicaSet: 'a', from: 0, to: 2 }, { replicaSet: 'a', from: 2, to: 3 }], 3)).toBeUndefined();
  });

  test.concurrent('no drift yet (only created and changed through Git): fails and says what to try', async ({ kube, namespace }) => {
    await createDeployment(kube, namespace, deployment('web', { replicas: 3 }));
    await waitForAvailable(kube, namespace, 'web', 3);
    await scaled(kube, namespace, 0, 2);
    await scaled(kube, namespace, 2, 3);

    const result = await runCheck(kube, namespace, driftHealed, { deployment: 'web', replicas: 3 });

    expect(result.passed).toBe(false);
    expect(result.message).toContain('es ist noch keine Abweichung passiert');
    expect(result.message).toContain(`kubectl scale deployment web --replicas=5 -n ${namespace}`);
  });

  test.concurrent('scaled by hand and not yet healed: not passed', async ({ kube, namespace }) => {
    await createDeployment(kube, namespace, deployment('web', { replicas: 5 }));
    await scaled(kube, namespace, 3, 5);

    const result = await runCheck(kube, namespace, driftHealed, { deployment: 'web', replicas: 3 }, { timeoutMs: 8000 });

    expect(result.passed).toBe(false);
    expect(result.message).toContain('steht auf 5 Replikas, in Git stehen 3');
  });

  test.concurrent('scaled by hand and brought back: passes', async ({ kube, namespace }) => {
    await createDeployment(kube, namespace, deployment('web', { replicas: 3 }));
    await waitForAvailable(kube, namespace, 'web', 3);
    await scaled(kube, namespace, 3, 5);
    await scaled(kube, namespace, 5, 3);

    const result = await runCheck(kube, namespace, driftHealed, { deployment: 'web', replicas: 3 });

    expect(result.passed).toBe(true);
    expect(result.message).toContain('wurde von Hand auf 5 skaliert, und der Controller hat es auf 3 Replikas zurückgesetzt');
  });
});
