// Pod security for a workload: not privileged, runAsNonRoot, no privilege escalation,
// all capabilities dropped (what the "restricted" Pod Security Standard asks for).
import type { V1PodSecurityContext, V1SecurityContext } from '@kubernetes/client-node';
import { z } from 'zod';
import { defineCheck, fail, isVerdict, pass } from '../core.ts';
import { kubectl, list, q, sentences } from '../format.ts';
import { The, kinds, within } from '../missing.ts';
import { containerName, workloadParams } from '../params.ts';
import { allContainers, containerLabel, readWorkload, type NamedContainer } from '../workload.ts';

export const podSecurity = defineCheck({
  id: 'pod-security',
  title: 'Pod-Sicherheit: nicht als root, keine Rechteausweitung, Capabilities entzogen',
  params: z.strictObject({
    ...workloadParams,
    /** Only this container; by default all containers and init containers. */
    container: containerName.optional(),
    runAsNonRoot: z.boolean().default(true),
    /** allowPrivilegeEscalation must be false. */
    noPrivilegeEscalation: z.boolean().default(true),
    /** capabilities.drop must contain ALL. */
    dropAllCapabilities: z.boolean().default(true),
    readOnlyRootFilesystem: z.boolean().default(false),
  }),
  async run(params, ctx) {
    const namespace = params.namespace ?? ctx.namespace;
    const workload = await readWorkload(ctx, params);
    if (isVerdict(workload)) return workload;
    const podContext = workload.podSpec.securityContext;
    const containers = allContainers(workload.podSpec).filter(
      ({ container }) => params.container === undefined || container.name === params.container,
    );
    const hint = `Nachsehen: ${kubectl(`get ${params.kind.toLowerCase()} ${params.name} -o yaml`, namespace)}`;
    if (containers.length === 0) {
      return fail(`${within(kinds[params.kind], params.name)} gibt es keinen Container ${q(params.container ?? '')}.`, { hint });
    }
    const findings = containers.map((named) => ({
      container: named.container.name,
      problems: problemsOf(named, podContext, params),
    }));
    const data = { kind: params.kind, name: params.name, namespace, containers: findings };
    const bad = findings.filter((f) => f.problems.length > 0);
    const what = The(kinds[params.kind], params.name);
    if (bad.length === 0) {
      const checked = [
        'nicht privilegiert',
        params.runAsNonRoot && 'runAsNonRoot',
        params.noPrivilegeEscalation && 'allowPrivilegeEscalation: false',
        params.dropAllCapabilities && 'capabilities.drop: [ALL]',
        params.readOnlyRootFilesystem && 'readOnlyRootFilesystem',
      ].filter((x): x is string => typeof x === 'string');
      return pass(`${what} ist abgesichert: ${list(checked)} in ${containers.length === 1 ? 'seinem Container' : `allen ${containers.length} Containern`}.`, data);
    }
    const details = bad.map((f) => {
      const named = containers.find((c) => c.container.name === f.container)!;
      return `${containerLabel(named)}: ${list(f.problems)}`;
    });
    const privileged = bad.some((f) => f.problems.some((p) => p.startsWith('privileged')));
    return fail(
      sentences(
        `${what} ist noch nicht abgesichert. ${details.join('; ')}`,
        privileged && 'Ein privilegierter Container hat praktisch alle Rechte des Knotens',
        `Tipp: ${tipFields(params).length > 0 ? `Setz im securityContext jedes Containers ${list(tipFields(params))}` : ''}${
          privileged ? `${tipFields(params).length > 0 ? ' und lass' : 'Lass'} „privileged: true“ weg` : ''
        }${params.runAsNonRoot ? '; das Image muss dann als normaler Benutzer laufen können (oder du setzt runAsUser: 1000)' : ''}`,
      ),
      { data, hint },
    );
  },
});

interface Wanted {
  runAsNonRoot: boolean;
  noPrivilegeEscalation: boolean;
  dropAllCapabilities: boolean;
  readOnlyRootFilesystem: boolean;
}

function problemsOf({ container }: NamedContainer, pod: V1PodSecurityContext | undefined, wanted: Wanted): string[] {
  const own: V1SecurityContext = container.securityContext ?? {};
  const problems: string[] = [];
  if (own.privileged === true) problems.push('privileged: true');
  if (wanted.runAsNonRoot) {
    const nonRoot = own.runAsNonRoot ?? pod?.runAsNonRoot;
    const user = own.runAsUser ?? pod?.runAsUser;
    if (user === 0) problems.push('runAsUser: 0 (root)');
    else if (nonRoot !== true) problems.push(nonRoot === false ? 'runAsNonRoot: false' : 'runAsNonRoot fehlt');
  }
  if (wanted.noPrivilegeEscalation && own.allowPrivilegeEscalation !== false) {
    problems.push(
      own.allowPrivilegeEscalation === true ? 'allowPrivilegeEscalation: true' : 'allowPrivilegeEscalation: false fehlt',
    );
  }
  if (wanted.dropAllCapabilities) {
    const drop = own.capabilities?.drop ?? [];
    if (!drop.some((c) => c.toUpperCase() === 'ALL')) {
      problems.push(drop.length > 0 ? `capabilities.drop enthält nicht ALL (nur ${drop.join(', ')})` : 'capabilities.drop: [ALL] fehlt');
    }
    // "restricted" allows adding back NET_BIND_SERVICE (ports below 1024), nothing else.
    const added = (own.capabilities?.add ?? []).filter((c) => c.toUpperCase().replace(/^CAP_/, '') !== 'NET_BIND_SERVICE');
    if (added.length > 0) problems.push(`capabilities.add gibt ${added.join(', ')} zurück`);
  }
  if (wanted.readOnlyRootFilesystem && own.readOnlyRootFilesystem !== true) problems.push('readOnlyRootFilesystem: true fehlt');
  return problems;
}

function tipFields(wanted: Wanted): string[] {
  return [
    wanted.runAsNonRoot && '„runAsNonRoot: true“',
    wanted.noPrivilegeEscalation && '„allowPrivilegeEscalation: false“',
    wanted.dropAllCapabilities && '„capabilities: {drop: [ALL]}“',
    wanted.readOnlyRootFilesystem && '„readOnlyRootFilesystem: true“',
  ].filter((x): x is string => typeof x === 'string');
}
