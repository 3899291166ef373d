import { describe, expect } from 'vitest';
import { container, createDeployment, deployment, runCheck } from '../testing/check-helpers.ts';
import { kwokTest as test } from '../testing/kwok-test.ts';
import { resourcesSet } from './resources-set.ts';

const resources = { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } };

describe('resources-set', () => {
  test.concurrent('passes when every container has requests and limits', async ({ kube, namespace }) => {
    await createDeployment(kube, namespace, deployment('web', { containers: [container({ resources })] }));

    const result = await runCheck(kube, namespace, resourcesSet, { name: 'web' });

    expect(result.message).toBe('Das Deployment ‚web‘ setzt Requests (cpu, memory) und Limits (cpu, memory) für seinen Container.');
    expect(result.passed).toBe(true);
  });

  test.concurrent('resources not set: lists what is missing', async ({ kube, namespace }) => {
    await createDeployment(kube, namespace, deployment('web'));

    const result = await runCheck(kube, namespace, resourcesSet, { name: 'web' });

    expect(result.passed).toBe(false);
    expect(result.message).toContain(
      'dem Container ‚web‘ fehlen requests.cpu, requests.memory, limits.cpu und limits.memory',
    );
    expect(result.message).toContain('resources: {requests: {cpu: 100m, memory: 128Mi}');
  });

  test.concurrent('a sidecar without resources is named, the main container is fine', async ({ kube, namespace }) => {
    await createDeployment(
      kube,
      namespace,
      deployment('web', {
        containers: [
          container({ resources }),
          container({ name: 'log-shipper', image: 'busybox:1.37', ports: [], resources: { limits: { memory: '64Mi' } } }),
        ],
      }),
    );

    const result = await runCheck(kube, namespace, resourcesSet, { name: 'web' });

    expect(result.passed).toBe(false);
    // memory has a limit, which Kubernetes also takes as the request: only cpu is missing.
    expect(result.message).toContain('dem Container ‚log-shipper‘ fehlen requests.cpu und limits.cpu');
    expect(result.message).not.toContain('Container ‚web‘');
  });

  test.concurrent('limits only: passes, since Kubernetes uses them as requests', async ({ kube, namespace }) => {
    await createDeployment(
      kube,
      namespace,
      deployment('web', { containers: [container({ resources: { limits: resources.limits } })] }),
    );

    const result = await runCheck(kube, namespace, resourcesSet, { name: 'web' });

    expect(result.passed).toBe(true);
    expect(result.message).toContain('Wo nur ein Limit steht, übernimmt Kubernetes es als Request');
    // What the learner sees in the Pod confirms it: the API server copied the limits.
    const [pod] = (await kube.core.listNamespacedPod({ namespace, labelSelector: 'app=web' })).items;
    if (pod) expect(pod.spec?.containers[0]?.resources?.requests).toEqual(resources.limits);
  });
});
