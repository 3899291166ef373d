// What kind's node container really holds: `crictl images` inside it answers "is the image
// loaded into the cluster?" with certainty, where the API only knows about images that
// some pod already used.
import { z } from 'zod';
import type { NodeImages, NodeRuntime } from '../../checks/index.ts';
import { runChecked } from '../process.ts';

export const KIND_NODE_SOURCE = 'crictl im kind-Knoten';

/** Runs a command and gives its stdout; rejects on a non-zero exit or abort. */
export type ExecCommand = (command: string, args: string[], signal: AbortSignal) => Promise<string>;

const crictlImagesSchema = z.object({
  images: z
    .array(
      z.object({
        repoTags: z.array(z.string()).nullish(),
        repoDigests: z.array(z.string()).nullish(),
      }),
    )
    .nullish(),
});

export const execCommand: ExecCommand = (command, args, signal) =>
  runChecked(command, args, { signal, maxOutputChars: 16 << 20, tailLines: 20 });

/** Image references from `crictl images -o json`: tags, and digests for untagged images. */
export function parseCrictlImages(stdout: string): string[] {
  const parsed = crictlImagesSchema.parse(JSON.parse(stdout));
  const images: string[] = [];
  for (const image of parsed.images ?? []) {
    const tags = image.repoTags ?? [];
    images.push(...(tags.length > 0 ? tags : (image.repoDigests ?? [])));
  }
  return images;
}

/**
 * The node runtime of a kind cluster with one node (the learner clusters): the node's
 * Docker container, whose name kind also gives the Kubernetes node. `nodeExec` runs a
 * program in it: `docker exec <node>` on the host, one `docker exec` deeper in a sandbox.
 */
export function kindNodeRuntime(
  nodeContainer: string,
  exec: ExecCommand = execCommand,
  nodeExec: string[] = ['docker', 'exec', nodeContainer],
): NodeRuntime {
  const [command = 'docker', ...prefix] = nodeExec;
  return {
    source: KIND_NODE_SOURCE,
    async listImages(signal: AbortSignal): Promise<NodeImages[]> {
      const stdout = await exec(command, [...prefix, 'crictl', 'images', '-o', 'json'], signal);
      return [{ node: nodeContainer, images: parseCrictlImages(stdout) }];
    },
  };
}
