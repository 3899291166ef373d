// Probes set (readiness, liveness, startup, as the lab asks) for a workload's containers.
import type { V1Probe } from '@kubernetes/client-node';
import { z } from 'zod';
import { defineCheck, fail, isVerdict, pass } from '../core.ts';
import { kubectl, list, q, sentences } from '../format.ts';
import { The, kinds, within } from '../missing.ts';
import { containerName, workloadParams } from '../params.ts';
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
  params: z.strictObject({
    ...workloadParams,
    probes: z.array(probeKind).min(1, 'nenne mindestens eine Probe').default(['readiness', 'liveness']),
    /** Only this container; by default every (main) container. */
    container: containerName.optional(),
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

