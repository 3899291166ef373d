// The command-line tools a learner's shell gets on its PATH: kubectl, kind and helm
// from the pinned toolchain, linked into one directory so nothing else from the build
// cache (kube-apiserver, etcd, …) shows up in the learner's tab completion.
import { existsSync } from 'node:fs';
import { mkdir, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { toolchain, type Binary } from '../docker/toolchain/paths.ts';

const LEARNER_TOOLS: Binary[] = ['kubectl', 'kind', 'helm'];

/** Links the built tools into `<dataDir>/bin` and returns that directory. Tools not
 * built yet are left out; `./werkbank toolchain` builds them. */
export async function linkLearnerTools(dataDir: string): Promise<string> {
  const binDir = join(dataDir, 'bin');
  await mkdir(binDir, { recursive: true });
  const tools = toolchain();
  for (const tool of LEARNER_TOOLS) {
    const link = join(binDir, tool);
    await rm(link, { force: true });
    if (existsSync(tools[tool])) await symlink(tools[tool], link);
  }
  return binDir;
}
