// A container ended the way the step makes it end, e.g. killed for using more memory
// than its limit (OOMKilled): the kubelet's record of the last termination, whether the
// container is still stopped or has been restarted since.
import type { V1ContainerStateTerminated, V1ContainerStatus } from '@kubernetes/client-node';
import { z } from 'zod';
import { defineCheck, fail, notYet, pass } from '../core.ts';
import { kubectl, q, sentences } from '../format.ts';
import { readOrUndefined } from '../kube.ts';
import { missingPod } from '../missing.ts';
import { containerName, inNamespace, objectName } from '../params.ts';

/** What each reason means, for the message (German). */
const meaning: Record<string, string> = {
  OOMKilled: 'der Kernel hat ihn beendet, weil er mehr Arbeitsspeicher brauchte als sein Limit',
  Error: 'er hat sich selbst mit einem Fehler beendet',
  Completed: 'er ist normal zu Ende gelaufen',
};

export const containerTerminated = defineCheck({
  id: 'container-terminated',
  title: 'Der Container endete aus dem erwarteten Grund, z. B. OOMKilled',
  params: z.strictObject({
    pod: objectName,
    /** Default: the pod's first container. */
    container: containerName.optional(),
    /** The kubelet's reason, e.g. "OOMKilled". */
    reason: z.string().min(1),
    namespace: inNamespace,
  }),
  async run({ pod: podName, container: wanted, reason, namespace: explicit }, { kube, namespace: own }) {
    const namespace = explicit ?? own;
    const pod = await readOrUndefined(kube.core.readNamespacedPod({ name: podName, namespace }));
    if (!pod) return missingPod(kube, podName, namespace);
    const name = wanted ?? pod.spec?.containers[0]?.name ?? '';
    const status: V1ContainerStatus | undefined = pod.status?.containerStatuses?.find((s) => s.name === name);
    const hint = `Nachsehen: ${kubectl(`describe pod ${podName}`, namespace)} (State und Last State des Containers)`;
    const ended: V1ContainerStateTerminated | undefined = status?.state?.terminated ?? status?.lastState?.terminated;
    const data = { pod: podName, namespace, container: name, expected: reason, reason: ended?.reason, exitCode: ended?.exitCode };
    if (!pod.spec?.containers.some((c) => c.name === name)) {
      return fail(`Der Pod ${q(podName)} hat keinen Container ${q(name)}.`, { data, hint });
    }
    if (ended?.reason === reason) {
      return pass(`Der Container ${q(name)} im Pod ${q(podName)} wurde mit ${reason} beendet (Exit-Code ${ended.exitCode})${meaning[reason] ? `: ${meaning[reason]}` : ''}.`, data);
    }
    if (reason === 'OOMKilled' && ended?.reason === 'Error' && ended.exitCode === 137) {
      return fail(
        sentences(
          `Der Container ${q(name)} im Pod ${q(podName)} wurde mit Exit-Code 137 hart beendet (SIGKILL), Kubernetes meldet aber Error statt OOMKilled`,
          'So sieht es aus, wenn der einzige Prozess des Containers am Limit sofort stirbt: Dann verliert containerd manchmal die Meldung des OOM-Killers',
          `Lass nach dem Speicherfresser noch einen Prozess kurz weiterlaufen (etwa die Shell mit „sleep 1“ wie in fresser.yaml), lösch den Pod mit „${kubectl(`delete pod ${podName}`, namespace)}“ und leg ihn noch einmal an`,
        ),
        { data, hint },
      );
    }
    if (ended) {
      return fail(
        sentences(
          `Der Container ${q(name)} im Pod ${q(podName)} endete mit ${ended.reason ?? 'unbekanntem Grund'} (Exit-Code ${ended.exitCode}) statt mit ${reason}${
            ended.reason && meaning[ended.reason] ? ` – ${meaning[ended.reason]}` : ''
          }`,
          `Was er zuletzt ausgab, zeigt „${kubectl(`logs ${podName}${status?.state?.terminated ? '' : ' --previous'}`, namespace)}“`,
        ),
        { data, hint },
      );
    }
    const waiting = status?.state?.waiting?.reason;
    return notYet(
      sentences(
        status?.state?.running
          ? `Der Container ${q(name)} im Pod ${q(podName)} läuft noch und wurde bisher nicht beendet`
          : `Der Container ${q(name)} im Pod ${q(podName)} ist noch nicht gestartet${waiting ? ` (${waiting})` : ''}`,
        'Prüf gleich noch einmal',
      ),
      { data, hint },
    );
  },
});
