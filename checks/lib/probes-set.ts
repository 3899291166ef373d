// Probes set (readiness, liveness, startup, as the lab asks) for a workload's containers.
import type { V1Pod, V1Probe } from '@kubernetes/client-node';
import { z } from 'zod';
import { defineCheck, fail, isVerdict, notYet, pass, type CheckRunContext, type Verdict } from '../core.ts';
import { kubectl, list, q, sentences } from '../format.ts';
import { The, kinds, within } from '../missing.ts';
import { containerName, workloadParams } from '../params.ts';
import { ownedByDeployment } from '../pods.ts';
import { readWorkload } from '../workload.ts';

const probeKind = z.enum(['readiness', 'liveness', 'startup']);
type ProbeKind = z.output<typeof probeKind>;

const field: Record<ProbeKind, 'readinessProbe' | 'livenessProbe' | 'startupProbe'> = {
  readiness: 'readinessProbe',
  liveness: 'livenessProbe',
  startup: 'startupProbe',
};

export const probesSet = defineCheck({
  id: 'probes-set',
  title: 'Probes sind gesetzt',
  // A failing readiness probe shows only after its first round (see firstProbeSeconds).
  timeoutMs: 20_000,
  params: z.strictObject({
    ...workloadParams,
    probes: z.array(probeKind).min(1, 'nenne mindestens eine Probe').default(['readiness', 'liveness']),
    /** Only this container; by default every (main) container. */
    container: containerName.optional(),
    /**
     * The step is about a probe that fails: a pod must show that failure (readiness: running
     * but not ready; liveness: restarted by it), not merely have the probe.
     */
    failing: z.boolean().default(false),
  }),
  async run(params, ctx) {
    const namespace = params.namespace ?? ctx.namespace;
    const workload = await readWorkload(ctx, params);
    if (isVerdict(workload)) return workload;
    const hint = `Nachsehen: ${kubectl(`get ${params.kind.toLowerCase()} ${params.name} -o yaml`, namespace)}`;
    const containers = workload.podSpec.containers.filter(
      (c) => params.container === undefined || c.name === params.container,
    );
    if (containers.length === 0) {
      return fail(`${within(kinds[params.kind], params.name)} gibt es keinen Container ${q(params.container ?? '')}.`, { hint });
    }
    const findings = containers.map((container) => ({
      container: container.name,
      probes: Object.fromEntries(params.probes.map((p) => [p, describeProbe(container[field[p]])])),
      missing: params.probes.filter((p) => !container[field[p]]).map((p) => field[p]),
    }));
    const data = { kind: params.kind, name: params.name, namespace, containers: findings };
    const what = The(kinds[params.kind], params.name);
    const bad = findings.filter((f) => f.missing.length > 0);
    if (bad.length === 0 && params.failing) return failingVerdict(ctx, params, namespace, containers.map((c) => c.name));
    if (bad.length === 0) {
      const one = findings[0]!;
      const detail = params.probes.map((p) => `${field[p]} (${one.probes[p]})`);
      return pass(
        `${what} hat ${list(params.probes.map((p) => field[p]))} in ${
          containers.length === 1 ? `seinem Container: ${list(detail)}` : `allen ${containers.length} Containern`
        }.`,
        data,
      );
    }
    const details = bad.map(
      (f) => `dem Container ${q(f.container)} ${f.missing.length === 1 ? 'fehlt die' : 'fehlen'} ${list(f.missing)}`,
    );
    return fail(
      sentences(
        `${what} hat noch nicht alle Probes: ${details.join('; ')}`,
        `Tipp: Ergänze im Container z. B. „${bad[0]!.missing[0]}: {httpGet: {path: /, port: 80}, periodSeconds: 5}“ (oder tcpSocket/exec, je nach Anwendung)`,
      ),
      { data, hint },
    );
  },
});

/** "httpGet :80/healthz", "tcpSocket :5432", "exec pg_isready"… */
function describeProbe(probe: V1Probe | undefined): string | null {
  if (!probe) return null;
  if (probe.httpGet) return `httpGet ${probe.httpGet.path ?? '/'} auf Port ${probe.httpGet.port}`;
  if (probe.tcpSocket) return `tcpSocket auf Port ${probe.tcpSocket.port}`;
  if (probe.grpc) return `grpc auf Port ${probe.grpc.port}`;
  if (probe.exec) return `exec ${(probe.exec.command ?? []).join(' ')}`;
  return 'ohne Handler';
}


/** The workload's own pods (by owner, so another workload with overlapping labels does not count). */
function ownPods(pods: V1Pod[], kind: string, name: string): V1Pod[] {
  return pods.filter((pod) => {
    if (pod.metadata?.deletionTimestamp) return false;
    if (kind === 'Pod') return pod.metadata?.name === name;
    const owners = pod.metadata?.ownerReferences ?? [];
    if (kind === 'Deployment') return ownedByDeployment(pod, name);
    return owners.some((o) => o.kind === kind && o.name === name);
  });
}

async function failingVerdict(
  ctx: CheckRunContext,
  params: { kind: string; name: string; probes: ProbeKind[] },
  namespace: string,
  containerNames: string[],
): Promise<Verdict> {
  const what = The(kinds[params.kind as keyof typeof kinds], params.name);
  const hint = `Nachsehen: ${kubectl(`describe pod`, namespace)} (unten unter Events stehen die Probe-Fehler)`;
  const pods = ownPods((await ctx.kube.core.listNamespacedPod({ namespace })).items, params.kind, params.name);
  // Only pods made from the current template carry the probe the step is about.
  const statuses = pods.flatMap((pod) =>
    (pod.status?.containerStatuses ?? [])
      .filter((status) => containerNames.includes(status.name))
      .map((status) => ({ pod, status, spec: pod.spec?.containers.find((c) => c.name === status.name) })),
  );
  const data = { kind: params.kind, name: params.name, namespace, pods: pods.map((p) => p.metadata?.name ?? '') };
  for (const probe of params.probes) {
    const withProbe = statuses.filter((s) => s.spec?.[field[probe]] !== undefined);
    const running = withProbe.filter((s) => s.status.state?.running !== undefined);
    if (probe === 'readiness') {
      // A failing startup probe also keeps a pod unready; only after it the readiness probe decides.
      const unready = running.filter((s) => !s.status.ready && (s.spec?.startupProbe === undefined || s.status.started === true));
      // Every container is unready until its first probe: only one that stayed unready past
      // the first probe (initialDelaySeconds + periodSeconds, and some slack) shows a failure.
      const failing = unready.filter((s) => runningSeconds(s.status.state?.running?.startedAt) > firstProbeSeconds(s.spec?.readinessProbe));
      if (failing.length > 0) continue;
      if (running.some((s) => s.status.ready)) {
        return fail(
          sentences(
            `${what} hat eine Readiness-Probe, aber sie ist erfüllt: der Pod ${q(running.find((s) => s.status.ready)!.pod.metadata?.name ?? '')} ist bereit`,
            'In diesem Schritt soll sie scheitern. Tipp: Lass sie auf einen Pfad zeigen, den die App nicht kennt, z. B. /gibt-es-nicht',
          ),
          { data, hint },
        );
      }
      const young = unready[0];
      if (young) {
        return notYet(
          sentences(
            `Der Pod ${q(young.pod.metadata?.name ?? '')} läuft erst seit ${Math.max(0, Math.round(runningSeconds(young.status.state?.running?.startedAt)))} s und ist noch nicht bereit; ob die Readiness-Probe scheitert, zeigt sich nach ihrer ersten Runde (etwa ${firstProbeSeconds(young.spec?.readinessProbe)} s)`,
            'Prüf gleich noch einmal',
          ),
          { data, hint },
        );
      }
      return notYet(
        sentences(`${what} hat noch keinen laufenden Pod mit Readiness-Probe`, 'Prüf gleich noch einmal'),
        { data, hint },
      );
    }
    if (probe === 'liveness') {
      const restarted = withProbe.filter((s) => (s.status.restartCount ?? 0) > 0);
      if (restarted.length > 0) {
        // A restart proves the probe only when the kubelet says the probe caused it: a
        // container that crashes by itself (a wrong command) restarts just the same.
        if (await killedByLiveness(ctx, namespace, restarted.map((s) => s.pod.metadata?.name ?? ''))) continue;
        const [first] = restarted;
        const pod = first!.pod.metadata?.name ?? '';
        const ended = first!.status.lastState?.terminated;
        return fail(
          sentences(
            `Der Container ${q(first!.status.name)} im Pod ${q(pod)} wurde neu gestartet, aber nicht von der Liveness-Probe: er endete selbst${
              ended ? ` (${ended.reason ?? 'beendet'}, Exit-Code ${ended.exitCode})` : ''
            }`,
            `Warum, zeigt „${kubectl(`logs ${pod} --previous`, namespace)}“`,
            'Tipp: Lass den Container normal laufen und die livenessProbe auf einen Port zeigen, auf dem die App nicht antwortet, z. B. tcpSocket auf 9999',
          ),
          { data, hint },
        );
      }
      const patient = running.some((s) => {
        const p = s.spec?.livenessProbe;
        const patienceMs = ((p?.initialDelaySeconds ?? 0) + (p?.periodSeconds ?? 10) * (p?.failureThreshold ?? 3) + 30) * 1000;
        return Date.now() - new Date(s.status.state?.running?.startedAt ?? Date.now()).getTime() > patienceMs;
      });
      if (patient) {
        return fail(
          sentences(
            `${what} hat eine Liveness-Probe, aber sie scheitert nicht: der Container läuft ohne Neustart länger, als die Probe bis zum ersten Neustart bräuchte`,
            'Tipp: Lass sie auf einen Port zeigen, auf dem die App nicht antwortet, z. B. tcpSocket auf 9999',
          ),
          { data, hint },
        );
      }
      return notYet(
        sentences(
          `${what} hat eine Liveness-Probe, die den Container noch nicht neu gestartet hat (RESTARTS 0)`,
          'Das dauert periodSeconds × failureThreshold nach dem Start; prüf gleich noch einmal. Scheitert sie nie, zeigt die Probe wohl auf einen Port, auf dem die App antwortet',
        ),
        { data, hint },
      );
    }
    if (!running.some((s) => s.status.started === false)) {
      return fail(
        sentences(`${what} hat eine Startup-Probe, aber sie scheitert nicht: der Container gilt als gestartet`, 'Tipp: Lass sie auf etwas zeigen, das die App nicht beantwortet'),
        { data, hint },
      );
    }
  }
  const names = list(params.probes.map((p) => field[p]));
  return pass(`${what} hat ${names}, und ${params.probes.length === 1 ? 'sie schlägt' : 'sie schlagen'} wie gewünscht fehl.`, data);
}

function runningSeconds(startedAt: Date | string | undefined): number {
  return startedAt === undefined ? 0 : (Date.now() - new Date(startedAt).getTime()) / 1000;
}

/** When a readiness probe has had its first chance to succeed, in seconds after the start. */
function firstProbeSeconds(probe: V1Probe | undefined): number {
  return (probe?.initialDelaySeconds ?? 0) + (probe?.periodSeconds ?? 10) + 5;
}

/**
 * Whether the kubelet restarted a container of these pods because its liveness probe
 * failed: its events "Liveness probe failed: …" (Unhealthy) or "Container … failed
 * liveness probe, will be restarted" (Killing).
 */
async function killedByLiveness(ctx: CheckRunContext, namespace: string, pods: string[]): Promise<boolean> {
  const events = await ctx.kube.core.listNamespacedEvent({ namespace, fieldSelector: 'involvedObject.kind=Pod' });
  return events.items.some(
    (event) =>
      pods.includes(event.involvedObject.name ?? '') &&
      ((event.reason === 'Killing' && /failed liveness probe/i.test(event.message ?? '')) ||
        (event.reason === 'Unhealthy' && /^Liveness probe failed/i.test(event.message ?? ''))),
  );
}
