// How long "Prüfen" takes on the cluster side: one check's latency against a ready
// cluster (the kwok test cluster: a real API server, so requests, TLS and JSON decoding
// are real), p50/p95 over many runs. Target (issue 6): p95 < 250 ms for one step.
//
//   node bench/check-latency.ts [runs=200] [check=deployment-available]
//
// Measured three ways:
// - warm: the learner's KubeConfig is reused, as the runner keeps it, so the TLS
//   connection is pooled across runs;
// - cold: a fresh KubeConfig per run (new TLS handshake each time);
// - a step: three checks of one lab step in parallel (deployment, service, secret).
import { KubeConfig } from '@kubernetes/client-node';
import { executeCheck, findCheck, type AnyCheck, type CheckResult } from '../checks/index.ts';
import { container, deployment, service, waitForAvailable } from '../checks/testing/check-helpers.ts';
import { kubeClients } from '../checks/testing/kube-clients.ts';
import { startKwokCluster } from '../checks/testing/kwok-cluster.ts';
import { waitFor } from '../checks/testing/wait.ts';
import { percentile } from './stats.ts';

const runs = Number(process.argv[2] ?? 200);
const checkId = process.argv[3] ?? 'deployment-available';
const namespace = 'bench-checks';

/** Parameters that make each check pass against the objects set up below. */
const passingParams: Record<string, unknown> = {
  'deployment-available': { name: 'web', replicas: 2 },
  'rollout-complete': { name: 'web', image: 'nginx:1.27-alpine' },
  'service-endpoints': { name: 'web', minReady: 2 },
  'secret-referenced': { name: 'web', secret: 'zugang', key: 'password', env: 'PASSWORD' },
  'configmap-used': { name: 'web', configMap: 'einstellungen' },
  'resources-set': { name: 'web' },
  'probes-set': { name: 'web', probes: ['readiness'] },
  'pod-security': { name: 'web', runAsNonRoot: false, noPrivilegeEscalation: false, dropAllCapabilities: false },
  'pvc-bound': { name: 'daten' },
  'namespace-exists': { name: namespace },
  'image-loaded': { image: 'nginx:1.27-alpine' },
};

function format(label: string, samples: number[]): string {
  return `${label}: p50 ${percentile(samples, 50).toFixed(1)} ms, p95 ${percentile(samples, 95).toFixed(1)} ms, max ${Math.max(...samples).toFixed(1)} ms (${samples.length} Läufe)`;
}

async function timed(run: () => Promise<CheckResult | CheckResult[]>): Promise<number> {
  const started = performance.now();
  const result = await run();
  const elapsed = performance.now() - started;
  for (const single of [result].flat()) {
    if (!single.passed) throw new Error(`${single.checkId} ist nicht bestanden: ${single.message} ${single.error ?? ''}`);
  }
  return elapsed;
}

const cluster = await startKwokCluster();
try {
  const kube = kubeClients(cluster.kubeconfigPath);
  await kube.core.createNamespace({ body: { metadata: { name: namespace } } });
  // Pods are refused until kube-controller-manager has made the default ServiceAccount.
  await waitFor('ServiceAccount default', () => kube.core.readNamespacedServiceAccount({ name: 'default', namespace }));
  const web = deployment('web', {
    replicas: 2,
    containers: [
      container({
        env: [{ name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'zugang', key: 'password' } } }],
        envFrom: [{ configMapRef: { name: 'einstellungen' } }],
        resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
        readinessProbe: { httpGet: { path: '/', port: 80 } },
      }),
    ],
  });
  await Promise.all([
    kube.apps.createNamespacedDeployment({ namespace, body: web }),
    kube.core.createNamespacedService({ namespace, body: service('web', { app: 'web' }) }),
    kube.core.createNamespacedSecret({ namespace, body: { metadata: { name: 'zugang' }, stringData: { password: 'geheim' } } }),
    kube.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'einstellungen' }, data: { A: '1' } } }),
    kube.core.createNamespacedPersistentVolumeClaim({
      namespace,
      body: { metadata: { name: 'daten' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
    }),
  ]);
  await waitForAvailable(kube, namespace, 'web', 2);
  await waitFor('PVC daten gebunden', async () => {
    const claim = await kube.core.readNamespacedPersistentVolumeClaim({ name: 'daten', namespace });
    return claim.status?.phase === 'Bound';
  });

  const check: AnyCheck = findCheck(checkId);
  const params = passingParams[checkId];
  if (params === undefined) throw new Error(`Für ${checkId} hat die Messung keine Parameter; bekannt: ${Object.keys(passingParams).join(', ')}`);
  const learnerConfig = new KubeConfig();
  learnerConfig.loadFromFile(cluster.kubeconfigPath);
  const once = (kubeConfig: KubeConfig) => executeCheck(check, params, { kubeConfig, namespace });

  // Ready = what the check needs has converged (EndpointSlices lag the Deployment).
  await waitFor(`${checkId} besteht`, async () => (await once(learnerConfig)).passed);
  for (let i = 0; i < 20; i += 1) await once(learnerConfig); // warm-up: JIT, connection pool

  const warm: number[] = [];
  for (let i = 0; i < runs; i += 1) warm.push(await timed(() => once(learnerConfig)));

  const coldRuns = Math.min(50, runs);
  const cold: number[] = [];
  for (let i = 0; i < coldRuns; i += 1) {
    const fresh = new KubeConfig();
    fresh.loadFromFile(cluster.kubeconfigPath);
    cold.push(await timed(() => once(fresh)));
  }

  const stepChecks = ['deployment-available', 'service-endpoints', 'secret-referenced'];
  await waitFor('Schritt besteht', async () => {
    const results = await Promise.all(
      stepChecks.map((id) => executeCheck(findCheck(id), passingParams[id], { kubeConfig: learnerConfig, namespace })),
    );
    return results.every((r) => r.passed);
  });
  const step: number[] = [];
  for (let i = 0; i < Math.min(100, runs); i += 1) {
    step.push(
      await timed(() =>
        Promise.all(
          stepChecks.map((id) => executeCheck(findCheck(id), passingParams[id], { kubeConfig: learnerConfig, namespace })),
        ),
      ),
    );
  }

  console.log(`Prüfungs-Latenz gegen den kwok-Testcluster (echter API-Server, 2 CPU-Kerne geteilt):`);
  console.log(`  ${format(`${checkId}, warm (eine KubeConfig)`, warm)}`);
  console.log(`  ${format(`${checkId}, kalt (neue KubeConfig, neue TLS-Verbindung)`, cold)}`);
  console.log(`  ${format(`Lab-Schritt mit ${stepChecks.length} Prüfungen parallel (${stepChecks.join(', ')})`, step)}`);
  const p95 = percentile(warm, 95);
  console.log(`  Ziel p95 < 250 ms: ${p95 < 250 ? 'erreicht' : 'verfehlt'} (${p95.toFixed(1)} ms)`);
} finally {
  await cluster.stop();
}
