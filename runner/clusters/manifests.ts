// Applies add-on manifests (metrics-server, …) through the API: each object is created,
// and one that exists already (a retried add-on step) is left as it is.
import { readFile } from 'node:fs/promises';
import { KubeConfig, KubernetesObjectApi, type KubernetesObject } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';

function isConflict(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && (error as { code: unknown }).code === 409;
}

export async function applyManifestFile(config: KubeConfig, path: string): Promise<number> {
  const client = KubernetesObjectApi.makeApiClient(config);
  let created = 0;
  for (const document of parseAllDocuments(await readFile(path, 'utf8'))) {
    if (document.errors.length > 0) throw new Error(`${path}: ${document.errors[0]?.message}`);
    const object = document.toJS() as KubernetesObject | null;
    if (!object?.kind) continue;
    try {
      await client.create(object);
      created += 1;
    } catch (error) {
      if (!isConflict(error)) throw error;
    }
  }
  return created;
}
