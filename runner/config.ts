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
  /** OpenID Connect: set the issuer and learners sign in; unset: anonymous pseudonyms. */
  WERKBANK_OIDC_ISSUER: z.url().optional(),
  WERKBANK_OIDC_CLIENT_ID: z.string().optional(),
  WERKBANK_OIDC_CLIENT_SECRET: z.string().optional(),
  WERKBANK_OIDC_SCOPES: z.string().default('openid profile email'),
  /** The claim that makes someone an instructor (a group list or a role string) … */
  WERKBANK_OIDC_INSTRUCTOR_CLAIM: z.string().default('groups'),
  /** … and the value it must hold (unset: the claim must be `true`). */
  WERKBANK_OIDC_INSTRUCTOR_VALUE: z.string().optional(),
  /** The runner's address as browsers see it (the provider's redirect URI starts with it);
   * unset: taken from each request's Host. */
  WERKBANK_PUBLIC_URL: z.url().optional(),
  WERKBANK_OIDC_SESSION_HOURS: z.coerce.number().min(0.1).default(12),
  XDG_DATA_HOME: z.string().optional(),
});

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret?: string;
  scopes: string;
  instructorClaim: string;
  instructorValue?: string;
  publicUrl?: string;
  sessionHours: number;
}

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
  /** Sign-in with OpenID Connect; absent: anonymous learners with signed pseudonym cookies. */
  oidc?: OidcSettings;
}

function oidcSettings(e: z.infer<typeof envSchema>): OidcSettings | undefined {
  if (!e.WERKBANK_OIDC_ISSUER) return undefined;
  if (!e.WERKBANK_OIDC_CLIENT_ID) throw new Error('WERKBANK_OIDC_ISSUER ist gesetzt, aber WERKBANK_OIDC_CLIENT_ID fehlt. Trag die Client-ID ein, die der Anmeldedienst für Werkbank vergeben hat.');
  const issuer = new URL(e.WERKBANK_OIDC_ISSUER);
  if (issuer.protocol !== 'https:' && !['127.0.0.1', 'localhost', '[::1]'].includes(issuer.hostname)) {
    throw new Error(`WERKBANK_OIDC_ISSUER muss mit https:// beginnen (nur ein Anmeldedienst auf diesem Rechner darf http nutzen): ${e.WERKBANK_OIDC_ISSUER}`);
  }
  return {
    issuer: e.WERKBANK_OIDC_ISSUER,
    clientId: e.WERKBANK_OIDC_CLIENT_ID,
    ...(e.WERKBANK_OIDC_CLIENT_SECRET ? { clientSecret: e.WERKBANK_OIDC_CLIENT_SECRET } : {}),
    scopes: e.WERKBANK_OIDC_SCOPES,
    instructorClaim: e.WERKBANK_OIDC_INSTRUCTOR_CLAIM,
    ...(e.WERKBANK_OIDC_INSTRUCTOR_VALUE ? { instructorValue: e.WERKBANK_OIDC_INSTRUCTOR_VALUE } : {}),
    ...(e.WERKBANK_PUBLIC_URL ? { publicUrl: e.WERKBANK_PUBLIC_URL } : {}),
    sessionHours: e.WERKBANK_OIDC_SESSION_HOURS,
  };
}

export const repoRoot = resolve(import.meta.dirname, '..');

export function loadConfig(env: NodeJS.ProcessEnv = process.env): RunnerConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Ungültige Einstellung in der Umgebung:\n  ${problems.join('\n  ')}`);
  }
  const e = parsed.data;
  const oidc = oidcSettings(e);
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
    ...(oidc ? { oidc } : {}),
  };
}
