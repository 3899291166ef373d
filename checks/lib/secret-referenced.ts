// Secret referenced by a workload (secretKeyRef, envFrom or a volume) and the password
// NOT written into the workload itself as a literal env value.
import type { V1EnvVar, V1PodSpec, V1Secret } from '@kubernetes/client-node';
import { z } from 'zod';
import { defineCheck, fail, isVerdict, pass } from '../core.ts';
import { kubectl, list, q, quotedList, sentences } from '../format.ts';
import { readOrUndefined } from '../kube.ts';
import { kinds, missingObject, The, within, byName } from '../missing.ts';
import { containerName, objectName, workloadParams } from '../params.ts';
import { allContainers, containerLabel, readWorkload } from '../workload.ts';

/**
 * Env names that say "this is a secret" when they carry a literal value: a whole word
 * of the name (DB_PASSWORD, API_TOKEN, JWT_SECRET), not a part (BYPASS_CACHE, COMPASS).
 */
const SECRETISH = /(^|[_.-])(pass|passwd|password|passwort|pwd|secret|token|api[_-]?key|apikey|private[_-]?key|credentials?)($|[_.-])/i;

/**
 * Literal values that only point at the secret instead of holding it: a path to a
 * mounted file (POSTGRES_PASSWORD_FILE=/run/secrets/db) or another variable ($(DB_PW)).
 */
function isIndirect(name: string, value: string): boolean {
  return /_(FILE|PATH|DIR)$/i.test(name) || value.startsWith('/') || /^\$\([A-Za-z_][A-Za-z0-9_]*\)$/.test(value);
}

export const secretReferenced = defineCheck({
  id: 'secret-referenced',
  title: 'Secret wird referenziert, nicht hart kodiert',
  params: z.strictObject({
    ...workloadParams,
    secret: objectName,
    /** The key the workload must read (secretKeyRef.key or present for envFrom/volume). */
    key: z.string().min(1).optional(),
    /** The environment variable that must come from the Secret, e.g. "DB_PASSWORD". */
    env: z.string().min(1).optional(),
    container: containerName.optional(),
  }),
  async run(params, ctx) {
    const namespace = params.namespace ?? ctx.namespace;
    const [workload, secret] = await Promise.all([
      readWorkload(ctx, params),
      readOrUndefined(ctx.kube.core.readNamespacedSecret({ name: params.secret, namespace })),
    ]);
    if (isVerdict(workload)) return workload;
    const what = The(kinds[params.kind], params.name);
    const inWhat = within(kinds[params.kind], params.name);
    const hint = `Nachsehen: ${kubectl(`get ${params.kind.toLowerCase()} ${params.name} -o yaml`, namespace)}`;
    const containers = allContainers(workload.podSpec).filter(
      ({ container }) => params.container === undefined || container.name === params.container,
    );
    const secretValues = secret ? decodeSecret(secret) : {};
    const data: Record<string, unknown> = {
      kind: params.kind,
      name: params.name,
      namespace,
      secret: params.secret,
      secretExists: secret !== undefined,
      secretKeys: Object.keys(secretValues),
    };
    if (containers.length === 0) {
      return fail(`${inWhat} gibt es keinen Container ${q(params.container ?? '')}.`, { data, hint });
    }

    // 1. Hard-coded: the password (or anything secret-looking) as a literal env value.
    // That is the mistake to name first, even when the Secret is missing as well.
    const literals = containers.flatMap((named) =>
      (named.container.env ?? [])
        .filter((env): env is V1EnvVar & { value: string } => typeof env.value === 'string' && env.value !== '')
        .map((env) => ({ named, env })),
    );
    // The values worth hiding: the key the step names and keys that sound secret. A user
    // name in the same Secret may well also appear in plain text elsewhere.
    const sensitiveKeys = Object.keys(secretValues).filter((key) => key === params.key || SECRETISH.test(key));
    const secretSet = new Set(
      (sensitiveKeys.length > 0 ? sensitiveKeys : Object.keys(secretValues))
        .map((key) => secretValues[key] ?? '')
        .filter((v) => v.length >= 3),
    );
    const hardCoded = literals.find(
      ({ env }) =>
        env.name === params.env ||
        secretSet.has(env.value) ||
        (SECRETISH.test(env.name) && !isIndirect(env.name, env.value)),
    );
    const createSecret = `„${kubectl(`create secret generic ${params.secret} --from-literal=${params.key ?? 'password'}=…`, namespace)}“`;
    if (hardCoded) {
      const { named, env } = hardCoded;
      const same = secretSet.has(env.value);
      data.hardCoded = { container: named.container.name, env: env.name, sameAsSecret: same };
      return fail(
        sentences(
          `Die Umgebungsvariable ${q(env.name)} steht im ${containerLabel(named)} als Klartext (value) ${inWhat}${
            same ? ` – mit demselben Wert wie im Secret ${q(params.secret)}` : ''
          }`,
          'So steht das Passwort für jeden lesbar im Manifest und in „kubectl get -o yaml“',
          !secret && `Das Secret ${q(params.secret)} gibt es außerdem noch nicht; leg es mit ${createSecret} an`,
          `Tipp: Ersetze „value:“ durch „valueFrom: secretKeyRef: {name: ${params.secret}, key: ${params.key ?? '<schlüssel>'}}“`,
        ),
        { data, hint },
      );
    }

    if (!secret) {
      return missingObject(
        ctx.kube,
        kinds.Secret,
        params.secret,
        namespace,
        {
          inNamespace: () => ctx.kube.core.listNamespacedSecret({ namespace }),
          everywhere: () => ctx.kube.core.listSecretForAllNamespaces({ fieldSelector: byName(params.secret) }),
        },
        `Leg es an, z. B. mit ${createSecret}.`,
      );
    }
    if (params.key !== undefined && !(params.key in secretValues)) {
      return fail(
        sentences(
          `Im Secret ${q(params.secret)} fehlt der Schlüssel ${q(params.key)}`,
          Object.keys(secretValues).length > 0
            ? `Vorhanden: ${quotedList(Object.keys(secretValues))}`
            : 'Das Secret ist leer',
          `Tipp: Leg es mit „--from-literal=${params.key}=…“ neu an`,
        ),
        { data, hint: `Nachsehen: ${kubectl(`describe secret ${params.secret}`, namespace)}` },
      );
    }

    // 2. References to the Secret.
    const references = findReferences(workload.podSpec, containers.map((c) => c.container.name), params.secret);
    data.references = references;
    const matching = references.filter((r) => params.key === undefined || r.key === undefined || r.key === params.key);
    if (params.env !== undefined) {
      const byEnv = containers
        .flatMap(({ container }) => container.env ?? [])
        .find((env) => env.name === params.env);
      const fromSecret = byEnv?.valueFrom?.secretKeyRef;
      if (!fromSecret || fromSecret.name !== params.secret || (params.key !== undefined && fromSecret.key !== params.key)) {
        const viaEnvFrom = matching.some((r) => r.via === 'envFrom');
        if (!viaEnvFrom) {
          const found = byEnv
            ? fromSecret
              ? `kommt aus dem Secret ${q(fromSecret.name ?? '')}, Schlüssel ${q(fromSecret.key)}`
              : byEnv.valueFrom?.configMapKeyRef
                ? `kommt aus der ConfigMap ${q(byEnv.valueFrom.configMapKeyRef.name ?? '')} statt aus einem Secret`
                : 'hat keinen Wert aus einem Secret'
            : 'gibt es dort nicht';
          return fail(
            sentences(
              `Die Umgebungsvariable ${q(params.env)} ${inWhat} ${found}`,
              `Tipp: „- name: ${params.env}“ mit „valueFrom: secretKeyRef: {name: ${params.secret}, key: ${params.key ?? '<schlüssel>'}}“`,
            ),
            { data, hint },
          );
        }
      }
    }
    if (matching.length === 0) {
      const unmounted = (workload.podSpec.volumes ?? []).find((volume) => volume.secret?.secretName === params.secret);
      if (unmounted) {
        return fail(
          sentences(
            `${what} definiert das Volume ${q(unmounted.name)} mit dem Secret ${q(params.secret)}, aber kein Container bindet es ein`,
            `Tipp: Ergänze im Container „volumeMounts: - {name: ${unmounted.name}, mountPath: /etc/${params.secret}, readOnly: true}“`,
          ),
          { data, hint },
        );
      }
      return fail(
        sentences(
          `${what} verwendet das Secret ${q(params.secret)} nicht${params.key ? ` (Schlüssel ${q(params.key)})` : ''}`,
          `Tipp: Hol den Wert mit „valueFrom: secretKeyRef: {name: ${params.secret}, key: ${params.key ?? '<schlüssel>'}}“ in eine Umgebungsvariable, mit „envFrom: - secretRef: {name: ${params.secret}}“ oder als Volume („secret: {secretName: ${params.secret}}“ plus volumeMounts)`,
        ),
        { data, hint },
      );
    }
    const how = [...new Set(matching.map((r) => r.description))];
    return pass(`${what} holt das Secret ${q(params.secret)} ${list(how)} und hat kein Passwort im Klartext.`, data);
  },
});

interface Reference {
  via: 'env' | 'envFrom' | 'volume';
  container: string;
  key?: string;
  description: string;
}

function findReferences(spec: V1PodSpec, containerNames: string[], secret: string): Reference[] {
  const references: Reference[] = [];
  const volumes = new Set(
    (spec.volumes ?? [])
      .filter(
        (volume) =>
          volume.secret?.secretName === secret ||
          (volume.projected?.sources ?? []).some((source) => source.secret?.name === secret),
      )
      .map((volume) => volume.name),
  );
  for (const { container } of allContainers(spec)) {
    if (!containerNames.includes(container.name)) continue;
    for (const env of container.env ?? []) {
      const ref = env.valueFrom?.secretKeyRef;
      if (ref?.name === secret) {
        references.push({
          via: 'env',
          container: container.name,
          key: ref.key,
          description: `per secretKeyRef in die Variable ${q(env.name)}`,
        });
      }
    }
    for (const source of container.envFrom ?? []) {
      if (source.secretRef?.name === secret) {
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

function decodeSecret(secret: V1Secret): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(secret.data ?? {})) values[key] = Buffer.from(value, 'base64').toString('utf8');
  for (const [key, value] of Object.entries(secret.stringData ?? {})) values[key] = value;
  return values;
}
