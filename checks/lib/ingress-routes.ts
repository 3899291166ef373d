// Ingress routes host and path to a Service, on the spec level: a rule for the host,
// a path that covers the requested path, its backend the expected Service and port, and
// that Service exists with that port. (Whether an ingress controller serves it is a
// question for a real request, not for the API.)
import type { V1HTTPIngressPath, V1Ingress, V1IngressBackend, V1Service } from '@kubernetes/client-node';
import { z } from 'zod';
import { defineCheck, fail, pass, type CheckRunContext } from '../core.ts';
import { kubectl, q, quotedList, sentences, someOf } from '../format.ts';
import { readOrUndefined } from '../kube.ts';
import { byName, kinds, missingObject } from '../missing.ts';
import { inNamespace, objectName } from '../params.ts';

const servicePort = z.union([z.number().int().min(1).max(65535), z.string().min(1)]);

export const ingressRoutes = defineCheck({
  id: 'ingress-routes',
  title: 'Ingress leitet Host und Pfad an einen Service weiter',
  params: z.strictObject({
    /** Which Ingress; by default any Ingress in the namespace. */
    name: objectName.optional(),
    host: z
      .string()
      .regex(/^(\*\.)?[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'ist kein gültiger Hostname'),
    path: z.string().startsWith('/', 'muss mit „/“ beginnen').default('/'),
    service: objectName,
    /** The Service port (number or name) the backend must use. */
    port: servicePort.optional(),
    namespace: inNamespace,
  }),
  async run({ name, host, path, service: serviceName, port, namespace: explicit }, ctx) {
    const namespace = explicit ?? ctx.namespace;
    const { kube } = ctx;
    const [ingresses, service] = await Promise.all([
      name !== undefined
        ? readOrUndefined(kube.networking.readNamespacedIngress({ name, namespace })).then((i) => (i ? [i] : []))
        : kube.networking.listNamespacedIngress({ namespace }).then((list) => list.items),
      readOrUndefined(kube.core.readNamespacedService({ name: serviceName, namespace })),
    ]);
    const url = `http://${host}${path}`;
    const hint = `Nachsehen: ${kubectl(`describe ingress${name ? ` ${name}` : ''}`, namespace)}`;
    if (name !== undefined && ingresses.length === 0) {
      return missingObject(kube, kinds.Ingress, name, namespace, {
        inNamespace: () => kube.networking.listNamespacedIngress({ namespace }),
        everywhere: () => kube.networking.listIngressForAllNamespaces({ fieldSelector: byName(name) }),
      });
    }
    if (ingresses.length === 0) {
      return fail(
        sentences(
          `Im Namespace ${q(namespace)} gibt es keinen Ingress`,
          `Tipp: Leg einen an, z. B. mit „${kubectl(`create ingress ${serviceName} --rule="${host}${path === '/' ? '/*' : `${path}*`}=${serviceName}:${port ?? 80}"`, namespace)}“`,
        ),
        { data: { namespace, host, path }, hint },
      );
    }

    const rules = ingresses.flatMap((ingress) =>
      (ingress.spec?.rules ?? []).map((rule) => ({ ingress, rule })),
    );
    const hosts = [...new Set(rules.map(({ rule }) => rule.host ?? '(ohne Host)'))];
    const data: Record<string, unknown> = {
      namespace,
      ingresses: ingresses.map((i) => i.metadata?.name),
      host,
      path,
      hosts,
      service: serviceName,
    };
    // Which rules answer this host, as ingress controllers pick them: an exact host
    // first, then a wildcard host, then rules without a host (they cover every host).
    const exactHost = rules.filter(({ rule }) => rule.host === host);
    const wildcardHost = rules.filter(({ rule }) => !!rule.host?.startsWith('*.') && hostMatches(rule.host, host));
    const anyHost = rules.filter(({ rule }) => !rule.host);
    const forHost = exactHost.length > 0 ? exactHost : wildcardHost.length > 0 ? wildcardHost : anyHost;
    // spec.defaultBackend catches every request no rule covers.
    const fallback = ingresses.find((ingress) => ingress.spec?.defaultBackend !== undefined);
    if (forHost.length === 0 && !fallback) {
      return fail(
        sentences(
          `${ingresses.length === 1 ? `Der Ingress ${q(ingresses[0]!.metadata?.name ?? '')} hat` : 'Kein Ingress im Namespace hat'} keine Regel für den Host ${q(host)}`,
          hosts.length > 0 && `Vorhanden: ${someOf(hosts)}`,
          `Tipp: Trag „host: ${host}“ in spec.rules ein (Tippfehler?)`,
        ),
        { data, hint },
      );
    }
    data.matchedBy = exactHost.length > 0 ? 'host' : wildcardHost.length > 0 ? 'wildcard' : anyHost.length > 0 ? 'any-host' : 'default-backend';

    const candidates = forHost.flatMap(({ ingress, rule }) =>
      (rule.http?.paths ?? []).map((p) => ({ ingress, path: p })),
    );
    const covering = candidates
      .filter(({ path: p }) => pathMatches(p, path))
      // The longest path wins; at equal length, Exact before Prefix.
      .sort(
        (a, b) =>
          (b.path.path ?? '/').length - (a.path.path ?? '/').length ||
          Number(b.path.pathType === 'Exact') - Number(a.path.pathType === 'Exact'),
      );
    const best: { ingress: V1Ingress; path: Pick<V1HTTPIngressPath, 'backend' | 'path' | 'pathType'> } | undefined =
      covering[0] ??
      (fallback?.spec?.defaultBackend
        ? { ingress: fallback, path: { backend: fallback.spec.defaultBackend, path: undefined, pathType: 'Standard-Backend' } }
        : undefined);
    if (!best) {
      const paths = candidates.map(({ path: p }) => `${p.path ?? '/'} (${p.pathType})`);
      return fail(
        sentences(
          `Für den Host ${q(host)} gibt es keinen Pfad, der ${q(path)} abdeckt`,
          paths.length > 0 ? `Vorhanden: ${quotedList(paths)}` : 'Die Regel hat keine Pfade',
          `Tipp: Ergänze unter http.paths „- path: ${path}“ mit „pathType: Prefix“ und dem Backend-Service ${q(serviceName)}`,
        ),
        { data: { ...data, paths }, hint },
      );
    }

    const ingressName = best.ingress.metadata?.name ?? '';
    const backend = best.path.backend;
    const target = describeBackend(backend);
    data.ingress = ingressName;
    data.rulePath = best.path.path ?? null;
    data.pathType = best.path.pathType;
    data.backend = target;
    if (backend.service?.name !== serviceName) {
      return fail(
        sentences(
          `Der Ingress ${q(ingressName)} leitet ${url} an ${target} weiter statt an den Service ${q(serviceName)}`,
          `Tipp: Setz unter backend „service: {name: ${serviceName}${port !== undefined ? `, port: {${typeof port === 'number' ? 'number' : 'name'}: ${port}}` : ''}}“`,
        ),
        { data, hint },
      );
    }
    const backendPort = backend.service.port?.number ?? backend.service.port?.name;
    if (port !== undefined && backendPort !== port) {
      return fail(
        sentences(
          `Der Ingress ${q(ingressName)} leitet ${url} an den Service ${q(serviceName)} weiter, aber an Port ${q(String(backendPort ?? '(keiner)'))} statt ${q(String(port))}`,
          `Tipp: Setz „port: {${typeof port === 'number' ? 'number' : 'name'}: ${port}}“ im Backend`,
        ),
        { data, hint },
      );
    }
    if (!service) {
      return fail(
        sentences(
          `Der Ingress ${q(ingressName)} leitet ${url} an den Service ${q(serviceName)} weiter, den gibt es im Namespace ${q(namespace)} aber nicht`,
          `Tipp: Leg den Service an, z. B. mit „${kubectl(`expose deployment <deployment> --name ${serviceName} --port ${typeof backendPort === 'number' ? backendPort : 80}`, namespace)}“`,
        ),
        { data, hint },
      );
    }
    const servicePorts = (service.spec?.ports ?? []).map((p) => ({ port: p.port, name: p.name }));
    data.servicePorts = servicePorts;
    if (backendPort !== undefined && !hasPort(service, backendPort)) {
      return fail(
        sentences(
          `Der Ingress ${q(ingressName)} nutzt Port ${q(String(backendPort))} des Service ${q(serviceName)}, den hat der Service nicht`,
          `Vorhanden: ${quotedList(servicePorts.map((p) => (p.name ? `${p.port} (${p.name})` : String(p.port))))}`,
          'Tipp: Im Backend des Ingress steht der Port des Service (spec.ports[].port), nicht der des Containers',
        ),
        { data, hint },
      );
    }
    const how =
      covering[0] === undefined
        ? ' (über sein Standard-Backend spec.defaultBackend)'
        : data.matchedBy === 'any-host'
          ? ' (über eine Regel ohne Host, die für jeden Host gilt)'
          : '';
    const unserved = await unservedClass(ctx, best.ingress);
    if (unserved) {
      return fail(
        sentences(`Der Ingress ${q(ingressName)} leitet ${url} an den Service ${q(serviceName)} weiter, ${unserved.problem}`, unserved.tip),
        { data: { ...data, ingressClass: unserved.className, classes: unserved.classes }, hint: `Nachsehen: kubectl get ingressclass` },
      );
    }
    return pass(
      `Der Ingress ${q(ingressName)} leitet ${url} an den Service ${q(serviceName)} (Port ${String(backendPort ?? '?')}) weiter${how}.`,
      data,
    );
  },
});

function hostMatches(ruleHost: string, host: string): boolean {
  if (ruleHost === host) return true;
  if (ruleHost.startsWith('*.')) {
    const suffix = ruleHost.slice(1);
    // A wildcard covers exactly one label: *.example.com matches a.example.com only.
    return host.endsWith(suffix) && !host.slice(0, -suffix.length).includes('.');
  }
  return false;
}

/** Does an Ingress path route requests for `path`? (Prefix matches whole path elements.) */
export function pathMatches(rule: V1HTTPIngressPath, path: string): boolean {
  const rulePath = rule.path ?? '/';
  if (rule.pathType === 'Exact') return rulePath === path;
  if (rulePath === '/') return true;
  const base = rulePath.replace(/\/+$/, '');
  return path === base || path.startsWith(`${base}/`) || (rulePath.endsWith('/') && path === rulePath);
}

function describeBackend(backend: V1IngressBackend): string {
  if (backend.service) {
    const port = backend.service.port?.number ?? backend.service.port?.name;
    return `den Service ${q(backend.service.name)}${port !== undefined ? ` (Port ${port})` : ''}`;
  }
  if (backend.resource) return `die Ressource ${q(`${backend.resource.kind}/${backend.resource.name}`)}`;
  return 'kein Backend';
}

function hasPort(service: V1Service, port: number | string): boolean {
  return (service.spec?.ports ?? []).some((p) => (typeof port === 'number' ? p.port === port : p.name === port));
}


/**
 * Why no controller would serve this Ingress: its class does not exist, or it names none
 * and the cluster has no default class. A controller only takes Ingresses of its class.
 */
async function unservedClass(
  ctx: CheckRunContext,
  ingress: V1Ingress,
): Promise<{ problem: string; tip: string; className: string | null; classes: string[] } | undefined> {
  const className = ingress.spec?.ingressClassName ?? ingress.metadata?.annotations?.['kubernetes.io/ingress.class'] ?? null;
  const classes = (await ctx.kube.networking.listIngressClass()).items;
  const names = classes.map((c) => c.metadata?.name ?? '');
  // Without any class there is no controller at all, and no class name the learner could pick.
  const noController = 'Im Cluster gibt es gar keine IngressClass, also keinen Ingress-Controller. Tipp: Sag deiner Kursleitung Bescheid, der Cluster ist unvollständig';
  if (className !== null) {
    if (names.includes(className)) return undefined;
    return {
      problem: `aber die IngressClass ${q(className)} gibt es nicht, also bedient ihn kein Ingress-Controller`,
      tip: names.length > 0 ? `Vorhanden: ${quotedList(names)}. Tipp: Setz spec.ingressClassName auf eine davon` : noController,
      className,
      classes: names,
    };
  }
  const isDefault = classes.some((c) => c.metadata?.annotations?.['ingressclass.kubernetes.io/is-default-class'] === 'true');
  if (isDefault) return undefined;
  return {
    problem: 'aber er nennt keine IngressClass, und im Cluster ist keine als Standard markiert: kein Ingress-Controller fühlt sich zuständig',
    tip: names.length > 0 ? `Vorhanden: ${quotedList(names)}. Tipp: Setz spec.ingressClassName auf eine davon` : noController,
    className,
    classes: names,
  };
}
