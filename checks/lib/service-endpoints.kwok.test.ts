import { describe, expect } from 'vitest';
import { createDeployment, deployment, podNames, restartedAgo, runCheck, service, waitForAvailable } from '../testing/check-helpers.ts';
import { kwokTest as test } from '../testing/kwok-test.ts';
import { waitFor } from '../testing/wait.ts';
import { serviceEndpoints } from './service-endpoints.ts';

describe('service-endpoints', () => {
  test.concurrent('passes once the pods behind the selector are ready endpoints', async ({ kube, namespace }) => {
    await createDeployment(kube, namespace, deployment('web', { replicas: 2 }));
    await kube.core.createNamespacedService({ namespace, body: service('web', { app: 'web' }) });

    const result = await runCheck(kube, namespace, serviceEndpoints, { name: 'web', minReady: 2 }, { timeoutMs: 30_000 });

    expect(result.passed).toBe(true);
    expect(result.message).toMatch(/^Der Service ‚web‘ hat 2 bereite Endpunkte: 10\.244\.\d+\.\d+, 10\.244\.\d+\.\d+\.$/);
  });

  test.concurrent('selector matches no pod (no endpoints): shows the labels the pods have', async ({ kube, namespace }) => {
    await createDeployment(kube, namespace, deployment('web'));
    await kube.core.createNamespacedService({ namespace, body: service('web', { app: 'frontend' }) });

    const result = await runCheck(kube, namespace, serviceEndpoints, { name: 'web' }, { timeoutMs: 20_000 });

    expect(result.passed).toBe(false);
    expect(result.message).toContain(
      `Der Service ‚web‘ hat keinen bereiten Endpunkt: sein Selector ‚app=frontend‘ passt auf keinen Pod im Namespace ‚${namespace}‘`,
    );
    expect(result.message).toMatch(/Die Pods dort haben die Labels ‚app=web(,pod-template-hash=\w+)?‘/);
    expect(result.message).toContain('spec.template.metadata.labels');
  });

  test.concurrent('no pods at all yet: says to create the Deployment first', async ({ kube, namespace }) => {
    await kube.core.createNamespacedService({ namespace, body: service('web', { app: 'web' }) });

    const result = await runCheck(kube, namespace, serviceEndpoints, { name: 'web' });

    expect(result.passed).toBe(false);
    expect(result.message).toContain('Dort läuft noch gar kein Pod');
    expect(result.message).toContain('Leg zuerst das Deployment an');
  });

  test.concurrent('Service without a selector', async ({ kube, namespace }) => {
    await kube.core.createNamespacedService({
      namespace,
      body: { metadata: { name: 'web' }, spec: { ports: [{ port: 80 }] } },
    });

    const result = await runCheck(kube, namespace, serviceEndpoints, { name: 'web' });

    expect(result.passed).toBe(false);
    expect(result.message).toContain('Der Service ‚web‘ hat keinen Selector');
  });

  test.concurrent('the selected pods cannot be scheduled: says why instead of "not ready"', async ({ kube, namespace }) => {
    await createDeployment(kube, namespace, deployment('web', { pod: { nodeSelector: { disktype: 'ssd' } } }));
    await kube.core.createNamespacedService({ namespace, body: service('web', { app: 'web' }) });

    const result = await runCheck(kube, namespace, serviceEndpoints, { name: 'web' }, { timeoutMs: 20_000 });

    expect(result.passed).toBe(false);
    expect(result.timedOut).toBeUndefined();
    expect(result.message).toContain('Der Service ‚web‘ hat keinen bereiten Endpunkt');
    expect(result.message).toContain('kann keinem Knoten zugeteilt werden');
  });

  test.concurrent('no Service of that name', async ({ kube, namespace }) => {
    const result = await runCheck(kube, namespace, serviceEndpoints, { name: 'katalog-api' });

    expect(result.passed).toBe(false);
    expect(result.message).toBe(
      `Im Namespace ‚${namespace}‘ gibt es keinen Service ‚katalog-api‘. Tipp: Leg ihn an, z. B. mit „kubectl apply -f <datei>.yaml -n ${namespace}“.`,
    );
  });

  // Near miss: endpoints alone are not the step; the Service has to be of the asked type.
  test.concurrent('a ClusterIP where a NodePort is asked fails at once; the NodePort passes', async ({ kube, namespace }) => {
    await createDeployment(kube, namespace, deployment('web'));
    await kube.core.createNamespacedService({ namespace, body: service('web-nodeport', { app: 'web' }) });

    const wrong = await runCheck(kube, namespace, serviceEndpoints, { name: 'web-nodeport', type: 'NodePort' }, { timeoutMs: 20_000 });

    expect(wrong.passed).toBe(false);
    expect(wrong.timedOut).toBeUndefined();
    expect(wrong.message).toBe(
      `Der Service ‚web-nodeport‘ ist vom Typ ClusterIP, verlangt ist NodePort. Tipp: Setz spec.type auf NodePort („kubectl edit service web-nodeport -n ${namespace}“) oder leg ihn mit dem passenden Typ neu an.`,
    );

    await kube.core.deleteNamespacedService({ name: 'web-nodeport', namespace });
    const nodePort = service('web-nodeport', { app: 'web' });
    nodePort.spec!.type = 'NodePort';
    await kube.core.createNamespacedService({ namespace, body: nodePort });
    const right = await runCheck(kube, namespace, serviceEndpoints, { name: 'web-nodeport', type: 'NodePort' }, { timeoutMs: 30_000 });

    expect(right.message).toMatch(/^Der Service ‚web-nodeport‘ hat 1 bereiten Endpunkt: 10\.244\.\d+\.\d+\.$/);
    expect(right.passed).toBe(true);
  });

  // Near miss: the pods are ready endpoints, but the Service forwards to a port nobody opens.
  test.concurrent('a targetPort no container opens fails; the containerPort passes', async ({ kube, namespace }) => {
    await createDeployment(kube, namespace, deployment('web'));
    const wrongPort = service('web', { app: 'web' });
    wrongPort.spec!.ports = [{ name: 'http', port: 80, targetPort: 8080 }];
    await kube.core.createNamespacedService({ namespace, body: wrongPort });

    const wrong = await runCheck(kube, namespace, serviceEndpoints, { name: 'web' }, { timeoutMs: 30_000 });

    expect(wrong.passed).toBe(false);
    expect(wrong.message).toBe(
      'Der Service ‚web‘ hat bereite Endpunkte, aber sein Port 80 leitet auf ‚8080‘ weiter, und darauf hört kein Container der Pods (sie öffnen 80). Tipp: Setz targetPort auf den containerPort deiner Anwendung (oder auf dessen Namen).',
    );

    await kube.core.createNamespacedService({ namespace, body: service('web-richtig', { app: 'web' }) });
    const right = await runCheck(kube, namespace, serviceEndpoints, { name: 'web-richtig' }, { timeoutMs: 30_000 });

    expect(right.passed).toBe(true);
  });

  // Near miss: a crash-looping pod is a ready endpoint now and then; caught then it must not pass.
  test.concurrent('pods behind the Service that restarted lately fail; once they run steadily they pass', async ({ kube, namespace }) => {
    await createDeployment(kube, namespace, deployment('web'));
    await kube.core.createNamespacedService({ namespace, body: service('web', { app: 'web' }) });
    await waitForAvailable(kube, namespace, 'web', 1);
    // The EndpointSlice follows the pod a moment later; the check is about a ready endpoint.
    await waitFor('die EndpointSlice von web nennt einen bereiten Endpunkt', async () => {
      const slices = await kube.discovery.listNamespacedEndpointSlice({ namespace, labelSelector: 'kubernetes.io/service-name=web' });
      return slices.items.some((slice) => (slice.endpoints ?? []).some((e) => e.conditions?.ready === true));
    });
    const [pod] = await podNames(kube, namespace, 'web');
    await restartedAgo(kube, namespace, pod!, 20_000);

    const looping = await runCheck(kube, namespace, serviceEndpoints, { name: 'web' }, { timeoutMs: 30_000 });

    expect(looping.passed).toBe(false);
    expect(looping.message).toContain(`Der Service ‚web‘ hat bereite Endpunkte. Der Pod ‚${pod}‘ ist zwar gerade bereit, aber sein Container ‚web‘ wurde vor Kurzem neu gestartet`);

    await restartedAgo(kube, namespace, pod!, 10 * 60_000);
    const steady = await runCheck(kube, namespace, serviceEndpoints, { name: 'web' }, { timeoutMs: 30_000 });

    expect(steady.passed).toBe(true);
  });
  // Near miss (services step 4): the step deletes the pods and watches the EndpointSlice
  // follow; the pods from before the Service must not pass it. Replaced ones do.
  test.concurrent('pods older than the Service fail a step that replaces them; new pods pass', async ({ kube, namespace }) => {
    await createDeployment(kube, namespace, deployment('web', { replicas: 2 }));
    await waitForAvailable(kube, namespace, 'web', 2);
    // Timestamps are whole seconds: the Service must come a second later than the pods.
    const [first] = await podNames(kube, namespace, 'web');
    const podCreated = (await kube.core.readNamespacedPod({ name: first!, namespace })).metadata!.creationTimestamp!;
    await waitFor('eine Sekunde nach dem Pod', async () => Date.now() >= new Date(podCreated).getTime() + 2_000);
    await kube.core.createNamespacedService({ namespace, body: service('web', { app: 'web' }) });
    const params = { name: 'web', minReady: 2, replacedPods: true };

    const before = await runCheck(kube, namespace, serviceEndpoints, params, { timeoutMs: 30_000 });

    expect(before.passed).toBe(false);
    expect(before.message).toMatch(/^Der Service ‚web‘ hat bereite Endpunkte, aber alle 2 Pods dahinter sind älter als der Service \(‚web-[a-z0-9-]+‘ und ‚web-[a-z0-9-]+‘\)\./);
    expect(before.message).toContain(`Tipp: „kubectl delete pod -l app=web -n ${namespace}“`);

    await kube.core.deleteCollectionNamespacedPod({ namespace, labelSelector: 'app=web' });
    const after = await runCheck(kube, namespace, serviceEndpoints, params, { timeoutMs: 30_000 });

    expect(after.message).toMatch(/^Der Service ‚web‘ hat 2 bereite Endpunkte/);
    expect(after.passed).toBe(true);
  });
});
