// Helm v3 keeps each release revision in a Secret "sh.helm.release.v1.<name>.v<rev>"
// (type helm.sh/release.v1, labels owner=helm, name, status, version). Its data.release
// is base64 (Kubernetes) of base64 (Helm) of gzip of the release as JSON.
import { gunzipSync } from 'node:zlib';
import type { V1Secret } from '@kubernetes/client-node';
import { z } from 'zod';

const GZIP_MAGIC = [0x1f, 0x8b, 0x08];

const releaseSchema = z
  .object({
    name: z.string(),
    namespace: z.string().optional(),
    version: z.number().int(),
    info: z
      .object({
        status: z.string(),
        description: z.string().optional(),
        first_deployed: z.string().optional(),
        last_deployed: z.string().optional(),
      })
      .loose(),
    chart: z
      .object({
        metadata: z
          .object({ name: z.string(), version: z.string(), appVersion: z.string().optional() })
          .loose(),
      })
      .loose()
      .optional(),
    /** The values given at install/upgrade (--set, -f), without the chart's defaults. */
    config: z.record(z.string(), z.unknown()).nullable().optional(),
  })
  .loose();

export type HelmRelease = z.output<typeof releaseSchema>;

/** The release stored in a Secret's data.release (as the API returns it: base64). */
export function decodeHelmRelease(data: string): HelmRelease {
  const helmEncoded = Buffer.from(data, 'base64').toString('latin1');
  let bytes: Buffer = Buffer.from(helmEncoded, 'base64');
  if (GZIP_MAGIC.every((byte, index) => bytes[index] === byte)) bytes = gunzipSync(bytes);
  const parsed = releaseSchema.safeParse(JSON.parse(bytes.toString('utf8')));
  if (!parsed.success) {
    throw new Error(`Helm-Release hat eine unerwartete Form: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  }
  return parsed.data;
}

/** What the Secret's labels say about a revision, without decoding it. */
export interface HelmRevision {
  name: string;
  revision: number;
  status: string;
  secret: V1Secret;
}

export function helmRevision(secret: V1Secret): HelmRevision | undefined {
  const labels = secret.metadata?.labels ?? {};
  const revision = Number(labels.version);
  if (labels.owner !== 'helm' || !labels.name || !Number.isInteger(revision)) return undefined;
  return { name: labels.name, revision, status: labels.status ?? 'unknown', secret };
}

/** The label selector for all revisions of one release. */
export function helmReleaseSelector(release: string): string {
  return `owner=helm,name=${release}`;
}
