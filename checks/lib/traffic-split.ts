// What a sampling Job measured: its log counts answers per version (`uniq -c` lines,
// e.g. "    181 v1"), and the counts must fit the expected shares. A correct split sampled
// a few hundred times scatters (binomially for a random balancer), so each count may
// lie within 4.5 standard deviations of what the share predicts: a correct setup fails
// about once in a hundred thousand samples, while 50/50 passing for 90/10 (or the other
// way round) is out of reach. Versions with a share above 0 must answer at least once,
// versions with share 0 never.
import type { V1Pod } from '@kubernetes/client-node';
import { z } from 'zod';
import { defineCheck, fail, notYet, pass } from '../core.ts';
import { kubectl, list, q, sentences } from '../format.ts';
import { readOrUndefined } from '../kube.ts';
import { byName, kinds, missingObject } from '../missing.ts';
import { inNamespace, objectName } from '../params.ts';
import { jobState } from './job-succeeded.ts';

/** Standard deviations a count may stray from its expectation. */
export const TOLERANCE_SIGMAS = 4.5;

export const trafficSplit = defineCheck({
  id: 'traffic-split',
  title: 'Die gemessene Verteilung passt zu den Gewichten',
  params: z.strictObject({
    /** The sampling Job; its pod's log holds "<count> <version>" lines. */
    job: objectName,
    /** Version → expected share in percent (summing to 100); list a version with 0 that must not answer any more. */
    shares: z
      .record(z.string().regex(/^\S+$/, 'ohne Leerzeichen'), z.number().min(0).max(100))
      .refine((shares) => Math.abs(Object.values(shares).reduce((sum, share) => sum + share, 0) - 100) < 1e-9, 'die Anteile müssen zusammen 100 ergeben'),
    /** Fewer answers of the listed versions (timeouts, errors) make the sample too small. */
    minAnswers: z.number().int().min(10).default(150),
    namespace: inNamespace,
  }),
  timeoutMs: 20_000,
  async run({ job: jobName, shares, minAnswers, namespace: explicit }, ctx) {
    const namespace = explicit ?? ctx.namespace;
    const { kube } = ctx;
    const hint = `Nachsehen: ${kubectl(`logs job/${jobName}`, namespace)}`;
    const job = await readOrUndefined(kube.batch.readNamespacedJob({ name: jobName, namespace }));
    if (!job) {
      return missingObject(kube, kinds.Job, jobName, namespace, {
        inNamespace: () => kube.batch.listNamespacedJob({ namespace }),
        everywhere: () => kube.batch.listJobForAllNamespaces({ fieldSelector: byName(jobName) }),
      });
    }
    const state = jobState(job);
    const data: Record<string, unknown> = { namespace, job: jobName, shares };
    if (state === 'running') {
      return notYet(sentences(`Die Stichprobe ${q(jobName)} läuft noch`, 'Prüf gleich noch einmal'), { data, hint });
    }
    if (state === 'failed') {
      return fail(
        sentences(
          `Die Stichprobe ${q(jobName)} ist fehlgeschlagen`,
          `Tipp: Ihre Ausgabe zeigt, woran es lag: ${kubectl(`logs job/${jobName}`, namespace)}; starte sie danach neu (Job löschen, wieder anlegen)`,
        ),
        { data, hint },
      );
    }
    const pod = await succeededPod(ctx.kube.core.listNamespacedPod({ namespace, labelSelector: `batch.kubernetes.io/controller-uid=${job.metadata?.uid ?? ''}` }));
    if (!pod) {
      return fail(
        sentences(
          `Die Stichprobe ${q(jobName)} ist durchgelaufen, aber ihr Pod ist nicht mehr da, also auch nicht ihre Ausgabe`,
          `Tipp: Starte sie neu: ${kubectl(`delete job ${jobName}`, namespace)}, dann wieder anlegen`,
        ),
        { data, hint },
      );
    }
    const log = await kube.core.readNamespacedPodLog({ name: pod.metadata?.name ?? '', namespace });
    const counts = parseCounts(log);
    data.counts = counts;
    const verdict = judgeSplit(counts, shares, minAnswers);
    const measured = describeCounts(counts, shares);
    if (verdict.ok) return pass(`Die Stichprobe ${q(jobName)} hat ${measured} gezählt – das passt zu ${describeShares(shares)}.`, data);
    return fail(
      sentences(
        `Die Stichprobe ${q(jobName)} hat ${measured} gezählt; erwartet sind etwa ${describeShares(shares)}`,
        verdict.problem,
        `Tipp: Stimmen die Gewichte? Nach einer Änderung misst eine neue Stichprobe: ${kubectl(`delete job ${jobName}`, namespace)}, dann wieder anlegen`,
      ),
      { data, hint },
    );
  },
});

async function succeededPod(listed: Promise<{ items: V1Pod[] }>): Promise<V1Pod | undefined> {
  const pods = (await listed).items.filter((pod) => pod.status?.phase === 'Succeeded');
  const started = (pod: V1Pod) => new Date(pod.status?.startTime ?? pod.metadata?.creationTimestamp ?? 0).getTime();
  return pods.sort((a, b) => started(b) - started(a))[0];
}

/** "<count> <label>" lines (as `uniq -c` prints them) → label → count; other lines are ignored. */
export function parseCounts(log: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of log.split('\n')) {
    const match = /^\s*(\d+)\s+(\S+)\s*$/.exec(line);
    if (match) counts[match[2]!] = (counts[match[2]!] ?? 0) + Number(match[1]);
  }
  return counts;
}

/** The counts a version with this share may show among n answers. */
export function acceptedRange(n: number, share: number): [number, number] {
  if (share <= 0) return [0, 0];
  if (share >= 1) return [n, n];
  const mean = n * share;
  const spread = TOLERANCE_SIGMAS * Math.sqrt(n * share * (1 - share));
  return [Math.max(1, Math.ceil(mean - spread)), Math.min(n - 1, Math.floor(mean + spread))];
}

export function judgeSplit(counts: Record<string, number>, sharesInPercent: Record<string, number>, minAnswers: number): { ok: true } | { ok: false; problem: string } {
  const versions = Object.keys(sharesInPercent);
  const answers = versions.reduce((sum, version) => sum + (counts[version] ?? 0), 0);
  const others = Object.entries(counts).filter(([label]) => !versions.includes(label));
  if (answers < minAnswers) {
    return {
      ok: false,
      problem: sentences(
        `Das sind nur ${answers} Antworten der Versionen ${list(versions)}, zu wenige für ein Urteil (mindestens ${minAnswers})`,
        others.length > 0 && `Sonst kam: ${list(others.map(([label, n]) => `${n} × ${label}`))}`,
        'Antworten die Pods, und hängt die Route am Gateway?',
      ),
    };
  }
  for (const version of versions) {
    const seen = counts[version] ?? 0;
    const [low, high] = acceptedRange(answers, sharesInPercent[version]! / 100);
    if (seen >= low && seen <= high) continue;
    const expected =
      low === high ? `genau ${low}` : `zwischen ${low} und ${high}`;
    return { ok: false, problem: `Bei ${answers} Antworten erwartet: ${expected} × ${version}, gemessen ${seen}` };
  }
  return { ok: true };
}

function describeCounts(counts: Record<string, number>, shares: Record<string, number>): string {
  const labels = [...new Set([...Object.keys(shares), ...Object.keys(counts)])];
  return list(labels.filter((label) => (counts[label] ?? 0) > 0 || (shares[label] ?? 0) > 0).map((label) => `${counts[label] ?? 0} × ${label}`));
}

function describeShares(shares: Record<string, number>): string {
  return list(Object.entries(shares).map(([version, share]) => `${String(share).replace('.', ',')} % ${version}`));
}
