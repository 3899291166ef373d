// Grading in learner mode "namespace": steps that need a cluster of their own are left out
// (nobody could have done them), never counted as failed.
import { KubeConfig } from '@kubernetes/client-node';
import { expect, test } from 'vitest';
import speicher from '../../labs/speicher/lab.ts';
import { gradeLearners } from './grade.ts';
import { labSchema } from './schema.ts';

test('a lab that needs a cluster gives no rows in a shared cluster', async () => {
  const lab = labSchema.parse(speicher);
  const shared = {
    kubeConfig: new KubeConfig(),
    namespace: 'werkbank-1a2b3c4d',
    clusterName: 'werkbank-1a2b3c4d',
    labNamespaces: { nameFor: (name: string) => `werkbank-1a2b3c4d-${name}`, start: async (name: string) => `werkbank-1a2b3c4d-${name}` },
  };
  const report = await gradeLearners([lab], ['lernende-a'], async () => shared);
  expect(report.learners).toBe(1);
  expect(report.rows).toEqual([]);
});
