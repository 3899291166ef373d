// Runner settings, read once from the environment so that a typo fails at start-up
// with a message instead of somewhere deep in a session.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';

const envSchema = z.object({
  WERKBANK_HOST: z.string().default('127.0.0.1'),
  WERKBANK_PORT: z.coerce.number().int().min(0).max(65535).default(4321),
  WERKBANK_DATA: z.string().optional(),
  WERKBANK_SITE_DIR: z.string().optional(),
  WERKBANK_TERMINAL_GRACE_SECONDS: z.coerce.number().min(0).default(600),
  /** Extra origins allowed to open terminals, comma-separated (e.g. a reverse proxy's). */
  WERKBANK_ALLOWED_ORIGINS: z.string().default(''),
  /** Bearer token for the instructors' class overview; made up and kept in the data dir when unset. */
  WERKBANK_INSTRUCTOR_TOKEN: z.string().optional(),
  /** `1`: a reverse proxy in front sets X-Forwarded-Proto/-For, and the runner believes them. */
  WERKBANK_TRUST_PROXY: z.enum(['0', '1', 'true', 'false', '']).default('0'),
  /** Live shells the runner keeps at most; beyond it the page says the course is full. */
  WERKBANK_MAX_SHELLS: z.coerce.number().int().min(1).default(200),
  /** Ticket and cluster requests per client (IP address) and minute, also the burst size. */
  WERKBANK_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(120),
  XDG_DATA_HOME: z.string().optional(),
});

export interface RunnerConfig {
  host: string;
  port: number;
  /** Learner homes and (later) progress live here; survives restarts. */
  dataDir: string;
  /** The built Astro site; null when only the API is served (dev mode). */
  siteDir: string | null;
  /** How long a shell outlives its dropped websocket. */
  terminalGraceMs: number;
  extraAllowedOrigins: string[];
  /** Believe a reverse proxy's X-Forwarded-Proto and X-Forwarded-For. */
  trustProxy: boolean;
  maxShells: number;
  /** Ticket and cluster requests per client and minute (and the burst). */
  rateLimitPerMinute: number;
  /** Fixed instructor token; absent: the one kept in <dataDir>/instructor-token. */
  instructorToken?: string;
}

export const repoRoot = resolve(import.meta.dirname, '..');

export function loadConfig(env: NodeJS.ProcessEnv = process.env): RunnerConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Ungültige Einstellung in der Umgebung:\n  ${problems.join('\n  ')}`);
  }
  const e = parsed.data;
  const dataHome = e.XDG_DATA_HOME ?? join(homedir(), '.local', 'share');
  return {
    host: e.WERKBANK_HOST,
    port: e.WERKBANK_PORT,
    dataDir: resolve(e.WERKBANK_DATA ?? join(dataHome, 'werkbank')),
    siteDir: resolve(e.WERKBANK_SITE_DIR ?? join(repoRoot, 'site', 'dist')),
    terminalGraceMs: e.WERKBANK_TERMINAL_GRACE_SECONDS * 1000,
    extraAllowedOrigins: e.WERKBANK_ALLOWED_ORIGINS.split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
    trustProxy: e.WERKBANK_TRUST_PROXY === '1' || e.WERKBANK_TRUST_PROXY === 'true',
    maxShells: e.WERKBANK_MAX_SHELLS,
    rateLimitPerMinute: e.WERKBANK_RATE_LIMIT_PER_MINUTE,
    ...(e.WERKBANK_INSTRUCTOR_TOKEN ? { instructorToken: e.WERKBANK_INSTRUCTOR_TOKEN } : {}),
  };
}
