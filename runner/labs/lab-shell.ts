// A throwaway learner's home for running lab scripts outside a terminal: the labs' files
// in ~/<lab>/, the learner's tools on PATH, and a private copy of the cluster's
// kubeconfig, so a script's `kubectl config set-context` changes nobody else's.
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { linkLearnerTools } from '../tools.ts';
import { labWorkDir, prepareLabFiles } from './learner-files.ts';
import type { LoadedLab } from './load.ts';

export interface LabShellTarget {
  /** Admin kubeconfig of the cluster; the scripts get a private copy. */
  kubeconfigPath: string;
  /** For `kind load docker-image` and `kind get nodes` in scripts (kind clusters only). */
  clusterName?: string;
}

export interface LabShell {
  env: NodeJS.ProcessEnv;
  /** The lab's working directory, where its scripts run. */
  workDirOf(labId: string): string;
  close(): Promise<void>;
}

export async function openLabShell(labs: readonly LoadedLab[], target: LabShellTarget): Promise<LabShell> {
  const home = await mkdtemp(join(tmpdir(), 'werkbank-lab-shell-'));
  try {
    const kubeconfigPath = join(home, '.kube', 'config');
    await mkdir(join(home, '.kube'));
    await copyFile(target.kubeconfigPath, kubeconfigPath);
    await prepareLabFiles(home, labs);
    const toolDir = await linkLearnerTools(home);
    return {
      env: {
        ...process.env,
        HOME: home,
        KUBECONFIG: kubeconfigPath,
        PATH: [toolDir, process.env.PATH ?? '/usr/bin:/bin'].join(':'),
        ...(target.clusterName ? { KIND_CLUSTER_NAME: target.clusterName } : {}),
      },
      workDirOf: (labId) => labWorkDir(home, labId),
      close: () => rm(home, { recursive: true, force: true }),
    };
  } catch (error) {
    await rm(home, { recursive: true, force: true });
    throw error;
  }
}
