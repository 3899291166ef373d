// Resource requests and limits set for every container of a workload.
import { z } from 'zod';
import { defineCheck, fail, isVerdict, pass } from '../core.ts';
import { kubectl, list, sentences } from '../format.ts';
import { The, kinds } from '../missing.ts';
import { workloadParams } from '../params.ts';
import { allContainers, containerLabel, readWorkload } from '../workload.ts';

const resourceName = z.enum(['cpu', 'memory', 'ephemeral-storage']);

export const resourcesSet = defineCheck({
  id: 'resources-set',
  title: 'Requests und Limits sind für alle Container gesetzt',
  params: z.strictObject({
    ...workloadParams,
    requests: z.array(resourceName).default(['cpu', 'memory']),
    limits: z.array(resourceName).default(['cpu', 'memory']),
    /** Init containers too (they are scheduled with requests as well). */
    includeInitContainers: z.boolean().default(true),
  }),
  async run(params, ctx) {
    const namespace = params.namespace ?? ctx.namespace;
    const workload = await readWorkload(ctx, params);
    if (isVerdict(workload)) return workload;
    const containers = allContainers(workload.podSpec, params.includeInitContainers);
    const findings = containers.map((named) => {
      const resources = named.container.resources ?? {};
      // Kubernetes sets a missing request to the limit when it creates the Pod, so a
      // limit alone is a request too (the scheduler and the HPA see it that way).
      const fromLimits = params.requests.filter(
        (r) => resources.requests?.[r] === undefined && resources.limits?.[r] !== undefined,
      );
      const missing = [
        ...params.requests
          .filter((r) => resources.requests?.[r] === undefined && resources.limits?.[r] === undefined)
          .map((r) => `requests.${r}`),
        ...params.limits.filter((r) => resources.limits?.[r] === undefined).map((r) => `limits.${r}`),
      ];
      return { named, missing, fromLimits, requests: resources.requests ?? {}, limits: resources.limits ?? {} };
    });
    const data = {
      kind: params.kind,
      name: params.name,
      namespace,
      containers: findings.map(({ named, missing, fromLimits, requests, limits }) => ({
        container: named.container.name,
        requests,
        limits,
        missing,
        requestsFromLimits: fromLimits,
      })),
    };
    const what = The(kinds[params.kind], params.name);
    const bad = findings.filter((f) => f.missing.length > 0);
    if (bad.length === 0) {
      const set = [
        params.requests.length > 0 && `Requests (${params.requests.join(', ')})`,
        params.limits.length > 0 && `Limits (${params.limits.join(', ')})`,
      ].filter((x): x is string => typeof x === 'string');
      const defaulted = findings.some((f) => f.fromLimits.length > 0);
      return pass(
        sentences(
          `${what} setzt ${list(set)} für ${containers.length === 1 ? 'seinen Container' : `alle ${containers.length} Container`}`,
          defaulted &&
            'Wo nur ein Limit steht, übernimmt Kubernetes es als Request; schreib den Request ruhig ausdrücklich dazu, wenn er kleiner sein soll',
        ),
        data,
      );
    }
    const details = bad.map(
      ({ named, missing }) => `dem ${containerLabel(named)} ${missing.length === 1 ? 'fehlt' : 'fehlen'} ${list(missing)}`,
    );
    const example = `„resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {cpu: 500m, memory: 256Mi}}“`;
    return fail(
      sentences(
        `${what} hat nicht für alle Container Requests und Limits: ${details.join('; ')}`,
        `Tipp: Ergänze in jedem Container z. B. ${example}`,
      ),
      { data, hint: `Nachsehen: ${kubectl(`get ${params.kind.toLowerCase()} ${params.name} -o yaml`, namespace)}` },
    );
  },
});

