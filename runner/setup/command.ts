// Runs a probe command and hands back what it printed, never throwing: each probe's
// interpretation gets the same shape whether the command ran, failed or is missing.
import { processRunner } from '../clusters/commands.ts';

export interface CommandResult {
  /** Exit code 0. */
  ok: boolean;
  /** The program is not installed (ENOENT). */
  missing: boolean;
  stdout: string;
  stderr: string;
}

export type RunCommand = (command: string, args: string[], timeoutMs?: number) => Promise<CommandResult>;

/** The providers' process runner (runner/clusters/commands.ts), its rejection turned into a result. */
export const runCommand: RunCommand = async (command, args, timeoutMs = 20_000) => {
  try {
    const result = await processRunner.run(command, args, { timeoutMs });
    return { ok: result.code === 0, missing: false, stdout: result.stdout, stderr: result.stderr };
  } catch (error) {
    return { ok: false, missing: (error as NodeJS.ErrnoException).code === 'ENOENT', stdout: '', stderr: '' };
  }
};
