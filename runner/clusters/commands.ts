// Running the external programs a provider drives (kind, docker, kwokctl) behind one
// small interface, so tests can put a fake in its place for failures that cannot be
// produced on purpose (Docker down, kind missing, a create that breaks half-way).
import { lastLines, runProcess } from '../process.ts';

export { lastLines };

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

export const processRunner: CommandRunner = {
  async run(command, args, options = {}) {
    const { onStderrLine } = options;
    const { code, stdout, stderr } = await runProcess(command, args, {
      ...(options.env ? { env: options.env } : {}),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      ...(onStderrLine ? { onStderrLine: (line: string) => line.trim() && onStderrLine(line) } : {}),
    });
    return { code, stdout, stderr };
  },
};

/** A docker command's trimmed stdout; a non-zero exit throws `what` with its last error lines. */
export async function dockerOutput(run: CommandRunner, args: string[], what: string, timeoutMs = 600_000): Promise<string> {
  const result = await run.run('docker', args, { timeoutMs });
  if (result.code !== 0) throw new Error(`${what}: ${lastLines(result.stderr, 6)}`);
  return result.stdout.trim();
}
