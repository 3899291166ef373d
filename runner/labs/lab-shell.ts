// Where a lab's scripts (setup, solutions) run outside a learner's terminal: like a
// learner's shell, with the labs' files in a working directory per lab and a private copy
// of the cluster's kubeconfig, so a script's `kubectl config set-context` changes nobody
// else's. On the host for host clusters; inside the sandbox for a learner sandbox, with
// the sandbox's own Docker, kind and kubectl, exactly as the learner types them.
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { repoRoot } from '../config.ts';
import { linkLearnerTools } from '../tools.ts';
import { labWorkDir, prepareLabFiles } from './learner-files.ts';
import type { LoadedLab } from './load.ts';
import { runLabCommand, type CommandOutcome, type LabCommand } from './run-command.ts';

export interface LabShellTarget {
  /** Admin kubeconfig of the cluster on the host; host scripts get a private copy. */
  kubeconfigPath: string;
  /** For `kind load docker-image` and `kind get nodes` in scripts (host kind clusters). */
  clusterName?: string;
  /** The learner sandbox the scripts run in (its container's or pod's name). */
  sandbox?: string;
  /** The command prefix that runs a program in it; default `docker exec <sandbox>`. */
  sandboxExec?: string[];
}

export interface LabShell {
  /** Runs one of a lab's commands in that lab's working directory. */
  run(command: LabCommand, labId: string): Promise<CommandOutcome>;
  close(): Promise<void>;
}

export function openLabShell(labs: readonly LoadedLab[], target: LabShellTarget): Promise<LabShell> {
  return target.sandbox ? openSandboxLabShell(labs, target.sandbox, target.sandboxExec ?? ['docker', 'exec', target.sandbox]) : openHostLabShell(labs, target);
}

async function openHostLabShell(labs: readonly LoadedLab[], target: LabShellTarget): Promise<LabShell> {
  const home = await mkdtemp(join(tmpdir(), 'werkbank-lab-shell-'));
  try {
    const kubeconfigPath = join(home, '.kube', 'config');
    await mkdir(join(home, '.kube'));
    await copyFile(target.kubeconfigPath, kubeconfigPath);
    await prepareLabFiles(home, labs);
    const toolDir = await linkLearnerTools(home);
    const env = {
      ...process.env,
      HOME: home,
      KUBECONFIG: kubeconfigPath,
      PATH: [toolDir, process.env.PATH ?? '/usr/bin:/bin'].join(':'),
      ...(target.clusterName ? { KIND_CLUSTER_NAME: target.clusterName } : {}),
    };
    return {
      run: (command, labId) => runLabCommand(command, labWorkDir(home, labId), env),
      close: () => rm(home, { recursive: true, force: true }),
    };
  } catch (error) {
    await rm(home, { recursive: true, force: true });
    throw error;
  }
}

/** Inside the sandbox the repository's labs/ is mounted read-only here. */
const SANDBOX_LABS = '/opt/werkbank/labs';
/** Kubeconfig the sandbox's kind wrote for the learner (sandbox-provider.ts). */
const SANDBOX_KUBECONFIG = '/var/lib/werkbank/kubeconfig';

function inSandbox(path: string): string {
  const fromLabs = relative(join(repoRoot, 'labs'), path);
  return fromLabs.startsWith('..') ? path : join(SANDBOX_LABS, fromLabs);
}

async function openSandboxLabShell(labs: readonly LoadedLab[], sandbox: string, exec: string[]): Promise<LabShell> {
  const [execCommand = 'docker', ...execPrefix] = exec;
  // Outside /root: a pool sandbox's /root becomes a learner's home later.
  const home = `/tmp/werkbank-lab-${Date.now().toString(36)}`;
  const copies = labs.flatMap(({ lab, dir }) => [
    `mkdir -p ${home}/${lab.id}`,
    ...(lab.files ?? []).map((file) => `cp ${inSandbox(join(dir, file))} ${home}/${lab.id}/${basename(file)}`),
  ]);
  const prepared = await runLabCommand(
    { path: 'Lab-Dateien', command: execCommand, args: [...execPrefix, 'sh', '-ec', [`mkdir -p ${home}/.kube`, `cp ${SANDBOX_KUBECONFIG} ${home}/.kube/config`, ...copies].join('\n')] },
    '/',
    process.env,
  );
  if (!prepared.ok) throw new Error(`Die Sandbox ${sandbox} nimmt die Lab-Dateien nicht an:\n${prepared.output}`);
  return {
    run: (command, labId) =>
      runLabCommand(
        {
          path: command.path,
          command: execCommand,
          // env rather than exec flags: the same in a container (docker exec) and a pod (kubectl exec).
          args: [...execPrefix, 'env', '-C', `${home}/${labId}`, `HOME=${home}`, `KUBECONFIG=${home}/.kube/config`, command.command, ...command.args.map(inSandbox)],
        },
        '/',
        process.env,
      ),
    close: async () => {
      await runLabCommand({ path: 'aufräumen', command: execCommand, args: [...execPrefix, 'rm', '-rf', home] }, '/', process.env);
    },
  };
}
