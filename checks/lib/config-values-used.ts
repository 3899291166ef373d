// The configuration a workload actually reads: the values of the ConfigMaps its Pod
// template points at, whatever they are called. Generated ConfigMaps (Kustomize's
// configMapGenerator, Helm) carry a hash in their name, so a check by name cannot know
// it; and a ConfigMap with the right values that the Deployment does not point at (the
// old name after an edit) changes nothing in the running pods.
import type { V1PodSpec } from '@kubernetes/client-node';
import { z } from 'zod';
import { defineCheck, fail, isVerdict, pass, type CheckRunContext } from '../core.ts';
import { kubectl, list, q, quotedList, sentences } from '../format.ts';
import { readOrUndefined } from '../kube.ts';
import { kinds, the, The } from '../missing.ts';
import { containerName, workloadParams } from '../params.ts';
import { allContainers, readWorkload } from '../workload.ts';

/** A ConfigMap the Pod template reads, and which of its keys (undefined: all of them). */
interface Source {
  configMap: string;
  keys: Set<string> | undefined;
}

/** Every ConfigMap the chosen containers read, by env, envFrom or a mounted volume. */
function sourcesOf(spec: V1PodSpec, container: string | undefined): Source[] {
  const sources = new Map<string, Set<string> | undefined>();
  const add = (configMap: string, key?: string) => {
    if (!sources.has(configMap)) sources.set(configMap, key === undefined ? undefined : new Set());
    const keys = sources.get(configMap);
    if (key === undefined) sources.set(configMap, undefined);
    else keys?.add(key);
  };
  const volumeSources = new Map<string, string[]>();
  for (const volume of spec.volumes ?? []) {
    const names = [volume.configMap?.name, ...(volume.projected?.sources ?? []).map((s) => s.configMap?.name)];
    volumeSources.set(volume.name, names.filter((n): n is string => typeof n === 'string'));
  }
  for (const { container: c } of allContainers(spec)) {
    if (container !== undefined && c.name !== container) continue;
    for (const env of c.env ?? []) {
      const ref = env.valueFrom?.configMapKeyRef;
      if (ref?.name) add(ref.name, ref.key);
    }
    for (const from of c.envFrom ?? []) {
      if (from.configMapRef?.name) add(from.configMapRef.name);
    }
    for (const mount of c.volumeMounts ?? []) {
      for (const name of volumeSources.get(mount.name) ?? []) add(name);
    }
  }
  return [...sources].map(([configMap, keys]) => ({ configMap, keys }));
}

export const configValuesUsed = defineCheck({
  id: 'config-values-used',
  title: 'Workload liest die erwarteten Konfigurationswerte',
  params: z.strictObject({
    ...workloadParams,
    /** Keys with the value the workload must read from one of its ConfigMaps. */
    values: z
      .record(z.string().min(1), z.string())
      .refine((values) => Object.keys(values).length > 0, 'nenne mindestens einen Schlüssel mit Wert'),
    /** Only this container; by default every container and init container. */
    container: containerName.optional(),
  }),
  async run(params, ctx) {
    const namespace = params.namespace ?? ctx.namespace;
    const workload = await readWorkload(ctx, params);
    if (isVerdict(workload)) return workload;
    const what = The(kinds[params.kind], params.name);
    const hint = `Nachsehen: ${kubectl(`get ${params.kind.toLowerCase()} ${params.name} -o yaml`, namespace)}`;
    const sources = sourcesOf(workload.podSpec, params.container);
    const data: Record<string, unknown> = { kind: params.kind, name: params.name, namespace, configMaps: sources.map((s) => s.configMap) };
    if (sources.length === 0) {
      return fail(
        sentences(
          `${what} liest keine ConfigMap`,
          'Tipp: Verweise per envFrom (configMapRef), configMapKeyRef oder als Volume auf die ConfigMap – mit Kustomize reicht im Manifest der Name aus dem configMapGenerator, den Hash ergänzt kustomize',
        ),
        { data, hint },
      );
    }
    const read = await Promise.all(
      sources.map(async (source) => ({
        ...source,
        object: await readOrUndefined(ctx.kube.core.readNamespacedConfigMap({ name: source.configMap, namespace })),
      })),
    );
    const missing = read.filter((r) => r.object === undefined).map((r) => r.configMap);
    if (missing.length > 0) {
      return fail(
        sentences(
          `${what} verweist auf ${missing.length === 1 ? 'die ConfigMap' : 'die ConfigMaps'} ${quotedList(missing)}, die es im Namespace ${q(namespace)} nicht gibt`,
          'Die Pods starten so nicht (CreateContainerConfigError)',
          'Tipp: Wende ConfigMap und Deployment gemeinsam an, z. B. mit „kubectl apply -k <verzeichnis>“',
        ),
        { data: { ...data, missing }, hint: `Nachsehen: ${kubectl('get configmaps', namespace)}` },
      );
    }

    const found: string[] = [];
    const wrong: string[] = [];
    const absent: string[] = [];
    for (const [key, expected] of Object.entries(params.values)) {
      const holders = read.filter((r) => (r.keys === undefined || r.keys.has(key)) && r.object?.data?.[key] !== undefined);
      const match = holders.find((r) => r.object?.data?.[key] === expected);
      if (match) found.push(`${key}=${expected} aus ${q(match.configMap)}`);
      else if (holders[0]) wrong.push(`${key} ist ${q(holders[0].object?.data?.[key] ?? '')} (aus ${q(holders[0].configMap)}), erwartet ${q(expected)}`);
      else absent.push(key);
    }
    data.values = Object.fromEntries(
      Object.keys(params.values).map((key) => [key, read.find((r) => r.object?.data?.[key] !== undefined)?.object?.data?.[key]]),
    );
    if (wrong.length === 0 && absent.length === 0) return pass(`${what} liest ${list(found)}.`, data);

    // The classic miss: the right values sit in a ConfigMap the template does not point at.
    const elsewhere = await betterConfigMap(ctx, namespace, params.values, new Set(sources.map((s) => s.configMap)));
    return fail(
      sentences(
        wrong.length > 0 && `${what} liest ${list(wrong)}`,
        absent.length > 0 &&
          `In ${sources.length === 1 ? 'seiner ConfigMap' : 'seinen ConfigMaps'} ${quotedList(sources.map((s) => s.configMap))} fehlt ${absent.length === 1 ? 'der Schlüssel' : 'die Schlüssel'} ${quotedList(absent)}`,
        elsewhere &&
          `Die ConfigMap ${q(elsewhere)} hätte die Werte, aber ${the(kinds[params.kind], params.name)} verweist nicht auf sie – wende das Deployment mit an („kubectl apply -k …“), dann zieht der neue Name einen Rollout nach sich`,
        !elsewhere && 'Tipp: Trag die Werte im configMapGenerator bzw. unter data ein und wende alles erneut an',
      ),
      { data: { ...data, elsewhere }, hint },
    );
  },
});

async function betterConfigMap(
  ctx: CheckRunContext,
  namespace: string,
  values: Record<string, string>,
  used: Set<string>,
): Promise<string | undefined> {
  const all = await ctx.kube.core.listNamespacedConfigMap({ namespace });
  return all.items.find(
    (cm) => !used.has(cm.metadata?.name ?? '') && Object.entries(values).every(([key, value]) => cm.data?.[key] === value),
  )?.metadata?.name;
}
