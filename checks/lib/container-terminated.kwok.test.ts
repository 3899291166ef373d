// kwok runs no containers; the kubelet's record of a termination is written into the pod
// status the way the kubelet reports it.
import { describe, expect } from 'vitest';
import { runCheck } from '../testing/check-helpers.ts';
import { kwokTest as test } from '../testing/kwok-test.ts';
import type { KubeClients } from '../testing/kube-clients.ts';
import { waitFor } from '../testing/wait.ts';
import { containerTerminated } from './container-terminated.ts';

const PARAMS = { pod: 'fresser', reason: 'OOMKilled' };

async function terminated(kube: KubeClients, namespace: string, reason: string, exitCode: number) {
  const pod = await waitFor('fresser läuft', async () => {
    const current = await kube.core.readNamespacedPod({ name: 'fresser', namespace });
    return current.status?.containerStatuses?.[0]?.state?.running ? current : undefined;
  });
  const now = new Date();
  pod.status!.phase = 'Failed';
  pod.status!.containerStatuses = pod.status!.containerStatuses!.map((status) => ({
    ...status,
    ready: false,
    state: { terminated: { reason, exitCode, startedAt: new Date(now.getTime() - 2_000), finishedAt: now } },
  }));
  await kube.core.replaceNamespacedPodStatus({ name: 'fresser', namespace, body: pod });
}

describe('container-terminated', () => {
  // Near miss: the step wants the memory limit to strike; a crash of its own (a typo in
  // the command) ends the container too, but not with OOMKilled.
  test.concurrent('a container that ended with an error does not pass a step about OOMKilled; OOMKilled does', async ({ kube, namespace }) => {
    const body = { metadata: { name: 'fresser' }, spec: { restartPolicy: 'Never', containers: [{ name: 'fresser', image: 'werkbank/demo-app:1' }] } };
    await kube.core.createNamespacedPod({ namespace, body });
    await terminated(kube, namespace, 'Error', 1);

    const crashed = await runCheck(kube, namespace, containerTerminated, PARAMS);

    expect(crashed.passed).toBe(false);
    expect(crashed.message).toBe(
      `Der Container ‚fresser‘ im Pod ‚fresser‘ endete mit Error (Exit-Code 1) statt mit OOMKilled – er hat sich selbst mit einem Fehler beendet. Was er zuletzt ausgab, zeigt „kubectl logs fresser -n ${namespace}“.`,
    );

    await kube.core.deleteNamespacedPod({ name: 'fresser', namespace, gracePeriodSeconds: 0 });
    await waitFor('fresser ist weg', async () => (await kube.core.listNamespacedPod({ namespace })).items.length === 0);
    await kube.core.createNamespacedPod({ namespace, body });
    await terminated(kube, namespace, 'OOMKilled', 137);
    const killed = await runCheck(kube, namespace, containerTerminated, PARAMS);

    expect(killed.message).toBe(
      'Der Container ‚fresser‘ im Pod ‚fresser‘ wurde mit OOMKilled beendet (Exit-Code 137): der Kernel hat ihn beendet, weil er mehr Arbeitsspeicher brauchte als sein Limit.',
    );
    expect(killed.passed).toBe(true);
  });

  // containerd loses the OOM notice when the container's only process dies at once
  // (containerd issue 8893): the learner did the right thing and needs to know what to change.
  test.concurrent('a SIGKILL reported as Error is not taken for OOMKilled and says how to get a clear answer', async ({ kube, namespace }) => {
    await kube.core.createNamespacedPod({ namespace, body: { metadata: { name: 'fresser' }, spec: { restartPolicy: 'Never', containers: [{ name: 'fresser', image: 'werkbank/demo-app:1' }] } } });
    await terminated(kube, namespace, 'Error', 137);

    const result = await runCheck(kube, namespace, containerTerminated, PARAMS);

    expect(result.passed).toBe(false);
    expect(result.message).toBe(
      'Der Container ‚fresser‘ im Pod ‚fresser‘ wurde mit Exit-Code 137 hart beendet (SIGKILL), Kubernetes meldet aber Error statt OOMKilled. ' +
        'So sieht es aus, wenn der einzige Prozess des Containers am Limit sofort stirbt: Dann verliert containerd manchmal die Meldung des OOM-Killers. ' +
        `Lass nach dem Speicherfresser noch einen Prozess kurz weiterlaufen (etwa die Shell mit „sleep 1“ wie in fresser.yaml), lösch den Pod mit „kubectl delete pod fresser -n ${namespace}“ und leg ihn noch einmal an.`,
    );
  });

  test.concurrent('a container still running is waited for', async ({ kube, namespace }) => {
    await kube.core.createNamespacedPod({ namespace, body: { metadata: { name: 'fresser' }, spec: { containers: [{ name: 'fresser', image: 'werkbank/demo-app:1' }] } } });
    await waitFor('fresser läuft', async () => (await kube.core.readNamespacedPod({ name: 'fresser', namespace })).status?.containerStatuses?.[0]?.state?.running);

    const result = await runCheck(kube, namespace, containerTerminated, PARAMS, { timeoutMs: 1_500 });

    expect(result.passed).toBe(false);
    expect(result.timedOut).toBe(true);
    expect(result.message).toBe("Der Container ‚fresser‘ im Pod ‚fresser‘ läuft noch und wurde bisher nicht beendet. Prüf gleich noch einmal.");
  });
});
