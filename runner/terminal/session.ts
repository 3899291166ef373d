// One learner's shell: the pty, a headless mirror of its screen (so a reconnecting
// browser gets its screen back), flow control, and the single path that ends it all.
import headless from '@xterm/headless';
import serialize from '@xterm/addon-serialize';
import type { IPty } from 'node-pty';
import { clampSize, CLOSE_CODES, FLOW_CONTROL, type ServerMessage } from './protocol.ts';
import { prepareHome, spawnShell } from './shell.ts';

// 6.0.0 ships CommonJS without named ESM exports.
const { Terminal: HeadlessTerminal } = headless;
const { SerializeAddon } = serialize;

const OUTPUT_BATCH_MS = 4;
const OUTPUT_BATCH_MAX_BYTES = 64 * 1024;
/** Resizes within this window after one was applied are coalesced into the last of them. */
export const RESIZE_COALESCE_MS = 50;
/** A mirror resize reflows the whole scrollback (tens of ms at 500 columns); the next one
 * waits this many times as long as the last took, so a storm of them keeps the mirror
 * busy for at most a tenth of the time and other learners' shells stay responsive. */
const RESIZE_COST_FACTOR = 10;

/** The browser end of a session, usually a websocket. */
export interface TerminalPeer {
  sendOutput(bytes: Uint8Array): void;
  sendControl(message: ServerMessage): void;
  close(code: number, reason: string): void;
}

export type DisposeReason = 'shell-exited' | 'grace-expired' | 'shutdown' | 'unclaimed';

export interface TerminalSessionOptions {
  learnerId: string;
  home: string;
  cols: number;
  rows: number;
  /** How long the shell outlives a dropped connection. */
  graceMs: number;
  pathPrefix?: string[];
  env?: Record<string, string>;
  scrollback?: number;
  onDisposed?: (session: TerminalSession, reason: DisposeReason) => void;
  /** Runs the shell elsewhere (a learner's sandbox) instead of bash on this host. */
  command?: string[];
  /** Ends what `command` started, which outlives its client (`docker exec`). */
  hangUp?: () => Promise<void>;
}

export class TerminalSession {
  readonly learnerId: string;
  readonly pid: number;
  private readonly pty: IPty;
  private readonly mirror: InstanceType<typeof HeadlessTerminal>;
  private readonly serializer: InstanceType<typeof SerializeAddon>;
  private readonly graceMs: number;
  private readonly onDisposed: TerminalSessionOptions['onDisposed'];
  private readonly hangUp: TerminalSessionOptions['hangUp'];
  private peer: TerminalPeer | null = null;
  private unackedBytes = 0;
  private mirrorPendingBytes = 0;
  private paused = false;
  private attaching = false;
  private attachAttempts = 0;
  private hasOutput = false;
  /** Output of a shell started before any browser attached (one started for a ticket):
   * handed to the first browser as it came, so that browser sees the very bytes a shell
   * started by its hello would have sent. Null once a browser attached. */
  private firstOutput: Buffer[] | null = [];
  private firstOutputBytes = 0;
  private exited = false;
  private disposed = false;
  private graceTimer: NodeJS.Timeout | undefined;
  private readonly processExit = Promise.withResolvers<void>();
  private batch: Buffer[] = [];
  private batchBytes = 0;
  private batchTimer: NodeJS.Timeout | undefined;
  private pendingSize: { cols: number; rows: number } | null = null;
  private resizeTimer: NodeJS.Timeout | undefined;
  private nextResizeAt = 0;

  static async start(options: TerminalSessionOptions): Promise<TerminalSession> {
    await prepareHome(options.home, {
      ...(options.env ? { env: options.env } : {}),
      ...(options.pathPrefix ? { pathPrefix: options.pathPrefix } : {}),
    });
    return new TerminalSession(options);
  }

  private constructor(options: TerminalSessionOptions) {
    this.learnerId = options.learnerId;
    this.graceMs = options.graceMs;
    this.onDisposed = options.onDisposed;
    this.hangUp = options.hangUp;
    const { cols, rows } = clampSize(options.cols, options.rows);
    this.mirror = new HeadlessTerminal({
      cols,
      rows,
      scrollback: options.scrollback ?? 1000,
      allowProposedApi: true,
    });
    this.serializer = new SerializeAddon();
    this.mirror.loadAddon(this.serializer);
    this.pty = spawnShell({
      home: options.home,
      cols,
      rows,
      ...(options.env ? { env: options.env } : {}),
      ...(options.pathPrefix ? { pathPrefix: options.pathPrefix } : {}),
      ...(options.command ? { command: options.command } : {}),
    });
    this.pid = this.pty.pid;
    this.pty.onData((data) => this.onPtyOutput(data as unknown as Buffer));
    this.pty.onExit(({ exitCode }) => this.onPtyExit(exitCode));
  }

  /** Settles once the shell process has ended and been reaped. */
  get exitedProcess(): Promise<void> {
    return this.processExit.promise;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Connects a browser. A second tab takes the terminal over from the first. The
   * browser first gets `ready`, then (when the shell has run before) its screen, or,
   * for the first browser of a shell started before it came, the output so far. */
  async attach(peer: TerminalPeer, cols: number, rows: number): Promise<void> {
    if (this.disposed) throw new Error('session is disposed');
    clearTimeout(this.graceTimer);
    const previous = this.peer;
    this.peer = null;
    previous?.close(CLOSE_CODES.takenOver, 'Terminal in einem anderen Tab geöffnet');
    // Hold the pty while the mirror catches up, so the snapshot and the live bytes
    // after it neither overlap nor leave a gap.
    const attempt = ++this.attachAttempts;
    this.attaching = true;
    this.updateFlow();
    try {
      // The new browser's size wins over any resize still waiting from the old one.
      clearTimeout(this.resizeTimer);
      this.resizeTimer = undefined;
      this.pendingSize = null;
      this.applyResize(cols, rows);
      this.flushBatch();
      await this.mirrorDrained();
      if (this.disposed) return;
      if (attempt !== this.attachAttempts) {
        // Another tab attached while this one waited: it wins.
        peer.close(CLOSE_CODES.takenOver, 'Terminal in einem anderen Tab geöffnet');
        return;
      }
      this.peer = peer;
      this.unackedBytes = 0;
      const firstOutput = this.firstOutput;
      this.firstOutput = null;
      this.firstOutputBytes = 0;
      // The first browser gets what the shell printed so far as it came; a later one the
      // screen from the mirror.
      const restored = !firstOutput && this.hasOutput;
      peer.sendControl({ type: 'ready', restored });
      const backlog = firstOutput ?? (restored ? [Buffer.from(this.serializer.serialize({ scrollback: 1000 }), 'utf8')] : []);
      for (const bytes of backlog) {
        this.unackedBytes += bytes.length;
        peer.sendOutput(bytes);
      }
    } finally {
      if (attempt === this.attachAttempts) {
        this.attaching = false;
        if (!this.disposed) this.updateFlow();
      }
    }
  }

  /** The browser went away; the shell keeps running for the grace period. */
  detach(peer: TerminalPeer): void {
    if (this.peer !== peer || this.disposed) return;
    this.peer = null;
    this.unackedBytes = 0;
    this.updateFlow();
    clearTimeout(this.graceTimer);
    if (this.graceMs <= 0) {
      this.dispose('grace-expired');
      return;
    }
    this.graceTimer = setTimeout(() => this.dispose('grace-expired'), this.graceMs);
    this.graceTimer.unref();
  }

  input(data: Uint8Array | string): void {
    if (this.disposed || this.exited) return;
    this.pty.write(typeof data === 'string' ? data : Buffer.from(data));
  }

  acknowledge(bytes: number): void {
    this.unackedBytes = Math.max(0, this.unackedBytes - bytes);
    this.updateFlow();
  }

  /** A resize from the browser: applied at once after a quiet spell (dragging the dock
   * edge feels immediate), otherwise coalesced so only the last size of a burst reaches
   * the pty and the mirror. */
  resize(cols: number, rows: number): void {
    if (this.disposed || this.exited) return;
    this.pendingSize = { cols, rows };
    if (this.resizeTimer !== undefined) return;
    const wait = this.nextResizeAt - performance.now();
    if (wait <= 0) {
      this.applyPendingResize();
      return;
    }
    this.resizeTimer = setTimeout(() => {
      this.resizeTimer = undefined;
      this.applyPendingResize();
    }, wait);
  }

  private applyPendingResize(): void {
    const size = this.pendingSize;
    this.pendingSize = null;
    if (size) this.applyResize(size.cols, size.rows);
  }

  private applyResize(cols: number, rows: number): void {
    if (this.disposed || this.exited) return;
    const size = clampSize(cols, rows);
    if (size.cols === this.mirror.cols && size.rows === this.mirror.rows) return;
    const started = performance.now();
    this.pty.resize(size.cols, size.rows);
    this.mirror.resize(size.cols, size.rows);
    const finished = performance.now();
    this.nextResizeAt = finished + Math.max(RESIZE_COALESCE_MS, (finished - started) * RESIZE_COST_FACTOR);
  }

  /** The only way a session ends; safe to call any number of times. */
  dispose(reason: DisposeReason): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.graceTimer);
    clearTimeout(this.batchTimer);
    clearTimeout(this.resizeTimer);
    const peer = this.peer;
    this.peer = null;
    if (peer) {
      if (reason === 'shell-exited') peer.close(CLOSE_CODES.shellExited, 'Shell beendet');
      else peer.close(CLOSE_CODES.serverShutdown, 'Terminal beendet');
    }
    if (!this.exited) {
      // SIGHUP, like a closed terminal window: bash passes it on to its jobs.
      this.pty.kill('SIGHUP');
      this.hangUp?.().catch((error: unknown) => console.error('[terminal] Shell in der Sandbox nicht beendet:', error));
    }
    this.mirror.dispose();
    this.onDisposed?.(this, reason);
  }

  /** The first chunk after a quiet spell goes out at once (keystroke echo); during a
   * flood, chunks are gathered for a few milliseconds so the socket, the mirror and
   * the browser handle a few large writes instead of thousands of tiny ones. */
  private onPtyOutput(data: Buffer): void {
    if (this.disposed) return;
    this.hasOutput = true;
    if (this.batchTimer === undefined) {
      this.deliver(data);
      this.batchTimer = setTimeout(() => this.flushBatch(), OUTPUT_BATCH_MS);
      return;
    }
    this.batch.push(data);
    this.batchBytes += data.length;
    if (this.batchBytes >= OUTPUT_BATCH_MAX_BYTES) this.flushBatch();
    else this.updateFlow();
  }

  private flushBatch(): void {
    clearTimeout(this.batchTimer);
    this.batchTimer = undefined;
    if (this.batch.length === 0 || this.disposed) return;
    const data = this.batch.length === 1 ? this.batch[0]! : Buffer.concat(this.batch, this.batchBytes);
    this.batch = [];
    this.batchBytes = 0;
    this.deliver(data);
    // Keep gathering while output keeps coming.
    this.batchTimer = setTimeout(() => this.flushBatch(), OUTPUT_BATCH_MS);
  }

  private deliver(data: Buffer): void {
    this.mirrorPendingBytes += data.length;
    this.mirror.write(data, () => {
      this.mirrorPendingBytes -= data.length;
      this.updateFlow();
    });
    if (this.peer) {
      this.unackedBytes += data.length;
      this.peer.sendOutput(data);
    } else if (this.firstOutput) {
      this.firstOutput.push(data);
      this.firstOutputBytes += data.length;
    }
    this.updateFlow();
  }

  private onPtyExit(exitCode: number): void {
    this.flushBatch();
    this.exited = true;
    this.processExit.resolve();
    this.peer?.sendControl({ type: 'exit', code: exitCode });
    this.dispose('shell-exited');
  }

  private mirrorDrained(): Promise<void> {
    if (this.mirrorPendingBytes === 0) return Promise.resolve();
    return new Promise((resolve) => this.mirror.write('', resolve));
  }

  private updateFlow(): void {
    if (this.exited) return;
    // Output kept for the first browser counts as unacknowledged: a shell nobody has
    // attached to yet is paused before it holds more than the watermark.
    const pressure = this.batchBytes + Math.max(this.peer ? this.unackedBytes : this.firstOutputBytes, this.mirrorPendingBytes);
    const wantPaused =
      this.attaching ||
      pressure > FLOW_CONTROL.highWatermarkBytes ||
      (this.paused && pressure >= FLOW_CONTROL.lowWatermarkBytes);
    if (wantPaused === this.paused) return;
    this.paused = wantPaused;
    if (wantPaused) this.pty.pause();
    else this.pty.resume();
  }
}
