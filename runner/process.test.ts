import { describe, expect, it } from 'vitest';
import { ProcessError, runChecked, runProcess } from './process.ts';
import { isAlive } from './testing/pid-alive.ts';

describe('runProcess', () => {
  it('streams complete lines of both streams, carriage-return redraws as lines of their own', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const result = await runProcess('bash', ['-c', 'printf "eins\\nzwei"; printf "a\\rb\\n" >&2; exit 4'], {
      onStdoutLine: (line) => out.push(line),
      onStderrLine: (line) => err.push(line),
    });
    expect(out).toEqual(['eins', 'zwei']);
    expect(err).toEqual(['a', 'b']);
    expect(result).toMatchObject({ code: 4, signal: null, stdout: 'eins\nzwei' });
  });

  it('keeps only the tail of a long output', async () => {
    const result = await runProcess('bash', ['-c', 'printf "%0100d" 0; printf ende'], { maxOutputChars: 10 });
    expect(result.stdout).toBe('000000ende');
  });

  it('passes arguments as they are, without a shell in between', async () => {
    const result = await runProcess('printf', ['%s|', '$HOME', 'a b', "'"]);
    expect(result.stdout).toBe("$HOME|a b|'|");
  });

  it('ends the whole process group on abort, the programs the script started too', async () => {
    const controller = new AbortController();
    let grandchild = 0;
    const running = runProcess('bash', ['-c', 'sleep 300 & echo $!; wait'], {
      group: true,
      signal: controller.signal,
      onStdoutLine: (line) => {
        grandchild = Number(line);
        controller.abort();
      },
    });
    const result = await running;
    expect(result.signal).toBe('SIGTERM');
    await expect.poll(() => isAlive(grandchild)).toBe(false);
  });

  it('rejects when the program does not exist', async () => {
    await expect(runProcess('werkbank-gibt-es-nicht', [])).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('runChecked', () => {
  it('gives stdout, and on failure says what failed with the last lines of stderr', async () => {
    expect(await runChecked('bash', ['-c', 'echo ok'])).toBe('ok\n');
    const failing = runChecked('bash', ['-c', 'for i in 1 2 3 4 5 6 7 8; do echo "Zeile $i" >&2; done; exit 2'], { what: 'Image bauen' });
    await expect(failing).rejects.toBeInstanceOf(ProcessError);
    await expect(failing).rejects.toMatchObject({ message: 'Image bauen: Zeile 3\nZeile 4\nZeile 5\nZeile 6\nZeile 7\nZeile 8' });
    await expect(runChecked('werkbank-gibt-es-nicht', ['x'])).rejects.toThrow('werkbank-gibt-es-nicht x: werkbank-gibt-es-nicht ist nicht installiert');
  });
});
