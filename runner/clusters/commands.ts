// Running the external programs a provider drives (kind, docker, kwokctl) behind one
// small interface, so tests can put a fake in its place for failures that cannot be
// produced on purpose (Docker down, kind missing, a create that breaks half-way).
import { spawn } from 'node:child_process';

/** One word for a POSIX shell, whatever it holds. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CommandOptions {
  /** Called for each complete line kind/kwokctl write to stderr (their progress). */
  onStderrLine?: (line: string) => void;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

export interface CommandRunner {
  /** Runs a program to its end. Never rejects for a non-zero exit (see `code`); rejects
   * with an ENOENT error when the program does not exist. */
  run(command: string, args: string[], options?: CommandOptions): Promise<CommandResult>;
}

const MAX_OUTPUT_CHARS = 4 << 20;

function keepTail(text: string): string {
  return text.length > MAX_OUTPUT_CHARS ? text.slice(-MAX_OUTPUT_CHARS) : text;
}

export const processRunner: CommandRunner = {
  run(command, args, options = {}) {
    return new Promise((resolve, reject) => {
      const child = spawn(command, args, {
        stdio: ['ignore', 'pipe', 'pipe'],
        ...(options.env ? { env: options.env } : {}),
      });
      let stdout = '';
      let stderr = '';
      let partial = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout = keepTail(stdout + chunk);
      });
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr = keepTail(stderr + chunk);
        if (!options.onStderrLine) return;
        // kind redraws its spinner with carriage returns; each redraw counts as a line.
        const lines = (partial + chunk).split(/\r?\n|\r/);
        partial = lines.pop() ?? '';
        for (const line of lines) if (line.trim()) options.onStderrLine(line);
      });
      const timer =
        options.timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGTERM'), options.timeoutMs);
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        if (partial.trim()) options.onStderrLine?.(partial);
        resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
      });
    });
  },
};

/** The last lines of a program's output, for an error message a learner can read. */
export function lastLines(text: string, count = 12): string {
  return text
    .split(/\r?\n|\r/)
    .map((line) => line.trimEnd())
    .filter(Boolean)
    .slice(-count)
    .join('\n');
}

/** A docker command's trimmed stdout; a non-zero exit throws `what` with its last error lines. */
export async function dockerOutput(run: CommandRunner, args: string[], what: string, timeoutMs = 600_000): Promise<string> {
  const result = await run.run('docker', args, { timeoutMs });
  if (result.code !== 0) throw new Error(`${what}: ${lastLines(result.stderr, 6)}`);
  return result.stdout.trim();
}
