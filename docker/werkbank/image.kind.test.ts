// The Werkbank image (docker/werkbank/build.sh) runs as the Helm chart runs it: as user
// 10001 on a read-only root file system without capabilities, its data on a volume. It
// answers /api/health, serves the built site, keeps the progress store on the volume,
// and a learner's shell in it has kubectl and helm. In the kind project because it needs
// Docker and builds the image when its inputs changed (warm: one hash, no build).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../checks/testing/wait.ts';
import { runChecked } from '../../runner/process.ts';
import { freePort } from '../../runner/testing/free-port.ts';
import { newLearner, TerminalClient } from '../../runner/testing/terminal-client.ts';

const BUILD = new URL('./build.sh', import.meta.url).pathname;
const suffix = randomBytes(4).toString('hex');
const volume = `werkbank-image-test-${suffix}`;
const container = `werkbank-image-test-${suffix}`;
let baseUrl = '';

async function docker(...args: string[]): Promise<string> {
  return (await runChecked('docker', args, { timeoutMs: 120_000 })).trim();
}


beforeAll(async () => {
  // Progress lines go to the test's output; a cold build takes a few minutes.
  const build = await runChecked('bash', [BUILD], { timeoutMs: 900_000, onStderrLine: (line) => process.stderr.write(`${line}\n`) });
  // The name of what was built (the tree may change while the tests run).
  const image = build.trim().split('\n').at(-1)!;
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  await docker(
    'run', '-d', '--name', container,
    // As the chart's securityContext has it.
    '--user', '10001:10001', '--read-only', '--tmpfs', '/tmp', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges',
    '-v', `${volume}:/var/lib/werkbank`,
    '-e', 'WERKBANK_INSTRUCTOR_TOKEN=lehrende-test-token',
    '-e', `WERKBANK_ALLOWED_ORIGINS=${baseUrl}`,
    '-p', `127.0.0.1:${port}:4321`,
    image,
  );
}, 900_000);

afterAll(async () => {
  await docker('rm', '-f', container).catch(() => undefined);
  await docker('volume', 'rm', '-f', volume).catch(() => undefined);
});

describe('werkbank/werkbank image', () => {
  it('answers /api/health and serves the built site', async () => {
    const health = await waitFor(
      'der Runner im Image antwortet auf /api/health',
      async () => {
        const response = await fetch(`${baseUrl}/api/health`, { signal: AbortSignal.timeout(5_000) });
        return response.ok ? ((await response.json()) as { ok: boolean; node: string }) : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    ).catch(async (error: unknown) => {
      throw new Error(`${String(error)}\nProtokoll des Containers:\n${await docker('logs', container).catch(() => '')}`);
    });
    expect(health).toMatchObject({ ok: true, node: 'v24.21.0' });
    const page = await fetch(`${baseUrl}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Werkbank');
  });

  it('keeps the progress store on the data volume and takes the instructor token from the environment', async () => {
    const files = await docker('exec', container, 'ls', '/var/lib/werkbank');
    expect(files.split('\n')).toContain('progress.sqlite');
    expect(files.split('\n')).not.toContain('instructor-token');
    const refused = await fetch(`${baseUrl}/api/lehrende/progress`, { headers: { authorization: 'Bearer falsch' } });
    expect(refused.status).toBe(401);
    const allowed = await fetch(`${baseUrl}/api/lehrende/progress`, { headers: { authorization: 'Bearer lehrende-test-token' } });
    expect(allowed.status).toBe(200);
  });

  it("gives a learner's shell kubectl and helm", async () => {
    const learner = await newLearner(baseUrl);
    const terminal = await TerminalClient.connect(baseUrl, learner);
    try {
      await terminal.waitForPrompt(30_000);
      const output = await terminal.run('id -u; kubectl version --client | head -1; helm version --short', 30_000);
      expect(output).toMatch(/^10001$/m);
      expect(output).toMatch(/Client Version: v1\.34/);
      expect(output).toMatch(/^v3\./m);
    } finally {
      await terminal.close();
    }
  });
});
