// What clusters (and, in the sandbox mode, the learners' shells) need, prepared while the
// runner already serves the course: `./werkbank start` serves first and this module runs
// the slow builds one after another in the background, as a list of German steps the
// page shows (n of m, an estimate, on failure the log's tail and what to do). A failed
// step is tried again by itself after a growing delay (or at once with "Erneut
// versuchen"), so clusters waiting for it go on once its cause is gone.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { runProcess } from '../process.ts';

/** What a step is needed for: the learner's shell (sandbox mode) or a cluster. */
export const PreparationNeed = z.enum(['terminal', 'cluster']);
export type PreparationNeed = z.infer<typeof PreparationNeed>;

export const PreparationStepState = z.object({
  id: z.string(),
  label: z.string(),
  needs: z.array(PreparationNeed),
  state: z.enum(['waiting', 'running', 'done', 'failed', 'skipped']),
  /** Seconds this step is expected to take: its last run's, else a fixed guess. */
  estimateSeconds: z.number(),
  startedAt: z.number().optional(),
  endedAt: z.number().optional(),
  /** The last lines of its output, when it failed. */
  logTail: z.string().optional(),
  /** What the user does about a failure, in German. */
  fix: z.string().optional(),
});
export type PreparationStepState = z.infer<typeof PreparationStepState>;

export const PreparationState = z.object({
  phase: z.enum(['running', 'done', 'failed']),
  steps: z.array(PreparationStepState),
  /** The learner's shell can start (every step it needs is done). */
  terminalReady: z.boolean(),
  /** "Cluster starten" may be pressed. */
  clusterReady: z.boolean(),
  /** After a failure: seconds until the next automatic try. */
  retryInSeconds: z.number().optional(),
  /** One German sentence for the page: what is being made, n of m, how long about. */
  message: z.string(),
});
export type PreparationState = z.infer<typeof PreparationState>;

export interface PreparationStep {
  id: string;
  label: string;
  needs: PreparationNeed[];
  /** Used when no earlier run measured this step. */
  guessSeconds: number;
  /** What to do when it fails (German, du-form). */
  fix: string;
  /** Does the work; each output line goes to onLine. Rejects on failure; ends its work
   * when `signal` aborts (the runner stops). */
  run(onLine: (line: string) => void, signal: AbortSignal): Promise<void>;
}

export interface PreparationOptions {
  steps: PreparationStep[];
  /** JSON file with the last run's seconds per step (estimates for the next start). */
  durationsFile?: string;
  log?: (line: string) => void;
  now?: () => number;
  /** Seconds before each automatic retry after a failure; the last one repeats. */
  retryDelaysSeconds?: number[];
}

const TAIL_LINES = 20;
/** 30 s catches what fixes itself or is fixed at once (Docker still starting, a network
 * hiccup during a download or pull); then longer gaps, so a cause that stays (a build
 * error, no Go) costs the two cores one short run every 10 minutes, not a loop, while a
 * cause fixed later is noticed within 10 minutes without anyone pressing a button. Each
 * retry skips the work already done (steps done before, images by their inputs' hash). */
export const RETRY_DELAYS_SECONDS = [30, 120, 300, 600];
const Durations = z.record(z.string(), z.number());

function readDurations(file: string | undefined): Record<string, number> {
  if (!file || !existsSync(file)) return {};
  try {
    return Durations.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    return {}; // a damaged file only costs the estimates
  }
}

/** "in 30 Sekunden", "in 2 Minuten": when the next automatic try comes. */
export function retryText(seconds: number): string {
  if (seconds < 1) return 'gleich';
  if (seconds < 60) return `in ${seconds} ${seconds === 1 ? 'Sekunde' : 'Sekunden'}`;
  const minutes = Math.round(seconds / 60);
  return `in ${minutes} ${minutes === 1 ? 'Minute' : 'Minuten'}`;
}

function minutesText(seconds: number): string {
  if (seconds < 90) return `etwa ${Math.max(1, Math.round(seconds))} s`;
  return `etwa ${Math.round(seconds / 60)} min`;
}

function isReadyFor(state: PreparationState, need: PreparationNeed): boolean {
  return need === 'terminal' ? state.terminalReady : state.clusterReady;
}

export class Preparation {
  private readonly options: PreparationOptions;
  private readonly now: () => number;
  private readonly log: (line: string) => void;
  private readonly steps: PreparationStepState[];
  private readonly listeners = new Set<(state: PreparationState) => void>();
  private readonly durations: Record<string, number>;
  private finished: Promise<void> | null = null;
  private readonly stopping = new AbortController();
  /** Failures in a row (since the last success), for the growing retry delay. */
  private failures = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryAt: number | null = null;

  constructor(options: PreparationOptions) {
    this.options = options;
    this.now = options.now ?? Date.now;
    this.log = options.log ?? ((line) => console.log(`[vorbereitung] ${line}`));
    this.durations = readDurations(options.durationsFile);
    this.steps = options.steps.map((step) => ({
      id: step.id,
      label: step.label,
      needs: step.needs,
      state: 'waiting',
      estimateSeconds: this.durations[step.id] ?? step.guessSeconds,
    }));
  }

  /** Runs the steps in order (once); resolves when all are done or one failed. */
  start(): Promise<void> {
    this.finished ??= this.runFrom(0);
    return this.finished;
  }

  /** Runs the steps again from the one that failed (after the user fixed its cause, e.g.
   * started Docker); false when no step failed or the runner stops. Replaces the
   * automatic retry that was waiting. */
  retry(): boolean {
    return this.rerun('Neuer Versuch');
  }

  private rerun(what: string): boolean {
    const failed = this.steps.findIndex((step) => step.state === 'failed');
    if (failed < 0 || this.stopping.signal.aborted) return false;
    this.cancelAutomaticRetry();
    for (const step of this.steps.slice(failed)) {
      step.state = 'waiting';
      delete step.startedAt;
      delete step.endedAt;
      delete step.logTail;
      delete step.fix;
    }
    this.log(`${what} ab Schritt ${failed + 1} von ${this.steps.length}.`);
    this.finished = this.runFrom(failed);
    this.changed();
    return true;
  }

  /** Ends the running step's work (its programs too); later steps and automatic retries
   * do not start. */
  stop(): void {
    this.stopping.abort();
    this.cancelAutomaticRetry();
  }

  private scheduleAutomaticRetry(): void {
    const delays = this.options.retryDelaysSeconds ?? RETRY_DELAYS_SECONDS;
    const seconds = delays[Math.min(this.failures, delays.length) - 1] ?? 600;
    this.retryAt = this.now() + seconds * 1000;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.retryAt = null;
      this.rerun('Automatischer neuer Versuch');
    }, seconds * 1000);
    // A pending retry never keeps a stopping runner alive.
    this.retryTimer.unref?.();
    this.log(`Nächster Versuch von selbst ${retryText(seconds)} (oder sofort mit „Erneut versuchen“ auf der Seite).`);
  }

  private cancelAutomaticRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.retryAt = null;
  }

  state(): PreparationState {
    const steps = this.steps.map((step) => ({ ...step }));
    const ready = (need: PreparationNeed) => steps.every((step) => !step.needs.includes(need) || step.state === 'done');
    const failed = steps.find((step) => step.state === 'failed');
    const running = steps.findIndex((step) => step.state === 'running' || step.state === 'waiting');
    const phase = failed ? 'failed' : running >= 0 ? 'running' : 'done';
    const retryInSeconds = failed && this.retryAt !== null ? Math.max(0, Math.ceil((this.retryAt - this.now()) / 1000)) : undefined;
    return {
      phase,
      steps,
      terminalReady: ready('terminal'),
      clusterReady: ready('cluster'),
      ...(retryInSeconds === undefined ? {} : { retryInSeconds }),
      message: this.message(steps, failed, running, retryInSeconds),
    };
  }

  /** Called on every change of the state. */
  subscribe(listener: (state: PreparationState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves once what `need` asks for is ready, or the preparation ended without it
   * (then whoever waited finds out what is missing on their own, e.g. a preflight). */
  whenReady(need: PreparationNeed): Promise<void> {
    return this.until((state) => isReadyFor(state, need) || state.phase !== 'running');
  }

  /** Resolves once what `need` asks for is ready, and only then: after a failure, when a
   * retry() got it done. For what may wait that long (a sandbox's cluster, whose shell
   * already runs). */
  whenDone(need: PreparationNeed): Promise<void> {
    return this.until((state) => isReadyFor(state, need));
  }

  private until(condition: (state: PreparationState) => boolean): Promise<void> {
    return new Promise((resolve) => {
      const check = (state: PreparationState): void => {
        if (!condition(state)) return;
        unsubscribe();
        resolve();
      };
      const unsubscribe = this.subscribe(check);
      check(this.state());
    });
  }

  private message(steps: PreparationStepState[], failed: PreparationStepState | undefined, current: number, retryInSeconds: number | undefined): string {
    if (failed) {
      const next = retryInSeconds === undefined ? '' : ` Nächster Versuch von selbst ${retryText(retryInSeconds)}.`;
      return `Vorbereitung fehlgeschlagen bei „${failed.label}“ (Schritt ${steps.indexOf(failed) + 1} von ${steps.length}). ${failed.fix ?? ''}`.trim() + next;
    }
    if (current < 0) return 'Alles vorbereitet.';
    const step = steps[current]!;
    const left = steps.slice(current).reduce((sum, later) => sum + later.estimateSeconds, 0);
    return `Schritt ${current + 1} von ${steps.length}: ${step.label} – noch ${minutesText(left)}.`;
  }

  private changed(): void {
    const state = this.state();
    for (const listener of [...this.listeners]) listener(state);
  }

  private async runFrom(first: number): Promise<void> {
    for (const [index, step] of this.options.steps.entries()) {
      if (index < first) continue;
      if (this.stopping.signal.aborted) return;
      const shown = this.steps[index]!;
      shown.state = 'running';
      shown.startedAt = this.now();
      this.log(`Schritt ${index + 1} von ${this.steps.length}: ${step.label} …`);
      this.changed();
      const tail: string[] = [];
      try {
        await step.run((line) => {
          tail.push(line);
          if (tail.length > TAIL_LINES) tail.shift();
          this.log(`  ${line}`);
        }, this.stopping.signal);
      } catch (error) {
        if (this.stopping.signal.aborted) return; // the runner stops; nothing failed
        shown.state = 'failed';
        shown.endedAt = this.now();
        const reason = error instanceof Error ? error.message : String(error);
        shown.logTail = [...tail, reason].join('\n');
        shown.fix = step.fix;
        for (const later of this.steps.slice(index + 1)) later.state = 'skipped';
        this.log(`Fehler bei „${step.label}“: ${reason}\n${tail.join('\n')}\nWas tun: ${step.fix}`);
        this.failures += 1;
        this.scheduleAutomaticRetry();
        this.changed();
        return;
      }
      shown.state = 'done';
      shown.endedAt = this.now();
      this.durations[step.id] = Math.round((shown.endedAt - shown.startedAt) / 1000);
      this.changed();
    }
    this.failures = 0;
    this.saveDurations();
    this.log('Alles vorbereitet: Cluster können starten.');
  }

  private saveDurations(): void {
    const file = this.options.durationsFile;
    if (!file) return;
    try {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(this.durations, null, 2));
    } catch (error) {
      this.log(`Dauern nicht gespeichert (${String(error)}); die nächsten Schätzungen sind grober.`);
    }
  }
}

/** A step that runs a program; its exit code decides. */
export function commandStep(
  step: Omit<PreparationStep, 'run'>,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): PreparationStep {
  return {
    ...step,
    run: async (onLine, signal) => {
      // Build scripts colour their lines for a terminal; the page wants plain text.
      const plain = (line: string) => onLine(line.replace(/\x1b\[[0-9;]*m/g, ''));
      // A group of its own, so stopping ends the build programs the script started too.
      const result = await runProcess(command, args, { env, signal, group: true, onStdoutLine: plain, onStderrLine: plain, maxOutputChars: 0 });
      if (result.code !== 0) throw new Error(result.signal ? `abgebrochen (${result.signal})` : `beendet mit Code ${result.code}`);
    },
  };
}
