// A learner's session pod in the chart's mode "namespace": where their shell runs, with
// the learner tools (kubectl, helm) of the image and nothing of the cluster's own: no
// service-account token, not root, no privileges, a read-only image. It reaches the
// learner's namespaces only through the kubeconfig the runner mounts from a Secret. The
// pod meets Pod Security "restricted", the level of the sessions namespace.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { V1PersistentVolumeClaim, V1Pod, V1PodSpec, V1Secret } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { z } from 'zod';
import { RUNNER_LABEL } from './learner-namespaces.ts';

export const SESSION_LABEL = 'werkbank.dev/session';
/** On a learner's home claim: which learner's home it is (see homeKey). */
export const HOME_LABEL = 'werkbank.dev/home';
/** The image's user (docker/werkbank/Dockerfile). */
const LEARNER_UID = 10001;
export const SESSION_HOME = '/home/lernende';
export const SESSION_KUBECONFIG = '/etc/werkbank/kubeconfig/config';

const quantities = z.record(z.string(), z.union([z.string(), z.number()]).transform(String));

/** The chart's `learners.resources`, `nodeSelector` and `tolerations`
 * (`<config dir>/session-pod.yaml`, ConfigMap `<release>-learners`). */
const settingsSchema = z.object({
  resources: z.object({ requests: quantities.optional(), limits: quantities.optional() }).default({}),
  nodeSelector: z.record(z.string(), z.string()).nullish().transform((value) => value ?? {}),
  tolerations: z
    .array(
      z.object({
        key: z.string().optional(),
        operator: z.enum(['Exists', 'Equal']).optional(),
        value: z.string().optional(),
        effect: z.string().optional(),
        tolerationSeconds: z.number().optional(),
      }),
    )
    .nullish()
    .transform((value) => value ?? []),
  // The chart's `learners.home`: each learner's home on a claim of its own. Absent or
  // without a size, the home lives in the pod and goes with it.
  home: z
    .object({
      size: z.string().nullish(),
      storageClassName: z.string().nullish(),
    })
    .nullish()
    .transform((value) => (value?.size ? { size: value.size, storageClassName: value.storageClassName || null } : null)),
});

export type SessionPodSettings = z.infer<typeof settingsSchema>;

export function parseSessionPodSettings(text: string): SessionPodSettings {
  const parsed = settingsSchema.safeParse(parse(text) ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`session-pod.yaml ist ungültig:\n  ${problems.join('\n  ')}`);
  }
  return parsed.data;
}

export function loadSessionPodSettings(configDir: string): SessionPodSettings {
  return parseSessionPodSettings(readFileSync(join(configDir, 'session-pod.yaml'), 'utf8'));
}

export interface SessionPodOptions {
  /** Pod name, also the session's name in labels. */
  name: string;
  image: string;
  /** Secret (in the same namespace) whose key "config" is the learner's kubeconfig. */
  kubeconfigSecret: string;
  /** Marks this runner's pods (label werkbank.dev/runner). */
  owner: string;
  settings: SessionPodSettings;
  /** The learner's home claim (homeClaim); without it the home lives in the pod. */
  homeClaim?: string;
}

/** A learner's key for their home claim: their directory's name under `<data>/learners/`
 * (a keyed hash, so it never leads back to the learner id), taken from the runner's side
 * of their home. Names that are no valid label value are hashed. */
export function homeKey(home: string): string {
  const dirName = basename(dirname(home));
  return /^[a-z0-9]{1,63}$/.test(dirName) ? dirName : createHash('sha256').update(dirName).digest('hex').slice(0, 32);
}

export function homeClaimName(key: string): string {
  return `home-${key}`;
}

/** The learner's home as a claim of its own: made with their first session pod, kept
 * over resets, idle deletion and the pod's deletion (a drained node, a culled session),
 * as the home on one host outlives every sandbox. */
export function homeClaim(key: string, owner: string, home: NonNullable<SessionPodSettings['home']>): V1PersistentVolumeClaim {
  return {
    metadata: { name: homeClaimName(key), labels: { [RUNNER_LABEL]: owner, [HOME_LABEL]: key } },
    spec: {
      accessModes: ['ReadWriteOnce'],
      // Null: the cluster's default StorageClass.
      ...(home.storageClassName ? { storageClassName: home.storageClassName } : {}),
      resources: { requests: { storage: home.size } },
    },
  };
}

/** The Secret that carries a learner's kubeconfig into their session pod. */
export function kubeconfigSecret(name: string, owner: string, kubeconfig: string): V1Secret {
  return {
    metadata: { name, labels: { [RUNNER_LABEL]: owner } },
    type: 'Opaque',
    stringData: { config: kubeconfig },
  };
}

/** Where a learner's pod runs (session pod or sandbox pod): the chart's nodes, spread
 * over them. */
export function sessionPlacement(settings: SessionPodSettings): Pick<V1PodSpec, 'nodeSelector' | 'tolerations' | 'topologySpreadConstraints'> {
  return {
    nodeSelector: settings.nodeSelector,
    tolerations: settings.tolerations,
    // A class spreads over the nodes (a preference: a full node never blocks a session).
    topologySpreadConstraints: [
      {
        maxSkew: 1,
        topologyKey: 'kubernetes.io/hostname',
        whenUnsatisfiable: 'ScheduleAnyway',
        labelSelector: { matchExpressions: [{ key: SESSION_LABEL, operator: 'Exists' }] },
      },
    ],
  };
}

export function sessionPod(options: SessionPodOptions): V1Pod {
  return {
    metadata: {
      name: options.name,
      labels: { [RUNNER_LABEL]: options.owner, [SESSION_LABEL]: options.name },
    },
    spec: {
      // The cluster's own credentials stay out; the learner's come from their kubeconfig.
      automountServiceAccountToken: false,
      // No variables naming the cluster's other Services.
      enableServiceLinks: false,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: LEARNER_UID,
        runAsGroup: LEARNER_UID,
        fsGroup: LEARNER_UID,
        // The home claim is given to the learner's group once, not walked on every start.
        fsGroupChangePolicy: 'OnRootMismatch',
        seccompProfile: { type: 'RuntimeDefault' },
      },
      ...sessionPlacement(options.settings),
      containers: [
        {
          name: 'shell',
          image: options.image,
          imagePullPolicy: 'IfNotPresent',
          // The image's tini stays PID 1 and reaps the shells the runner starts by exec.
          args: ['sleep', 'infinity'],
          env: [
            { name: 'HOME', value: SESSION_HOME },
            { name: 'KUBECONFIG', value: SESSION_KUBECONFIG },
            { name: 'WERKBANK', value: '1' },
          ],
          workingDir: SESSION_HOME,
          resources: options.settings.resources,
          securityContext: {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ['ALL'] },
          },
          volumeMounts: [
            { name: 'home', mountPath: SESSION_HOME },
            { name: 'tmp', mountPath: '/tmp' },
            { name: 'kubeconfig', mountPath: '/etc/werkbank/kubeconfig', readOnly: true },
          ],
        },
      ],
      volumes: [
        options.homeClaim ? { name: 'home', persistentVolumeClaim: { claimName: options.homeClaim } } : { name: 'home', emptyDir: {} },
        { name: 'tmp', emptyDir: {} },
        // Group-readable: fsGroup gives the learner's group the file, nobody else.
        { name: 'kubeconfig', secret: { secretName: options.kubeconfigSecret, defaultMode: 0o440 } },
      ],
    },
  };
}
