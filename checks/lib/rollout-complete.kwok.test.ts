import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { KubeClients } from '../testing/kube-clients.ts';
import { describe, expect } from 'vitest';
import { createDeployment, deployment, runCheck, waitForAvailable } from '../testing/check-helpers.ts';
import { kwokTest as test } from '../testing/kwok-test.ts';
import { rolloutComplete } from './rollout-complete.ts';

const OLD = 'docker.io/library/nginx:1.27-alpine';
const NEW = 'nginx:1.28-alpine';

/** What `kubectl set image deployment/web web=<image>` does, plus optional pod spec changes. */
async function setImage(kube: KubeClients, namespace: string, image: string, nodeSelector?: Record<string, string>) {
  const body = [
    { op: 'replace', path: '/spec/template/spec/containers/0/image', value: image },
    ...(nodeSelector ? [{ op: 'add', path: '/spec/template/spec/nodeSelector', value: nodeSelector }] : []),
  ];
  await kube.apps.patchNamespacedDeployment(
    { name: 'web', namespace, body },
    setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
  );
}

describe('rollout-complete', () => {
  test.concurrent('passes once every replica runs the new image', async ({ kube, namespace }) => {
    await createDeployment(kube, namespace, deployment('web', { replicas: 2 }));
    await waitForAvailable(kube, namespace, 'web', 2);
    await setImage(kube, namespace, NEW);

    // The check waits while old pods are replaced, as a learner's "Prüfen" right after the update would.
    const result = await runCheck(kube, namespace, rolloutComplete, { name: 'web', image: NEW }, { timeoutMs: 30_000 });

    expect(result.passed).toBe(true);
    expect(result.message).toBe('Der Rollout von ‚web‘ ist abgeschlossen: alle 2 Replikas laufen mit ‚nginx:1.28-alpine‘.');
    expect(result.data).toMatchObject({ oldPods: [], updated: 2, available: 2 });
  });

  test.concurrent('rolled back: passes only once the broken image was tried and the old one is back', async ({ kube, namespace }) => {
    await createDeployment(kube, namespace, deployment('web', { replicas: 2 }));
    await waitForAvailable(kube, namespace, 'web', 2);
    const asked = { name: 'web', image: OLD, rolledBackFrom: NEW };

    const untried = await runCheck(kube, namespace, rolloutComplete, asked);
    expect(untried.passed).toBe(false);
    expect(untried.message).toContain('aber ‚nginx:1.28-alpine‘ wurde noch nicht ausgerollt');
    expect(untried.message).toContain('rollout undo deployment/web');

    await setImage(kube, namespace, NEW);
    await setImage(kube, namespace, OLD); // what `kubectl rollout undo` does to the template
    const result = await runCheck(kube, namespace, rolloutComplete, asked, { timeoutMs: 30_000 });
    expect(result.passed).toBe(true);
  });

  test.concurrent('still at the old image (the update was never applied): names both images and set image', async ({
    kube,
    namespace,
  }) => {
    await createDeployment(kube, namespace, deployment('web', { replicas: 2 }));
    await waitForAvailable(kube, namespace, 'web', 2);

    const result = await runCheck(kube, namespace, rolloutComplete, { name: 'web', image: NEW });

    expect(result.passed).toBe(false);
    expect(result.message).toContain(
      `verwendet im Container ‚web‘ das Image ‚${OLD}‘, erwartet ist ‚nginx:1.28-alpine‘`,
    );
    expect(result.message).toContain(`kubectl set image deployment/web web=nginx:1.28-alpine -n ${namespace}`);
  });

  test.concurrent('stuck: the new pods find no node, old pods keep running', async ({ kube, namespace }) => {
    await createDeployment(kube, namespace, deployment('web', { replicas: 2 }));
    await waitForAvailable(kube, namespace, 'web', 2);
    await setImage(kube, namespace, NEW, { disktype: 'ssd' });

    const result = await runCheck(kube, namespace, rolloutComplete, { name: 'web', image: NEW }, { timeoutMs: 20_000 });

    expect(result.passed).toBe(false);
    expect(result.timedOut).toBeUndefined();
    expect(result.message).toContain('Der Rollout von ‚web‘ auf ‚nginx:1.28-alpine‘ hängt');
    expect(result.message).toContain('kann keinem Knoten zugeteilt werden');
    expect(result.message).toContain('nodeSelector');
    expect((result.data.oldPods as string[]).length).toBe(2);
  });

  test.concurrent('a container name the Deployment does not have', async ({ kube, namespace }) => {
    await createDeployment(kube, namespace, deployment('web'));

    const result = await runCheck(kube, namespace, rolloutComplete, { name: 'web', image: NEW, container: 'app' });

    expect(result.passed).toBe(false);
    expect(result.message).toBe('Im Deployment ‚web‘ gibt es keinen Container ‚app‘. Vorhanden: ‚web‘.');
  });
});
