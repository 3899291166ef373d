// Runs a lab's shell work (setup, solution) the way a learner's terminal would, keeping
// only the tail of its output for a report.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export interface CommandOutcome {
  ok: boolean;
  /** The last non-empty lines of stdout and stderr together. */
  output: string;
}

export interface LabCommand {
  /** The lab file it comes from, relative to the lab's directory (for messages). */
  path: string;
  command: string;
  args: string[];
}

const SCRIPT_TIMEOUT_MS = 10 * 60_000;
const OUTPUT_TAIL_LINES = 30;

/** A lab's bash script, with the strict mode the lab conventions promise. */
export function scriptCommand(labDir: string, path: string): LabCommand {
  return { path, command: 'bash', args: ['-euo', 'pipefail', join(labDir, path)] };
}

/** A lab's manifest, applied through kubectl like everything a learner's cluster gets. */
export function manifestCommand(labDir: string, path: string): LabCommand {
  return { path, command: 'kubectl', args: ['apply', '-f', join(labDir, path)] };
}

export function runLabCommand(command: LabCommand, cwd: string, env: NodeJS.ProcessEnv): Promise<CommandOutcome> {
  return new Promise((resolve) => {
    const child = spawn(command.command, command.args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    const keep = (chunk: Buffer) => {
      lines.push(...chunk.toString('utf8').split('\n'));
      if (lines.length > OUTPUT_TAIL_LINES * 4) lines.splice(0, lines.length - OUTPUT_TAIL_LINES);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), SCRIPT_TIMEOUT_MS);
    const finish = (ok: boolean, note?: string) => {
      clearTimeout(timer);
      const output = lines.filter((line) => line.trim() !== '').slice(-OUTPUT_TAIL_LINES).join('\n');
      resolve({ ok, output: note ? `${output}\n${note}` : output });
    };
    child.on('error', (error) => finish(false, `${command.command} ließ sich nicht starten: ${error.message}`));
    child.on('close', (code, signal) =>
      finish(code === 0 && !signal, signal ? `(abgebrochen nach ${SCRIPT_TIMEOUT_MS / 60_000} min)` : undefined),
    );
  });
}
