// All learners' shells, at most one per learner, created on first connect.
import { join } from 'node:path';
import { learnerDir } from '../learner-dir.ts';
import { TerminalSession, type DisposeReason } from './session.ts';
import { writeEnvScript } from './shell.ts';

export interface TerminalSessionsOptions {
  dataDir: string;
  graceMs: number;
  pathPrefix?: string[];
  /** Variables for a learner's shell, asked again for every new shell. */
  envFor?: (learnerId: string) => Record<string, string>;
  /** Shells (live and starting) at most; a further learner's open fails with CourseFull. */
  maxShells?: number;
  /** Runs before a learner's shell starts, e.g. to put the labs' files into the home. */
  beforeStart?: (learnerId: string, home: string) => Promise<void>;
}

/** Every shell is taken; the learner may try again later. */
export class CourseFull extends Error {
  constructor(maxShells: number) {
    super(`Der Kurs ist gerade voll: alle ${maxShells} Terminals sind belegt. Bitte versuche es in ein paar Minuten noch einmal.`);
  }
}

export class TerminalSessions {
  private readonly options: TerminalSessionsOptions;
  private readonly live = new Map<string, TerminalSession>();
  private readonly starting = new Map<string, Promise<TerminalSession>>();

  constructor(options: TerminalSessionsOptions) {
    this.options = options;
  }

  get size(): number {
    return this.live.size;
  }

  get(learnerId: string): TerminalSession | undefined {
    return this.live.get(learnerId);
  }

  homeOf(learnerId: string): string {
    return join(learnerDir(this.options.dataDir, learnerId), 'home');
  }

  /** Whether a shell for this learner could start now (they have one, or there is room). */
  hasRoomFor(learnerId: string): boolean {
    if (this.live.has(learnerId) || this.starting.has(learnerId)) return true;
    return this.live.size + this.starting.size < (this.options.maxShells ?? Number.POSITIVE_INFINITY);
  }

  get maxShells(): number {
    return this.options.maxShells ?? Number.POSITIVE_INFINITY;
  }

  /** The learner's running shell, or a new one. Two tabs connecting at the same moment
   * get the same shell. */
  open(learnerId: string, cols: number, rows: number): Promise<TerminalSession> {
    const running = this.live.get(learnerId);
    if (running && !running.isDisposed) return Promise.resolve(running);
    const pending = this.starting.get(learnerId);
    if (pending) return pending;
    if (!this.hasRoomFor(learnerId)) return Promise.reject(new CourseFull(this.maxShells));
    const home = this.homeOf(learnerId);
    const prepared = this.options.beforeStart?.(learnerId, home) ?? Promise.resolve();
    const started = prepared.then(() => TerminalSession.start({
      learnerId,
      home,
      cols,
      rows,
      graceMs: this.options.graceMs,
      ...(this.options.pathPrefix ? { pathPrefix: this.options.pathPrefix } : {}),
      ...(this.options.envFor ? { env: this.options.envFor(learnerId) } : {}),
      onDisposed: (session) => {
        if (this.live.get(learnerId) === session) this.live.delete(learnerId);
      },
    }))
      .then((session) => {
        this.live.set(learnerId, session);
        return session;
      })
      .finally(() => this.starting.delete(learnerId));
    this.starting.set(learnerId, started);
    return started;
  }

  /** Rewrites the learner's env script after their variables changed (cluster ready or
   * gone); open shells pick it up at their next prompt and print `notice`. */
  refreshEnv(learnerId: string, notice?: string): Promise<void> {
    return writeEnvScript(this.homeOf(learnerId), {
      ...(this.options.envFor ? { env: this.options.envFor(learnerId) } : {}),
      ...(this.options.pathPrefix ? { pathPrefix: this.options.pathPrefix } : {}),
      ...(notice ? { notice } : {}),
    });
  }

  /** Ends every shell and waits (up to `timeoutMs`) until their processes are gone. */
  async disposeAll(reason: DisposeReason, timeoutMs = 3000): Promise<void> {
    const sessions = [...this.live.values()];
    for (const session of sessions) session.dispose(reason);
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref());
    await Promise.race([Promise.all(sessions.map((session) => session.exitedProcess)), timeout]);
  }
}
