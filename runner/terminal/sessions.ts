// All learners' shells, at most one per learner, created on first connect.
import { randomBytes } from 'node:crypto';
import { learnerHome } from '../learner-dir.ts';
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
  /** Where a learner's shell runs when not on this host: their sandbox, once it runs
   * with their home in it. */
  placeShell?: (learnerId: string, session: string) => Promise<ShellPlacement>;
  /** How long a shell started for a ticket (prepare) waits for its learner's hello
   * before it is ended. */
  preparedShellWaitMs?: number;
}

/** A shell in a learner's sandbox: the command that starts it and the one that ends it. */
export interface ShellPlacement {
  command: string[];
  hangUp: () => Promise<void>;
}

/** Every shell is taken; the learner may try again later. */
export class CourseFull extends Error {
  constructor(maxShells: number) {
    super(`Der Kurs ist gerade voll: alle ${maxShells} Terminals sind belegt. Sobald eines frei wird, ist wieder Platz.`);
  }
}

/** Long enough for a lesson page on a busy machine to get from its ticket to its hello
 * (seconds at load 60), short enough that a ticket nobody uses holds no shell for long. */
export const PREPARED_SHELL_WAIT_MS = 15_000;

export class TerminalSessions {
  private readonly options: TerminalSessionsOptions;
  private readonly live = new Map<string, TerminalSession>();
  private readonly starting = new Map<string, Promise<TerminalSession>>();
  /** Learners whose shell was started for a ticket and has had no hello yet. */
  private readonly unclaimed = new Map<string, NodeJS.Timeout>();

  constructor(options: TerminalSessionsOptions) {
    this.options = options;
  }

  get size(): number {
    return this.live.size;
  }

  /** Learners with a shell, live or starting (each holds a seat in the course). */
  learnerIds(): string[] {
    return [...this.live.keys(), ...this.starting.keys()];
  }

  get(learnerId: string): TerminalSession | undefined {
    return this.live.get(learnerId);
  }

  homeOf(learnerId: string): string {
    return learnerHome(this.options.dataDir, learnerId);
  }

  /** Whether a shell for this learner could start now (they have one, or there is room). */
  hasRoomFor(learnerId: string): boolean {
    if (this.live.has(learnerId) || this.starting.has(learnerId)) return true;
    return this.live.size + this.starting.size < (this.options.maxShells ?? Number.POSITIVE_INFINITY);
  }

  get maxShells(): number {
    return this.options.maxShells ?? Number.POSITIVE_INFINITY;
  }

  /** Starts the learner's shell when their page asks for a ticket, so it is ready when
   * the page's socket says hello (which takes the page hundreds of milliseconds on a busy
   * machine). Kept in this learner's own slot, like any shell of theirs: only their hello
   * (open with their id) gets it. Ended when no hello comes in time. Shells in sandboxes
   * start only for a socket: a sandbox is too much to make for a ticket alone. */
  prepare(learnerId: string, cols: number, rows: number): void {
    if (this.options.placeShell || this.live.has(learnerId) || this.starting.has(learnerId) || !this.hasRoomFor(learnerId)) return;
    const waitMs = this.options.preparedShellWaitMs ?? PREPARED_SHELL_WAIT_MS;
    const timer = setTimeout(() => void this.endUnclaimed(learnerId, timer), waitMs).unref();
    this.unclaimed.set(learnerId, timer);
    // A failure is the hello's to report: its open() starts the shell again.
    this.start(learnerId, cols, rows).catch((error: unknown) => console.error(`[terminal] Shell für ${learnerId.slice(0, 6)} (vorab) nicht gestartet:`, error));
  }

  /** Ends the shell started for a ticket unless a hello claimed it meanwhile (also one
   * that comes while it is still starting). */
  private async endUnclaimed(learnerId: string, timer: NodeJS.Timeout): Promise<void> {
    const session = await (this.starting.get(learnerId) ?? Promise.resolve(this.live.get(learnerId))).catch(() => undefined);
    if (this.unclaimed.get(learnerId) !== timer) return;
    this.unclaimed.delete(learnerId);
    session?.dispose('unclaimed');
  }

  /** The learner's running shell, or a new one. Two tabs connecting at the same moment
   * get the same shell. */
  open(learnerId: string, cols: number, rows: number): Promise<TerminalSession> {
    clearTimeout(this.unclaimed.get(learnerId));
    this.unclaimed.delete(learnerId);
    const running = this.live.get(learnerId);
    if (running && !running.isDisposed) return Promise.resolve(running);
    const pending = this.starting.get(learnerId);
    if (pending) return pending;
    if (!this.hasRoomFor(learnerId)) return Promise.reject(new CourseFull(this.maxShells));
    return this.start(learnerId, cols, rows);
  }

  private start(learnerId: string, cols: number, rows: number): Promise<TerminalSession> {
    const home = this.homeOf(learnerId);
    // The sandbox first: the home is in it only then, and nothing may write there before.
    const started = this.place(learnerId)
      .then(async (placement) => {
        await this.options.beforeStart?.(learnerId, home);
        return TerminalSession.start({
          learnerId,
          home,
          cols,
          rows,
          graceMs: this.options.graceMs,
          ...(this.pathPrefix ? { pathPrefix: this.pathPrefix } : {}),
          ...(this.options.envFor ? { env: this.options.envFor(learnerId) } : {}),
          ...placement,
          onDisposed: (session) => {
            if (this.live.get(learnerId) === session) this.live.delete(learnerId);
          },
        });
      })
      .then((session) => {
        this.live.set(learnerId, session);
        return session;
      })
      .finally(() => this.starting.delete(learnerId));
    this.starting.set(learnerId, started);
    return started;
  }

  /** Host tool directories matter only to shells on this host. */
  private get pathPrefix(): string[] | undefined {
    return this.options.placeShell ? undefined : this.options.pathPrefix;
  }

  private async place(learnerId: string): Promise<Partial<ShellPlacement>> {
    if (!this.options.placeShell) return {};
    return this.options.placeShell(learnerId, randomBytes(8).toString('hex'));
  }

  /** Rewrites the learner's env script after their variables changed (cluster ready or
   * gone); open shells pick it up at their next prompt and print `notice`. */
  refreshEnv(learnerId: string, notice?: string): Promise<void> {
    return writeEnvScript(this.homeOf(learnerId), {
      ...(this.options.envFor ? { env: this.options.envFor(learnerId) } : {}),
      ...(this.pathPrefix ? { pathPrefix: this.pathPrefix } : {}),
      ...(notice ? { notice } : {}),
    });
  }

  /** Ends every shell and waits (up to `timeoutMs`) until their processes are gone. */
  async disposeAll(reason: DisposeReason, timeoutMs = 3000): Promise<void> {
    for (const timer of this.unclaimed.values()) clearTimeout(timer);
    this.unclaimed.clear();
    const sessions = [...this.live.values()];
    for (const session of sessions) session.dispose(reason);
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref());
    await Promise.race([Promise.all(sessions.map((session) => session.exitedProcess)), timeout]);
  }
}
