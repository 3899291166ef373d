// ConfigMap used by a workload: via env (configMapKeyRef), envFrom or a mounted volume.
import type { V1PodSpec } from '@kubernetes/client-node';
import { z } from 'zod';
import { defineCheck, fail, isVerdict, pass } from '../core.ts';
import { brief, kubectl, list, q, quotedList, sentences } from '../format.ts';
import { readOrUndefined } from '../kube.ts';
import { byName, kinds, missingObject, The, within } from '../missing.ts';
import { containerName, objectName, workloadParams } from '../params.ts';
import { allContainers, readWorkload } from '../workload.ts';
import { configMapMounts, configMapVolumes, envWiring, samePath } from '../config-routes.ts';

const via = z.enum(['env', 'envFrom', 'volume']);
type Via = z.output<typeof via>;

export const configMapUsed = defineCheck({
  id: 'configmap-used',
  title: 'ConfigMap wird verwendet',
  params: z.strictObject({
    ...workloadParams,
    configMap: objectName,
    /** A key the ConfigMap must have (and, for env, the key that is read). */
    key: z.string().min(1).optional(),
    /** How the ConfigMap must be used; any way when absent. */
    via: via.optional(),
    container: containerName.optional(),
    /**
     * Variables the application reads, which must come from this ConfigMap (envFrom or
     * configMapKeyRef): a literal value or another source is a different wiring.
     */
    env: z.array(z.string().min(1)).default([]),
    /** Where the application reads the ConfigMap's files: the volume must be mounted there. */
    mountPath: z.string().startsWith('/').optional(),
  }),
  async run(params, ctx) {
    const namespace = params.namespace ?? ctx.namespace;
    const [workload, configMap] = await Promise.all([
      readWorkload(ctx, params),
      readOrUndefined(ctx.kube.core.readNamespacedConfigMap({ name: params.configMap, namespace })),
    ]);
    if (isVerdict(workload)) return workload;
    if (!configMap) {
      return missingObject(
        ctx.kube,
        kinds.ConfigMap,
        params.configMap,
        namespace,
        {
          inNamespace: () => ctx.kube.core.listNamespacedConfigMap({ namespace }),
          everywhere: () => ctx.kube.core.listConfigMapForAllNamespaces({ fieldSelector: byName(params.configMap) }),
        },
        `Leg sie an, z. B. mit „${kubectl(`create configmap ${params.configMap} --from-literal=${params.key ?? 'SCHLUESSEL'}=…`, namespace)}“.`,
      );
    }
    const what = The(kinds[params.kind], params.name);
    const hint = `Nachsehen: ${kubectl(`get ${params.kind.toLowerCase()} ${params.name} -o yaml`, namespace)}`;
    const keys = [...Object.keys(configMap.data ?? {}), ...Object.keys(configMap.binaryData ?? {})];
    const data: Record<string, unknown> = {
      kind: params.kind,
      name: params.name,
      namespace,
      configMap: params.configMap,
      keys,
    };
    if (params.key !== undefined && !keys.includes(params.key)) {
      return fail(
        sentences(
          `In der ConfigMap ${q(params.configMap)} fehlt der Schlüssel ${q(params.key)}`,
          keys.length > 0 ? `Vorhanden: ${quotedList(keys)}` : 'Die ConfigMap ist leer',
          'Tipp: Ergänze ihn unter data und wende die ConfigMap erneut an',
        ),
        { data, hint: `Nachsehen: ${kubectl(`describe configmap ${params.configMap}`, namespace)}` },
      );
    }
    const containers = allContainers(workload.podSpec)
      .map(({ container }) => container.name)
      .filter((name) => params.container === undefined || name === params.container);
    if (containers.length === 0) {
      return fail(`${within(kinds[params.kind], params.name)} gibt es keinen Container ${q(params.container ?? '')}.`, { data, hint });
    }
    const wiring = wrongWiring(workload.podSpec, params, keys);
    if (wiring) return fail(wiring, { data, hint });
    const references = findReferences(workload.podSpec, containers, params.configMap);
    data.references = references;
    const matching = references.filter(
      (r) =>
        (params.via === undefined || r.via === params.via) &&
        (params.key === undefined || r.key === undefined || r.key === params.key),
    );
    if (matching.length > 0) {
      const how = [...new Set(matching.map((r) => r.description))];
      return pass(`${what} verwendet die ConfigMap ${q(params.configMap)} ${list(how)}.`, data);
    }
    const unmounted = (workload.podSpec.volumes ?? []).find((v) => v.configMap?.name === params.configMap);
    if (unmounted && (params.via === undefined || params.via === 'volume') && !references.some((r) => r.via === 'volume')) {
      return fail(
        sentences(
          `${what} definiert das Volume ${q(unmounted.name)} mit der ConfigMap ${q(params.configMap)}, aber kein Container bindet es ein`,
          `Tipp: Ergänze im Container „volumeMounts: - {name: ${unmounted.name}, mountPath: /etc/${params.configMap}}“`,
        ),
        { data, hint },
      );
    }
    const otherWays = [...new Set(references.map((r) => r.via))];
    return fail(
      sentences(
        `${what} verwendet die ConfigMap ${q(params.configMap)} nicht${params.via ? ` ${viaLabel[params.via]}` : ''}${
          params.key ? ` (Schlüssel ${q(params.key)})` : ''
        }`,
        otherWays.length > 0 && `Eingebunden ist sie nur ${list(otherWays.map((w) => viaLabel[w]))}`,
        `Tipp: ${tipFor(params.via, params.configMap, params.key)}`,
      ),
      { data, hint },
    );
  },
});

const viaLabel: Record<Via, string> = {
  env: 'per configMapKeyRef (env)',
  envFrom: 'per envFrom',
  volume: 'als Volume',
};

function tipFor(way: Via | undefined, name: string, key: string | undefined): string {
  const env = `„env: - name: …, valueFrom: configMapKeyRef: {name: ${name}, key: ${key ?? '<schlüssel>'}}“`;
  const envFrom = `„envFrom: - configMapRef: {name: ${name}}“`;
  const volume = `ein Volume „configMap: {name: ${name}}“ mit volumeMounts im Container`;
  if (way === 'env') return `Hol den Wert mit ${env} in eine Umgebungsvariable`;
  if (way === 'envFrom') return `Übernimm alle Schlüssel als Umgebungsvariablen mit ${envFrom}`;
  if (way === 'volume') return `Binde sie als Dateien ein: ${volume}`;
  return `Nutze ${env}, ${envFrom} oder ${volume}`;
}

interface Reference {
  via: Via;
  container: string;
  key?: string;
  description: string;
}

function findReferences(spec: V1PodSpec, containerNames: string[], configMap: string): Reference[] {
  const references: Reference[] = [];
  const volumes = configMapVolumes(spec, configMap);
  for (const { container } of allContainers(spec)) {
    if (!containerNames.includes(container.name)) continue;
    for (const env of container.env ?? []) {
      const ref = env.valueFrom?.configMapKeyRef;
      if (ref?.name === configMap) {
        references.push({ via: 'env', container: container.name, key: ref.key, description: `per configMapKeyRef in der Variable ${q(env.name)}` });
      }
    }
    for (const source of container.envFrom ?? []) {
      if (source.configMapRef?.name === configMap) {
        references.push({ via: 'envFrom', container: container.name, description: 'per envFrom' });
      }
    }
    for (const mount of container.volumeMounts ?? []) {
      if (volumes.has(mount.name)) {
        references.push({ via: 'volume', container: container.name, description: `als Volume unter ${q(mount.mountPath)}` });
      }
    }
  }
  return references;
}

/**
 * The first place where the container is wired differently than the application reads
 * (German sentences), or undefined when every asked variable and the mount path fit.
 */
function wrongWiring(
  spec: V1PodSpec,
  params: { configMap: string; container?: string | undefined; env: string[]; mountPath?: string | undefined },
  keys: readonly string[],
): string | undefined {
  const named = allContainers(spec, false).find(({ container }) => params.container === undefined || container.name === params.container);
  if (!named) return undefined;
  const { container } = named;
  const cm = params.configMap;
  for (const name of params.env) {
    const { source } = envWiring(container, name, (other) => (other === cm ? keys : undefined));
    if (source.kind === 'configMap' && source.configMap === cm) continue;
    const wired =
      source.kind === 'literal'
        ? `steht als fester Wert (value: ${q(brief(source.value, 60))}) im Container ${q(container.name)}`
        : source.kind === 'secret'
          ? `kommt aus dem Secret ${q(source.secret)}`
          : source.kind === 'configMap'
            ? `kommt aus der ConfigMap ${q(source.configMap)}`
            : source.kind === 'other'
              ? 'kommt aus einer anderen Quelle (valueFrom)'
              : `fehlt im Container ${q(container.name)}`;
    const literalTip = source.kind === 'literal' ? ` und lösch den „value:“-Eintrag unter env – er hat Vorrang vor envFrom` : '';
    return sentences(
      `Die Umgebungsvariable ${q(name)} ${wired}; die Anwendung soll sie aus der ConfigMap ${q(cm)} lesen`,
      keys.includes(name) ? undefined : `In der ConfigMap fehlt dafür noch der Schlüssel ${q(name)}`,
      `Tipp: Hol sie mit „envFrom: - configMapRef: {name: ${cm}}“ oder „valueFrom: configMapKeyRef: {name: ${cm}, key: ${name}}“${literalTip}`,
    );
  }
  if (params.mountPath !== undefined) {
    const mounts = configMapMounts(spec, container, cm);
    if (mounts.some((m) => samePath(m.mountPath, params.mountPath!) && m.subPath === undefined)) return undefined;
    const wired =
      mounts.length > 0
        ? `ist im Container ${q(container.name)} unter ${quotedList(mounts.map((m) => (m.subPath ? `${m.mountPath} (subPath ${m.subPath})` : m.mountPath)))} eingebunden`
        : `ist im Container ${q(container.name)} nicht als Volume eingebunden`;
    return sentences(
      `Die ConfigMap ${q(cm)} ${wired}, die Anwendung liest ihre Dateien aber unter ${q(params.mountPath)}`,
      `Tipp: Setz im Container „volumeMounts: - {name: <volume>, mountPath: ${params.mountPath}}“ ohne subPath (Volume „configMap: {name: ${cm}}“)`,
    );
  }
  return undefined;
}
