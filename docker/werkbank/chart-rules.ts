// What the Helm chart (chart/werkbank/) must keep true whatever its values, as rules over
// the objects `helm template` renders: each returns the problems it finds, in German, so
// a test names exactly what a change broke.
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { runChecked } from '../../runner/process.ts';
import { toolchain } from '../toolchain/paths.ts';

export const CHART_DIR = new URL('../../chart/werkbank/', import.meta.url).pathname;

const objectSchema = z
  .object({ apiVersion: z.string(), kind: z.string(), metadata: z.object({ name: z.string() }).loose() })
  .loose();
export type RenderedObject = z.infer<typeof objectSchema> & Record<string, unknown>;

/** `helm lint` with the given --set values; resolves to its output, rejects on failure. */
export async function helmLint(chartDir: string, sets: string[] = []): Promise<string> {
  return runChecked(toolchain().helm, ['lint', chartDir, ...sets.flatMap((set) => ['--set', set])], { timeoutMs: 60_000 });
}

/** `helm template` with the given --set values, parsed into objects (release "wb" in
 * namespace "werkbank" unless told otherwise). */
export async function helmTemplate(
  chartDir: string,
  sets: string[] = [],
  release: { name: string; namespace: string } = { name: 'wb', namespace: 'werkbank' },
): Promise<RenderedObject[]> {
  const stdout = await runChecked(
    toolchain().helm,
    ['template', release.name, chartDir, '--namespace', release.namespace, ...sets.flatMap((set) => ['--set', set])],
    { timeoutMs: 60_000 },
  );
  return parseAllDocuments(stdout)
    .map((doc) => doc.toJS() as unknown)
    .filter((value) => value !== null)
    .map((value) => objectSchema.parse(value) as RenderedObject);
}

const ruleSchema = z.object({
  apiGroups: z.array(z.string()).default([]),
  resources: z.array(z.string()).default([]),
  verbs: z.array(z.string()),
  resourceNames: z.array(z.string()).optional(),
});
const roleSchema = z.object({ kind: z.string(), metadata: z.object({ name: z.string() }).loose(), rules: z.array(ruleSchema) });
const bindingSchema = z.object({ kind: z.string(), metadata: z.object({ name: z.string() }).loose(), roleRef: z.object({ kind: z.string(), name: z.string() }) });

const deploymentSchema = z.object({
  spec: z.object({
    replicas: z.number(),
    strategy: z.object({ type: z.string() }).optional(),
    template: z.object({
      spec: z.object({
        automountServiceAccountToken: z.boolean().optional(),
        securityContext: z.object({ runAsNonRoot: z.boolean().optional() }).loose().optional(),
        containers: z.array(
          z.object({
            name: z.string(),
            env: z
              .array(z.object({ name: z.string(), value: z.string().optional(), valueFrom: z.unknown().optional() }))
              .default([]),
            volumeMounts: z.array(z.object({ name: z.string(), mountPath: z.string() })).default([]),
            securityContext: z
              .object({ allowPrivilegeEscalation: z.boolean().optional(), privileged: z.boolean().optional() })
              .loose()
              .optional(),
          }),
        ),
        volumes: z.array(z.object({ name: z.string(), persistentVolumeClaim: z.object({ claimName: z.string() }).optional() }).loose()).default([]),
      }),
    }),
  }),
});

const secretRefSchema = z.object({ secretKeyRef: z.object({ name: z.string(), key: z.string() }) });

function only(objects: RenderedObject[], kind: string): RenderedObject[] {
  return objects.filter((object) => object.kind === kind);
}

/** Where the runner keeps its progress store. */
const DATA_DIR = '/var/lib/werkbank';
/** Cluster roles a runner must never be bound to: they reach everything. */
const BROAD_ROLES = new Set(['cluster-admin', 'admin', 'edit', 'system:masters']);
const DANGEROUS_VERBS = new Set(['escalate', 'impersonate', '*']);

/** The runner: one replica, replaced with Recreate, its data dir on the chart's volume
 * claim, the instructor token from a Secret, never privileged. */
export function deploymentProblems(objects: RenderedObject[], options: { instructorSecret?: string; existingClaim?: string } = {}): string[] {
  const problems: string[] = [];
  const deployments = only(objects, 'Deployment');
  if (deployments.length !== 1) return [`genau ein Deployment erwartet, gefunden: ${deployments.length}`];
  const spec = deploymentSchema.parse(deployments[0]).spec;
  if (spec.replicas !== 1) problems.push(`replicas ist ${spec.replicas}, erwartet 1`);
  if (spec.strategy?.type !== 'Recreate') problems.push(`strategy ist ${spec.strategy?.type ?? 'RollingUpdate (Vorgabe)'}, erwartet Recreate`);
  const pod = spec.template.spec;
  if (pod.securityContext?.runAsNonRoot !== true) problems.push('der Runner-Pod läuft nicht sicher als Nicht-root (runAsNonRoot fehlt)');
  const runner = pod.containers.find((container) => container.name === 'runner');
  if (!runner) return [...problems, 'kein Container "runner"'];
  if (runner.securityContext?.privileged) problems.push('der Runner ist privilegiert');
  if (runner.securityContext?.allowPrivilegeEscalation !== false) problems.push('allowPrivilegeEscalation ist nicht false');

  const dataEnv = runner.env.find((entry) => entry.name === 'WERKBANK_DATA')?.value;
  if (dataEnv !== DATA_DIR) problems.push(`WERKBANK_DATA ist ${dataEnv ?? 'nicht gesetzt'}, erwartet ${DATA_DIR}`);
  const mount = runner.volumeMounts.find((entry) => entry.mountPath === DATA_DIR);
  const volume = mount && pod.volumes.find((entry) => entry.name === mount.name);
  if (!volume?.persistentVolumeClaim) {
    problems.push(`${DATA_DIR} (Fortschritt) liegt nicht auf einem PersistentVolumeClaim`);
  } else {
    const claim = volume.persistentVolumeClaim.claimName;
    const rendered = only(objects, 'PersistentVolumeClaim').some((object) => object.metadata.name === claim);
    if (!rendered && claim !== options.existingClaim) problems.push(`der PersistentVolumeClaim ${claim} wird nicht angelegt`);
  }

  const token = runner.env.find((entry) => entry.name === 'WERKBANK_INSTRUCTOR_TOKEN');
  const ref = secretRefSchema.safeParse(token?.valueFrom);
  if (token?.value !== undefined) problems.push('das Token für Lehrende steht im Klartext im Deployment');
  if (!ref.success) {
    problems.push('WERKBANK_INSTRUCTOR_TOKEN kommt nicht aus einem Secret');
  } else if (options.instructorSecret) {
    if (ref.data.secretKeyRef.name !== options.instructorSecret) problems.push(`das Token kommt aus ${ref.data.secretKeyRef.name}, nicht aus ${options.instructorSecret}`);
  } else {
    const secret = only(objects, 'Secret').find((object) => object.metadata.name === ref.data.secretKeyRef.name);
    const data = z.object({ data: z.record(z.string(), z.string()) }).safeParse(secret);
    if (!data.success || !data.data.data[ref.data.secretKeyRef.key]) {
      problems.push(`das Secret ${ref.data.secretKeyRef.name} mit dem Schlüssel ${ref.data.secretKeyRef.key} wird nicht angelegt`);
    }
  }
  return problems;
}

/** RBAC: every verb, resource and group named, no escalation, nothing bound to a
 * cluster-wide admin role, `bind` only for named roles. */
export function rbacProblems(objects: RenderedObject[]): string[] {
  const problems: string[] = [];
  for (const object of [...only(objects, 'Role'), ...only(objects, 'ClusterRole')]) {
    const role = roleSchema.parse(object);
    for (const rule of role.rules) {
      const where = `${role.kind} ${role.metadata.name} (${rule.resources.join(', ')})`;
      for (const field of ['apiGroups', 'resources', 'verbs'] as const) {
        if (rule[field].includes('*')) problems.push(`${where}: "*" in ${field}`);
      }
      for (const verb of rule.verbs) if (DANGEROUS_VERBS.has(verb) && verb !== '*') problems.push(`${where}: Verb ${verb}`);
      if (rule.verbs.includes('bind') && !rule.resourceNames?.length) problems.push(`${where}: bind ohne resourceNames`);
    }
  }
  for (const object of [...only(objects, 'RoleBinding'), ...only(objects, 'ClusterRoleBinding')]) {
    const binding = bindingSchema.parse(object);
    if (BROAD_ROLES.has(binding.roleRef.name)) problems.push(`${binding.kind} ${binding.metadata.name} bindet ${binding.roleRef.name}`);
  }
  return problems;
}

/** Verbs the runner's Role or ClusterRole grants on a resource (core group ""). */
export function grantedVerbs(objects: RenderedObject[], kind: 'Role' | 'ClusterRole', resource: string, apiGroup = ''): string[] {
  const runnerRole = kind === 'Role' ? 'wb-werkbank-sessions' : 'wb-werkbank-runner';
  return only(objects, kind)
    .filter((object) => object.metadata.name === runnerRole)
    .flatMap((object) => roleSchema.parse(object).rules)
    .filter((rule) => rule.resources.includes(resource) && rule.apiGroups.includes(apiGroup) && !rule.resourceNames?.length)
    .flatMap((rule) => rule.verbs);
}

/** The Ingress keeps terminals (websockets) and the cluster panel (server-sent events)
 * open for at least `minSeconds`. */
export function ingressProblems(objects: RenderedObject[], minSeconds = 3600): string[] {
  const ingresses = only(objects, 'Ingress');
  if (ingresses.length !== 1) return [`genau ein Ingress erwartet, gefunden: ${ingresses.length}`];
  const annotations = z.record(z.string(), z.string()).parse(ingresses[0]!.metadata.annotations ?? {});
  const problems: string[] = [];
  for (const name of ['nginx.ingress.kubernetes.io/proxy-read-timeout', 'nginx.ingress.kubernetes.io/proxy-send-timeout', 'haproxy.org/timeout-tunnel']) {
    const seconds = Number.parseInt(annotations[name] ?? '', 10);
    if (!(seconds >= minSeconds)) problems.push(`${name} ist ${annotations[name] ?? 'nicht gesetzt'}, erwartet mindestens ${minSeconds}`);
  }
  if (annotations['nginx.ingress.kubernetes.io/proxy-buffering'] !== 'off') problems.push('nginx puffert Antworten (Server-Sent Events kämen verspätet)');
  return problems;
}
