// A Job ran to completion: a named Job, or at least one run of a CronJob (e.g. a backup
// started with `kubectl create job --from=cronjob/<name>`). Running Jobs are waited for.
import type { V1Container, V1CronJob, V1Job } from '@kubernetes/client-node';
import { z } from 'zod';
import { defineCheck, fail, notYet, pass, type Verdict } from '../core.ts';
import { count, kubectl, q, sentences } from '../format.ts';
import { readOrUndefined } from '../kube.ts';
import { sameImage } from '../images.ts';
import { byName, kinds, missingObject } from '../missing.ts';
import { inNamespace, objectName } from '../params.ts';

export type JobState = 'succeeded' | 'failed' | 'running';

/** From the Job's conditions: Complete, Failed, or neither yet. */
export function jobState(job: V1Job): JobState {
  const conditions = job.status?.conditions ?? [];
  if (conditions.some((c) => c.type === 'Complete' && c.status === 'True')) return 'succeeded';
  if (conditions.some((c) => c.type === 'Failed' && c.status === 'True')) return 'failed';
  return 'running';
}

function started(job: V1Job): number {
  return new Date(job.status?.startTime ?? job.metadata?.creationTimestamp ?? 0).getTime();
}

export const jobSucceeded = defineCheck({
  id: 'job-succeeded',
  title: 'Job ist erfolgreich durchgelaufen',
  params: z
    .strictObject({
      /** A CronJob: at least `minSucceeded` of its Jobs must have succeeded. */
      cronJob: objectName.optional(),
      /** Or one named Job. */
      job: objectName.optional(),
      minSucceeded: z.number().int().min(1).default(1),
      /**
       * The Job must be the lab's own: each of these containers (from the lab's file,
       * see labs/job-template.ts) runs in the Job with the same image and command.
       */
      template: z
        .strictObject({
          file: z.string().min(1),
          containers: z
            .array(
              z.strictObject({
                image: z.string().min(1),
                command: z.array(z.string()).optional(),
                args: z.array(z.string()).optional(),
              }),
            )
            .min(1),
        })
        .optional(),
      namespace: inNamespace,
    })
    .refine((p) => (p.cronJob === undefined) !== (p.job === undefined), {
      message: 'genau eines von cronJob und job angeben',
    }),
  timeoutMs: 20_000,
  async run({ cronJob: cronJobName, job: jobName, minSucceeded, template, namespace: explicit }, ctx) {
    const namespace = explicit ?? ctx.namespace;
    const { kube } = ctx;
    if (jobName !== undefined) {
      const job = await readOrUndefined(kube.batch.readNamespacedJob({ name: jobName, namespace }));
      if (!job) {
        return missingObject(kube, kinds.Job, jobName, namespace, {
          inNamespace: () => kube.batch.listNamespacedJob({ namespace }),
          everywhere: () => kube.batch.listJobForAllNamespaces({ fieldSelector: byName(jobName) }),
        });
      }
      const foreign = template && differs(job.spec?.template.spec?.containers ?? [], template);
      if (foreign) return notTheLabsJob(`Der Job ${q(jobName)}`, jobName, namespace, template.file, foreign);
      return verdictFor([job], `Der Job ${q(jobName)}`, namespace, 1);
    }

    const name = cronJobName ?? '';
    const [cronJob, jobs] = await Promise.all([
      readOrUndefined(kube.batch.readNamespacedCronJob({ name, namespace })),
      kube.batch.listNamespacedJob({ namespace }),
    ]);
    if (!cronJob) {
      return missingObject(kube, kinds.CronJob, name, namespace, {
        inNamespace: () => kube.batch.listNamespacedCronJob({ namespace }),
        everywhere: () => kube.batch.listCronJobForAllNamespaces({ fieldSelector: byName(name) }),
      });
    }
    // Scheduled runs and `kubectl create job --from=cronjob/…` both carry the CronJob as owner.
    const runs = jobs.items.filter((job) =>
      (job.metadata?.ownerReferences ?? []).some((owner) => owner.kind === 'CronJob' && owner.uid === cronJob.metadata?.uid),
    );
    const foreign = template && differs(cronJob.spec?.jobTemplate.spec?.template.spec?.containers ?? [], template);
    if (foreign) return notTheLabsJob(`Der CronJob ${q(name)}`, name, namespace, template.file, foreign, 'cronjob');
    if (runs.length === 0) return noRuns(cronJob, namespace);
    return verdictFor(runs, `Der CronJob ${q(name)}`, namespace, minSucceeded);
  },
});

type Template = { file: string; containers: { image: string; command?: string[] | undefined; args?: string[] | undefined }[] };

interface Difference {
  expected: string;
  found: string;
}

/** "sh -c nslookup web…": a container's command line, cut for a message. */
function commandLine(command: string[] | undefined, args: string[] | undefined): string {
  const line = [...(command ?? []), ...(args ?? [])].join(' ').replace(/\s+/g, ' ').trim();
  return line.length > 60 ? `${line.slice(0, 57)}…` : line;
}

/**
 * The first expected container no container of the Job matches (same image, same command
 * and arguments taken together, so `command` vs `args` may be split either way).
 */
export function differs(actual: V1Container[], template: Template): Difference | undefined {
  const argv = (c: { command?: string[] | undefined; args?: string[] | undefined }) =>
    JSON.stringify([...(c.command ?? []), ...(c.args ?? [])]);
  for (const wanted of template.containers) {
    const match = actual.some((c) => sameImage(wanted.image, c.image ?? '') && argv(c) === argv(wanted));
    if (match) continue;
    const sameImageRun = actual.find((c) => sameImage(wanted.image, c.image ?? ''));
    const shown = sameImageRun ?? actual[0];
    return {
      expected: `${wanted.image} mit „${commandLine(wanted.command, wanted.args)}“`,
      found: shown
        ? `${shown.image ?? '?'}${argv(shown) === '[]' ? ' ohne eigenes Kommando' : ` mit „${commandLine(shown.command, shown.args)}“`}`
        : 'keinen Container',
    };
  }
  return undefined;
}

function notTheLabsJob(
  subject: string,
  name: string,
  namespace: string,
  file: string,
  difference: Difference,
  kind: 'job' | 'cronjob' = 'job',
): Verdict {
  return fail(
    sentences(
      `${subject} ist nicht der aus ${file}: er startet ${difference.found}, erwartet ist ${difference.expected}`,
      `Tipp: Lösch ihn mit „${kubectl(`delete ${kind} ${name}`, namespace)}“ und leg ihn mit „kubectl apply -f ${file}“ neu an`,
    ),
    { data: { namespace, file, ...difference }, hint: `Nachsehen: ${kubectl(`get ${kind} ${name} -o yaml`, namespace)}` },
  );
}

function noRuns(cronJob: V1CronJob, namespace: string): Verdict {
  const name = cronJob.metadata?.name ?? '';
  const schedule = cronJob.spec?.schedule ?? '';
  const startNow = `„${kubectl(`create job --from=cronjob/${name} ${name}-manuell`, namespace)}“`;
  const data = { cronJob: name, namespace, schedule, suspended: cronJob.spec?.suspend === true, runs: 0 };
  if (cronJob.spec?.suspend) {
    return fail(
      sentences(
        `Der CronJob ${q(name)} ist angehalten (suspend: true) und hat noch keinen Job gestartet`,
        `Tipp: Setz suspend auf false oder starte einen Lauf von Hand mit ${startNow}`,
      ),
      { data },
    );
  }
  return fail(
    sentences(
      `Der CronJob ${q(name)} hat noch keinen Job gestartet; laut Zeitplan ${q(schedule)} kommt der nächste Lauf später`,
      `Tipp: Starte einen Lauf sofort mit ${startNow}`,
    ),
    { data, hint: `Nachsehen: ${kubectl(`get cronjob,jobs`, namespace)}` },
  );
}

function verdictFor(jobs: V1Job[], subject: string, namespace: string, minSucceeded: number): Verdict {
  const newestFirst = [...jobs].sort((a, b) => started(b) - started(a));
  const byState = (state: JobState) => newestFirst.filter((job) => jobState(job) === state);
  const succeeded = byState('succeeded');
  const failed = byState('failed');
  const running = byState('running');
  const names = (list: V1Job[]) => list.map((job) => job.metadata?.name ?? '');
  const data = {
    namespace,
    succeeded: names(succeeded),
    failed: names(failed),
    running: names(running),
    minSucceeded,
  };
  const latest = newestFirst[0]!;
  const latestName = latest.metadata?.name ?? '';
  const hint = `Nachsehen: ${kubectl(`logs job/${latestName}`, namespace)}`;

  if (succeeded.length >= minSucceeded) {
    const last = succeeded[0]!;
    return pass(
      minSucceeded === 1 && jobs.length === 1
        ? `${subject} ist erfolgreich durchgelaufen (${q(last.metadata?.name ?? '')}).`
        : `${subject} hat ${count(succeeded.length, 'erfolgreichen Lauf', 'erfolgreiche Läufe')}, zuletzt ${q(last.metadata?.name ?? '')}.`,
      data,
    );
  }
  if (running.length > 0) {
    return notYet(
      sentences(
        `${subject} läuft noch (${q(names(running)[0]!)})`,
        succeeded.length > 0 && `Erfolgreich waren bisher ${succeeded.length} von ${minSucceeded} erwarteten Läufen`,
        'Prüf gleich noch einmal',
      ),
      { data, hint },
    );
  }
  if (failed.length > 0 && jobState(latest) === 'failed') {
    const condition = latest.status?.conditions?.find((c) => c.type === 'Failed' && c.status === 'True');
    const reason = condition?.reason ? `${condition.reason}${condition.message ? `: ${condition.message}` : ''}` : '';
    return fail(
      sentences(
        `${subject === `Der Job ${q(latestName)}` ? subject : `Der letzte Lauf ${q(latestName)}`} ist fehlgeschlagen${reason ? ` (${reason})` : ''}`,
        `Tipp: Die Ausgabe zeigt, woran es lag: ${kubectl(`logs job/${latestName}`, namespace)}; ${kubectl(`describe job ${latestName}`, namespace)} zeigt die Ereignisse`,
      ),
      { data: { ...data, reason }, hint },
    );
  }
  return fail(
    sentences(
      `${subject} hat erst ${count(succeeded.length, 'erfolgreichen Lauf', 'erfolgreiche Läufe')}, erwartet ${minSucceeded === 1 ? 'ist' : 'sind'} ${minSucceeded}`,
      'Tipp: Starte weitere Läufe oder warte auf den nächsten Zeitpunkt des Zeitplans',
    ),
    { data, hint },
  );
}
