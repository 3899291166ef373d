// The kwok cluster's metrics-server scrapes kwok's simulated kubelet every 10 s; pod
// usage comes from kwok.x-k8s.io/usage-* annotations (1m CPU and 1Mi without them).
import { describe, expect } from 'vitest';
import { createDeployment, deployment, runCheck } from '../testing/check-helpers.ts';
import { kwokTest as test } from '../testing/kwok-test.ts';
import { metricsAvailable } from './metrics-available.ts';

describe('metrics-available', () => {
  test.concurrent('passes once metrics-server reports every pod of the Deployment', async ({ kube, namespace }) => {
    await createDeployment(
      kube,
      namespace,
      deployment('demo', { replicas: 2, podAnnotations: { 'kwok.x-k8s.io/usage-cpu': '20m', 'kwok.x-k8s.io/usage-memory': '64Mi' } }),
    );

    const result = await runCheck(kube, namespace, metricsAvailable, { name: 'demo' }, { timeoutMs: 60_000 });

    expect(result.message).toMatch(/^Für alle 2 Pods von ‚demo‘ kommen Messwerte an \(z\. B\. ‚demo-[a-z0-9-]+‘: CPU \d+m, Speicher 64Mi\)\.$/);
    expect(result.passed).toBe(true);
  }, 90_000);

  test.concurrent('right after the start there are no values yet: waits, then says how long it takes', async ({
    kube,
    namespace,
  }) => {
    await createDeployment(kube, namespace, deployment('demo'));

    const result = await runCheck(kube, namespace, metricsAvailable, { name: 'demo' }, { timeoutMs: 3000 });

    expect(result.passed).toBe(false);
    expect(result.timedOut).toBe(true);
    expect(result.message).toMatch(
      /Es laufen noch keine Pods von ‚demo‘|Für 1 von 1 Pod von ‚demo‘ gibt es noch keine Messwerte\. Der metrics-server fragt die Knoten alle 15 Sekunden ab/,
    );
  });

  test.concurrent('the Deployment is missing', async ({ kube, namespace }) => {
    const result = await runCheck(kube, namespace, metricsAvailable, { name: 'lastprobe' });

    expect(result.passed).toBe(false);
    expect(result.message).toContain(`Im Namespace ‚${namespace}‘ gibt es kein Deployment ‚lastprobe‘`);
  });
});
