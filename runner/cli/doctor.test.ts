// The real `./werkbank doctor` on this machine: with its Docker engine, and with one
// that cannot be reached.
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { repoRoot } from '../config.ts';
import { runProcess } from '../process.ts';

function doctor(env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string }> {
  return runProcess('bash', [join(repoRoot, 'werkbank'), 'doctor'], { env: { ...process.env, ...env }, timeoutMs: 120_000 });
}

it('reports this machine ready for clusters when its Docker engine runs', { timeout: 180_000 }, async () => {
  const { code, stdout } = await doctor({});
  expect(stdout).toMatch(/✓ Docker-Engine: läuft, Version \S+/);
  expect(stdout).toMatch(/Privilegierte Container: möglich/);
  expect(stdout).toMatch(/inotify-Grenzen: max_user_instances=\d+/);
  expect(stdout).toMatch(/kubectl: v1\.\d+\.\d+/);
  expect(stdout).toContain('Ergebnis: Lab-Cluster können starten.');
  expect(code).toBe(0);
});

it('says in German that Docker does not answer, and exits non-zero, when the engine is unreachable', { timeout: 180_000 }, async () => {
  const { code, stdout } = await doctor({ DOCKER_HOST: 'unix:///nonexistent/werkbank-doctor-test.sock' });
  expect(stdout).toContain('✗ Docker-Engine: Die Docker-Engine antwortet nicht unter unix:///nonexistent/werkbank-doctor-test.sock');
  expect(stdout).toMatch(/→ Starte Docker/);
  expect(stdout).toContain('Lab-Cluster können so nicht starten');
  expect(code).not.toBe(0);
});
