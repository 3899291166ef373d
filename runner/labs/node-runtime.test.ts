import { describe, expect, it } from 'vitest';
import { KIND_NODE_SOURCE, kindNodeRuntime, type ExecCommand } from './node-runtime.ts';

// Shaped like `crictl images -o json` in a kind node (trimmed).
const CRICTL_OUTPUT = JSON.stringify({
  images: [
    {
      id: 'sha256:34ca',
      repoTags: ['docker.io/werkbank/demo-app:1', 'docker.io/werkbank/demo-app:2'],
      repoDigests: ['docker.io/library/import-2026-11-22@sha256:04ec'],
      size: '127671256',
      uid: { value: '10001' },
      username: '',
      pinned: false,
    },
    { id: 'sha256:9118', repoTags: [], repoDigests: ['docker.io/library/busybox@sha256:abcd'], size: '1', pinned: false },
  ],
});

describe('kind node runtime', () => {
  it('asks crictl inside the node container and lists tags (digests for untagged images)', async () => {
    const calls: string[][] = [];
    const exec: ExecCommand = async (command, args) => {
      calls.push([command, ...args]);
      return CRICTL_OUTPUT;
    };
    const runtime = kindNodeRuntime('werkbank-abc-control-plane', exec);
    expect(runtime.source).toBe(KIND_NODE_SOURCE);
    expect(await runtime.listImages(new AbortController().signal)).toEqual([
      {
        node: 'werkbank-abc-control-plane',
        images: ['docker.io/werkbank/demo-app:1', 'docker.io/werkbank/demo-app:2', 'docker.io/library/busybox@sha256:abcd'],
      },
    ]);
    expect(calls).toEqual([['docker', 'exec', 'werkbank-abc-control-plane', 'crictl', 'images', '-o', 'json']]);
  });

  it('fails loudly on output that is not crictl JSON instead of reporting "no images"', async () => {
    const runtime = kindNodeRuntime('node', async () => 'Error: no such container');
    await expect(runtime.listImages(new AbortController().signal)).rejects.toThrow();
    const wrongShape = kindNodeRuntime('node', async () => JSON.stringify({ images: [{ repoTags: 'nginx' }] }));
    await expect(wrongShape.listImages(new AbortController().signal)).rejects.toThrow();
  });

  it('passes the abort signal on to the command', async () => {
    const controller = new AbortController();
    let seen: AbortSignal | undefined;
    await kindNodeRuntime('node', async (_command, _args, signal) => {
      seen = signal;
      return '{"images":[]}';
    }).listImages(controller.signal);
    expect(seen).toBe(controller.signal);
  });
});
