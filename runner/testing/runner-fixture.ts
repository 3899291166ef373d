// A real runner on a free port with its own data directory, for tests.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type RunnerConfig } from '../config.ts';
import { startRunner, type Runner, type RunnerDependencies } from '../server.ts';
import { linkLearnerTools } from '../tools.ts';

export interface TestRunner extends Runner {
  dataDir: string;
  stop(): Promise<void>;
}

export interface TestRunnerOptions {
  /** Give learners kubectl, kind and helm from the built toolchain. */
  withTools?: boolean;
}

export async function startTestRunner(
  overrides: Partial<RunnerConfig> = {},
  options: TestRunnerOptions = {},
): Promise<TestRunner> {
  const dataDir = await mkdtemp(join(tmpdir(), 'werkbank-runner-'));
  const config: RunnerConfig = {
    ...loadConfig({}),
    host: '127.0.0.1',
    port: 0,
    dataDir,
    siteDir: null,
    // Tests open terminals far faster than a class does; the limit has its own test.
    rateLimitPerMinute: 100_000,
    ...overrides,
  };
  const deps: RunnerDependencies = options.withTools ? { toolDirs: [await linkLearnerTools(dataDir)] } : {};
  const runner = await startRunner(config, deps);
  return {
    ...runner,
    dataDir,
    async stop() {
      await runner.close();
      await rm(dataDir, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}
