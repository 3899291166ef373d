// Starts a learner's login shell in a pty: their own home as working directory, a
// small, explicit environment (never the runner's own, which may hold secrets), and
// no descriptors inherited from other learners' ptys.
import { mkdir, writeFile, access } from 'node:fs/promises';
import { join } from 'node:path';
import * as pty from 'node-pty';

const CLOSE_FDS_WRAPPER = join(import.meta.dirname, 'close-inherited-fds.sh');

const BASHRC = `# Werkbank: Shell für den Kurs
[ -f /etc/bash.bashrc ] && . /etc/bash.bashrc
PS1='\\[\\e[1;34m\\]\\w\\[\\e[0m\\] $ '
alias k=kubectl
`;

const BASH_PROFILE = `[ -f ~/.bashrc ] && . ~/.bashrc
`;

export interface ShellOptions {
  home: string;
  cols: number;
  rows: number;
  /** Extra variables for this learner, e.g. KUBECONFIG once their cluster is ready. */
  env?: Record<string, string>;
  /** Directories put in front of the system PATH (kubectl, kind, helm). */
  pathPrefix?: string[];
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** Creates the learner's home with a friendly prompt the first time only: later the
 * files are theirs to change. */
export async function prepareHome(home: string): Promise<void> {
  await mkdir(home, { recursive: true, mode: 0o700 });
  for (const [name, content] of [
    ['.bashrc', BASHRC],
    ['.bash_profile', BASH_PROFILE],
  ] as const) {
    const path = join(home, name);
    if (!(await exists(path))) await writeFile(path, content);
  }
}

export function spawnShell(options: ShellOptions): pty.IPty {
  const systemPath = process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin';
  const env: Record<string, string> = {
    HOME: options.home,
    USER: process.env.USER ?? 'lernende',
    SHELL: '/bin/bash',
    PATH: [...(options.pathPrefix ?? []), systemPath].join(':'),
    LANG: 'C.UTF-8',
    TERM: 'xterm-256color',
    COLORTERM: 'truecolor',
    WERKBANK: '1',
    ...options.env,
  };
  return pty.spawn('/bin/bash', [CLOSE_FDS_WRAPPER, '/bin/bash', '--login'], {
    name: 'xterm-256color',
    cols: options.cols,
    rows: options.rows,
    cwd: options.home,
    env,
    // Raw bytes: multi-byte characters split across reads are reassembled by xterm's
    // own UTF-8 decoder on both ends, and nothing is decoded twice.
    encoding: null,
  });
}
