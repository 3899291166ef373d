// How fast "Prüfen" answers a final failure, through the runner's HTTP API (issue 15,
// item 7): a state that waiting will not change must be answered at once, not after a
// check's timeout. Target: p95 < 250 ms.
//
//   ./werkbank bench checks-final [runden=30]
//
// A real runner (labs API, real checks) against a private kwok cluster (a real API
// server; kwok runs no containers, so crashes and failing probes are written into the
// pod status the way the kubelet reports them). Each scenario is one lab step:
// - never ready: a readiness probe failing for 10 minutes;
// - crash loop: a container that crashed 20 s ago, next to a check that would wait for
//   metrics (the step must not wait out that check's 20 s);
// - wrong image: the template runs another tag than the step asks for;
// - missing object: the Deployment the step names does not exist.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { container, deployment, podNames, restartedAgo, unreadySince, waitForAvailable } from '../checks/testing/check-helpers.ts';
import { kubeClients } from '../checks/testing/kube-clients.ts';
import { startKwokCluster } from '../checks/testing/kwok-cluster.ts';
import { waitFor } from '../checks/testing/wait.ts';
import { loadConfig } from '../runner/config.ts';
import { LEARNER_COOKIE } from '../runner/http/learner.ts';
import { labSchema } from '../runner/labs/schema.ts';
import { startRunner } from '../runner/server.ts';
import { percentile } from './stats.ts';

const rounds = Number(process.argv[2] ?? 30);
const namespace = 'bench-final';
const IMAGE = 'docker.io/library/nginx:1.27-alpine';

const scenarios = [
  { step: 'nie-bereit', label: 'nie bereit (Readiness-Probe scheitert seit 10 min)', checks: [{ check: 'deployment-available', params: { name: 'nie-bereit' } }] },
  {
    step: 'absturz',
    label: 'Crash-Loop, daneben eine Prüfung, die auf Messwerte warten würde',
    checks: [
      { check: 'deployment-available', params: { name: 'absturz' } },
      { check: 'metrics-available', params: { name: 'absturz' } },
    ],
  },
  { step: 'falsches-image', label: 'falsches Image (anderer Tag als verlangt)', checks: [{ check: 'rollout-complete', params: { name: 'web', image: 'nginx:1.28-alpine' } }] },
  { step: 'fehlt', label: 'Objekt fehlt (Deployment gibt es nicht)', checks: [{ check: 'deployment-available', params: { name: 'katalog' } }] },
] as const;

const lab = labSchema.parse({
  id: 'bench-final',
  title: 'Endgültige Fehler',
  lesson: 'deployments',
  needs: 'cluster',
  namespace,
  steps: scenarios.map(({ step, label, checks }) => ({ id: step, title: label, checks, hint: '-', solution: `solutions/${step}.sh` })),
});

function format(label: string, samples: number[]): string {
  return `${label}: p50 ${percentile(samples, 50).toFixed(1)} ms, p95 ${percentile(samples, 95).toFixed(1)} ms, max ${Math.max(...samples).toFixed(1)} ms (${samples.length} Antworten)`;
}

const cluster = await startKwokCluster();
const dataDir = await mkdtemp(join(tmpdir(), 'werkbank-bench-final-'));
try {
  const kube = kubeClients(cluster.kubeconfigPath);
  await kube.core.createNamespace({ body: { metadata: { name: namespace } } });
  await waitFor('ServiceAccount default', () => kube.core.readNamespacedServiceAccount({ name: 'default', namespace }));
  const probed = container({ image: IMAGE, readinessProbe: { httpGet: { path: '/', port: 80 }, periodSeconds: 5 } });
  for (const name of ['nie-bereit', 'absturz', 'web']) {
    await kube.apps.createNamespacedDeployment({ namespace, body: deployment(name, { containers: [name === 'web' ? container({ image: IMAGE }) : probed] }) });
  }
  for (const name of ['nie-bereit', 'absturz', 'web']) await waitForAvailable(kube, namespace, name, 1);
  const [unready] = await podNames(kube, namespace, 'nie-bereit');
  await unreadySince(kube, namespace, unready!, 10 * 60_000);
  const [crashing] = await podNames(kube, namespace, 'absturz');
  await restartedAgo(kube, namespace, crashing!, 20_000);
  // The Deployment controller must have seen the unready pod before the step is asked.
  await waitFor('nie-bereit ist nicht mehr verfügbar', async () => {
    const current = await kube.apps.readNamespacedDeployment({ name: 'nie-bereit', namespace });
    return (current.status?.availableReplicas ?? 0) === 0;
  });

  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(cluster.kubeconfigPath);
  const runner = await startRunner(
    { ...loadConfig({}), host: '127.0.0.1', port: 0, dataDir, siteDir: null },
    { labs: [lab], clusterFor: async () => ({ kubeConfig, namespace, clusterName: 'kwok' }) },
  );
  try {
    let cookie = '';
    const check = async (step: string): Promise<{ ms: number; passed: boolean; message: string }> => {
      const started = performance.now();
      const response = await fetch(`${runner.url}/api/labs/${lab.id}/steps/${step}/check`, {
        method: 'POST',
        headers: { Origin: runner.url, ...(cookie ? { Cookie: cookie } : {}) },
      });
      const body = (await response.json()) as { passed: boolean; results: { message: string }[] };
      const ms = performance.now() - started;
      const set = response.headers.getSetCookie().find((value) => value.startsWith(`${LEARNER_COOKIE}=`));
      if (set) cookie = set.split(';')[0]!;
      if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${JSON.stringify(body)}`);
      return { ms, passed: body.passed, message: body.results.find((r) => r.message)?.message ?? '' };
    };
    // Warm-up: the first request makes the learner, JIT and the connection pool.
    for (const { step } of scenarios) await check(step);

    const samples = new Map<string, number[]>(scenarios.map(({ step }) => [step, []]));
    const messages = new Map<string, string>();
    for (let round = 0; round < rounds; round += 1) {
      for (const { step } of scenarios) {
        const answer = await check(step);
        if (answer.passed) throw new Error(`${step} ist bestanden, sollte aber scheitern`);
        samples.get(step)!.push(answer.ms);
        messages.set(step, answer.message);
      }
    }

    console.log('"Prüfen" bei endgültigen Fehlern, über die HTTP-API des Runners gegen einen kwok-Cluster (2 CPU-Kerne geteilt):');
    for (const { step, label } of scenarios) {
      console.log(`  ${format(label, samples.get(step)!)}`);
      console.log(`    Antwort: ${messages.get(step)!.slice(0, 160)}${messages.get(step)!.length > 160 ? '…' : ''}`);
    }
    const all = [...samples.values()].flat();
    console.log(`  ${format('alle zusammen', all)}`);
    const p95 = percentile(all, 95);
    console.log(`  Ziel p95 < 250 ms: ${p95 < 250 ? 'erreicht' : 'verfehlt'} (${p95.toFixed(1)} ms)`);
  } finally {
    await runner.close();
  }
} finally {
  await cluster.stop();
  await rm(dataDir, { recursive: true, force: true });
}
