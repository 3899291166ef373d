// Runs a probe command and hands back what it printed, never throwing: each probe's
// interpretation gets the same shape whether the command ran, failed or is missing.
import { execFile } from 'node:child_process';

export interface CommandResult {
  /** Exit code 0. */
  ok: boolean;
  /** The program is not installed (ENOENT). */
  missing: boolean;
  stdout: string;
  stderr: string;
}

export type RunCommand = (command: string, args: string[], timeoutMs?: number) => Promise<CommandResult>;

export const runCommand: RunCommand = (command, args, timeoutMs = 20_000) =>
  new Promise((resolve) => {
    execFile(command, args, { timeout: timeoutMs, maxBuffer: 4 << 20, encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = (error as NodeJS.ErrnoException | null)?.code;
      resolve({ ok: !error, missing: code === 'ENOENT', stdout: stdout ?? '', stderr: stderr ?? '' });
    });
  });
