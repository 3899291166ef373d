// `werkbank lab test`: proves a lab works as written. On a cluster it gets the lab's
// setup, then for every step in order: its checks must fail (the learner has not done it
// yet), its solution script runs the way a learner would type it, and its checks must pass.
// A check that passes too early is as much a bug as one that never passes.
import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import type { NodeRuntime } from '../../checks/index.ts';
import { linkLearnerTools } from '../tools.ts';
import { labWorkDir, prepareLabFiles } from './learner-files.ts';
import type { LoadedLab } from './load.ts';
import { runStep, type StepOutcome } from './run-step.ts';

export interface SelfTestTarget {
  /** Admin kubeconfig of the cluster; the solutions get a private copy. */
  kubeconfigPath: string;
  /** For `kind load docker-image` in solutions. */
  clusterName?: string;
  nodeRuntime?: NodeRuntime;
}

export interface CheckOutcome {
  checkId: string;
  passed: boolean;
  message: string;
}

export interface PhaseReport {
  step: string;
  phase: 'setup' | 'vorher' | 'lösung' | 'nachher';
  ok: boolean;
  /** German: what went wrong, for the report. */
  problem?: string;
  checks?: CheckOutcome[];
  /** The solution's last lines of output. */
  output?: string;
  durationMs: number;
}

export interface LabReport {
  lab: string;
  ok: boolean;
  phases: PhaseReport[];
  durationMs: number;
}

/** Checks before the solution answer fast: what is not there yet need not be waited for. */
const BEFORE_TIMEOUT_MS = 5_000;
const SCRIPT_TIMEOUT_MS = 10 * 60_000;
const OUTPUT_TAIL_LINES = 30;

function checkOutcomes(outcome: StepOutcome): CheckOutcome[] {
  return outcome.results.map((result) => ({ checkId: result.checkId, passed: result.passed, message: result.message }));
}

/** Runs a command in the lab's working directory, keeping the tail of its output. */
function runCommand(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    const keep = (chunk: Buffer) => {
      lines.push(...chunk.toString('utf8').split('\n'));
      if (lines.length > OUTPUT_TAIL_LINES * 4) lines.splice(0, lines.length - OUTPUT_TAIL_LINES);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), SCRIPT_TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const output = lines.filter((line) => line.trim() !== '').slice(-OUTPUT_TAIL_LINES).join('\n');
      resolve({ ok: code === 0 && !signal, output: signal ? `${output}\n(abgebrochen nach ${SCRIPT_TIMEOUT_MS / 60_000} min)` : output });
    });
  });
}

async function deleteNamespace(kubeConfig: KubeConfig, namespace: string): Promise<void> {
  if (namespace === 'default') return;
  const core = kubeConfig.makeApiClient(CoreV1Api);
  try {
    await core.deleteNamespace({ name: namespace });
  } catch (error) {
    if ((error as { code?: number }).code === 404) return;
    throw error;
  }
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    try {
      await core.readNamespace({ name: namespace });
    } catch (error) {
      if ((error as { code?: number }).code === 404) return;
      throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  throw new Error(`Namespace ${namespace} ist nach 3 Minuten noch nicht gelöscht.`);
}

export interface SelfTestOptions {
  /** Progress lines for the terminal. */
  log?: (line: string) => void;
  /** Leave the lab's namespace for a look afterwards. */
  keep?: boolean;
}

export async function selfTestLab({ lab, dir }: LoadedLab, target: SelfTestTarget, options: SelfTestOptions = {}): Promise<LabReport> {
  const log = options.log ?? (() => {});
  const started = performance.now();
  const phases: PhaseReport[] = [];
  // A home like a learner's: the lab's files in ~/<lab>/, where the solutions run.
  const home = await mkdtemp(join(tmpdir(), `werkbank-lab-${lab.id}-`));
  const kubeconfigPath = join(home, '.kube', 'config');
  await mkdir(join(home, '.kube'));
  await copyFile(target.kubeconfigPath, kubeconfigPath);
  await prepareLabFiles(home, [{ lab, dir }]);
  // The learner's tools (kubectl, kind, helm), linked the way the runner links them.
  const toolDir = await linkLearnerTools(home);
  const workDir = labWorkDir(home, lab.id);
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(target.kubeconfigPath);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: home,
    KUBECONFIG: kubeconfigPath,
    PATH: [toolDir, process.env.PATH ?? '/usr/bin:/bin'].join(':'),
    WERKBANK_LAB: lab.id,
    ...(target.clusterName ? { KIND_CLUSTER_NAME: target.clusterName } : {}),
  };
  const context = (timeoutMs?: number) => ({
    kubeConfig,
    namespace: lab.namespace,
    ...(target.nodeRuntime ? { nodeRuntime: target.nodeRuntime } : {}),
    ...(timeoutMs ? { timeoutMs } : {}),
  });
  // A solution runs as a learner's shell would run it; setup manifests go through kubectl
  // like everything else a learner's cluster gets.
  const script = async (step: string, path: string, phase: 'setup' | 'lösung', kind: 'script' | 'manifest' = 'script'): Promise<boolean> => {
    const phaseStarted = performance.now();
    log(`  ${step}: ${path} läuft …`);
    const result =
      kind === 'script'
        ? await runCommand('bash', ['-euo', 'pipefail', join(dir, path)], workDir, env)
        : await runCommand('kubectl', ['apply', '-f', join(dir, path)], workDir, env);
    phases.push({
      step,
      phase,
      ok: result.ok,
      ...(result.ok ? {} : { problem: `${path} ist fehlgeschlagen` }),
      output: result.output,
      durationMs: performance.now() - phaseStarted,
    });
    if (!result.ok) log(`  ✗ ${path} ist fehlgeschlagen:\n${result.output.replace(/^/gm, '    ')}`);
    return result.ok;
  };

  try {
    // A fresh start: what an earlier run left in the lab's namespace would pass checks early.
    await deleteNamespace(kubeConfig, lab.namespace);
    let setupOk = true;
    for (const manifest of lab.setup?.manifests ?? []) setupOk &&= await script('setup', manifest, 'setup', 'manifest');
    if (setupOk && lab.setup?.script) setupOk = await script('setup', lab.setup.script, 'setup');
    if (setupOk) {
      for (const step of lab.steps) {
        let phaseStarted = performance.now();
        const before = await runStep(lab, step.id, context(BEFORE_TIMEOUT_MS));
        const early = before.passed;
        phases.push({
          step: step.id,
          phase: 'vorher',
          ok: !early,
          ...(early ? { problem: 'Die Prüfungen bestehen schon, bevor die Lösung lief.' } : {}),
          checks: checkOutcomes(before),
          durationMs: performance.now() - phaseStarted,
        });
        log(`  ${early ? '✗' : '✓'} ${step.id}: vorher ${early ? 'schon bestanden (Fehler im Lab)' : 'nicht bestanden, wie erwartet'}`);
        if (!(await script(step.id, step.solution, 'lösung'))) break;
        phaseStarted = performance.now();
        const after = await runStep(lab, step.id, context());
        phases.push({
          step: step.id,
          phase: 'nachher',
          ok: after.passed,
          ...(after.passed ? {} : { problem: 'Die Prüfungen bestehen nach der Lösung nicht.' }),
          checks: checkOutcomes(after),
          durationMs: performance.now() - phaseStarted,
        });
        log(`  ${after.passed ? '✓' : '✗'} ${step.id}: nach der Lösung ${after.passed ? 'bestanden' : 'NICHT bestanden'}`);
        for (const result of after.results.filter((r) => !r.passed)) log(`      ${result.checkId}: ${result.message}`);
        if (!after.passed) break;
      }
    }
  } finally {
    if (!options.keep) await deleteNamespace(kubeConfig, lab.namespace).catch((error: unknown) => log(`  Aufräumen: ${String(error)}`));
    await rm(home, { recursive: true, force: true });
  }
  const ok = phases.length > 0 && phases.every((phase) => phase.ok) && phases.filter((p) => p.phase === 'nachher').length === lab.steps.length;
  return { lab: lab.id, ok, phases, durationMs: performance.now() - started };
}
