import { PatchStrategy, setHeaderOptions, type V1Pod } from '@kubernetes/client-node';
import { describe, expect } from 'vitest';
import { container, createDeployment, createPullSecret, deployment, podNames, runCheck, waitForAvailable } from '../testing/check-helpers.ts';
import { kwokTest as test } from '../testing/kwok-test.ts';
import type { KubeClients } from '../testing/kube-clients.ts';
import { waitFor } from '../testing/wait.ts';
import { imageFromRegistry } from './image-from-registry.ts';

const IMAGE = 'localhost:5000/shop:1.0';
const step = { name: 'shop', registry: 'localhost:5000', secret: 'registry-zugang' };
const UNAUTHORIZED = `failed to pull and unpack image "${IMAGE}": failed to resolve reference "${IMAGE}": pulling from host localhost:5000 failed with status code [manifests 1.0]: 401 Unauthorized`;

async function shop(kube: KubeClients, namespace: string, options: { image?: string; withSecret?: boolean } = {}) {
  await createDeployment(
    kube,
    namespace,
    deployment('shop', {
      containers: [container({ name: 'shop', image: options.image ?? IMAGE })],
      ...(options.withSecret ? { pod: { imagePullSecrets: [{ name: 'registry-zugang' }] } } : {}),
    }),
  );
}

async function giveAccountTheSecret(kube: KubeClients, namespace: string) {
  const account = await waitFor('ServiceAccount default', () =>
    kube.core.readNamespacedServiceAccount({ name: 'default', namespace }).catch(() => undefined),
  );
  account.imagePullSecrets = [{ name: 'registry-zugang' }];
  await kube.core.replaceNamespacedServiceAccount({ name: 'default', namespace, body: account });
}

/** What the kubelet reports when the registry refuses the pull (kwok never pulls). */
async function refused(kube: KubeClients, namespace: string, message = UNAUTHORIZED) {
  const [name] = await waitFor('ein Pod von shop', async () => {
    const names = await podNames(kube, namespace, 'shop');
    return names.length > 0 ? names : undefined;
  });
  const pod: V1Pod = await waitFor('Pod mit Status', async () => {
    const current = await kube.core.readNamespacedPod({ name: name!, namespace });
    return current.status?.containerStatuses?.length ? current : undefined;
  });
  pod.status!.phase = 'Pending';
  pod.status!.conditions = (pod.status?.conditions ?? []).map((c) =>
    c.type === 'Ready' || c.type === 'ContainersReady' ? { ...c, status: 'False' } : c,
  );
  pod.status!.containerStatuses = (pod.status?.containerStatuses ?? []).map((status) => ({
    ...status,
    ready: false,
    started: false,
    state: { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${IMAGE}": ErrImagePull: ${message}` } },
  }));
  await kube.core.replaceNamespacedPodStatus({ name: name!, namespace, body: pod });
  return name!;
}

describe('image-from-registry', () => {
  test.concurrent('passes when the pods run the registry image with the pull secret in the template', async ({ kube, namespace }) => {
    await createPullSecret(kube, namespace, 'localhost:5000');
    await shop(kube, namespace, { withSecret: true });
    await waitForAvailable(kube, namespace, 'shop', 1);

    const result = await runCheck(kube, namespace, imageFromRegistry, { ...step, via: 'pod' });

    expect(result.message).toBe(
      'Das Deployment ‚shop‘ läuft mit ‚localhost:5000/shop:1.0‘ aus der Registry ‚localhost:5000‘; die Zugangsdaten kommen aus dem Secret ‚registry-zugang‘ (über imagePullSecrets im Pod-Template).',
    );
    expect(result.passed).toBe(true);
  });

  // Near miss: running, with the secret, but the image is the one baked into the node.
  test.concurrent('an image from elsewhere fails even when the Deployment runs', async ({ kube, namespace }) => {
    await createPullSecret(kube, namespace, 'localhost:5000');
    await shop(kube, namespace, { image: 'werkbank/demo-app:1', withSecret: true });
    await waitForAvailable(kube, namespace, 'shop', 1);

    const result = await runCheck(kube, namespace, imageFromRegistry, step);

    expect(result.passed).toBe(false);
    expect(result.message).toContain('Das Deployment ‚shop‘ startet ‚werkbank/demo-app:1‘ – kein Image aus der Registry ‚localhost:5000‘');
  });

  // Near miss: the Secret exists, but nothing hands it to the pods: the registry says 401.
  test.concurrent('without imagePullSecrets the pods in ImagePullBackOff are explained by the 401', async ({ kube, namespace }) => {
    await createPullSecret(kube, namespace, 'localhost:5000');
    await shop(kube, namespace);
    const pod = await refused(kube, namespace);

    const result = await runCheck(kube, namespace, imageFromRegistry, step);

    expect(result.passed).toBe(false);
    expect(result.message).toBe(
      `Das Deployment ‚shop‘ zieht ‚localhost:5000/shop:1.0‘ ohne Zugangsdaten: Weder sein Pod-Template (imagePullSecrets) noch der ServiceAccount ‚default‘ nennen das Secret ‚registry-zugang‘. Darum weist die Registry den Pod ‚${pod}‘ mit „401 Unauthorized“ ab (ImagePullBackOff). Tipp: Ergänze im Pod-Template „imagePullSecrets: - name: registry-zugang“.`,
    );
  });

  test.concurrent('the ServiceAccount got the secret after the pod was made: restart it', async ({ kube, namespace }) => {
    await createPullSecret(kube, namespace, 'localhost:5000');
    await shop(kube, namespace);
    const pod = await refused(kube, namespace);
    await giveAccountTheSecret(kube, namespace);

    const result = await runCheck(kube, namespace, imageFromRegistry, { ...step, via: 'serviceAccount' });

    expect(result.passed).toBe(false);
    expect(result.message).toContain(`Der Pod ‚${pod}‘ bekommt ‚localhost:5000/shop:1.0‘ nicht: Die Registry antwortet „401 Unauthorized“ (ImagePullBackOff), denn er ist älter als das imagePullSecret ‚registry-zugang‘`);
    expect(result.message).toContain(`kubectl rollout restart deployment shop -n ${namespace}`);
  });

  test.concurrent('wrong credentials in the secret: the registry refuses them', async ({ kube, namespace }) => {
    await createPullSecret(kube, namespace, 'localhost:5000');
    await shop(kube, namespace, { withSecret: true });
    await refused(kube, namespace);

    const result = await runCheck(kube, namespace, imageFromRegistry, step);

    expect(result.passed).toBe(false);
    expect(result.message).toContain('lehnt die Zugangsdaten aus dem Secret ‚registry-zugang‘ ab („401 Unauthorized“, ImagePullBackOff)');
  });

  test.concurrent('an image the registry does not have says to push it', async ({ kube, namespace }) => {
    await createPullSecret(kube, namespace, 'localhost:5000');
    await shop(kube, namespace, { withSecret: true });
    await refused(kube, namespace, `failed to pull and unpack image "${IMAGE}": failed to resolve reference "${IMAGE}": ${IMAGE}: not found`);

    const result = await runCheck(kube, namespace, imageFromRegistry, step);

    expect(result.passed).toBe(false);
    expect(result.message).toContain('kennt dieses Image nicht (ImagePullBackOff). Tipp: Prüf Name und Tag oder push es erst: „docker push localhost:5000/shop:1.0“');
  });

  test.concurrent('a step about the ServiceAccount fails while the template still names the secret', async ({ kube, namespace }) => {
    await createPullSecret(kube, namespace, 'localhost:5000');
    await giveAccountTheSecret(kube, namespace);
    await shop(kube, namespace, { withSecret: true });
    await waitForAvailable(kube, namespace, 'shop', 1);

    const both = await runCheck(kube, namespace, imageFromRegistry, { ...step, via: 'serviceAccount' });
    expect(both.passed).toBe(false);
    expect(both.message).toContain('nennt es zusätzlich selbst');

    await kube.apps.patchNamespacedDeployment(
      { name: 'shop', namespace, body: [{ op: 'remove', path: '/spec/template/spec/imagePullSecrets' }] },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    );
    await waitFor('neues Pod-Template ausgerollt', async () => {
      const current = await kube.apps.readNamespacedDeployment({ name: 'shop', namespace });
      const status = current.status;
      return (status?.observedGeneration ?? 0) >= (current.metadata?.generation ?? 0) && status?.updatedReplicas === 1 && status.availableReplicas === 1 && status.replicas === 1;
    });
    const viaAccount = await runCheck(kube, namespace, imageFromRegistry, { ...step, via: 'serviceAccount' });
    expect(viaAccount.message).toBe(
      'Das Deployment ‚shop‘ läuft mit ‚localhost:5000/shop:1.0‘ aus der Registry ‚localhost:5000‘; die Zugangsdaten kommen aus dem Secret ‚registry-zugang‘ (über den ServiceAccount ‚default‘).',
    );
    expect(viaAccount.passed).toBe(true);
  });

  test.concurrent('a pull secret named but never created fails', async ({ kube, namespace }) => {
    await shop(kube, namespace, { withSecret: true });

    const result = await runCheck(kube, namespace, imageFromRegistry, step);

    expect(result.passed).toBe(false);
    expect(result.message).toContain('verweist auf das Secret ‚registry-zugang‘, aber das gibt es im Namespace');
  });
});
