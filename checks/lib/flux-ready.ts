// A Flux GitRepository or Kustomization is Ready for its current generation; a
// Kustomization must also have applied exactly the revision its GitRepository holds now
// (lastAppliedRevision = the source's artifact revision), so a push the controller has
// not yet applied is "not yet", not a pass on the old state.
import { z } from 'zod';
import { defineCheck, fail, notYet, pass, type Verdict } from '../core.ts';
import { brief, kubectl, q, sentences, someOf } from '../format.ts';
import { listFluxNames, readFlux, readyCondition, type FluxKind, type GitRepository, type Kustomization } from '../flux.ts';
import type { KubeApi } from '../kube.ts';
import { inNamespace, objectName } from '../params.ts';

/** "main@sha1:0123456789abcdef…" → "main@sha1:0123456", as a person compares them with git log. */
export function shortRevision(revision: string): string {
  return revision.replace(/(sha1|sha256):([0-9a-f]{7})[0-9a-f]+/, '$1:$2');
}

const resource: Record<FluxKind, string> = { GitRepository: 'gitrepository', Kustomization: 'kustomization' };

export const fluxReady = defineCheck({
  id: 'flux-ready',
  title: 'Flux-Objekt ist bereit und aktuell',
  params: z.strictObject({
    kind: z.enum(['GitRepository', 'Kustomization']),
    name: objectName,
    namespace: inNamespace,
  }),
  async run({ kind, name, namespace: explicit }, ctx) {
    const namespace = explicit ?? ctx.namespace;
    const kube = ctx.kube;
    const hint = `Nachsehen: ${kubectl(`describe ${resource[kind]} ${name}`, namespace)}`;
    const object = await readFlux(kube, kind, name, namespace);
    if (!object) return missing(kube, kind, name, namespace);

    const data: Record<string, unknown> = { kind, name, namespace };
    const ready = readyCondition(object);
    const observed = object.status?.observedGeneration ?? -1;
    const generation = object.metadata.generation ?? 0;
    if (ready?.status === 'False') {
      return fail(
        sentences(
          `Die ${kind} ${q(name)} ist nicht bereit (${ready.reason ?? 'ohne Grund'}): ${brief(ready.message ?? '')}`,
          kind === 'GitRepository'
            ? 'Tipp: Stimmen URL und Branch, und hast du schon etwas in das Repository gepusht?'
            : 'Tipp: Die Meldung nennt die Datei oder das Objekt, an dem es hängt; korrigier es im Repository und pushe erneut',
        ),
        { data: { ...data, reason: ready.reason, message: ready.message }, hint },
      );
    }
    if (ready?.status !== 'True' || observed < generation) {
      return notYet(`Der Flux-Controller arbeitet noch an der ${kind} ${q(name)}${ready?.message ? ` (${brief(ready.message)})` : ''}.`, {
        data,
        hint,
      });
    }
    if (kind === 'GitRepository') {
      const revision = (object as GitRepository).status?.artifact?.revision;
      if (!revision) return notYet(`Die GitRepository ${q(name)} hat noch keinen Stand geholt.`, { data, hint });
      return pass(`Die GitRepository ${q(name)} ist bereit und hält Revision ${shortRevision(revision)}.`, { ...data, revision });
    }
    return kustomizationCurrent(kube, object as Kustomization, namespace, data, hint);
  },
});

async function kustomizationCurrent(
  kube: KubeApi,
  object: Kustomization,
  namespace: string,
  data: Record<string, unknown>,
  hint: string,
): Promise<Verdict> {
  const name = object.metadata.name;
  const applied = object.status?.lastAppliedRevision;
  const sourceRef = object.spec?.sourceRef;
  if (sourceRef?.kind !== 'GitRepository') {
    return fail(`Die Kustomization ${q(name)} bezieht ihre Manifeste nicht aus einer GitRepository (sourceRef.kind ist ${q(sourceRef?.kind ?? 'leer')}).`, {
      data,
      hint,
    });
  }
  const sourceNamespace = sourceRef.namespace ?? namespace;
  const source = await readFlux(kube, 'GitRepository', sourceRef.name, sourceNamespace);
  const head = source?.status?.artifact?.revision;
  const withRevisions = { ...data, source: sourceRef.name, applied: applied ?? null, head: head ?? null };
  if (!source) {
    return fail(`Die Kustomization ${q(name)} verweist auf die GitRepository ${q(sourceRef.name)}, die es im Namespace ${q(sourceNamespace)} nicht gibt.`, {
      data: withRevisions,
      hint,
    });
  }
  if (!head) return notYet(`Die GitRepository ${q(sourceRef.name)} hat noch keinen Stand geholt.`, { data: withRevisions, hint });
  if (applied !== head) {
    return notYet(
      sentences(
        `Die Kustomization ${q(name)} hat ${applied ? `Revision ${shortRevision(applied)}` : 'noch nichts'} angewendet, im Repository steht schon ${shortRevision(head)}`,
        `Der Controller holt das beim nächsten Abgleich nach; sofort geht es mit ${kubectl(`annotate --overwrite kustomization ${name} reconcile.fluxcd.io/requestedAt="$(date +%s)"`, namespace)}`,
      ),
      { data: withRevisions, hint },
    );
  }
  return pass(`Die Kustomization ${q(name)} ist bereit und hat den neuesten Stand ${shortRevision(head)} angewendet.`, withRevisions);
}

async function missing(kube: KubeApi, kind: FluxKind, name: string, namespace: string): Promise<Verdict> {
  const names = await listFluxNames(kube, kind, namespace);
  if (names === undefined) {
    return fail(
      sentences(
        `In diesem Cluster ist Flux nicht installiert (die API für ${kind} fehlt)`,
        'Tipp: Setz den Cluster mit „Cluster zurücksetzen“ zurück; das richtet Flux wieder ein',
      ),
      { data: { kind, name, namespace, installed: false }, hint: 'Nachsehen: kubectl get pods -n flux-system' },
    );
  }
  return fail(
    sentences(
      `Die ${kind} ${q(name)} gibt es im Namespace ${q(namespace)} nicht`,
      names.length > 0 ? `Dort gibt es ${someOf(names)}` : `Tipp: Leg sie mit „kubectl apply -f <datei> -n ${namespace}“ an`,
    ),
    { data: { kind, name, namespace, existing: names }, hint: `Nachsehen: ${kubectl(`get ${resource[kind]}`, namespace)}` },
  );
}
