// Before a kind node (or a whole sandbox) is made: Docker answers, and its data root has
// room for what one more writes there (etcd, logs, unpacked images).
import { statfs } from 'node:fs/promises';
import { lastLines, type CommandResult } from './commands.ts';
import { dockerDown, lowDisk } from './errors.ts';

export async function checkDockerRoom(docker: (args: string[]) => Promise<CommandResult>, neededMiB: number): Promise<void> {
  const info = await docker(['info', '--format', '{{.DockerRootDir}}']);
  if (info.code !== 0) throw dockerDown(lastLines(info.stderr, 4));
  const root = info.stdout.trim();
  const disk = root ? await statfs(root).catch(() => null) : null;
  if (!disk) return;
  const freeMiB = Math.floor((disk.bavail * disk.bsize) / (1 << 20));
  if (freeMiB < neededMiB) throw lowDisk(root, freeMiB, neededMiB);
}
