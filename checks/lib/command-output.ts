// What only the workload knows, asked through `kubectl exec`'s API: a command in a
// container must print the expected text, e.g. psql showing a row that outlived a pod
// restart. For state the Kubernetes objects cannot show; prefer an object check where
// one exists.
import type { V1Pod } from '@kubernetes/client-node';
import { z } from 'zod';
import { defineCheck, fail, notYet, pass } from '../core.ts';
import { kubectl, q, sentences } from '../format.ts';
import { readOrUndefined } from '../kube.ts';
import { missingPod } from '../missing.ts';
import { containerName, inNamespace, objectName } from '../params.ts';

/** The command as a learner would type it after `kubectl exec <pod> --`. */
function shellLine(command: readonly string[]): string {
  return command.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`)).join(' ');
}

/** The first line of an error is its message; later lines point into it (psql's "^"). */
function firstLine(text: string): string {
  return text.trim().split('\n')[0]?.trim().slice(0, 300) ?? '';
}

function runningContainer(pod: V1Pod, wanted: string | undefined): { name: string; running: boolean } | undefined {
  const name = wanted ?? pod.spec?.containers[0]?.name;
  if (!name || !pod.spec?.containers.some((container) => container.name === name)) return undefined;
  const status = pod.status?.containerStatuses?.find((item) => item.name === name);
  return { name, running: status?.state?.running !== undefined };
}

export const commandOutput = defineCheck({
  id: 'command-output',
  title: 'Befehl im Container zeigt das Erwartete',
  params: z.strictObject({
    pod: objectName,
    /** Default: the pod's first container. */
    container: containerName.optional(),
    command: z.array(z.string().min(1)).min(1, 'braucht mindestens das Programm'),
    /** Text the command's standard output must contain. */
    expect: z.string().min(1),
    /** German, nominative: what that output proves, e.g. "ein Eintrag, der den Neustart überlebt hat". */
    shows: z.string().min(1),
    namespace: inNamespace,
  }),
  timeoutMs: 15_000,
  async run({ pod: podName, container: wanted, command, expect, shows, namespace: explicit }, { kube, namespace: own }) {
    const namespace = explicit ?? own;
    const pod = await readOrUndefined(kube.core.readNamespacedPod({ name: podName, namespace }));
    if (!pod) return missingPod(kube, podName, namespace);
    const container = runningContainer(pod, wanted);
    const typed = `${kubectl(`exec ${podName}${wanted ? ` -c ${wanted}` : ''}`, namespace)} -- ${shellLine(command)}`;
    const data = { pod: podName, namespace, command, expect };
    if (!container) {
      return fail(`Der Pod ${q(podName)} hat keinen Container ${q(wanted ?? '')}.`, { data, hint: `Nachsehen: ${kubectl(`get pod ${podName} -o yaml`, namespace)}` });
    }
    if (!container.running) {
      return notYet(
        sentences(
          `Der Container ${q(container.name)} im Pod ${q(podName)} läuft noch nicht (Phase ${pod.status?.phase ?? 'unbekannt'})`,
          'Tipp: Warte, bis der Pod läuft, und prüfe dann noch einmal',
        ),
        { data, hint: `Nachsehen: ${kubectl(`describe pod ${podName}`, namespace)}` },
      );
    }
    const result = await kube.exec({ namespace, pod: podName, container: container.name, command });
    const output = { ...data, exitCode: result.exitCode, stdout: result.stdout.slice(-2000), stderr: result.stderr.slice(-2000) };
    if (result.exitCode !== 0) {
      const said = firstLine(result.stderr) || firstLine(result.stdout);
      return fail(
        sentences(
          `Im Pod ${q(podName)} fehlt noch ${shows}`,
          `Der Befehl endete mit Code ${result.exitCode}${said ? ` und meldet: „${said}“` : ''}`,
        ),
        { data: output, hint: `Selbst nachsehen: ${typed}` },
      );
    }
    if (!result.stdout.includes(expect)) {
      return fail(sentences(`Im Pod ${q(podName)} fehlt noch ${shows}`), { data: output, hint: `Selbst nachsehen: ${typed}` });
    }
    return pass(`Im Pod ${q(podName)} ist ${shows} zu sehen.`, output);
  },
});
