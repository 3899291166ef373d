// The command-line tools a learner's shell gets on its PATH: kubectl, kind and helm as
// docker/toolchain/resolve.ts chooses them (the user's own when the version fits, else a
// verified download, else the source build), linked into one directory so nothing else
// from the build cache (kube-apiserver, etcd, …) shows up in the learner's tab completion.
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { resolveLearnerTools, type ResolveOptions, type ToolResolution } from '../docker/toolchain/resolve.ts';
import type { LearnerTool } from '../docker/toolchain/tool-version.ts';

/** Links the chosen tools into `<dataDir>/bin` and returns that directory. Tools not
 * there yet are left out; `./werkbank start` downloads or builds them. */
export async function linkLearnerTools(dataDir: string, options: ResolveOptions = {}): Promise<string> {
  return (await linkResolvedTools(dataDir, options)).binDir;
}

/** As linkLearnerTools, and also says which binary each link points to and why. */
export async function linkResolvedTools(
  dataDir: string,
  options: ResolveOptions = {},
): Promise<{ binDir: string; tools: Record<LearnerTool, ToolResolution> }> {
  const binDir = join(dataDir, 'bin');
  await mkdir(binDir, { recursive: true });
  const tools = resolveLearnerTools(options);
  for (const resolution of Object.values(tools)) {
    const link = join(binDir, resolution.tool);
    if (!resolution.chosen) {
      await rm(link, { force: true });
      continue;
    }
    // Made beside it and renamed over it: a shell never finds the tool missing, and two
    // runs at once (start and the end of the preparation) cannot trip over each other.
    const fresh = `${link}.${randomBytes(4).toString('hex')}`;
    await symlink(resolution.chosen.path, fresh);
    await rename(fresh, link);
  }
  return { binDir, tools };
}
