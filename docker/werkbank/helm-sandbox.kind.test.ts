// Werkbank installed with its Helm chart in learner mode "sandbox" on a 1-node kind
// cluster (a school's node set aside for sandboxes, in small), used the way the page
// uses it: a ticket over HTTP, the terminal over the websocket, "Prüfen" over HTTP. The
// learner's sandbox is a privileged pod with its own Docker and kind cluster inside
// (four levels here: kind node container → pod → the pod's dockerd → the learner's kind
// node); the compose lab, which needs exactly that (docker build, kind load, a
// Deployment of the image), passes "Prüfen" step by step after its solutions were typed
// into the learner's terminal. The learner's home is their claim (local-path here): after
// their sandbox pod was deleted, their next shell is in a new one with the file written
// before.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../checks/testing/wait.ts';
import { newLearner, type Learner, type TerminalClient } from '../../runner/testing/terminal-client.ts';
import { connectLearner, type HelmCluster } from './helm-cluster.ts';
import { startSandboxHelmCluster, stepSeconds, waitForLearnerCluster } from './helm-sandbox-cluster.ts';

const LAB = 'compose-zu-kubernetes';
const SOLUTIONS = new URL(`../../labs/${LAB}/solutions/`, import.meta.url).pathname;
const cluster = `wb-sbx-${randomBytes(3).toString('hex')}`;
const sessionsNamespace = 'werkbank-sessions';
let dir: string;
let helm: HelmCluster;
let learner: Learner;
let terminal: TerminalClient;

/** A script typed into the shell as one line (line continuations and quotes intact). */
function scriptCommand(script: string): string {
  return `echo ${Buffer.from(script).toString('base64')} | base64 -d | bash -euo pipefail`;
}

/** "Prüfen" as the page sends it; a 409 (cluster not handed over yet) is asked again. */
async function check(step: string): Promise<{ passed: boolean; results: unknown[] }> {
  return waitFor(
    `„Prüfen“ für ${step} antwortet`,
    async () => {
      const response = await fetch(`${helm.baseUrl}/api/labs/${LAB}/steps/${step}/check`, {
        method: 'POST',
        headers: { origin: helm.baseUrl, cookie: learner.cookie },
        signal: AbortSignal.timeout(180_000),
      });
      if (response.status === 409) return undefined;
      expect(response.status).toBe(200);
      return (await response.json()) as { passed: boolean; results: unknown[] };
    },
    { timeoutMs: 300_000, intervalMs: 2_000 },
  );
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'werkbank-helm-sandbox-'));
  helm = await startSandboxHelmCluster({ name: cluster, dir });
}, 2_400_000);

afterAll(async () => {
  await terminal?.close().catch(() => undefined);
  if (process.env.WERKBANK_KEEP_HELM_CLUSTER !== '1') await helm?.delete();
  await rm(dir, { recursive: true, force: true });
}, 300_000);

describe('Helm chart, learner mode "sandbox", on 1 node', () => {
  it("a learner opening the page gets a shell in a privileged sandbox pod with a Docker of their own, then their own kind cluster", async () => {
    learner = await newLearner(helm.baseUrl);
    const opened = performance.now();
    terminal = await connectLearner(helm.baseUrl, learner, 900_000);
    // Figures for the note, not limits.
    const toPrompt = (performance.now() - opened) / 1000;
    expect((await terminal.run('hostname', 60_000)).trim()).toBe('werkbank');
    expect((await terminal.run('id -u', 60_000)).trim()).toBe('0');
    expect((await terminal.run("docker version --format '{{.Server.Version}}'", 60_000)).trim()).toMatch(/^\d+\.\d+/);
    const pods = await helm.core.listNamespacedPod({ namespace: sessionsNamespace });
    expect(pods.items).toHaveLength(1);
    expect(pods.items[0]!.spec?.containers[0]!.securityContext?.privileged).toBe(true);

    const ready = await waitForLearnerCluster(helm.baseUrl, learner);
    console.log(`[helm-sandbox] Seite geöffnet → Prompt im Sandbox-Pod: ${toPrompt.toFixed(1)} s; Cluster bereit nach ${((ready.readyAt! - ready.startedAt!) / 1000).toFixed(1)} s (${stepSeconds(ready).join(', ')})`);
    // The learner's kind cluster, from the learner's own shell.
    expect(await terminal.run('kubectl get nodes --no-headers 2>&1', 120_000)).toMatch(/kind-control-plane\s+Ready/);
    expect(await terminal.run('kind get clusters 2>&1', 60_000)).toContain('kind');
  }, 2_400_000);

  it('the compose lab passes "Prüfen" step by step after its solutions were typed into the terminal, and not before', async () => {
    expect((await check('namespace')).passed).toBe(false);
    expect((await check('image-laden')).passed).toBe(false);
    expect(await terminal.run(`cd ~/${LAB} && ls`, 60_000)).toContain('shop.yaml');
    for (const step of ['namespace', 'image-laden', 'deployment', 'ausprobieren']) {
      const script = await readFile(join(SOLUTIONS, `${step}.sh`), 'utf8');
      const output = await terminal.run(`${scriptCommand(script)}; echo "exit=$?"`, 600_000);
      expect(output, output).toContain('exit=0');
      const answer = await check(step);
      expect(answer.passed, JSON.stringify(answer.results)).toBe(true);
    }
  }, 1_800_000);

  it("the learner's sandbox pod is deleted (a lost node): their next shell is in a new sandbox pod on the same home claim, with the file written before", async () => {
    expect(await terminal.run('echo notiz-aus-der-sandbox > ~/notiz.txt && echo ok', 60_000)).toContain('ok');
    const [before] = (await helm.core.listNamespacedPod({ namespace: sessionsNamespace })).items;
    const claimOf = (pod: typeof before) => pod?.spec?.volumes?.find((volume) => volume.name === 'home')?.persistentVolumeClaim?.claimName;
    expect(claimOf(before)).toMatch(/^home-/);
    await helm.core.deleteNamespacedPod({ name: before!.metadata!.name!, namespace: sessionsNamespace });
    // The shell ends with its pod, and the page's socket with it.
    await terminal.closed;
    // Its cluster went with the pod: the runner makes the learner a new sandbox.
    terminal = await connectLearner(helm.baseUrl, learner, 900_000);
    expect((await terminal.run('cat ~/notiz.txt', 60_000)).trim()).toBe('notiz-aus-der-sandbox');
    const after = (await helm.core.listNamespacedPod({ namespace: sessionsNamespace })).items.filter((pod) => !pod.metadata?.deletionTimestamp);
    expect(after).toHaveLength(1);
    expect(after[0]!.metadata?.uid).not.toBe(before!.metadata?.uid);
    expect(claimOf(after[0])).toBe(claimOf(before));
  }, 1_200_000);
});
