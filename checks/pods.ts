// Why Pods are not available, in the learner's terms: not schedulable, image not
// pullable, crashing, misconfigured. Used by the workload checks once they know that
// replicas are missing, so the message says what to fix instead of "not ready".
import type { V1Pod } from '@kubernetes/client-node';
import { count, kubectl, q, sentences } from './format.ts';

export type PodProblemKind =
  | 'unschedulable'
  | 'volume'
  | 'image'
  | 'crash'
  | 'config'
  | 'failed'
  | 'not-ready'
  | 'starting';

/**
 * The scheduler's word for a pod whose claim is not bound yet. It retries once the claim
 * is bound, so this alone is no reason to give up (the claim's own state is).
 */
const unboundClaim = /unbound immediate PersistentVolumeClaims/i;

export interface PodProblem {
  kind: PodProblemKind;
  pod: string;
  container?: string;
  reason: string;
  detail: string;
}

const imageReasons = new Set(['ImagePullBackOff', 'ErrImagePull', 'InvalidImageName', 'ErrImageNeverPull']);
const configReasons = new Set(['CreateContainerConfigError', 'CreateContainerError', 'RunContainerError']);

/** What keeps this Pod from being available, or undefined if it is ready. */
export function podProblem(pod: V1Pod): PodProblem | undefined {
  const name = pod.metadata?.name ?? '?';
  const status = pod.status;
  const ready = status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
  if (ready && status?.phase === 'Running') return undefined;
  const scheduled = status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (scheduled?.status === 'False') {
    if (unboundClaim.test(scheduled.message ?? '')) {
      return { kind: 'volume', pod: name, reason: scheduled.reason ?? 'Unschedulable', detail: scheduled.message ?? '' };
    }
    return { kind: 'unschedulable', pod: name, reason: scheduled.reason ?? 'Unschedulable', detail: scheduled.message ?? '' };
  }
  for (const container of [...(status?.initContainerStatuses ?? []), ...(status?.containerStatuses ?? [])]) {
    const waiting = container.state?.waiting;
    const reason = waiting?.reason ?? '';
    const base = { pod: name, container: container.name, reason, detail: waiting?.message ?? '' };
    if (imageReasons.has(reason)) return { kind: 'image', ...base, detail: container.image };
    if (reason === 'CrashLoopBackOff') return { kind: 'crash', ...base };
    if (configReasons.has(reason)) return { kind: 'config', ...base };
  }
  if (status?.phase === 'Failed') {
    return { kind: 'failed', pod: name, reason: status.reason ?? 'Failed', detail: status.message ?? '' };
  }
  if (status?.phase === 'Running') return { kind: 'not-ready', pod: name, reason: 'NotReady', detail: '' };
  return { kind: 'starting', pod: name, reason: status?.phase ?? 'Pending', detail: '' };
}

/** Problems that waiting will not fix. */
export function isStuck(problem: PodProblem): boolean {
  return problem.kind !== 'starting' && problem.kind !== 'not-ready' && problem.kind !== 'volume';
}

/** A sentence for a workload that waits: which pods wait for their claims, if any. */
export function explainWaiting(problems: PodProblem[], namespace: string): string | undefined {
  const waiting = problems.filter((p) => p.kind === 'volume');
  const first = waiting[0];
  if (!first) return undefined;
  const who = waiting.length === 1 ? `Der Pod ${q(first.pod)} wartet` : `${count(waiting.length, 'Pod', 'Pods')} warten`;
  return sentences(
    `${who} darauf, dass ${waiting.length === 1 ? 'sein PVC' : 'ihre PVCs'} gebunden ${waiting.length === 1 ? 'wird' : 'werden'}`,
    `Bleibt es dabei, zeigt ${kubectl('get pvc', namespace)}, welcher PVC Pending ist`,
  );
}

/**
 * One or two sentences on the most telling problem, with what to try. `pods` are the
 * workload's Pods; `total` how many of them have problems of any kind.
 */
export function explainPodProblems(problems: PodProblem[], namespace: string): string | undefined {
  const stuck = problems.filter(isStuck);
  const first = stuck[0];
  if (!first) return undefined;
  const same = stuck.filter((p) => p.kind === first.kind).length;
  const who = same === 1 ? `Der Pod ${q(first.pod)}` : `${count(same, 'Pod', 'Pods')} (z. B. ${q(first.pod)})`;
  const v = (singular: string, plural: string) => (same === 1 ? singular : plural);
  const container = first.container ? ` im Container ${q(first.container)}` : '';
  switch (first.kind) {
    case 'unschedulable':
      return sentences(
        `${who} ${v('kann', 'können')} keinem Knoten zugeteilt werden${first.detail ? `: „${first.detail.trim()}“` : ''}`,
        'Tipp: Prüfe nodeSelector, Affinität, Tolerations und ob die Resource-Requests auf einen Knoten passen',
      );
    case 'image':
      return sentences(
        `${who} ${v('kommt', 'kommen')} nicht an das Image ${q(first.detail)}${container} (${first.reason})`,
        'Tipp: Prüfe Name und Tag des Images; ein lokal gebautes Image muss erst mit „kind load docker-image <image>“ in den Cluster',
      );
    case 'crash':
      return sentences(
        `${who} ${v('stürzt', 'stürzen')}${container} immer wieder ab (CrashLoopBackOff)`,
        `Tipp: Sieh dir die Ausgabe an: ${kubectl(`logs ${first.pod} --previous`, namespace)}`,
      );
    case 'config':
      return sentences(
        `${who} ${v('kann', 'können')}${container} nicht starten (${first.reason}${first.detail ? `: ${first.detail.trim()}` : ''})`,
        'Tipp: Gibt es jedes Secret und jede ConfigMap (und jeden Schlüssel darin), auf die der Pod verweist?',
      );
    case 'failed':
      return sentences(
        `${who} ${v('ist', 'sind')} fehlgeschlagen (${first.reason}${first.detail ? `: ${first.detail.trim()}` : ''})`,
        `Tipp: ${kubectl(`describe pod ${first.pod}`, namespace)} zeigt mehr`,
      );
    default:
      return undefined;
  }
}
