// Proof that the kwok test cluster behaves like a real one where Werkbank's checks look:
// workloads become available, Services get endpoints, claims bind (or do not), and the
// HorizontalPodAutoscaler reacts to load. Everything asserted here is what a learner
// would see with kubectl.
import { PatchStrategy, setHeaderOptions, type V1Deployment } from '@kubernetes/client-node';
import { describe, expect } from 'vitest';
import type { KubeClients } from './kube-clients.ts';
import { kwokTest as test } from './kwok-test.ts';
import { waitFor } from './wait.ts';

const USAGE_CPU = 'kwok.x-k8s.io/usage-cpu';

function deployment(name: string, replicas: number, podAnnotations: Record<string, string> = {}): V1Deployment {
  return {
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name }, annotations: podAnnotations },
        spec: {
          containers: [
            {
              name: 'web',
              image: 'docker.io/library/nginx:1.27-alpine',
              ports: [{ containerPort: 80 }],
              resources: { requests: { cpu: '100m', memory: '64Mi' } },
            },
          ],
        },
      },
    },
  };
}

async function availableDeployment(kube: KubeClients, namespace: string, name: string, replicas: number) {
  return waitFor(`Deployment ${name} hat ${replicas} verfügbare Replikas`, async () => {
    const current = await kube.apps.readNamespacedDeployment({ name, namespace });
    return current.status?.availableReplicas === replicas && current;
  });
}

async function podsOf(kube: KubeClients, namespace: string, app: string) {
  return (await kube.core.listNamespacedPod({ namespace, labelSelector: `app=${app}` })).items;
}

describe('kwok-Testcluster', () => {
  test('ein Deployment mit 2 Replikas wird verfügbar, seine Pods laufen auf kwok-Knoten', async ({
    kube,
    namespace,
  }) => {
    await kube.apps.createNamespacedDeployment({ namespace, body: deployment('web', 2) });

    const web = await availableDeployment(kube, namespace, 'web', 2);
    expect(web.status?.readyReplicas).toBe(2);
    const pods = await podsOf(kube, namespace, 'web');
    expect(pods).toHaveLength(2);
    const nodes = (await kube.core.listNode()).items.map((node) => node.metadata?.name);
    for (const pod of pods) {
      expect(pod.status?.phase).toBe('Running');
      expect(pod.status?.podIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      expect(nodes).toContain(pod.spec?.nodeName);
    }
  });

  test('ein Service bekommt EndpointSlices mit den Adressen seiner Pods', async ({ kube, namespace }) => {
    await kube.apps.createNamespacedDeployment({ namespace, body: deployment('web', 2) });
    await kube.core.createNamespacedService({
      namespace,
      body: { metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 80 }] } },
    });
    await availableDeployment(kube, namespace, 'web', 2);
    const podIPs = (await podsOf(kube, namespace, 'web')).map((pod) => pod.status?.podIP).sort();

    const endpoints = await waitFor('EndpointSlices des Service web nennen beide Pods', async () => {
      const slices = await kube.discovery.listNamespacedEndpointSlice({
        namespace,
        labelSelector: 'kubernetes.io/service-name=web',
      });
      const ready = slices.items
        .flatMap((slice) => slice.endpoints ?? [])
        .filter((endpoint) => endpoint.conditions?.ready)
        .flatMap((endpoint) => endpoint.addresses)
        .sort();
      return ready.length === 2 && ready;
    });
    expect(endpoints).toEqual(podIPs);
  });

  test('ein PersistentVolumeClaim der Standard-StorageClass wird gebunden', async ({ kube, namespace }) => {
    await kube.core.createNamespacedPersistentVolumeClaim({
      namespace,
      body: {
        metadata: { name: 'daten' },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      },
    });

    const claim = await waitFor('PVC daten ist Bound', async () => {
      const current = await kube.core.readNamespacedPersistentVolumeClaim({ name: 'daten', namespace });
      return current.status?.phase === 'Bound' && current;
    });
    expect(claim.spec?.storageClassName).toBe('kwok-volume');
    expect(claim.status?.capacity?.storage).toBe('1Gi');
    // Set by kube-controller-manager's PV controller: it, not a shortcut, bound the claim.
    expect(claim.metadata?.annotations?.['pv.kubernetes.io/bind-completed']).toBe('yes');

    const volume = await kube.core.readPersistentVolume({ name: claim.spec?.volumeName ?? '' });
    expect(volume.status?.phase).toBe('Bound');
    expect(volume.spec?.claimRef).toMatchObject({ namespace, name: 'daten', uid: claim.metadata?.uid });
  });

  test('ein PersistentVolumeClaim mit unbekannter StorageClass bleibt Pending', async ({ kube, namespace }) => {
    await kube.core.createNamespacedPersistentVolumeClaim({
      namespace,
      body: {
        metadata: { name: 'daten' },
        spec: {
          storageClassName: 'gibt-es-nicht',
          accessModes: ['ReadWriteOnce'],
          resources: { requests: { storage: '1Gi' } },
        },
      },
    });

    // The PV controller has looked at the claim once it reports why it cannot provision.
    const event = await waitFor('Ereignis ProvisioningFailed für PVC daten', async () => {
      const events = await kube.core.listNamespacedEvent({
        namespace,
        fieldSelector: 'involvedObject.kind=PersistentVolumeClaim,involvedObject.name=daten',
      });
      return events.items.find((e) => e.reason === 'ProvisioningFailed');
    });
    expect(event.message).toContain('"gibt-es-nicht" not found');
    const claim = await kube.core.readNamespacedPersistentVolumeClaim({ name: 'daten', namespace });
    expect(claim.status?.phase).toBe('Pending');
    expect(claim.spec?.volumeName).toBeFalsy();
  });

  test('ein HorizontalPodAutoscaler skaliert hoch, wenn die CPU-Last der Pods über das Ziel steigt', async ({
    kube,
    namespace,
  }) => {
    await kube.apps.createNamespacedDeployment({ namespace, body: deployment('last', 1, { [USAGE_CPU]: '10m' }) });
    await kube.autoscaling.createNamespacedHorizontalPodAutoscaler({
      namespace,
      body: {
        metadata: { name: 'last' },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'last' },
          minReplicas: 1,
          maxReplicas: 5,
          metrics: [
            { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } },
          ],
        },
      },
    });
    await availableDeployment(kube, namespace, 'last', 1);

    // The waits below add up to less than the project's 120 s test timeout, so a slow
    // step fails with its own message. Typically: 20 s, 15 s, 5 s (two metrics-server
    // scrapes give the first CPU rate; the HPA syncs every 5 s).
    // Calm: 10m of 100m requested is 10 %, below the 50 % target.
    const calm = await waitFor(
      'HPA last misst die CPU-Auslastung',
      async () => {
        const hpa = await kube.autoscaling.readNamespacedHorizontalPodAutoscaler({ name: 'last', namespace });
        return hpa.status?.currentMetrics?.[0]?.resource?.current.averageUtilization !== undefined && hpa;
      },
      { timeoutMs: 45_000, intervalMs: 1000 },
    );
    expect(calm.status?.currentMetrics?.[0]?.resource?.current.averageUtilization).toBeLessThan(50);
    expect(calm.status?.desiredReplicas).toBe(1);

    const [pod] = await podsOf(kube, namespace, 'last');
    const podName = pod?.metadata?.name ?? '';
    await kube.core.patchNamespacedPod(
      { name: podName, namespace, body: { metadata: { annotations: { [USAGE_CPU]: '200m' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );

    // What `kubectl top pod` shows: the metrics API reports the new load.
    const metric = await waitFor(
      `metrics.k8s.io meldet ~200m CPU für ${podName}`,
      async () => {
        const metrics = await kube.metrics.getPodMetrics(namespace);
        const usage = metrics.items.find((item) => item.metadata.name === podName)?.containers[0]?.usage.cpu;
        return usage !== undefined && cpuMillicores(usage) >= 150 && usage;
      },
      { timeoutMs: 40_000, intervalMs: 1000 },
    );
    expect(cpuMillicores(metric)).toBeLessThanOrEqual(250);

    const scaled = await waitFor(
      'Deployment last wird vom HPA hochskaliert',
      async () => {
        const current = await kube.apps.readNamespacedDeployment({ name: 'last', namespace });
        return (current.spec?.replicas ?? 0) > 1 && current;
      },
      { timeoutMs: 30_000, intervalMs: 1000 },
    );
    expect(scaled.spec?.replicas).toBeGreaterThan(1);
    expect(scaled.spec?.replicas).toBeLessThanOrEqual(5);
    const hpa = await kube.autoscaling.readNamespacedHorizontalPodAutoscaler({ name: 'last', namespace });
    expect(hpa.status?.desiredReplicas).toBeGreaterThan(1);
  });

  test('die Knoten melden ihre vorhandenen Images (status.images)', async ({ kube }) => {
    const nodes = (await kube.core.listNode()).items;
    expect(nodes.length).toBeGreaterThan(0);
    for (const node of nodes) {
      const names = node.status?.images?.flatMap((image) => image.names ?? []);
      expect(names).toContain('docker.io/library/nginx:1.27-alpine');
      expect(node.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    }
  });
});

/** "150m" → 150, "1" → 1000, "123456n" → 0.123456 (the metrics API uses nanocores). */
function cpuMillicores(quantity: string): number {
  const match = /^(\d+(?:\.\d+)?)(n|u|m)?$/.exec(quantity);
  if (!match) throw new Error(`unerwartete CPU-Angabe: ${quantity}`);
  const value = Number(match[1]);
  switch (match[2]) {
    case 'n':
      return value / 1e6;
    case 'u':
      return value / 1e3;
    case 'm':
      return value;
    default:
      return value * 1000;
  }
}
