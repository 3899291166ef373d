// The running pods see the ConfigMap's current value: a change the application never
// picked up must not pass. Environment variables are set when a container starts, so a
// container that started before the key last changed still has the old value; files
// from a volume follow by themselves (about a minute later), except under subPath.
import type { V1ConfigMap, V1ManagedFieldsEntry, V1Pod } from '@kubernetes/client-node';
import { z } from 'zod';
import { defineCheck, fail, isVerdict, notYet, pass } from '../core.ts';
import { configMapMounts, envWiring } from '../config-routes.ts';
import { kubectl, q, sentences } from '../format.ts';
import { readOrUndefined, type KubeApi } from '../kube.ts';
import { byName, kinds, missingObject, The } from '../missing.ts';
import { ownedByDeployment } from '../pods.ts';
import { containerName, objectName, workloadParams } from '../params.ts';
import { allContainers, readWorkload } from '../workload.ts';

/** How long the kubelet may take to refresh a mounted ConfigMap (sync period plus cache). */
const FILE_REFRESH_MS = 90_000;

export const configCurrent = defineCheck({
  id: 'config-current',
  title: 'Die laufenden Pods sehen den aktuellen Wert aus der ConfigMap',
  params: z.strictObject({
    ...workloadParams,
    configMap: objectName,
    /** The key whose change the application must have picked up, e.g. "LOG_LEVEL". */
    key: z.string().min(1),
    /** How the application reads it: its environment (default) or a file of the mounted ConfigMap. */
    reads: z.enum(['env', 'file']).default('env'),
    container: containerName.optional(),
  }),
  async run(params, ctx) {
    const namespace = params.namespace ?? ctx.namespace;
    const [workload, configMap, pods] = await Promise.all([
      readWorkload(ctx, params),
      readOrUndefined(ctx.kube.core.readNamespacedConfigMap({ name: params.configMap, namespace })),
      ctx.kube.core.listNamespacedPod({ namespace }),
    ]);
    if (isVerdict(workload)) return workload;
    if (!configMap) {
      return missingObject(ctx.kube, kinds.ConfigMap, params.configMap, namespace, {
        inNamespace: () => ctx.kube.core.listNamespacedConfigMap({ namespace }),
        everywhere: () => ctx.kube.core.listConfigMapForAllNamespaces({ fieldSelector: byName(params.configMap) }),
      });
    }
    const what = The(kinds[params.kind], params.name);
    const named = allContainers(workload.podSpec, false).find(({ container }) => params.container === undefined || container.name === params.container);
    const hint = `Nachsehen: ${kubectl(`get ${params.kind.toLowerCase()} ${params.name} -o yaml`, namespace)}`;
    if (!named) return fail(`${what} hat keinen Container ${q(params.container ?? '')}.`, { hint });
    const { container } = named;
    const keys = Object.keys(configMap.data ?? {});
    const changedAt = keyChangedAt(configMap, params.key);
    const data: Record<string, unknown> = { kind: params.kind, name: params.name, namespace, configMap: params.configMap, key: params.key, changedAt };

    // Which moment the container must have started after for its view to be current.
    let mustStartAfter: Date | undefined;
    let route: string;
    if (params.reads === 'env') {
      const { source } = envWiring(container, params.key, (cm) => (cm === params.configMap ? keys : undefined));
      if (source.kind !== 'configMap' || source.configMap !== params.configMap) {
        return fail(
          sentences(
            `Die Umgebungsvariable ${q(params.key)} im Container ${q(container.name)} kommt nicht aus der ConfigMap ${q(params.configMap)}${
              source.kind === 'literal' ? ` – sie steht dort als fester Wert (value)` : ''
            }; eine Änderung der ConfigMap erreicht die Anwendung so nie`,
            `Tipp: Hol sie mit „envFrom: - configMapRef: {name: ${params.configMap}}“`,
          ),
          { data, hint },
        );
      }
      mustStartAfter = changedAt;
      route = `Umgebungsvariable ${q(params.key)}`;
    } else {
      const mounts = configMapMounts(workload.podSpec, container, params.configMap);
      if (mounts.length === 0) {
        return fail(
          sentences(`Der Container ${q(container.name)} bindet die ConfigMap ${q(params.configMap)} nicht als Volume ein`, 'Tipp: Ein Volume „configMap: …“ plus volumeMounts'),
          { data, hint },
        );
      }
      const live = mounts.find((m) => m.subPath === undefined);
      // A live mount follows by itself; only a very recent change may not have arrived yet.
      if (live && changedAt && Date.now() - changedAt.getTime() < FILE_REFRESH_MS) {
        return notYet(
          sentences(
            `Die ConfigMap ${q(params.configMap)} wurde vor ${age(changedAt)} geändert; das kubelet aktualisiert die Datei unter ${q(live.mountPath)} innerhalb etwa einer Minute`,
            'Prüf gleich noch einmal',
          ),
          { data, hint },
        );
      }
      mustStartAfter = live ? undefined : changedAt;
      route = `Datei ${q(params.key)} (subPath)`;
    }

    const own = pods.items.filter((pod) => !pod.metadata?.deletionTimestamp && ownedBy(pod, params.kind, params.name));
    const starts = own.map((pod) => ({ pod: pod.metadata?.name ?? '', startedAt: startedAt(pod, container.name) }));
    data.pods = starts;
    if (starts.length === 0 || starts.some((s) => s.startedAt === undefined)) {
      return notYet(sentences(`${what} hat noch keine laufenden Pods`, 'Prüf gleich noch einmal'), { data, hint });
    }
    // Timestamps are whole seconds: a container started in the same second counts as current.
    const stale = mustStartAfter ? starts.filter((s) => s.startedAt!.getTime() < mustStartAfter!.getTime()) : [];
    if (stale.length > 0) {
      const [first] = stale;
      const restart = kubectl(`rollout restart ${params.kind.toLowerCase()}/${params.name}`, namespace);
      const verdict = sentences(
        `Die ConfigMap ${q(params.configMap)} (Schlüssel ${q(params.key)}) wurde vor ${age(mustStartAfter!)} geändert, der Container im Pod ${q(first!.pod)} läuft aber schon seit ${age(first!.startedAt!)}`,
        `Seine ${route} hat deshalb noch den alten Wert – sie wird nur beim Start gesetzt`,
        `Tipp: Starte die Pods neu mit „${restart}“`,
      );
      // Still rolling (right after `rollout restart` the controller may not even have
      // seen the new template): the new pods may just not have replaced the old ones yet.
      const rolling = await rollingOut(ctx, params.kind, params.name, namespace, own.length);
      return rolling ? notYet(verdict, { data, hint }) : fail(verdict, { data, hint });
    }
    return pass(
      `${what} läuft mit dem aktuellen Wert von ${q(params.key)} aus der ConfigMap ${q(params.configMap)}: ${
        own.length === 1 ? 'sein Pod ist' : `alle ${own.length} Pods sind`
      } ${mustStartAfter ? 'nach der letzten Änderung gestartet' : 'per Volume auf dem neuen Stand'}.`,
      data,
    );
  },
});

/**
 * When the key last changed: the newest managedFields entry that owns data.<key> (every
 * apply, edit or patch that changes a field records its time there), else any entry,
 * else the creation time.
 */
export function keyChangedAt(configMap: V1ConfigMap, key: string): Date | undefined {
  const entries = configMap.metadata?.managedFields ?? [];
  const owning = entries.filter((entry) => ownsKey(entry, key));
  const times = (owning.length > 0 ? owning : entries).map((entry) => entry.time).filter((t) => t !== undefined).map((t) => new Date(t));
  if (times.length === 0) return configMap.metadata?.creationTimestamp ? new Date(configMap.metadata.creationTimestamp) : undefined;
  return new Date(Math.max(...times.map((t) => t.getTime())));
}

function ownsKey(entry: V1ManagedFieldsEntry, key: string): boolean {
  const fields = entry.fieldsV1 as Record<string, Record<string, unknown> | undefined> | undefined;
  return fields?.['f:data']?.[`f:${key}`] !== undefined;
}

function ownedBy(pod: V1Pod, kind: string, name: string): boolean {
  if (kind === 'Pod') return pod.metadata?.name === name;
  if (kind === 'Deployment') return ownedByDeployment(pod, name);
  return (pod.metadata?.ownerReferences ?? []).some((o) => o.kind === kind && o.name === name);
}

function startedAt(pod: V1Pod, container: string): Date | undefined {
  const running = pod.status?.containerStatuses?.find((s) => s.name === container)?.state?.running?.startedAt;
  return running ? new Date(running) : undefined;
}

/** Whether the workload's controller is still replacing pods (or has yet to start). */
async function rollingOut(ctx: { kube: KubeApi }, kind: string, name: string, namespace: string, pods: number): Promise<boolean> {
  if (kind === 'Deployment') {
    const { metadata, spec, status } = await ctx.kube.apps.readNamespacedDeployment({ name, namespace });
    const wanted = spec?.replicas ?? 1;
    return (
      (status?.observedGeneration ?? 0) < (metadata?.generation ?? 0) ||
      (status?.updatedReplicas ?? 0) < wanted ||
      (status?.replicas ?? 0) > (status?.updatedReplicas ?? 0) ||
      pods > wanted
    );
  }
  if (kind === 'StatefulSet') {
    const { metadata, status } = await ctx.kube.apps.readNamespacedStatefulSet({ name, namespace });
    return (status?.observedGeneration ?? 0) < (metadata?.generation ?? 0) || status?.currentRevision !== status?.updateRevision;
  }
  return false;
}

/** "45 s", "3 min", "2 h" – how long ago. */
function age(since: Date): string {
  const seconds = Math.max(0, Math.round((Date.now() - since.getTime()) / 1000));
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}
