// The Gateway API CRDs are the ones every learner cluster gets (rendered from the Go
// module by docker/images/gateway-api/render.sh, applied as the runner applies add-ons);
// kwok runs no gateway controller, so each test writes the route's status as Traefik
// would.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject } from 'vitest';
import { applyManifestFile } from '../../runner/clusters/manifests.ts';
import { runChecked } from '../../runner/process.ts';
import { runCheck, service } from '../testing/check-helpers.ts';
import { kubeClients, type KubeClients } from '../testing/kube-clients.ts';
import { kwokTest as test } from '../testing/kwok-test.ts';
import { httpRouteWeights } from './httproute-weights.ts';

const GROUP = 'gateway.networking.k8s.io';
const VERSION = 'v1';
let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'werkbank-gateway-api-'));
  const manifest = join(work, 'gateway-api.yaml');
  await runChecked('bash', [join(import.meta.dirname, '../../docker/images/gateway-api/render.sh'), manifest], { timeoutMs: 120_000 });
  await applyManifestFile(kubeClients(inject('kwokKubeconfig')).config, manifest);
}, 180_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

type Backends = { name: string; weight?: number }[];

async function gateway(kube: KubeClients, namespace: string, name = 'web') {
  await kube.custom.createNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    namespace,
    plural: 'gateways',
    body: {
      apiVersion: `${GROUP}/${VERSION}`,
      kind: 'Gateway',
      metadata: { name },
      spec: { gatewayClassName: 'traefik', listeners: [{ name: 'http', protocol: 'HTTP', port: 8000 }] },
    },
  });
}

async function route(kube: KubeClients, namespace: string, backends: Backends, parent = 'web') {
  await kube.custom.createNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    namespace,
    plural: 'httproutes',
    body: {
      apiVersion: `${GROUP}/${VERSION}`,
      kind: 'HTTPRoute',
      metadata: { name: 'web' },
      spec: { parentRefs: [{ name: parent }], rules: [{ backendRefs: backends.map((b) => ({ ...b, port: 80 })) }] },
    },
  });
}

/** What Traefik writes once it has read the route: one entry per Gateway it serves. */
async function routeStatus(kube: KubeClients, namespace: string, resolved: { status: 'True' | 'False'; reason: string }, generationLag = 0) {
  const current = (await kube.custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: 'httproutes', name: 'web' })) as {
    metadata: { generation: number };
  };
  const observedGeneration = current.metadata.generation - generationLag;
  const condition = (type: string, status: string, reason: string) => ({
    type,
    status,
    reason,
    message: '',
    observedGeneration,
    lastTransitionTime: new Date().toISOString(),
  });
  await kube.custom.replaceNamespacedCustomObjectStatus({
    group: GROUP,
    version: VERSION,
    namespace,
    plural: 'httproutes',
    name: 'web',
    body: {
      ...current,
      status: {
        parents: [
          {
            parentRef: { group: GROUP, kind: 'Gateway', name: 'web', namespace },
            controllerName: 'traefik.io/gateway-controller',
            conditions: [condition('Accepted', 'True', 'Accepted'), condition('ResolvedRefs', resolved.status, resolved.reason)],
          },
        ],
      },
    },
  });
}

const RESOLVED = { status: 'True', reason: 'ResolvedRefs' } as const;
const SPLIT_90_10 = { name: 'web', gateway: 'web', backends: { 'web-v1': 90, 'web-v2': 10 } };

async function twoVersions(kube: KubeClients, namespace: string) {
  for (const version of ['v1', 'v2']) {
    await kube.core.createNamespacedService({ namespace, body: service(`web-${version}`, { app: 'web', version }) });
  }
}

describe('httproute-weights', () => {
  test.concurrent('passes for 90/10 on the Gateway, accepted, with both Services there', async ({ kube, namespace }) => {
    await twoVersions(kube, namespace);
    await gateway(kube, namespace);
    await route(kube, namespace, [{ name: 'web-v1', weight: 90 }, { name: 'web-v2', weight: 10 }]);
    await routeStatus(kube, namespace, RESOLVED);

    const result = await runCheck(kube, namespace, httpRouteWeights, SPLIT_90_10);

    expect(result.message).toBe("Die HTTPRoute ‚web‘ hängt am Gateway ‚web‘ und verteilt 90 % an ‚web-v1‘ und 10 % an ‚web-v2‘; das Gateway hat sie angenommen.");
    expect(result.passed).toBe(true);
  });

  test.concurrent('weights count in proportion: 9/1 is 90/10', async ({ kube, namespace }) => {
    await twoVersions(kube, namespace);
    await gateway(kube, namespace);
    await route(kube, namespace, [{ name: 'web-v1', weight: 9 }, { name: 'web-v2', weight: 1 }]);
    await routeStatus(kube, namespace, RESOLVED);

    expect((await runCheck(kube, namespace, httpRouteWeights, SPLIT_90_10)).passed).toBe(true);
  });

  test.concurrent('wrong weights (50/50 where 90/10 is asked): names both splits', async ({ kube, namespace }) => {
    await twoVersions(kube, namespace);
    await gateway(kube, namespace);
    await route(kube, namespace, [{ name: 'web-v1', weight: 50 }, { name: 'web-v2', weight: 50 }]);
    await routeStatus(kube, namespace, RESOLVED);

    const result = await runCheck(kube, namespace, httpRouteWeights, SPLIT_90_10);

    expect(result.passed).toBe(false);
    expect(result.message).toContain("verteilt 50 % an ‚web-v1‘ und 50 % an ‚web-v2‘; erwartet 90 % an ‚web-v1‘ und 10 % an ‚web-v2‘");
  });

  test.concurrent('a backend without weight counts 1: v2 alone is not promoted while v1 still gets traffic', async ({ kube, namespace }) => {
    await twoVersions(kube, namespace);
    await gateway(kube, namespace);
    await route(kube, namespace, [{ name: 'web-v1', weight: 0 }, { name: 'web-v2' }]);
    await routeStatus(kube, namespace, RESOLVED);
    expect((await runCheck(kube, namespace, httpRouteWeights, { name: 'web', gateway: 'web', backends: { 'web-v2': 100 } })).passed).toBe(true);

    const stillSplit = await runCheck(kube, namespace, httpRouteWeights, { name: 'web', gateway: 'web', backends: { 'web-v1': 0, 'web-v2': 100 } });
    expect(stillSplit.passed).toBe(true);
    const notPromoted = await runCheck(kube, namespace, httpRouteWeights, SPLIT_90_10);
    expect(notPromoted.passed).toBe(false);
    expect(notPromoted.message).toContain("‚web-v1‘ bekommt nichts");
  });

  test.concurrent('route not attached to the Gateway: names its parentRefs', async ({ kube, namespace }) => {
    await twoVersions(kube, namespace);
    await gateway(kube, namespace);
    await route(kube, namespace, [{ name: 'web-v1', weight: 90 }, { name: 'web-v2', weight: 10 }], 'eingang');

    const result = await runCheck(kube, namespace, httpRouteWeights, SPLIT_90_10);

    expect(result.passed).toBe(false);
    expect(result.message).toBe("Die HTTPRoute ‚web‘ hängt nicht am Gateway ‚web‘. Ihre parentRefs nennen ‚eingang‘. Tipp: Trag unter spec.parentRefs „- name: web“ ein.");
  });

  test.concurrent('backend Service missing: named, with the Services that are there', async ({ kube, namespace }) => {
    await kube.core.createNamespacedService({ namespace, body: service('web-v1', { app: 'web', version: 'v1' }) });
    await gateway(kube, namespace);
    await route(kube, namespace, [{ name: 'web-v1', weight: 90 }, { name: 'web-v2', weight: 10 }]);
    await routeStatus(kube, namespace, { status: 'False', reason: 'BackendNotFound' });

    const result = await runCheck(kube, namespace, httpRouteWeights, SPLIT_90_10);

    expect(result.passed).toBe(false);
    expect(result.message).toContain(`schickt Anfragen an den Service ‚web-v2‘, den es im Namespace ‚${namespace}‘ nicht gibt. Vorhanden: ‚web-v1‘`);
  });

  test.concurrent('the Gateway itself is missing', async ({ kube, namespace }) => {
    await twoVersions(kube, namespace);
    await route(kube, namespace, [{ name: 'web-v1', weight: 90 }, { name: 'web-v2', weight: 10 }]);

    const result = await runCheck(kube, namespace, httpRouteWeights, SPLIT_90_10);

    expect(result.passed).toBe(false);
    expect(result.message).toContain("hängt am Gateway ‚web‘, das es im Namespace");
  });

  test.concurrent('the controller has not taken the latest change yet: waits, then says so', async ({ kube, namespace }) => {
    await twoVersions(kube, namespace);
    await gateway(kube, namespace);
    await route(kube, namespace, [{ name: 'web-v1', weight: 90 }, { name: 'web-v2', weight: 10 }]);
    // Status of an older generation: Traefik has not read the route's current spec.
    const created = (await kube.custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: 'httproutes', name: 'web' })) as {
      spec: Record<string, unknown>;
    };
    await kube.custom.replaceNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace,
      plural: 'httproutes',
      name: 'web',
      body: { ...created, spec: { ...created.spec, hostnames: ['gewichte.werkbank.local'] } },
    });
    await routeStatus(kube, namespace, RESOLVED, 1);

    const result = await runCheck(kube, namespace, httpRouteWeights, SPLIT_90_10, { timeoutMs: 2_000 });

    expect(result.passed).toBe(false);
    expect(result.timedOut).toBe(true);
    expect(result.message).toContain("hat die letzte Änderung der HTTPRoute ‚web‘ noch nicht übernommen");
  });

  test.concurrent('no route at all', async ({ kube, namespace }) => {
    const result = await runCheck(kube, namespace, httpRouteWeights, SPLIT_90_10);
    expect(result.passed).toBe(false);
    expect(result.message).toBe(`Im Namespace ‚${namespace}‘ gibt es keine HTTPRoute ‚web‘. Tipp: Leg sie an, z. B. mit „kubectl apply -f route.yaml“.`);
  });
});
