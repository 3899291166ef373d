// A Gateway API HTTPRoute splits traffic as asked: it hangs on the named Gateway, its
// backends are the expected Services with weights in the expected proportion (weights
// are relative: 9/1 is the same split as 90/10), every backend Service exists, and the
// gateway controller (Traefik here) has taken the route's current generation: Accepted
// and ResolvedRefs both True in status.parents for that Gateway.
import { z } from 'zod';
import { defineCheck, fail, notYet, pass, type Verdict } from '../core.ts';
import { kubectl, list, q, quotedList, sentences, someOf } from '../format.ts';
import { isNotFound, readOrUndefined, type KubeApi } from '../kube.ts';
import { inNamespace, objectName } from '../params.ts';

const GROUP = 'gateway.networking.k8s.io';
const VERSION = 'v1';

/** The parts of an HTTPRoute (gateway.networking.k8s.io/v1) this check reads. */
const httpRoute = z.object({
  metadata: z.object({ name: z.string(), generation: z.number().optional() }),
  spec: z
    .object({
      parentRefs: z
        .array(z.object({ name: z.string(), namespace: z.string().optional(), kind: z.string().optional(), group: z.string().optional() }))
        .optional(),
      rules: z
        .array(
          z.object({
            backendRefs: z
              .array(z.object({ name: z.string(), kind: z.string().optional(), group: z.string().optional(), port: z.number().optional(), weight: z.number().optional() }))
              .optional(),
          }),
        )
        .optional(),
    })
    .optional(),
  status: z
    .object({
      parents: z
        .array(
          z.object({
            parentRef: z.object({ name: z.string(), namespace: z.string().optional() }),
            controllerName: z.string().optional(),
            conditions: z
              .array(z.object({ type: z.string(), status: z.string(), reason: z.string().optional(), message: z.string().optional(), observedGeneration: z.number().optional() }))
              .optional(),
          }),
        )
        .optional(),
    })
    .optional(),
});
type HttpRoute = z.infer<typeof httpRoute>;

export const httpRouteWeights = defineCheck({
  id: 'httproute-weights',
  title: 'HTTPRoute verteilt mit Gewichten auf Services',
  params: z.strictObject({
    /** The HTTPRoute. */
    name: objectName,
    /** The Gateway it must hang on (same namespace). */
    gateway: objectName,
    /** Service name → weight; relative, so {a: 90, b: 10} and {a: 9, b: 1} are the same split. */
    backends: z
      .record(objectName, z.number().int().min(0).max(1_000_000))
      .refine((backends) => Object.values(backends).some((weight) => weight > 0), 'mindestens ein Backend braucht ein Gewicht über 0'),
    namespace: inNamespace,
  }),
  timeoutMs: 15_000,
  async run({ name, gateway, backends: expected, namespace: explicit }, ctx) {
    const namespace = explicit ?? ctx.namespace;
    const { kube } = ctx;
    const hint = `Nachsehen: ${kubectl(`describe httproute ${name}`, namespace)}`;
    const read = await readRoute(kube, name, namespace);
    if ('passed' in read) return read;
    const route = read.route;

    const parents = route.spec?.parentRefs ?? [];
    const attached = parents.some((p) => p.name === gateway && (p.namespace ?? namespace) === namespace && (p.kind ?? 'Gateway') === 'Gateway');
    const data: Record<string, unknown> = { namespace, route: name, gateway, parents: parents.map((p) => p.name) };
    if (!attached) {
      return fail(
        sentences(
          `Die HTTPRoute ${q(name)} hängt nicht am Gateway ${q(gateway)}`,
          parents.length > 0 ? `Ihre parentRefs nennen ${quotedList(parents.map((p) => p.name))}` : 'Sie hat keine parentRefs, also nimmt sie kein Gateway an',
          `Tipp: Trag unter spec.parentRefs „- name: ${gateway}“ ein`,
        ),
        { data, hint },
      );
    }

    const actual = weightsOf(route);
    data.weights = actual;
    data.expected = expected;
    const difference = compareSplit(actual, expected);
    if (difference) {
      return fail(
        sentences(
          `Die HTTPRoute ${q(name)} verteilt ${describeSplit(actual)}; erwartet ${describeSplit(expected)}`,
          difference,
          'Tipp: Die Gewichte stehen unter spec.rules[].backendRefs[].weight; sie zählen im Verhältnis zueinander',
        ),
        { data, hint },
      );
    }

    const missing = await missingServices(kube, Object.keys(actual).filter((service) => actual[service]! > 0), namespace);
    if (missing.length > 0) {
      const others = (await kube.core.listNamespacedService({ namespace })).items.map((s) => s.metadata?.name ?? '');
      return fail(
        sentences(
          `Die HTTPRoute ${q(name)} schickt Anfragen an ${missing.length === 1 ? `den Service ${q(missing[0]!)}, den` : `die Services ${quotedList(missing)}, die`} es im Namespace ${q(namespace)} nicht gibt`,
          others.length > 0 && `Vorhanden: ${someOf(others)}`,
          'Tipp: Leg den Service an (kubectl apply -f …) oder korrigiere den Namen in backendRefs',
        ),
        { data: { ...data, missing }, hint },
      );
    }

    const gatewayObject = await readOrUndefined(
      kube.custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: 'gateways', name: gateway }),
    );
    if (!gatewayObject) {
      return fail(
        sentences(
          `Die HTTPRoute ${q(name)} hängt am Gateway ${q(gateway)}, das es im Namespace ${q(namespace)} nicht gibt`,
          'Tipp: Leg das Gateway an, z. B. mit „kubectl apply -f gateway.yaml“',
        ),
        { data, hint: `Nachsehen: ${kubectl('get gateways', namespace)}` },
      );
    }

    const status = (route.status?.parents ?? []).find((p) => p.parentRef.name === gateway && (p.parentRef.namespace ?? namespace) === namespace);
    if (!status) {
      return notYet(
        sentences(
          `Die HTTPRoute ${q(name)} hat noch keine Antwort vom Gateway ${q(gateway)} (status.parents ist leer)`,
          `Tipp: Gibt es das Gateway, und nennt es „gatewayClassName: traefik“? Sieh nach mit „${kubectl(`get gateway ${gateway}`, namespace)}“`,
        ),
        { data, hint },
      );
    }
    const generation = route.metadata.generation;
    for (const type of ['Accepted', 'ResolvedRefs']) {
      const condition = status.conditions?.find((c) => c.type === type);
      if (!condition || (generation !== undefined && condition.observedGeneration !== undefined && condition.observedGeneration < generation)) {
        return notYet(
          sentences(`Das Gateway ${q(gateway)} hat die letzte Änderung der HTTPRoute ${q(name)} noch nicht übernommen`, 'Prüf gleich noch einmal'),
          { data, hint },
        );
      }
      if (condition.status !== 'True') {
        const why = `${condition.reason ?? type}${condition.message ? `: ${condition.message}` : ''}`;
        return fail(
          sentences(
            type === 'Accepted'
              ? `Das Gateway ${q(gateway)} nimmt die HTTPRoute ${q(name)} nicht an (${why})`
              : `Das Gateway ${q(gateway)} kann nicht alle Backends der HTTPRoute ${q(name)} auflösen (${why})`,
            type === 'Accepted'
              ? 'Tipp: Passen Hostnamen und Namespace der Route zu einem Listener des Gateways?'
              : 'Tipp: Stimmen Name und Port der Services in backendRefs?',
          ),
          { data: { ...data, condition: type, reason: condition.reason ?? null }, hint },
        );
      }
    }
    return pass(`Die HTTPRoute ${q(name)} hängt am Gateway ${q(gateway)} und verteilt ${describeSplit(actual)}; das Gateway hat sie angenommen.`, data);
  },
});

async function readRoute(kube: KubeApi, name: string, namespace: string): Promise<{ route: HttpRoute } | Verdict> {
  try {
    const object = await kube.custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: 'httproutes', name });
    return { route: httpRoute.parse(object) };
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  let others: string[];
  try {
    const listed = (await kube.custom.listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: 'httproutes' })) as {
      items?: { metadata?: { name?: string } }[];
    };
    others = (listed.items ?? []).map((item) => item.metadata?.name ?? '');
  } catch (error) {
    if (!isNotFound(error)) throw error;
    return fail(
      sentences(
        'Dein Cluster kennt keine HTTPRoutes: Die Gateway API (ihre CRDs) ist nicht installiert',
        'Tipp: Setz den Cluster zurück; hilft das nicht, sag deinen Lehrenden Bescheid',
      ),
      { data: { namespace, route: name }, hint: 'Nachsehen: kubectl get crd | grep gateway' },
    );
  }
  return fail(
    sentences(
      `Im Namespace ${q(namespace)} gibt es keine HTTPRoute ${q(name)}`,
      others.length > 0 && `Dort gibt es nur: ${someOf(others)}`,
      'Tipp: Leg sie an, z. B. mit „kubectl apply -f route.yaml“',
    ),
    { data: { namespace, route: name, others }, hint: `Nachsehen: ${kubectl('get httproutes', namespace)}` },
  );
}

/** Service name → summed weight over all rules (a backendRef without weight counts 1, as the API says). */
export function weightsOf(route: HttpRoute): Record<string, number> {
  const weights: Record<string, number> = {};
  for (const rule of route.spec?.rules ?? []) {
    for (const ref of rule.backendRefs ?? []) {
      if ((ref.kind ?? 'Service') !== 'Service' || (ref.group ?? '') !== '') continue;
      weights[ref.name] = (weights[ref.name] ?? 0) + (ref.weight ?? 1);
    }
  }
  return weights;
}

/** Share of each backend with a weight above 0. */
function shares(weights: Record<string, number>): Map<string, number> {
  const total = Object.values(weights).reduce((sum, w) => sum + w, 0);
  return new Map(Object.entries(weights).filter(([, w]) => w > 0).map(([name, w]) => [name, w / total]));
}

/** Why two splits differ, or undefined when they send the same shares to the same Services. */
export function compareSplit(actual: Record<string, number>, expected: Record<string, number>): string | undefined {
  const have = shares(actual);
  const want = shares(expected);
  const absent = [...want.keys()].filter((name) => !have.has(name));
  if (absent.length > 0) return `${quotedList(absent)} ${absent.length === 1 ? 'bekommt' : 'bekommen'} nichts`;
  const extra = [...have.keys()].filter((name) => !want.has(name));
  if (extra.length > 0) return `${quotedList(extra)} ${extra.length === 1 ? 'bekommt' : 'bekommen'} noch Anfragen, soll${extra.length === 1 ? '' : 'en'} aber keine mehr bekommen`;
  const off = [...want.entries()].filter(([name, share]) => Math.abs(share - have.get(name)!) > 1e-9);
  if (off.length > 0) return `Anders als erwartet: ${quotedList(off.map(([name]) => name))}`;
  return undefined;
}

/** "90 % an ‚web-v1‘ und 10 % an ‚web-v2‘". */
export function describeSplit(weights: Record<string, number>): string {
  const entries = [...shares(weights).entries()];
  if (entries.length === 0) return 'an keinen Service';
  return list(entries.map(([name, share]) => `${percent(share)} an ${q(name)}`));
}

function percent(share: number): string {
  const value = Math.round(share * 1000) / 10;
  return `${String(value).replace('.', ',')} %`;
}

async function missingServices(kube: KubeApi, names: string[], namespace: string): Promise<string[]> {
  const found = await Promise.all(names.map((name) => readOrUndefined(kube.core.readNamespacedService({ name, namespace }))));
  return names.filter((_, index) => found[index] === undefined);
}
