// The manager's memory across restarts (also kill -9): which cluster belongs to which
// learner, which are pool clusters, and how long creations took (for the estimate).
// One small JSON file, replaced atomically so a crash never leaves half a file.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';

const clusterEntrySchema = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  /** Learner id, or null for a pool cluster. */
  owner: z.string().nullable(),
  phase: z.enum(['creating', 'ready']),
  namespace: z.string(),
  nodeContainer: z.string().optional(),
  startedAt: z.number(),
  readyAt: z.number().optional(),
  lastUsedAt: z.number(),
});

const stateSchema = z.object({
  version: z.literal(1),
  provider: z.string(),
  clusters: z.array(clusterEntrySchema),
  /** Seconds the last creations took, newest last. */
  createSeconds: z.array(z.number()),
});

export type ClusterEntry = z.infer<typeof clusterEntrySchema>;
export type ManagerState = z.infer<typeof stateSchema>;

export function emptyState(provider: string): ManagerState {
  return { version: 1, provider, clusters: [], createSeconds: [] };
}

export async function readState(path: string, provider: string): Promise<ManagerState> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyState(provider);
    throw error;
  }
  const parsed = stateSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    console.warn(`[cluster] ${path} ist unlesbar und wird neu angelegt:`, parsed.error.message);
    return emptyState(provider);
  }
  // Another provider's clusters are not this provider's to adopt.
  return parsed.data.provider === provider ? parsed.data : emptyState(provider);
}

/** Writes one state after the other; each write replaces the file atomically. */
export class StateWriter {
  private readonly path: string;
  private chain: Promise<void> = Promise.resolve();

  constructor(path: string) {
    this.path = path;
  }

  write(state: ManagerState): Promise<void> {
    const text = `${JSON.stringify(state, null, 2)}\n`;
    this.chain = this.chain.then(async () => {
      await mkdir(dirname(this.path), { recursive: true });
      const temporary = `${this.path}.${randomBytes(4).toString('hex')}.tmp`;
      await writeFile(temporary, text, { mode: 0o600 });
      await rename(temporary, this.path);
    });
    return this.chain;
  }
}
