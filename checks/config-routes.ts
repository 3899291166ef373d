// How a ConfigMap key reaches a container: as an environment variable (configMapKeyRef
// or envFrom, where a literal `env` entry of the same name wins) or as a file from a
// configMap volume. The checks compare this wiring with the one the application reads.
import type { V1Container, V1PodSpec } from '@kubernetes/client-node';

export interface EnvWiring {
  /** Where the variable's value comes from in this container. */
  source:
    | { kind: 'configMap'; configMap: string; key: string; via: 'configMapKeyRef' | 'envFrom' }
    | { kind: 'literal'; value: string }
    | { kind: 'secret'; secret: string; key: string }
    | { kind: 'other'; configMap?: string; key?: string }
    | { kind: 'none' };
}

/** Where the container's variable `name` comes from (the way the kubelet resolves it). */
export function envWiring(container: V1Container, name: string, configMapKeys: (configMap: string) => readonly string[] | undefined): EnvWiring {
  const entry = (container.env ?? []).findLast((env) => env.name === name);
  if (entry) {
    const ref = entry.valueFrom?.configMapKeyRef;
    if (ref) return { source: { kind: 'configMap', configMap: ref.name ?? '', key: ref.key, via: 'configMapKeyRef' } };
    const secret = entry.valueFrom?.secretKeyRef;
    if (secret) return { source: { kind: 'secret', secret: secret.name ?? '', key: secret.key } };
    if (entry.valueFrom) return { source: { kind: 'other' } };
    return { source: { kind: 'literal', value: entry.value ?? '' } };
  }
  // envFrom: later sources win over earlier ones for the same name.
  for (const from of [...(container.envFrom ?? [])].reverse()) {
    const prefix = from.prefix ?? '';
    if (!name.startsWith(prefix)) continue;
    const key = name.slice(prefix.length);
    if (from.configMapRef?.name) {
      const keys = configMapKeys(from.configMapRef.name);
      // An unknown ConfigMap's keys cannot be told; assume it carries the key.
      if (keys === undefined || keys.includes(key)) {
        return { source: { kind: 'configMap', configMap: from.configMapRef.name, key, via: 'envFrom' } };
      }
    }
  }
  return { source: { kind: 'none' } };
}

export interface FileWiring {
  container: string;
  mountPath: string;
  subPath?: string | undefined;
}

/** The names of the pod's volumes that project ConfigMap `configMap` (directly or projected). */
export function configMapVolumes(spec: V1PodSpec, configMap: string): Set<string> {
  return new Set(
    (spec.volumes ?? [])
      .filter(
        (volume) =>
          volume.configMap?.name === configMap ||
          (volume.projected?.sources ?? []).some((source) => source.configMap?.name === configMap),
      )
      .map((volume) => volume.name),
  );
}

/** The container's mounts of volumes that project ConfigMap `configMap`. */
export function configMapMounts(spec: V1PodSpec, container: V1Container, configMap: string): FileWiring[] {
  const volumes = configMapVolumes(spec, configMap);
  return (container.volumeMounts ?? [])
    .filter((mount) => volumes.has(mount.name))
    .map((mount) => ({ container: container.name, mountPath: mount.mountPath, subPath: mount.subPath || undefined }));
}

/** "/etc/app/" and "/etc/app" are the same directory. */
export function samePath(a: string, b: string): boolean {
  const norm = (p: string) => p.replace(/\/+$/, '') || '/';
  return norm(a) === norm(b);
}
