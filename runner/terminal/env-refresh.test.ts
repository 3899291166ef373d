// A shell that is already open picks up the learner's cluster (KUBECONFIG) at its next
// prompt once the runner rewrites ~/.werkbank/env.sh, and loses it when the cluster goes.
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { runChecked } from '../process.ts';
import { prepareHome, writeEnvScript } from './shell.ts';

let home: string;

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'werkbank-env-'));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

/** An interactive bash (as in the terminal) that had `loaded` sourced at login, then
 * reaches its next prompt. */
async function nextPrompt(loaded: string): Promise<string> {
  return runChecked(
    'bash',
    ['--norc', '-i', '-c', `. ${loaded}; eval "$PROMPT_COMMAND"; echo "KUBECONFIG=[\${KUBECONFIG-}] KIND=[\${KIND_CLUSTER_NAME-}]"`],
    { env: { HOME: home, PATH: process.env.PATH ?? '/usr/bin:/bin', TERM: 'dumb' } },
  );
}

test('an open shell gets KUBECONFIG at its next prompt after the cluster is ready, with a notice, and loses it when the cluster is gone', async () => {
  const envFile = join(home, '.werkbank', 'env.sh');
  await prepareHome(home, { pathPrefix: ['/opt/werkbank/bin'] });
  await copyFile(envFile, join(home, 'before.sh'));
  await writeEnvScript(home, {
    pathPrefix: ['/opt/werkbank/bin'],
    env: { KUBECONFIG: '/data/learners/x/cluster/kubeconfig', KIND_CLUSTER_NAME: 'werkbank-1234abcd' },
    notice: 'Werkbank: Dein Cluster ist bereit',
  });
  const ready = await nextPrompt(join(home, 'before.sh'));
  expect(ready).toContain('Werkbank: Dein Cluster ist bereit');
  expect(ready).toContain('KUBECONFIG=[/data/learners/x/cluster/kubeconfig] KIND=[werkbank-1234abcd]');

  await copyFile(envFile, join(home, 'ready.sh'));
  await writeEnvScript(home, { pathPrefix: ['/opt/werkbank/bin'], notice: 'Werkbank: Dein Cluster ist weg' });
  const gone = await nextPrompt(join(home, 'ready.sh'));
  expect(gone).toContain('KUBECONFIG=[] KIND=[]');
  expect(gone).toContain('Dein Cluster ist weg');

  // Nothing changed since: no notice again, variables stay as they are.
  const unchanged = await nextPrompt(envFile);
  expect(unchanged).not.toContain('Werkbank:');
});
