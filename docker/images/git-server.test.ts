// werkbank/git-server takes a push over HTTP and serves it back, as the GitOps lab's
// learner and Flux's source-controller use it; plain Docker, no cluster.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../checks/testing/wait.ts';
import { runChecked, type ProcessOptions } from '../../runner/process.ts';
import { labImages } from './images.ts';

const run = (command: string, args: string[], options: ProcessOptions = {}) => runChecked(command, args, options).then((stdout) => ({ stdout }));
const IMAGE = 'werkbank/git-server:1';
let container: string | undefined;
let work: string | undefined;

afterAll(async () => {
  if (container) await run('docker', ['rm', '-f', container]);
  if (work) await rm(work, { recursive: true, force: true });
});

async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('git', ['-c', 'user.email=test@werkbank.local', '-c', 'user.name=Test', ...args], { cwd, timeoutMs: 60_000 });
  return stdout.trim();
}

describe('werkbank/git-server', () => {
  it('is one of the lab images', async () => {
    expect(await labImages()).toContain(IMAGE);
  });

  it('starts with an empty app.git on main that takes a push and serves it to a new clone', async () => {
    container = (await run('docker', ['run', '-d', IMAGE])).stdout.trim();
    const ip = (await run('docker', ['inspect', '--format', '{{.NetworkSettings.IPAddress}}', container])).stdout.trim();
    const url = `http://${ip}:8080/git/app.git`;
    work = await mkdtemp(join(tmpdir(), 'werkbank-git-server-'));
    // Answers with no refs at all until the first push.
    await waitFor(`${url} antwortet`, () => git(work!, 'ls-remote', url).then(() => true, () => undefined), { timeoutMs: 30_000, intervalMs: 200 });

    await git(work, 'clone', '-q', url, 'a');
    await writeFile(join(work, 'a', 'web.yaml'), 'replicas: 2\n');
    await git(join(work, 'a'), 'add', 'web.yaml');
    await git(join(work, 'a'), 'commit', '-qm', 'web');
    await git(join(work, 'a'), 'push', '-q', url, 'HEAD:main');

    expect(await git(work, 'ls-remote', '--symref', url, 'HEAD')).toContain('ref: refs/heads/main\tHEAD');
    await git(work, 'clone', '-q', url, 'b');
    expect(await readFile(join(work, 'b', 'web.yaml'), 'utf8')).toBe('replicas: 2\n');
  });
});
