// Starts a learner's login shell in a pty: their own home as working directory, a
// small, explicit environment (never the runner's own, which may hold secrets), and
// no descriptors inherited from other learners' ptys.
import { mkdir, writeFile, access } from 'node:fs/promises';
import { join } from 'node:path';
import * as pty from 'node-pty';

const CLOSE_FDS_WRAPPER = join(import.meta.dirname, 'close-inherited-fds.sh');

const BASHRC = `# Werkbank: Shell für den Kurs
[ -f /etc/bash.bashrc ] && . /etc/bash.bashrc
# Werkzeuge (kubectl, kind, helm) und dein Cluster; schreibt Werkbank bei jedem Start neu.
[ -f ~/.werkbank/env.sh ] && . ~/.werkbank/env.sh
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

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** The runner's part of the shell set-up, rewritten at every start: a login shell's
 * /etc/profile resets PATH, so the tools have to be added after it. */
function envScript(options: Pick<ShellOptions, 'env' | 'pathPrefix'>): string {
  const lines = ['# Von Werkbank erzeugt; Änderungen hier gehen beim nächsten Start verloren.'];
  for (const dir of options.pathPrefix ?? []) {
    lines.push(`case ":$PATH:" in *:${shellQuote(dir)}:*) ;; *) PATH=${shellQuote(dir)}:"$PATH" ;; esac`);
  }
  lines.push('export PATH');
  for (const [name, value] of Object.entries(options.env ?? {})) lines.push(`export ${name}=${shellQuote(value)}`);
  return `${lines.join('\n')}\n`;
}

/** Creates the learner's home with a friendly prompt the first time only (later the
 * files are theirs to change) and rewrites the runner's env script every time. */
export async function prepareHome(home: string, options: Pick<ShellOptions, 'env' | 'pathPrefix'> = {}): Promise<void> {
  await mkdir(join(home, '.werkbank'), { recursive: true, mode: 0o700 });
  await writeFile(join(home, '.werkbank', 'env.sh'), envScript(options));
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
