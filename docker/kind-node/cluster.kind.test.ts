// What a learner's kind cluster must do, proven on a real cluster made from the locally
// built node image: DNS and the pod network, Services, storage that keeps data, metrics,
// autoscaling, Ingress through Traefik, images loaded with `kind load docker-image`, and
// NetworkPolicies (ingress) enforced by kindnet-lite.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { V1Volume, V1VolumeMount } from '@kubernetes/client-node';
import { beforeAll, expect, inject } from 'vitest';
import { kindTest as test } from '../../checks/testing/kind-test.ts';
import type { KubeClients } from '../../checks/testing/kube-clients.ts';
import { podExec } from '../../checks/exec.ts';
import { waitFor } from '../../checks/testing/wait.ts';
import { applyManifestFile } from '../../runner/clusters/manifests.ts';
import { addonManifests } from '../images/images.ts';
import { toolchain } from '../toolchain/paths.ts';
import { waitForPolicyApplied } from './network-policy-applied.ts';

const run = promisify(execFile);
const IMAGES = {
  nginx: 'werkbank/nginx:1',
  toolbox: 'werkbank/toolbox:1',
  demo: 'werkbank/demo-app:1',
  metricsServer: 'werkbank/metrics-server:v0.8.0',
  traefik: 'werkbank/traefik:v3.6.12',
};

async function podPhase(kube: KubeClients, namespace: string, name: string): Promise<string | undefined> {
  const pod = await kube.core.readNamespacedPod({ name, namespace });
  return pod.status?.phase;
}

/** Runs a toolbox pod to completion and returns its output. */
async function runToolbox(
  kube: KubeClients,
  namespace: string,
  name: string,
  script: string,
  storage: { volumes?: V1Volume[]; volumeMounts?: V1VolumeMount[] } = {},
) {
  await kube.core.createNamespacedPod({
    namespace,
    body: {
      metadata: { name },
      spec: {
        restartPolicy: 'Never',
        volumes: storage.volumes,
        containers: [{
          name: 'main',
          image: IMAGES.toolbox,
          imagePullPolicy: 'IfNotPresent',
          command: ['sh', '-c', script],
          volumeMounts: storage.volumeMounts,
        }],
      },
    },
  });
  const phase = await waitFor(`Pod ${name} beendet`, async () => {
    const current = await podPhase(kube, namespace, name);
    return current === 'Succeeded' || current === 'Failed' ? current : undefined;
  }, { timeoutMs: 120_000, intervalMs: 500 });
  const log = await kube.core.readNamespacedPodLog({ name, namespace });
  return { phase, log };
}

async function deploy(kube: KubeClients, namespace: string, name: string, image: string, port: number, resources?: object) {
  const labels = { app: name };
  await kube.apps.createNamespacedDeployment({
    namespace,
    body: {
      metadata: { name },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: { containers: [{ name, image, imagePullPolicy: 'IfNotPresent', ports: [{ containerPort: port }], resources }] },
        },
      },
    },
  });
  await kube.core.createNamespacedService({
    namespace,
    body: { metadata: { name }, spec: { selector: labels, ports: [{ port: 80, targetPort: port }] } },
  });
  await waitFor(`Deployment ${name} verfügbar`, async () => {
    const deployment = await kube.apps.readNamespacedDeployment({ name, namespace });
    return (deployment.status?.availableReplicas ?? 0) >= 1;
  }, { timeoutMs: 120_000 });
}

/** Applies one of the add-on manifests every learner cluster gets (e.g. "traefik"), the
 * way the runner's kind provider does. */
async function installAddon(kube: KubeClients, name: string): Promise<void> {
  const path = (await addonManifests()).find((manifest) => manifest.endsWith(`/${name}.yaml`));
  if (!path) throw new Error(`Kein Add-on-Manifest ${name}`);
  await applyManifestFile(kube.config, path);
}

beforeAll(async () => {
  const { kind } = toolchain();
  const images = Object.values(IMAGES);
  await run(kind, ['load', 'docker-image', '--name', inject('kindClusterName'), ...images], { timeout: 300_000 });
}, 300_000);

test('the node is Ready and CoreDNS runs', async ({ kube }) => {
  const nodes = await kube.core.listNode();
  expect(nodes.items).toHaveLength(1);
  const ready = nodes.items[0]?.status?.conditions?.find((condition) => condition.type === 'Ready');
  expect(ready?.status).toBe('True');
  const coredns = await waitFor('CoreDNS läuft', async () => {
    const pods = await kube.core.listNamespacedPod({ namespace: 'kube-system', labelSelector: 'k8s-app=kube-dns' });
    return pods.items.length > 0 && pods.items.every((pod) => pod.status?.phase === 'Running') ? pods.items : undefined;
  });
  expect(coredns.length).toBeGreaterThan(0);
});

test('an nginx Deployment answers through its Service from another pod, by DNS name', async ({ kube, namespace }) => {
  await deploy(kube, namespace, 'web', IMAGES.nginx, 80);
  const { phase, log } = await runToolbox(kube, namespace, 'client', `wget -q -O- http://web.${namespace}.svc.cluster.local/`);
  expect(log).toMatch(/nginx/i);
  expect(phase).toBe('Succeeded');
});

test('Traefik routes an Ingress host to its Service and answers unknown hosts with 404', async ({ kube, namespace }) => {
  // Traefik's manifest holds its GatewayClass: the Gateway API CRDs go first, as in every learner cluster.
  await installAddon(kube, 'gateway-api');
  await installAddon(kube, 'traefik');
  await deploy(kube, namespace, 'shop', IMAGES.nginx, 80);
  await kube.networking.createNamespacedIngress({
    namespace,
    body: {
      metadata: { name: 'shop' },
      spec: {
        ingressClassName: 'traefik',
        rules: [{
          host: 'shop.werkbank.local',
          http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'shop', port: { number: 80 } } } }] },
        }],
      },
    },
  });
  const controller = 'http://traefik.traefik.svc.cluster.local/';
  // Traefik needs a moment to see the new Ingress; the client retries for a while.
  const { phase, log } = await runToolbox(kube, namespace, 'client', [
    `for i in $(seq 60); do wget -q -O- --header 'Host: shop.werkbank.local' ${controller} && break; sleep 1; done`,
    `wget -S -O /dev/null --header 'Host: unbekannt.werkbank.local' ${controller} 2>&1 | grep -o 'HTTP/1.1 [0-9]*'`,
  ].join('; '));
  expect(phase).toBe('Succeeded');
  expect(log).toContain('Welcome to nginx!');
  expect(log).toContain('HTTP/1.1 404');
});

test('a PVC on the default StorageClass binds when a pod uses it and keeps data across pods', async ({ kube, namespace }) => {
  const classes = await kube.storage.listStorageClass();
  const defaultClass = classes.items.find((item) => item.metadata?.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true');
  expect(defaultClass?.metadata?.name).toBe('standard');

  await kube.core.createNamespacedPersistentVolumeClaim({
    namespace,
    body: { metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '64Mi' } } } },
  });
  // WaitForFirstConsumer: no volume until a pod needs it.
  expect((await kube.core.readNamespacedPersistentVolumeClaim({ name: 'data', namespace })).status?.phase).toBe('Pending');

  const storage = {
    volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }],
    volumeMounts: [{ name: 'data', mountPath: '/data' }],
  };
  const writer = await runToolbox(kube, namespace, 'writer', 'echo "Grüße vom ersten Pod" > /data/gruss.txt', storage);
  expect(writer.phase).toBe('Succeeded');
  expect((await kube.core.readNamespacedPersistentVolumeClaim({ name: 'data', namespace })).status?.phase).toBe('Bound');
  await kube.core.deleteNamespacedPod({ name: 'writer', namespace });

  const reader = await runToolbox(kube, namespace, 'reader', 'cat /data/gruss.txt', storage);
  expect(reader.log.trim()).toBe('Grüße vom ersten Pod');
});

test('metrics-server answers like `kubectl top pods`, and an HPA scales the demo app up under load and back down', async ({ kube, namespace }) => {
  await installAddon(kube, 'metrics-server');

  await deploy(kube, namespace, 'demo', IMAGES.demo, 8080, { requests: { cpu: '100m' }, limits: { cpu: '500m' } });
  const top = await waitFor('metrics.k8s.io liefert Pod-Metriken', async () => {
    const metrics = await kube.metrics.getPodMetrics(namespace);
    return metrics.items.length > 0 ? metrics.items : undefined;
  }, { timeoutMs: 180_000, intervalMs: 2_000 });
  expect(top[0]?.containers[0]?.usage.cpu).toBeDefined();

  await kube.autoscaling.createNamespacedHorizontalPodAutoscaler({
    namespace,
    body: {
      metadata: { name: 'demo' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'demo' },
        minReplicas: 1,
        maxReplicas: 3,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }],
        // The default five-minute scale-down window would make this test wait that long.
        behavior: { scaleDown: { stabilizationWindowSeconds: 0 } },
      },
    },
  });
  await kube.core.createNamespacedPod({
    namespace,
    body: {
      metadata: { name: 'load' },
      spec: {
        containers: [{
          name: 'main',
          image: IMAGES.toolbox,
          imagePullPolicy: 'IfNotPresent',
          command: ['sh', '-c', 'while true; do wget -q -O /dev/null "http://demo/burn?ms=200"; done'],
        }],
      },
    },
  });
  const scaledUp = await waitFor('HPA skaliert hoch', async () => {
    const hpa = await kube.autoscaling.readNamespacedHorizontalPodAutoscaler({ name: 'demo', namespace });
    return (hpa.status?.desiredReplicas ?? 0) > 1 ? hpa.status?.desiredReplicas : undefined;
  }, { timeoutMs: 240_000, intervalMs: 2_000 });
  expect(scaledUp).toBeGreaterThan(1);

  await kube.core.deleteNamespacedPod({ name: 'load', namespace, gracePeriodSeconds: 0 });
  const scaledDown = await waitFor('HPA skaliert wieder herunter', async () => {
    const hpa = await kube.autoscaling.readNamespacedHorizontalPodAutoscaler({ name: 'demo', namespace });
    return hpa.status?.desiredReplicas === 1 ? 1 : undefined;
  }, { timeoutMs: 240_000, intervalMs: 2_000 });
  expect(scaledDown).toBe(1);
});

test('an image built with docker and loaded with `kind load docker-image` is in the node and runs with IfNotPresent', async ({ kube, namespace, cluster }) => {
  const tag = `werkbank/test-load:${namespace}`;
  const dockerfile = `FROM ${IMAGES.toolbox}\nCMD ["sh", "-c", "echo Hallo aus dem geladenen Image"]\n`;
  const build = run('docker', ['build', '-q', '-t', tag, '-'], { timeout: 120_000 });
  build.child.stdin?.end(dockerfile);
  await build;
  try {
    await run(toolchain().kind, ['load', 'docker-image', '--name', cluster.name, tag], { timeout: 120_000 });
    const { stdout } = await run('docker', ['exec', cluster.nodeContainer, 'crictl', 'images', '--output', 'json']);
    const tags = (JSON.parse(stdout) as { images: { repoTags: string[] }[] }).images.flatMap((image) => image.repoTags);
    expect(tags).toContain(`docker.io/${tag}`);

    await kube.core.createNamespacedPod({
      namespace,
      body: { metadata: { name: 'loaded' }, spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: tag, imagePullPolicy: 'IfNotPresent' }] } },
    });
    await waitFor('Pod mit geladenem Image beendet', async () => (await podPhase(kube, namespace, 'loaded')) === 'Succeeded', { timeoutMs: 60_000 });
    expect(await kube.core.readNamespacedPodLog({ name: 'loaded', namespace })).toContain('Hallo aus dem geladenen Image');
  } finally {
    await run('docker', ['rmi', tag]).catch(() => {});
  }
});

/** A toolbox pod that stays up, for commands run in it with exec. */
async function startIdle(kube: KubeClients, namespace: string, name: string): Promise<string> {
  await kube.core.createNamespacedPod({
    namespace,
    body: {
      metadata: { name },
      spec: { containers: [{ name: 'main', image: IMAGES.toolbox, imagePullPolicy: 'IfNotPresent', command: ['sleep', '3600'] }] },
    },
  });
  return waitFor(`Pod ${name} läuft`, async () => {
    const pod = await kube.core.readNamespacedPod({ name, namespace });
    return pod.status?.phase === 'Running' ? pod.status.podIP : undefined;
  }, { timeoutMs: 120_000, intervalMs: 500 });
}

test('a NetworkPolicy in one namespace lets its own pods in and refuses another namespace\'s; without one, traffic is open', async ({ kube, namespace }) => {
  const other = `${namespace}-b`;
  await kube.core.createNamespace({ body: { metadata: { name: other } } });
  try {
    await deploy(kube, namespace, 'web', IMAGES.nginx, 80);
    const [web] = (await kube.core.listNamespacedPod({ namespace, labelSelector: 'app=web' })).items;
    const webIp = web!.status!.podIP!;
    const sameIp = await startIdle(kube, namespace, 'nachbar');
    await startIdle(kube, other, 'fremd');
    const exec = (ns: string, pod: string, url: string) =>
      // busybox wget -T crashes in the toolbox image; timeout(1) bounds it instead.
      podExec(kube.config, AbortSignal.timeout(60_000))({ namespace: ns, pod, container: 'main', command: ['sh', '-c', `timeout 10 wget -q -O- ${url} 2>&1`] });
    const service = `http://web.${namespace}.svc.cluster.local/`;

    // No policy selects web yet: every namespace reaches it, as all labs expect.
    expect((await exec(other, 'fremd', service)).stdout).toContain('Welcome to nginx!');

    await kube.networking.createNamespacedNetworkPolicy({
      namespace,
      body: {
        metadata: { name: 'nur-eigener-namespace' },
        spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ _from: [{ podSelector: {} }] }] },
      },
    });
    await waitForPolicyApplied(kube.config, [webIp, sameIp]);

    const same = await exec(namespace, 'nachbar', service);
    expect(same.stdout).toContain('Welcome to nginx!');
    // Refused at once (a reset), through the Service and straight to the pod.
    for (const url of [service, `http://${webIp}/`]) {
      const refused = await exec(other, 'fremd', url);
      expect(refused.exitCode).not.toBe(0);
      expect(refused.stdout).toMatch(/refused|reset/i);
    }
  } finally {
    await kube.core.deleteNamespace({ name: other }).catch(() => undefined);
  }
});
