// Grading end to end: the runner checks every step in each learner's cluster, and
// `werkbank grade` writes what it answers as JSON and CSV.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, expect } from 'vitest';
import { kwokTest } from '../../checks/testing/kwok-test.ts';
import type { LearnerCluster } from '../clusters/index.ts';
import { loadConfig, repoRoot } from '../config.ts';
import { labSchema } from '../labs/schema.ts';
import { learnerPseudonym } from '../progress/views.ts';
import { startRunner } from '../server.ts';

const run = promisify(execFile);
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

kwokTest('grade checks every learner with a cluster and writes CSV and JSON; without the token it is refused', async ({ kube, namespace }) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'werkbank-grade-'));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const lab = labSchema.parse({
    id: 'note',
    title: 'Bewertung',
    lesson: 'konfiguration',
    needs: 'namespace',
    namespace,
    steps: [
      { id: 'da', title: 'ConfigMap da', checks: [{ check: 'config-data', params: { name: 'abgabe' } }], hint: '-', solution: 'x.sh' },
      { id: 'fehlt', title: 'Secret da', checks: [{ check: 'config-data', params: { kind: 'Secret', name: 'geheim' } }], hint: '-', solution: 'y.sh' },
    ],
  });
  await kube.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'abgabe' }, data: { a: '1' } } });
  const cluster: LearnerCluster = { kubeConfig: kube.config, namespace: 'default', clusterName: 'kwok' };
  const runner = await startRunner(
    { ...loadConfig({}), host: '127.0.0.1', port: 0, dataDir, siteDir: null, instructorToken: 'lehr-token' },
    {
      labs: [lab],
      learnersWithClusters: () => ['lernende-mit-cluster', 'lernende-ohne-cluster'],
      clusterFor: async (learnerId) => (learnerId === 'lernende-mit-cluster' ? cluster : null),
    },
  );
  cleanups.push(() => runner.close());

  expect((await fetch(`${runner.url}/api/lehrende/grade`, { method: 'POST' })).status).toBe(401);

  const out = join(dataDir, 'noten');
  const cli = join(repoRoot, 'runner', 'cli', 'grade.ts');
  const { stdout } = await run(process.execPath, [cli, '--url', runner.url, '--token', 'lehr-token', '--out', out]);
  expect(stdout).toContain('1 Lernende, 1 von 2 Schritten bestanden, ohne Cluster: 1.');

  const report = JSON.parse(await readFile(join(out, 'grade.json'), 'utf8'));
  const who = learnerPseudonym('lernende-mit-cluster');
  expect(report.skipped).toEqual([learnerPseudonym('lernende-ohne-cluster')]);
  expect(report.rows).toMatchObject([
    { learner: who, lab: 'note', step: 'da', passed: true, missing: [] },
    { learner: who, lab: 'note', step: 'fehlt', passed: false },
  ]);
  expect(report.rows[1].missing[0]).toMatch(/^config-data: .*geheim/);
  // The learner's real id is their key to terminal and cluster: never in the export.
  expect(JSON.stringify(report)).not.toContain('lernende-mit-cluster');

  const csv = (await readFile(join(out, 'grade.csv'), 'utf8')).split('\n');
  expect(csv[0]).toBe('lernende;lab;schritt;bestanden;fehlt');
  expect(csv[1]).toBe(`${who};note;da;ja;`);
  expect(csv[2]).toMatch(new RegExp(`^${who};note;fehlt;nein;`));

  const refused = await run(process.execPath, [cli, '--url', runner.url, '--token', 'falsch', '--out', out]).catch((error: { code: number; stderr: string }) => error);
  expect(refused).toMatchObject({ code: 1 });
  expect((refused as { stderr: string }).stderr).toContain('Der Runner lehnt ab (401)');
});
