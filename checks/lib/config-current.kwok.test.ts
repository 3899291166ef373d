// config-current on kwok: kwok runs no containers, but it reports when each one started,
// and that is what decides whether an environment variable saw a ConfigMap change.
import { describe, expect } from 'vitest';
import { container, createDeployment, deployment, podNames, runCheck, waitForAvailable } from '../testing/check-helpers.ts';
import { kwokTest as test } from '../testing/kwok-test.ts';
import type { KubeClients } from '../testing/kube-clients.ts';
import { configCurrent } from './config-current.ts';

const PARAMS = { name: 'app', configMap: 'app-config', key: 'LOG_LEVEL' };

/** The kubelet's report of a container that has run since `agoMs` ago. */
async function startedAgo(kube: KubeClients, namespace: string, pod: string, agoMs: number) {
  const current = await kube.core.readNamespacedPod({ name: pod, namespace });
  current.status!.containerStatuses = (current.status?.containerStatuses ?? []).map((status) => ({
    ...status,
    state: { running: { startedAt: new Date(Date.now() - agoMs) } },
  }));
  await kube.core.replaceNamespacedPodStatus({ name: pod, namespace, body: current });
}

describe('config-current', () => {
  // Near miss: the ConfigMap says debug, but the pods started before the change still
  // have LOG_LEVEL=info in their environment. After a rollout restart it passes.
  test.concurrent('a change the running pods never picked up fails; after a restart it passes', async ({ kube, namespace }) => {
    await kube.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'app-config' }, data: { LOG_LEVEL: 'info' } } });
    await createDeployment(kube, namespace, deployment('app', { containers: [container({ name: 'app', envFrom: [{ configMapRef: { name: 'app-config' } }] })] }));
    await waitForAvailable(kube, namespace, 'app', 1);
    const [pod] = await podNames(kube, namespace, 'app');
    await startedAgo(kube, namespace, pod!, 10 * 60_000);
    await kube.core.replaceNamespacedConfigMap({ name: 'app-config', namespace, body: { metadata: { name: 'app-config' }, data: { LOG_LEVEL: 'debug' } } });

    const stale = await runCheck(kube, namespace, configCurrent, PARAMS);

    expect(stale.passed).toBe(false);
    expect(stale.timedOut).toBeUndefined();
    expect(stale.message).toMatch(
      new RegExp(`^Die ConfigMap ‚app-config‘ \\(Schlüssel ‚LOG_LEVEL‘\\) wurde vor \\d+ s geändert, der Container im Pod ‚${pod}‘ läuft aber schon seit 10 min\\. Seine Umgebungsvariable ‚LOG_LEVEL‘ hat deshalb noch den alten Wert`),
    );
    expect(stale.message).toContain(`Tipp: Starte die Pods neu mit „kubectl rollout restart deployment/app -n ${namespace}“.`);

    // What `kubectl rollout restart` does: a new template annotation, so new pods.
    const current = await kube.apps.readNamespacedDeployment({ name: 'app', namespace });
    current.spec!.template.metadata!.annotations = { 'kubectl.kubernetes.io/restartedAt': new Date().toISOString() };
    await kube.apps.replaceNamespacedDeployment({ name: 'app', namespace, body: current });
    const restarted = await runCheck(kube, namespace, configCurrent, PARAMS, { timeoutMs: 30_000 });

    expect(restarted.message).toBe('Das Deployment ‚app‘ läuft mit dem aktuellen Wert von ‚LOG_LEVEL‘ aus der ConfigMap ‚app-config‘: sein Pod ist nach der letzten Änderung gestartet.');
    expect(restarted.passed).toBe(true);
  });

  // Near miss ("a different wiring"): LOG_LEVEL written into the Deployment as a literal
  // value never follows the ConfigMap, however fresh the pods are.
  test.concurrent('a variable set as a literal value fails, naming the route the app reads', async ({ kube, namespace }) => {
    await kube.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'app-config' }, data: { LOG_LEVEL: 'debug' } } });
    await createDeployment(
      kube,
      namespace,
      deployment('app', { containers: [container({ name: 'app', envFrom: [{ configMapRef: { name: 'app-config' } }], env: [{ name: 'LOG_LEVEL', value: 'debug' }] })] }),
    );

    const result = await runCheck(kube, namespace, configCurrent, PARAMS);

    expect(result.passed).toBe(false);
    expect(result.message).toBe(
      'Die Umgebungsvariable ‚LOG_LEVEL‘ im Container ‚app‘ kommt nicht aus der ConfigMap ‚app-config‘ – sie steht dort als fester Wert (value); eine Änderung der ConfigMap erreicht die Anwendung so nie. Tipp: Hol sie mit „envFrom: - configMapRef: {name: app-config}“.',
    );
  });
});
