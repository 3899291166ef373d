// Baking lab images into the node image (fake docker): built once, reused while nothing
// changed, rebuilt when a lab image changes, and images not built here are left out.
import { expect, test } from 'vitest';
import type { CommandResult, CommandRunner } from './commands.ts';
import { labNodeImage } from './lab-node-image.ts';

function fakeDocker(ids: Record<string, string>) {
  const labels = new Map<string, string>();
  const commands: string[] = [];
  const runner: CommandRunner = {
    async run(command, args): Promise<CommandResult> {
      commands.push([command, ...args].join(' '));
      const ok = (stdout = '') => ({ code: 0, stdout, stderr: '' });
      if (command === 'docker' && args[0] === 'images') {
        return ok(Object.entries(ids).map(([image, id]) => `${image}=${id}`).join('\n'));
      }
      if (command === 'docker' && args[0] === 'image' && args[1] === 'inspect') {
        const image = args.at(-1)!;
        return labels.has(image) ? ok(labels.get(image)) : { code: 1, stdout: '', stderr: 'No such image' };
      }
      if (command === 'docker' && args[0] === 'run') return ok('builder123');
      if (command === 'docker' && args[0] === 'commit') {
        const inputs = args.find((arg) => arg.startsWith('LABEL werkbank.inputs='))!.split('=')[1]!;
        labels.set(args.at(-1)!, inputs);
        ids[args.at(-1)!] = `sha256:${inputs}`;
      }
      return ok();
    },
  };
  return { runner, commands, ids };
}

const base = 'werkbank/kind-node:v1.34.12';

test('lab images are baked into a derived node image once and reused until one of them changes (fake docker)', async () => {
  const docker = fakeDocker({ [base]: 'sha256:node', 'werkbank/nginx:1': 'sha256:n1', 'werkbank/toolbox:1': 'sha256:t1' });
  const images = ['werkbank/nginx:1', 'werkbank/toolbox:1', 'werkbank/not-built:0'];
  const first = await labNodeImage(docker.runner, base, images, () => {});
  expect(first?.image).toMatch(/^werkbank\/kind-node-labs:v1\.34\.12-[0-9a-f]{8}$/);
  expect(first?.baked).toEqual(['werkbank/nginx:1', 'werkbank/toolbox:1']);
  const save = docker.commands.find((command) => command.startsWith('bash -c'));
  expect(save).toContain("docker save 'werkbank/nginx:1' 'werkbank/toolbox:1' | docker exec -i builder123 ctr --namespace=k8s.io images import");
  expect(docker.commands.filter((command) => command.startsWith('docker commit'))).toHaveLength(1);
  expect(docker.commands.at(-1)).toBe('docker rm -f builder123');

  await labNodeImage(docker.runner, base, images, () => {});
  expect(docker.commands.filter((command) => command.startsWith('docker commit'))).toHaveLength(1);

  docker.ids['werkbank/nginx:1'] = 'sha256:n2';
  await labNodeImage(docker.runner, base, images, () => {});
  expect(docker.commands.filter((command) => command.startsWith('docker commit'))).toHaveLength(2);
});

test('without any lab image on this machine the plain node image is used (fake docker)', async () => {
  const docker = fakeDocker({ [base]: 'sha256:node' });
  expect(await labNodeImage(docker.runner, base, ['werkbank/nginx:1'], () => {})).toBeNull();
  expect(docker.commands.some((command) => command.startsWith('docker run'))).toBe(false);
});
