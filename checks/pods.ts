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
  | 'never-ready'
  | 'restarting'
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

/** A container that ended this recently and was restarted is not trusted to stay up. */
export const RECENT_RESTART_MS = 5 * 60_000;

/**
 * What keeps this Pod from being available or working, or undefined if it is fine.
 * A ready Pod whose container crashed and was restarted within the last minutes counts
 * as restarting: in a crash loop it is ready now and then, and that is no success.
 */
export function podProblem(pod: V1Pod, now = Date.now()): PodProblem | undefined {
  const name = pod.metadata?.name ?? '?';
  const status = pod.status;
  const ready = status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
  if (ready && status?.phase === 'Running') {
    for (const container of status.containerStatuses ?? []) {
      const ended = container.lastState?.terminated;
      const at = ended?.finishedAt ? new Date(ended.finishedAt).getTime() : Number.NaN;
      if ((container.restartCount ?? 0) > 0 && ended && now - at < RECENT_RESTART_MS) {
        return {
          kind: 'restarting',
          pod: name,
          container: container.name,
          reason: ended.reason ?? 'Error',
          detail: `${container.restartCount}`,
        };
      }
    }
    return undefined;
  }
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
  for (const container of status?.containerStatuses ?? []) {
    // Between two restarts of a crashing container there is no waiting reason yet.
    const ended = container.state?.terminated ?? (container.ready ? undefined : container.lastState?.terminated);
    if ((container.restartCount ?? 0) > 0 && ended && ended.exitCode !== 0) {
      return { kind: 'crash', pod: name, container: container.name, reason: ended.reason ?? 'Error', detail: '' };
    }
  }
  if (status?.phase === 'Running') {
    const stuck = neverReady(pod, now);
    if (stuck) return { kind: 'never-ready', pod: name, ...stuck };
    return { kind: 'not-ready', pod: name, reason: 'NotReady', detail: '' };
  }
  return { kind: 'starting', pod: name, reason: status?.phase ?? 'Pending', detail: '' };
}

/**
 * A running container that stays unready longer than its readiness probe could take
 * to succeed once: the probe fails, and waiting longer will not change that.
 */
function neverReady(pod: V1Pod, now: number): { container: string; reason: string; detail: string } | undefined {
  for (const status of pod.status?.containerStatuses ?? []) {
    const since = status.state?.running?.startedAt;
    if (status.ready || !since) continue;
    const probe = pod.spec?.containers.find((c) => c.name === status.name)?.readinessProbe;
    if (!probe) continue;
    const patienceMs =
      ((probe.initialDelaySeconds ?? 0) + (probe.periodSeconds ?? 10) * (probe.failureThreshold ?? 3) + 15) * 1000;
    const runningMs = now - new Date(since).getTime();
    if (runningMs > patienceMs) {
      return { container: status.name, reason: 'ReadinessProbe', detail: `${Math.round(runningMs / 1000)}` };
    }
  }
  return undefined;
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
    case 'restarting':
      return sentences(
        `${who} ${v('ist', 'sind')} zwar gerade bereit, aber ${first.container ? `${v('sein', 'ihr')} Container ${q(first.container)} wurde` : v('er wurde', 'sie wurden')} vor Kurzem neu gestartet (${first.reason}, ${first.detail} ${first.detail === '1' ? 'Neustart' : 'Neustarts'}) – ein Pod, der immer wieder abstürzt, zählt nicht als laufend`,
        `Tipp: Sieh nach, warum der Container beendet wurde: ${kubectl(`logs ${first.pod} --previous`, namespace)}; behebe die Ursache und warte, bis der Pod einige Minuten ohne Neustart läuft`,
      );
    case 'never-ready':
      return sentences(
        `${who} ${v('läuft', 'laufen')}${container} seit ${first.detail} s, ${v('wird', 'werden')} aber nicht bereit: die Readiness-Probe schlägt immer wieder fehl, Warten ändert daran nichts`,
        `Tipp: ${kubectl(`describe pod ${first.pod}`, namespace)} zeigt unter Events, was die Probe meldet; prüfe Pfad und Port der Probe`,
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

/**
 * Whether a ReplicaSet owns this Pod on behalf of Deployment `name`: its name is the
 * Deployment's plus one pod-template hash (no dash in it), so the pods of `web-canary`
 * never count for `web`.
 */
export function ownedByDeployment(pod: V1Pod, name: string): boolean {
  return (pod.metadata?.ownerReferences ?? []).some(
    (o) => o.kind === 'ReplicaSet' && o.name.startsWith(`${name}-`) && /^[a-z0-9]+$/.test(o.name.slice(name.length + 1)),
  );
}
