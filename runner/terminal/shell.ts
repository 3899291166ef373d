// Starts a learner's login shell in a pty: their own home as working directory, a
// small, explicit environment (never the runner's own, which may hold secrets), and
// no descriptors inherited from other learners' ptys.
import { access, mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as pty from 'node-pty';
import { shellQuote } from '../clusters/commands.ts';

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
  /** Starts the shell somewhere else than on this host, e.g. `docker exec -it <sandbox>
   * werkbank-shell`; home and variables are then that command's to set. */
  command?: string[];
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** The runner's part of the shell set-up, rewritten at every start and whenever the
 * learner's variables change (their cluster became ready): a login shell's /etc/profile
 * resets PATH, so the tools have to be added after it, and a prompt hook re-reads the
 * file in shells that are already open, so KUBECONFIG arrives without a new shell. */
function envScript(options: EnvScriptOptions, version: string): string {
  const lines = ['# Von Werkbank erzeugt; Änderungen hier gehen beim nächsten Start verloren.'];
  for (const dir of options.pathPrefix ?? []) {
    lines.push(`case ":$PATH:" in *:${shellQuote(dir)}:*) ;; *) PATH=${shellQuote(dir)}:"$PATH" ;; esac`);
  }
  lines.push('export PATH');
  // Variables an earlier version set and this one does not (a deleted cluster) go away.
  lines.push('for __werkbank_name in ${WERKBANK_ENV_NAMES-}; do unset "$__werkbank_name"; done; unset __werkbank_name');
  const env = options.env ?? {};
  for (const [name, value] of Object.entries(env)) lines.push(`export ${name}=${shellQuote(value)}`);
  lines.push(`WERKBANK_ENV_NAMES=${shellQuote(Object.keys(env).join(' '))}`);
  if (options.notice) {
    lines.push(`if [[ -n \${WERKBANK_ENV_VERSION-} && $- == *i* ]]; then printf '\\n%s\\n' ${shellQuote(options.notice)}; fi`);
  }
  lines.push(`WERKBANK_ENV_VERSION=${shellQuote(version)}`);
  lines.push(
    '__werkbank_env_refresh() { local version; read -r version 2>/dev/null <~/.werkbank/env.version || return 0; [[ $version == "${WERKBANK_ENV_VERSION-}" ]] || . ~/.werkbank/env.sh; }',
    'case ";${PROMPT_COMMAND-};" in *";__werkbank_env_refresh;"*) ;; *) PROMPT_COMMAND="__werkbank_env_refresh${PROMPT_COMMAND:+;$PROMPT_COMMAND}" ;; esac',
  );
  return `${lines.join('\n')}\n`;
}

export interface EnvScriptOptions extends Pick<ShellOptions, 'env' | 'pathPrefix'> {
  /** Printed once in open shells when they pick up this version (e.g. "cluster ready"). */
  notice?: string;
}

/** Replaces the runner's env script; the version file is written last, so an open shell
 * never reads a half-written script. */
export async function writeEnvScript(home: string, options: EnvScriptOptions = {}): Promise<void> {
  const dir = join(home, '.werkbank');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const version = `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  await writeFile(join(dir, 'env.sh.tmp'), envScript(options, version));
  await rename(join(dir, 'env.sh.tmp'), join(dir, 'env.sh'));
  await writeFile(join(dir, 'env.version.tmp'), `${version}\n`);
  await rename(join(dir, 'env.version.tmp'), join(dir, 'env.version'));
}

/** Creates the learner's home with a friendly prompt the first time only (later the
 * files are theirs to change) and rewrites the runner's env script every time. */
export async function prepareHome(home: string, options: Pick<ShellOptions, 'env' | 'pathPrefix'> = {}): Promise<void> {
  await writeEnvScript(home, options);
  for (const [name, content] of [
    ['.bashrc', BASHRC],
    ['.bash_profile', BASH_PROFILE],
  ] as const) {
    const path = join(home, name);
    if (!(await exists(path))) await writeFile(path, content);
  }
}

/** What the docker CLI needs to find its daemon, and nothing else of the runner's. */
function commandEnv(): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin', TERM: 'xterm-256color' };
  for (const name of ['HOME', 'DOCKER_HOST', 'DOCKER_CONFIG', 'DOCKER_CONTEXT', 'DOCKER_CERT_PATH', 'DOCKER_TLS_VERIFY']) {
    const value = process.env[name];
    if (value) env[name] = value;
  }
  return env;
}

export function spawnShell(options: ShellOptions): pty.IPty {
  if (options.command) {
    return pty.spawn('/bin/bash', [CLOSE_FDS_WRAPPER, ...options.command], {
      name: 'xterm-256color',
      cols: options.cols,
      rows: options.rows,
      cwd: '/',
      env: commandEnv(),
      encoding: null,
    });
  }
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
