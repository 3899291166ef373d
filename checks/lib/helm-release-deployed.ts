// Helm release deployed (optionally at a revision, chart or chart version), read from
// Helm's own release Secrets: one list request for all revisions of the release.
import { z } from 'zod';
import { defineCheck, fail, notYet, pass } from '../core.ts';
import { brief, q, sentences, someOf } from '../format.ts';
import { decodeHelmRelease, helmReleaseSelector, helmRevision, type HelmRelease } from '../helm-release.ts';
import { inNamespace } from '../params.ts';

const revision = z.number().int('muss eine ganze Zahl sein').min(1, 'Revisionen beginnen bei 1');

export const helmReleaseDeployed = defineCheck({
  id: 'helm-release-deployed',
  title: 'Helm-Release ist installiert',
  params: z
    .strictObject({
      release: z
        .string()
        .max(53, 'Helm erlaubt höchstens 53 Zeichen')
        .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'ist kein gültiger Release-Name'),
      /** Exactly this revision must be the deployed one (e.g. 2 after one upgrade). */
      revision: revision.optional(),
      /** At least this revision (tolerates extra upgrades). */
      minRevision: revision.optional(),
      /** Chart name, e.g. "shop". */
      chart: z.string().min(1).optional(),
      chartVersion: z.string().min(1).optional(),
      /**
       * Values the deployed revision must have been given (--set/-f), by dotted path, e.g.
       * { replicaCount: 3 }: with minRevision, a step accepts a later revision after a
       * failed upgrade as long as the values are the ones asked for.
       */
      values: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
      /** The deployed revision must be a `helm rollback` to this revision. */
      rolledBackTo: revision.optional(),
      namespace: inNamespace,
    })
    .refine((p) => p.revision === undefined || p.minRevision === undefined, {
      message: 'nur revision oder minRevision angeben, nicht beide',
    }),
  async run({ release, revision: exact, minRevision, chart, chartVersion, values, rolledBackTo, namespace: explicit }, ctx) {
    const namespace = explicit ?? ctx.namespace;
    const { core } = ctx.kube;
    const labelSelector = helmReleaseSelector(release);
    const revisions = (await core.listNamespacedSecret({ namespace, labelSelector })).items
      .map(helmRevision)
      .filter((r) => r !== undefined)
      .sort((a, b) => a.revision - b.revision);
    const hint = `Nachsehen: helm history ${release} -n ${namespace}`;

    if (revisions.length === 0) {
      const elsewhere = [
        ...new Set(
          (await core.listSecretForAllNamespaces({ labelSelector })).items
            .map((secret) => secret.metadata?.namespace)
            .filter((ns): ns is string => ns !== undefined),
        ),
      ];
      const data = { release, namespace, installed: false, elsewhere };
      if (elsewhere.length > 0) {
        return fail(
          sentences(
            `Das Helm-Release ${q(release)} ist nicht im Namespace ${q(namespace)} installiert, sondern im Namespace ${someOf(elsewhere)}`,
            `Tipp: Installier es mit „-n ${namespace}“: „helm install ${release} <chart> -n ${namespace}“ (und entferne das andere mit „helm uninstall ${release} -n ${elsewhere[0]}“)`,
          ),
          { data, hint: `Nachsehen: helm list -A` },
        );
      }
      return fail(
        sentences(
          `Im Namespace ${q(namespace)} gibt es kein Helm-Release ${q(release)}`,
          `Tipp: Installier es mit „helm install ${release} <chart> -n ${namespace}“`,
        ),
        { data, hint: `Nachsehen: helm list -n ${namespace}` },
      );
    }

    const latest = revisions.at(-1)!;
    let decoded: HelmRelease | undefined;
    let decodeError: string | undefined;
    const encoded = latest.secret.data?.release;
    try {
      if (encoded) decoded = decodeHelmRelease(encoded);
    } catch (error) {
      decodeError = error instanceof Error ? error.message : String(error);
    }
    const status = decoded?.info.status ?? latest.status;
    const metadata = decoded?.chart?.metadata;
    const deployedBefore = revisions.filter((r) => r.status === 'deployed' && r !== latest).at(-1);
    const data = {
      release,
      namespace,
      revision: latest.revision,
      status,
      chart: metadata?.name ?? null,
      chartVersion: metadata?.version ?? null,
      appVersion: metadata?.appVersion ?? null,
      description: decoded?.info.description ? brief(decoded.info.description) : null,
      history: revisions.map((r) => ({ revision: r.revision, status: r.status })),
      ...(decodeError ? { decodeError } : {}),
    };
    const at = `Revision ${latest.revision}`;

    switch (status) {
      case 'deployed':
        break;
      case 'failed':
        return fail(
          sentences(
            `Die letzte Revision (${latest.revision}) des Helm-Release ${q(release)} ist fehlgeschlagen${
              data.description ? `: „${data.description}“` : ''
            }`,
            deployedBefore && `Aktiv ist weiterhin Revision ${deployedBefore.revision}`,
            `Tipp: Behebe den Fehler und führe „helm upgrade ${release} <chart> -n ${namespace}“ erneut aus${
              deployedBefore ? ` – oder kehre mit „helm rollback ${release} ${deployedBefore.revision} -n ${namespace}“ zurück` : ''
            }`,
          ),
          { data, hint },
        );
      case 'pending-install':
      case 'pending-upgrade':
      case 'pending-rollback':
        return notYet(
          sentences(
            `Helm arbeitet noch am Release ${q(release)} (${at}: ${status})`,
            `Tipp: Bleibt es dabei, wurde helm wohl abgebrochen – dann hilft „helm rollback ${release} -n ${namespace}“`,
          ),
          { data, hint },
        );
      case 'uninstalling':
        return notYet(`Das Helm-Release ${q(release)} wird gerade deinstalliert.`, { data, hint });
      case 'uninstalled':
        return fail(
          sentences(
            `Das Helm-Release ${q(release)} wurde deinstalliert (nur die Historie ist noch da)`,
            `Tipp: Installier es neu mit „helm install ${release} <chart> -n ${namespace}“ oder hol es mit „helm rollback ${release} ${latest.revision} -n ${namespace}“ zurück`,
          ),
          { data, hint },
        );
      default:
        return fail(`Das Helm-Release ${q(release)} steht bei ${at} im Status ${q(status)} statt ‚deployed‘.`, {
          data,
          hint,
        });
    }

    if (exact !== undefined && latest.revision !== exact) {
      return fail(
        sentences(
          `Das Helm-Release ${q(release)} ist installiert, steht aber bei ${at} statt bei Revision ${exact}`,
          latest.revision < exact
            ? `Tipp: Jedes „helm upgrade ${release} <chart> -n ${namespace}“ erzeugt eine neue Revision`
            : `Tipp: Mit „helm history ${release} -n ${namespace}“ siehst du, was die zusätzlichen Revisionen geändert haben`,
        ),
        { data, hint },
      );
    }
    if (minRevision !== undefined && latest.revision < minRevision) {
      return fail(
        sentences(
          `Das Helm-Release ${q(release)} ist installiert, steht aber erst bei ${at}, erwartet ist mindestens Revision ${minRevision}`,
          `Tipp: Jedes „helm upgrade ${release} <chart> -n ${namespace}“ erzeugt eine neue Revision`,
        ),
        { data, hint },
      );
    }
    const wrongValues = Object.entries(values ?? {})
      .map(([path, wanted]) => ({ path, wanted, found: valueAt(decoded?.config ?? {}, path) }))
      .filter(({ wanted, found }) => found === undefined || String(found) !== String(wanted));
    if (wrongValues.length > 0) {
      const shown = wrongValues.map(({ path, wanted, found }) =>
        found === undefined ? `${path} ist nicht gesetzt (erwartet ${wanted})` : `${path} ist ${String(found)} statt ${wanted}`,
      );
      return fail(
        sentences(
          `Das Helm-Release ${q(release)} steht bei ${at}, aber mit anderen Werten: ${shown.join('; ')}`,
          `Tipp: „helm upgrade ${release} <chart> ${wrongValues.map(({ path, wanted }) => `--set ${path}=${wanted}`).join(' ')} -n ${namespace}“; „helm get values ${release} -n ${namespace}“ zeigt, was gesetzt ist`,
        ),
        { data: { ...data, wrongValues }, hint },
      );
    }
    if (rolledBackTo !== undefined && decoded?.info.description !== `Rollback to ${rolledBackTo}`) {
      return fail(
        sentences(
          `Das Helm-Release ${q(release)} steht bei ${at}${data.description ? ` („${data.description}“)` : ''}, das ist kein Rollback auf Revision ${rolledBackTo}`,
          `Tipp: „helm rollback ${release} ${rolledBackTo} -n ${namespace}“ – Helm legt dabei eine neue Revision mit den Werten von Revision ${rolledBackTo} an`,
        ),
        { data, hint },
      );
    }
    if ((chart !== undefined || chartVersion !== undefined) && !metadata) {
      return fail(
        sentences(
          `Das Helm-Release ${q(release)} ist installiert (${at}), aber welches Chart es nutzt, ließ sich nicht lesen`,
          `Tipp: Sieh mit „helm list -n ${namespace}“ nach, welches Chart installiert ist`,
        ),
        { data, hint },
      );
    }
    if (chart !== undefined && metadata && metadata.name !== chart) {
      return fail(
        sentences(
          `Das Helm-Release ${q(release)} ist mit dem Chart ${q(metadata.name)} installiert statt mit ${q(chart)}`,
          `Tipp: „helm upgrade ${release} <pfad-zu-${chart}> -n ${namespace}“`,
        ),
        { data, hint },
      );
    }
    if (chartVersion !== undefined && metadata && metadata.version !== chartVersion) {
      return fail(
        sentences(
          `Das Helm-Release ${q(release)} nutzt den Chart ${q(metadata.name)} in Version ${metadata.version} statt ${chartVersion}`,
          `Tipp: „helm upgrade ${release} <chart> --version ${chartVersion} -n ${namespace}“ (bei einem lokalen Chart: version in Chart.yaml)`,
        ),
        { data, hint },
      );
    }
    const chartText = metadata ? ` mit dem Chart ${q(`${metadata.name}-${metadata.version}`)}` : '';
    const rollback = rolledBackTo !== undefined ? `, zurückgerollt auf Revision ${rolledBackTo}` : '';
    return pass(`Das Helm-Release ${q(release)} ist installiert (${at}${chartText}${rollback}, Status deployed).`, data);
  },
});


/** A value from Helm's nested config by dotted path ("image.tag"). */
function valueAt(config: Record<string, unknown>, path: string): unknown {
  let current: unknown = config;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
