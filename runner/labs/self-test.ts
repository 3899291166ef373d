// `werkbank lab test`: proves a lab works as written. On a cluster it gets the lab's
// setup, then for every step in order: its checks must fail (the learner has not done it
// yet), its solution script runs the way a learner would type it, and its checks must pass.
// A check that passes too early is as much a bug as one that never passes.
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import type { NodeRuntime } from '../../checks/index.ts';
import { openLabShell, type LabShellTarget } from './lab-shell.ts';
import type { LoadedLab } from './load.ts';
import { scriptCommand, type LabCommand } from './run-command.ts';
import { runStep, type StepOutcome } from './run-step.ts';
import { waitUntil } from '../wait.ts';
import { setupCommands } from './setup.ts';

export interface SelfTestTarget extends LabShellTarget {
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

function checkOutcomes(outcome: StepOutcome): CheckOutcome[] {
  return outcome.results.map((result) => ({ checkId: result.checkId, passed: result.passed, message: result.message }));
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
  await waitUntil(
    `Namespace ${namespace} gelöscht`,
    async () => {
      try {
        await core.readNamespace({ name: namespace });
        return false;
      } catch (error) {
        if ((error as { code?: number }).code === 404) return true;
        throw error;
      }
    },
    {
      timeoutMs: 180_000,
      intervalMs: 1_000,
      retryErrors: false,
      timeoutError: () => new Error(`Namespace ${namespace} ist nach 3 Minuten noch nicht gelöscht.`),
    },
  );
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
  const shell = await openLabShell([{ lab, dir }], target);
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(target.kubeconfigPath);
  const context = (timeoutMs?: number) => ({
    kubeConfig,
    namespace: lab.namespace,
    ...(target.nodeRuntime ? { nodeRuntime: target.nodeRuntime } : {}),
    ...(timeoutMs ? { timeoutMs } : {}),
  });
  const run = async (step: string, command: LabCommand, phase: 'setup' | 'lösung'): Promise<boolean> => {
    const phaseStarted = performance.now();
    log(`  ${step}: ${command.path} läuft …`);
    const result = await shell.run(command, lab.id);
    phases.push({
      step,
      phase,
      ok: result.ok,
      ...(result.ok ? {} : { problem: `${command.path} ist fehlgeschlagen` }),
      output: result.output,
      durationMs: performance.now() - phaseStarted,
    });
    if (!result.ok) log(`  ✗ ${command.path} ist fehlgeschlagen:\n${result.output.replace(/^/gm, '    ')}`);
    return result.ok;
  };

  try {
    // A fresh start: what an earlier run left in the lab's namespace would pass checks early.
    await deleteNamespace(kubeConfig, lab.namespace);
    let setupOk = true;
    for (const command of setupCommands({ lab, dir })) setupOk &&= await run('setup', command, 'setup');
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
        if (!(await run(step.id, scriptCommand(dir, step.solution), 'lösung'))) break;
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
    await shell.close();
  }
  const ok = phases.length > 0 && phases.every((phase) => phase.ok) && phases.filter((p) => p.phase === 'nachher').length === lab.steps.length;
  return { lab: lab.id, ok, phases, durationMs: performance.now() - started };
}
