// The kwok cluster runs the real HPA controller (kube-controller-manager, 5 s sync) and
// a metrics-server fed by kwok's pod usage annotations. A cluster without metrics-server
// cannot be had next to one with it, so those cases write the HPA status the controller
// writes then through the status subresource ("simulated" in the test names).
import {
  PatchStrategy,
  setHeaderOptions,
  type V1ResourceRequirements,
  type V2HorizontalPodAutoscaler,
  type V2HorizontalPodAutoscalerStatus,
} from '@kubernetes/client-node';
import { describe, expect } from 'vitest';
import type { CheckResult } from '../core.ts';
import { container, createDeployment, deployment, runCheck } from '../testing/check-helpers.ts';
import type { KubeClients } from '../testing/kube-clients.ts';
import { kwokTest as test } from '../testing/kwok-test.ts';
import { hpaScaled } from './hpa-scaled.ts';

const USAGE_CPU = 'kwok.x-k8s.io/usage-cpu';

function hpa(maxReplicas = 3, target = 'web'): V2HorizontalPodAutoscaler {
  return {
    metadata: { name: 'web' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target },
      minReplicas: 1,
      maxReplicas,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }],
    },
  };
}

async function createWeb(
  kube: KubeClients,
  namespace: string,
  options: { resources?: V1ResourceRequirements; usage?: string; replicas?: number } = {},
) {
  await createDeployment(
    kube,
    namespace,
    deployment('web', {
      replicas: options.replicas ?? 1,
      containers: [container({ resources: options.resources ?? { requests: { cpu: '100m' } } })],
      podAnnotations: options.usage ? { [USAGE_CPU]: options.usage } : {},
    }),
  );
}

/** What the HPA controller writes when it cannot get metrics. */
function noMetricsStatus(reason: string): V2HorizontalPodAutoscalerStatus {
  return {
    currentReplicas: 1,
    desiredReplicas: 1,
    currentMetrics: [],
    conditions: [
      { type: 'AbleToScale', status: 'True', reason: 'SucceededGetScale', message: 'the HPA controller was able to get the target\'s current scale', lastTransitionTime: new Date() },
      {
        type: 'ScalingActive',
        status: 'False',
        reason: 'FailedGetResourceMetric',
        message: `the HPA was unable to compute the replica count: failed to get cpu resource metric value: failed to get cpu utilization: unable to get metrics for resource cpu: ${reason}`,
        lastTransitionTime: new Date(),
      },
    ],
  };
}

const NOT_INSTALLED = 'unable to fetch metrics from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)';
const NO_VALUES_YET = 'no metrics returned from resource metrics API';

/**
 * Writes the status and runs the check. The real controller rewrites the status on its
 * next sync; should that land between the write and the check's read, write again.
 */
async function checkWithStatus(
  kube: KubeClients,
  namespace: string,
  status: V2HorizontalPodAutoscalerStatus,
  timeoutMs = 2000,
): Promise<CheckResult> {
  const marker = status.conditions?.find((c) => c.type === 'ScalingActive')?.message ?? '';
  for (let attempt = 0; attempt < 5; attempt += 1) {
    await kube.autoscaling.patchNamespacedHorizontalPodAutoscalerStatus(
      { name: 'web', namespace, body: { status } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const result = await runCheck(kube, namespace, hpaScaled, { name: 'web' }, { timeoutMs });
    if (String(result.data.reason ?? '').includes(marker)) return result;
  }
  throw new Error('Der HPA-Controller hat den simulierten Status fünfmal überschrieben, bevor die Prüfung ihn las.');
}

describe('hpa-scaled', () => {
  test.concurrent('passes once the real HPA has scaled up under load (metrics-server via kwok)', async ({
    kube,
    namespace,
  }) => {
    // 200m used of 100m requested is 200 %, four times the 50 % target: up to the maximum of 3.
    await createWeb(kube, namespace, { usage: '200m' });
    await kube.autoscaling.createNamespacedHorizontalPodAutoscaler({ namespace, body: hpa() });

    // Two metrics-server scrapes (10 s apart) give the first rate, then the HPA syncs.
    const result = await runCheck(kube, namespace, hpaScaled, { name: 'web' }, { timeoutMs: 75_000 });

    expect(result.message).toMatch(/^Der HPA ‚web‘ hat hochskaliert: [23] Replikas \(Minimum 1, Maximum 3\); gemessen: CPU \d+ % \(Ziel 50 %\)\.$/);
    expect(result.passed).toBe(true);
  }, 100_000);

  test.concurrent('direction down passes once the real HPA has gone back to its minimum', async ({ kube, namespace }) => {
    // No load (kwok reports 1m of 100m), three replicas, no stabilisation window: down to 1.
    await createWeb(kube, namespace, { replicas: 3 });
    const body = hpa();
    body.spec!.behavior = { scaleDown: { stabilizationWindowSeconds: 0 } };
    await kube.autoscaling.createNamespacedHorizontalPodAutoscaler({ namespace, body });

    const result = await runCheck(kube, namespace, hpaScaled, { name: 'web', direction: 'down' }, { timeoutMs: 75_000 });

    expect(result.message).toMatch(/^Der HPA ‚web‘ ist wieder heruntergefahren: 1 Replika \(Minimum 1\); gemessen: CPU \d+ % \(Ziel 50 %\)\.$/);
    expect(result.passed).toBe(true);
  }, 100_000);

  test.concurrent('HPA without metrics-server (simulated status): says it is not installed', async ({ kube, namespace }) => {
    await createWeb(kube, namespace);
    await kube.autoscaling.createNamespacedHorizontalPodAutoscaler({ namespace, body: hpa() });

    const result = await checkWithStatus(kube, namespace, noMetricsStatus(NOT_INSTALLED));

    expect(result.passed).toBe(false);
    expect(result.timedOut).toBeUndefined();
    expect(result.message).toContain('Dem HPA ‚web‘ fehlen Metriken: das Metrics-API (metrics.k8s.io) liefert keine Werte für seine Pods');
    expect(result.message).toContain('Der metrics-server ist im Cluster nicht installiert');
    expect(result.message).toContain('kubectl get apiservice v1beta1.metrics.k8s.io');
  });

  test.concurrent('metrics-server has no values yet (simulated status): waits, then says what to look at', async ({
    kube,
    namespace,
  }) => {
    await createWeb(kube, namespace);
    await kube.autoscaling.createNamespacedHorizontalPodAutoscaler({ namespace, body: hpa() });

    const result = await checkWithStatus(kube, namespace, noMetricsStatus(NO_VALUES_YET));

    expect(result.passed).toBe(false);
    expect(result.timedOut).toBe(true);
    expect(result.message).toContain('Läuft der metrics-server? Nach dem Start dauert es bis zu einer Minute');
  });

  test.concurrent('no CPU request in the pod template: no utilisation can be computed', async ({ kube, namespace }) => {
    await createWeb(kube, namespace, { resources: {} });
    await kube.autoscaling.createNamespacedHorizontalPodAutoscaler({ namespace, body: hpa() });

    const result = await runCheck(kube, namespace, hpaScaled, { name: 'web' });

    expect(result.passed).toBe(false);
    expect(result.message).toContain(
      'er soll nach CPU-Auslastung skalieren, aber der Container ‚web‘ vom Deployment ‚web‘ hat keinen CPU-Request',
    );
    expect(result.message).toContain('resources.requests.cpu');
  });

  test.concurrent('a CPU limit alone counts as request (simulated status without metrics-server)', async ({
    kube,
    namespace,
  }) => {
    await createWeb(kube, namespace, { resources: { limits: { cpu: '200m' } } });
    await kube.autoscaling.createNamespacedHorizontalPodAutoscaler({ namespace, body: hpa() });

    const result = await checkWithStatus(kube, namespace, noMetricsStatus(NOT_INSTALLED));

    expect(result.passed).toBe(false);
    expect(result.message).not.toContain('Request');
    expect(result.message).toContain('Der metrics-server ist im Cluster nicht installiert');
  });

  test.concurrent('target scaled to zero: the real HPA switches itself off', async ({ kube, namespace }) => {
    await createWeb(kube, namespace, { replicas: 0 });
    await kube.autoscaling.createNamespacedHorizontalPodAutoscaler({ namespace, body: hpa() });

    const result = await runCheck(kube, namespace, hpaScaled, { name: 'web' }, { timeoutMs: 20_000 });

    expect(result.passed).toBe(false);
    expect(result.timedOut).toBeUndefined();
    expect(result.message).toContain('Der HPA ‚web‘ ist abgeschaltet, weil sein Ziel auf 0 Replikas steht');
  });

  test.concurrent('scale target does not exist', async ({ kube, namespace }) => {
    await createWeb(kube, namespace);
    await kube.autoscaling.createNamespacedHorizontalPodAutoscaler({ namespace, body: hpa(3, 'webshop') });

    const result = await runCheck(kube, namespace, hpaScaled, { name: 'web' });

    expect(result.passed).toBe(false);
    expect(result.message).toContain(`soll das Deployment ‚webshop‘ skalieren, das es im Namespace ‚${namespace}‘ nicht gibt`);
  });

  test.concurrent('maxReplicas below what the step expects', async ({ kube, namespace }) => {
    await createWeb(kube, namespace);
    await kube.autoscaling.createNamespacedHorizontalPodAutoscaler({ namespace, body: hpa(2) });

    const result = await runCheck(kube, namespace, hpaScaled, { name: 'web', atLeastReplicas: 3 });

    expect(result.passed).toBe(false);
    expect(result.message).toContain('darf höchstens auf 2 Replikas skalieren, erwartet sind aber mindestens 3');
  });
});
