// kwok completes pods owned by a Job (its pod-complete stage); the Job and CronJob
// controllers of kube-controller-manager do the rest, as in a real cluster.
import { BatchV1Api, type V1CronJob, type V1Job, type V1PodSpec } from '@kubernetes/client-node';
import { describe, expect } from 'vitest';
import { container, runCheck } from '../testing/check-helpers.ts';
import type { KubeClients } from '../testing/kube-clients.ts';
import { kwokTest as test } from '../testing/kwok-test.ts';
import { jobSucceeded } from './job-succeeded.ts';
import { jobTemplate } from '../../labs/job-template.ts';

const labsDir = new URL('../../labs/', import.meta.url).pathname;

function batch(kube: KubeClients): BatchV1Api {
  return kube.config.makeApiClient(BatchV1Api);
}

const backupPod: V1PodSpec = {
  restartPolicy: 'OnFailure',
  containers: [container({ name: 'backup', image: 'postgres:16', command: ['sh', '-c', 'pg_dump > /backups/dump.sql'] })],
};

function cronJob(suspend = false): V1CronJob {
  return {
    metadata: { name: 'postgres-backup' },
    spec: {
      // Once a year: the test decides when a run happens.
      schedule: '0 3 1 1 *',
      suspend,
      jobTemplate: { spec: { backoffLimit: 0, template: { spec: backupPod } } },
    },
  };
}

/** What `kubectl create job --from=cronjob/postgres-backup backup-jetzt` creates. */
async function runNow(kube: KubeClients, namespace: string, podSpec: V1PodSpec = backupPod, deadline?: number) {
  const owner = await batch(kube).readNamespacedCronJob({ name: 'postgres-backup', namespace });
  const job: V1Job = {
    metadata: {
      name: 'backup-jetzt',
      annotations: { 'cronjob.kubernetes.io/instantiate': 'manual' },
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'postgres-backup', uid: owner.metadata!.uid! }],
    },
    spec: { backoffLimit: 0, ...(deadline ? { activeDeadlineSeconds: deadline } : {}), template: { spec: podSpec } },
  };
  await batch(kube).createNamespacedJob({ namespace, body: job });
}

describe('job-succeeded', () => {
  test.concurrent('passes once a run of the CronJob has completed', async ({ kube, namespace }) => {
    await batch(kube).createNamespacedCronJob({ namespace, body: cronJob() });
    await runNow(kube, namespace);

    const result = await runCheck(kube, namespace, jobSucceeded, { cronJob: 'postgres-backup' }, { timeoutMs: 30_000 });

    expect(result.message).toBe('Der CronJob ‚postgres-backup‘ ist erfolgreich durchgelaufen (‚backup-jetzt‘).');
    expect(result.passed).toBe(true);
  });

  test.concurrent('no run yet: says how to start one now', async ({ kube, namespace }) => {
    await batch(kube).createNamespacedCronJob({ namespace, body: cronJob() });

    const result = await runCheck(kube, namespace, jobSucceeded, { cronJob: 'postgres-backup' });

    expect(result.passed).toBe(false);
    expect(result.message).toContain('Der CronJob ‚postgres-backup‘ hat noch keinen Job gestartet');
    expect(result.message).toContain(
      `„kubectl create job --from=cronjob/postgres-backup postgres-backup-manuell -n ${namespace}“`,
    );
  });

  test.concurrent('a suspended CronJob', async ({ kube, namespace }) => {
    await batch(kube).createNamespacedCronJob({ namespace, body: cronJob(true) });

    const result = await runCheck(kube, namespace, jobSucceeded, { cronJob: 'postgres-backup' });

    expect(result.passed).toBe(false);
    expect(result.message).toContain('Der CronJob ‚postgres-backup‘ ist angehalten (suspend: true)');
  });

  test.concurrent('the run failed (its pod never started before the deadline): names the reason and the logs', async ({
    kube,
    namespace,
  }) => {
    await batch(kube).createNamespacedCronJob({ namespace, body: cronJob() });
    await runNow(kube, namespace, { ...backupPod, nodeSelector: { disktype: 'ssd' } }, 2);

    const result = await runCheck(kube, namespace, jobSucceeded, { cronJob: 'postgres-backup' }, { timeoutMs: 20_000 });

    expect(result.passed).toBe(false);
    expect(result.timedOut).toBeUndefined();
    expect(result.message).toContain('Der letzte Lauf ‚backup-jetzt‘ ist fehlgeschlagen (DeadlineExceeded');
    expect(result.message).toContain(`kubectl logs job/backup-jetzt -n ${namespace}`);
  });

  test.concurrent('a named Job, and a CronJob that does not exist', async ({ kube, namespace }) => {
    await batch(kube).createNamespacedJob({
      namespace,
      body: { metadata: { name: 'migration' }, spec: { template: { spec: { ...backupPod, restartPolicy: 'Never' } } } },
    });

    const job = await runCheck(kube, namespace, jobSucceeded, { job: 'migration' }, { timeoutMs: 30_000 });
    const missing = await runCheck(kube, namespace, jobSucceeded, { cronJob: 'sicherung' });

    expect(job.passed).toBe(true);
    expect(job.message).toBe('Der Job ‚migration‘ ist erfolgreich durchgelaufen (‚migration‘).');
    expect(missing.passed).toBe(false);
    expect(missing.message).toContain(`Im Namespace ‚${namespace}‘ gibt es keinen CronJob ‚sicherung‘`);
  });

  test('a lab names either a CronJob or a Job', () => {
    expect(jobSucceeded.params.safeParse({}).success).toBe(false);
    expect(jobSucceeded.params.safeParse({ cronJob: 'a', job: 'b' }).success).toBe(false);
    expect(jobSucceeded.params.safeParse({ cronJob: 'a' }).success).toBe(true);
  });

  // Near miss: the name alone must not do; the Job has to run what the lab's file runs.
  test.concurrent('a Job of the right name that runs something else fails; the one from the lab file passes', async ({ kube, namespace }) => {
    const template = jobTemplate(`${labsDir}services`, 'files/abruf.yaml');
    const wanted = template.containers[0]!;
    const job = (name: string, spec: V1PodSpec): V1Job => ({ metadata: { name }, spec: { backoffLimit: 0, template: { spec } } });
    await batch(kube).createNamespacedJob({
      namespace,
      body: job('abruf', { restartPolicy: 'Never', containers: [container({ name: 'abruf', image: 'werkbank/toolbox:1', command: ['true'] })] }),
    });

    const fake = await runCheck(kube, namespace, jobSucceeded, { job: 'abruf', template }, { timeoutMs: 30_000 });

    expect(fake.passed).toBe(false);
    expect(fake.message).toBe(
      `Der Job ‚abruf‘ ist nicht der aus abruf.yaml: er startet werkbank/toolbox:1 mit „true“, erwartet ist werkbank/toolbox:1 mit „sh -c nslookup web.services.svc.cluster.local. && wget -q…“. Tipp: Lösch ihn mit „kubectl delete job abruf -n ${namespace}“ und leg ihn mit „kubectl apply -f abruf.yaml“ neu an.`,
    );

    await batch(kube).createNamespacedJob({
      namespace,
      body: job('abruf-echt', {
        restartPolicy: 'Never',
        containers: [container({ name: 'abruf', image: 'docker.io/werkbank/toolbox:1', command: wanted.command! })],
      }),
    });
    const real = await runCheck(kube, namespace, jobSucceeded, { job: 'abruf-echt', template }, { timeoutMs: 30_000 });

    expect(real.message).toBe('Der Job ‚abruf-echt‘ ist erfolgreich durchgelaufen (‚abruf-echt‘).');
    expect(real.passed).toBe(true);
  });

  test.concurrent('a CronJob whose runs do not back up fails before its runs are counted', async ({ kube, namespace }) => {
    const template = { file: 'backup.yaml', containers: [{ image: 'postgres:16', command: ['sh', '-c', 'pg_dump > /backups/dump.sql'] }] };
    const fake = cronJob();
    fake.spec!.jobTemplate.spec!.template.spec = { ...backupPod, containers: [container({ name: 'backup', image: 'postgres:17', command: ['sh', '-c', 'pg_dump > /backups/dump.sql'] })] };
    await batch(kube).createNamespacedCronJob({ namespace, body: fake });

    const result = await runCheck(kube, namespace, jobSucceeded, { cronJob: 'postgres-backup', template });

    expect(result.passed).toBe(false);
    expect(result.message).toContain('Der CronJob ‚postgres-backup‘ ist nicht der aus backup.yaml: er startet postgres:17 mit');
    expect(result.message).toContain('erwartet ist postgres:16 mit');
  });
});
