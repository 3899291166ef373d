// The one way the runner, its tests and its tools start a program: an argument array
// (never a shell string, unless a shell is the point), output kept up to a cap and
// streamed by lines for progress, a timeout and an abort signal that end the program
// (or its whole process group), and a German error with the tail of stderr.
import { spawn } from 'node:child_process';

export interface ProcessOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Ends the program with `killSignal` when it runs longer. */
  timeoutMs?: number;
  /** Aborting ends the program with `killSignal`. */
  signal?: AbortSignal;
  killSignal?: NodeJS.Signals;
  /** Its own process group, ended as a whole: build scripts start programs of their own. */
  group?: boolean;
  /** Written to stdin, which is closed afterwards; without it stdin is /dev/null. */
  input?: string;
  /** Each complete line on stdout (without its line break). */
  onStdoutLine?: (line: string) => void;
  /** Each complete line on stderr; kind redraws its spinner with carriage returns, so
   * each redraw counts as a line. */
  onStderrLine?: (line: string) => void;
  /** How many characters of each stream are kept (the tail); 4 Mi by default. */
  maxOutputChars?: number;
}

export interface ProcessResult {
  /** The exit code; 128 when a signal ended the program without one. */
  code: number;
  /** The signal that ended the program, if one did. */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const DEFAULT_MAX_OUTPUT_CHARS = 4 << 20;
const LINE_BREAK = /\r?\n|\r/;

function lineSplitter(onLine: ((line: string) => void) | undefined) {
  let partial = '';
  return {
    take(chunk: string) {
      if (!onLine) return;
      const lines = (partial + chunk).split(LINE_BREAK);
      partial = lines.pop() ?? '';
      for (const line of lines) onLine(line);
    },
    flush() {
      if (onLine && partial) onLine(partial);
      partial = '';
    },
  };
}

/**
 * Runs a program to its end. Never rejects for a non-zero exit, a timeout or an abort
 * (see `code` and `signal`); rejects when the program cannot be started (ENOENT).
 */
export function runProcess(command: string, args: readonly string[], options: ProcessOptions = {}): Promise<ProcessResult> {
  const cap = options.maxOutputChars ?? DEFAULT_MAX_OUTPUT_CHARS;
  const keepTail = (text: string) => (text.length > cap ? text.slice(text.length - cap) : text);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      ...(options.cwd ? { cwd: options.cwd } : {}),
      ...(options.env ? { env: options.env } : {}),
      ...(options.group ? { detached: true } : {}),
    });
    const killSignal = options.killSignal ?? 'SIGTERM';
    const stop = () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      if (options.group && child.pid) {
        try {
          process.kill(-child.pid, killSignal);
        } catch {
          // the group is gone already
        }
      } else child.kill(killSignal);
    };
    let stdout = '';
    let stderr = '';
    const outLines = lineSplitter(options.onStdoutLine);
    const errLines = lineSplitter(options.onStderrLine);
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout = keepTail(stdout + chunk);
      outLines.take(chunk);
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = keepTail(stderr + chunk);
      errLines.take(chunk);
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(stop, options.timeoutMs);
    if (options.signal?.aborted) stop();
    options.signal?.addEventListener('abort', stop, { once: true });
    const done = () => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', stop);
    };
    child.once('error', (error) => {
      done();
      reject(error);
    });
    child.once('close', (code, signal) => {
      done();
      outLines.flush();
      errLines.flush();
      resolve({ code: code ?? (signal ? 128 : 1), signal, stdout, stderr });
    });
  });
}

/** The last lines of a program's output, for an error message a learner can read. */
export function lastLines(text: string, count = 12): string {
  return text
    .split(LINE_BREAK)
    .map((line) => line.trimEnd())
    .filter(Boolean)
    .slice(-count)
    .join('\n');
}

/** A program that ended with another exit code than 0 (or could not start). */
export class ProcessError extends Error {
  readonly result: ProcessResult | null;

  constructor(message: string, result: ProcessResult | null, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ProcessError';
    this.result = result;
  }
}

export interface CheckedProcessOptions extends ProcessOptions {
  /** What the program was for, in German: the error begins with it. Without it, the
   * command line does. */
  what?: string;
  /** How many lines of stderr the error carries; 6 by default. */
  tailLines?: number;
}

/**
 * Runs a program and gives its stdout; an exit code other than 0 (a timeout, an abort)
 * or a program that does not start rejects with a ProcessError: `what` (or the command
 * line), then the last lines of stderr, or of stdout when stderr is empty.
 */
export async function runChecked(command: string, args: readonly string[], options: CheckedProcessOptions = {}): Promise<string> {
  const what = options.what ?? [command, ...args].join(' ');
  let result: ProcessResult;
  try {
    result = await runProcess(command, args, options);
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    const detail = missing ? `${command} ist nicht installiert` : error instanceof Error ? error.message : String(error);
    throw new ProcessError(`${what}: ${detail}`, null, { cause: error });
  }
  if (result.code === 0) return result.stdout;
  const tail =
    lastLines(result.stderr, options.tailLines ?? 6) ||
    lastLines(result.stdout, options.tailLines ?? 6) ||
    (result.signal ? `abgebrochen (${result.signal})` : `beendet mit Code ${result.code}`);
  throw new ProcessError(`${what}: ${tail}`, result);
}
