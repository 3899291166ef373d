// A pull secret the kubelet can use for one registry: type kubernetes.io/dockerconfigjson,
// and in its .dockerconfigjson an entry for exactly that registry with credentials. The
// usual near misses: a generic (Opaque) Secret, or `--docker-server` forgotten, so the
// credentials are Docker Hub's.
import type { V1Secret } from '@kubernetes/client-node';
import { z } from 'zod';
import { defineCheck, fail, pass } from '../core.ts';
import { kubectl, q, quotedList, sentences } from '../format.ts';
import { readOrUndefined } from '../kube.ts';
import { byName, kinds, missingObject } from '../missing.ts';
import { inNamespace, objectName } from '../params.ts';
import { normalizeRegistry, registryHost } from '../registry.ts';

const DOCKER_CONFIG_JSON = 'kubernetes.io/dockerconfigjson';

const authEntry = z.looseObject({
  auth: z.string().optional(),
  username: z.string().optional(),
  password: z.string().optional(),
});
const dockerConfig = z.looseObject({ auths: z.record(z.string(), authEntry) });

interface Credentials {
  username?: string;
  hasPassword: boolean;
}

/** The user and whether a password is there: from `auth` (base64 "user:password") or the two fields. */
function credentials(entry: z.output<typeof authEntry>): Credentials {
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) return { username: decoded.slice(0, colon), hasPassword: colon < decoded.length - 1 };
  }
  return { ...(entry.username ? { username: entry.username } : {}), hasPassword: Boolean(entry.password) };
}

export const registrySecret = defineCheck({
  id: 'registry-secret',
  title: 'Secret mit Zugangsdaten für die Registry',
  params: z.strictObject({
    name: objectName,
    /** The registry the credentials are for, as images name it, e.g. "localhost:5000". */
    registry: registryHost,
    /** The user the credentials must be for, when the lab names one. */
    username: z.string().min(1).optional(),
    namespace: inNamespace,
  }),
  async run({ name, registry, username, namespace: explicit }, ctx) {
    const namespace = explicit ?? ctx.namespace;
    const create = `„${kubectl(`create secret docker-registry ${name} --docker-server=${registry} --docker-username=${username ?? '…'} --docker-password=…`, namespace)}“`;
    const secret: V1Secret | undefined = await readOrUndefined(ctx.kube.core.readNamespacedSecret({ name, namespace }));
    if (!secret) {
      return missingObject(
        ctx.kube,
        kinds.Secret,
        name,
        namespace,
        {
          inNamespace: () => ctx.kube.core.listNamespacedSecret({ namespace }),
          everywhere: () => ctx.kube.core.listSecretForAllNamespaces({ fieldSelector: byName(name) }),
        },
        `Leg es an, z. B. mit ${create}.`,
      );
    }
    const hint = `Nachsehen: ${kubectl(`get secret ${name} -o jsonpath='{.data.\\.dockerconfigjson}'`, namespace)} | base64 -d`;
    const type = secret.type ?? 'Opaque';
    const data: Record<string, unknown> = { name, namespace, registry, type };
    if (type !== DOCKER_CONFIG_JSON) {
      return fail(
        sentences(
          `Das Secret ${q(name)} hat den Typ ${q(type)}; als imagePullSecret nimmt das kubelet nur Secrets vom Typ ${q(DOCKER_CONFIG_JSON)}`,
          `Tipp: Lösch es und leg es mit ${create} neu an – „create secret generic“ macht ein gewöhnliches Secret`,
        ),
        { data, hint: `Nachsehen: ${kubectl(`get secret ${name}`, namespace)} (Spalte TYPE)` },
      );
    }
    const raw = secret.data?.['.dockerconfigjson'];
    const parsed = raw ? dockerConfig.safeParse(safeJson(Buffer.from(raw, 'base64').toString('utf8'))) : undefined;
    if (!parsed?.success) {
      return fail(
        sentences(
          `Im Secret ${q(name)} steht unter ${q('.dockerconfigjson')} keine Docker-Konfiguration mit „auths“`,
          `Tipp: Leg es mit ${create} neu an; dann schreibt kubectl die Konfiguration selbst`,
        ),
        { data, hint },
      );
    }
    const entries = Object.entries(parsed.data.auths);
    const hosts = entries.map(([key]) => normalizeRegistry(key));
    data.registries = hosts;
    const match = entries.find(([key]) => normalizeRegistry(key) === normalizeRegistry(registry));
    if (!match) {
      const hub = hosts.includes('docker.io');
      return fail(
        sentences(
          entries.length === 0
            ? `Das Secret ${q(name)} enthält keine Zugangsdaten`
            : `Das Secret ${q(name)} hat Zugangsdaten für ${quotedList(hosts)}, nicht für die Registry ${q(registry)}`,
          hub && 'Ohne „--docker-server“ gelten sie für Docker Hub',
          `Tipp: Leg es mit ${create} neu an – das kubelet schickt die Daten nur an die Registry, die im Secret steht`,
        ),
        { data, hint },
      );
    }
    const found = credentials(match[1]);
    data.username = found.username;
    if (!found.username || !found.hasPassword) {
      return fail(
        sentences(
          `Im Secret ${q(name)} fehlen für ${q(registry)} ${found.username ? 'das Passwort' : 'Benutzername und Passwort'}`,
          `Tipp: Leg es mit ${create} neu an`,
        ),
        { data, hint },
      );
    }
    if (username !== undefined && found.username !== username) {
      return fail(
        sentences(
          `Das Secret ${q(name)} meldet sich bei ${q(registry)} als ${q(found.username)} an, erwartet ist ${q(username)}`,
          `Tipp: Leg es mit ${create} neu an`,
        ),
        { data, hint },
      );
    }
    return pass(`Das Secret ${q(name)} (Typ ${DOCKER_CONFIG_JSON}) hat Zugangsdaten für ${q(registry)} (Benutzer ${q(found.username)}).`, data);
  },
});

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
