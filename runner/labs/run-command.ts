// Runs a lab's shell work (setup, solution) the way a learner's terminal would, keeping
// only the tail of its output for a report.
import { join } from 'node:path';
import { runProcess } from '../process.ts';

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

export async function runLabCommand(command: LabCommand, cwd: string, env: NodeJS.ProcessEnv): Promise<CommandOutcome> {
  // stdout and stderr interleaved as a terminal shows them, only the tail kept.
  const lines: string[] = [];
  const keep = (line: string) => {
    lines.push(line);
    if (lines.length > OUTPUT_TAIL_LINES * 4) lines.splice(0, lines.length - OUTPUT_TAIL_LINES);
  };
  const tail = () => lines.filter((line) => line.trim() !== '').slice(-OUTPUT_TAIL_LINES).join('\n');
  try {
    const result = await runProcess(command.command, command.args, {
      cwd,
      env,
      timeoutMs: SCRIPT_TIMEOUT_MS,
      killSignal: 'SIGKILL',
      onStdoutLine: keep,
      onStderrLine: keep,
      maxOutputChars: 0,
    });
    const note = result.signal ? `(abgebrochen nach ${SCRIPT_TIMEOUT_MS / 60_000} min)` : undefined;
    const output = tail();
    return { ok: result.code === 0 && !result.signal, output: note ? `${output}\n${note}` : output };
  } catch (error) {
    return { ok: false, output: `${tail()}\n${command.command} ließ sich nicht starten: ${(error as Error).message}` };
  }
}
