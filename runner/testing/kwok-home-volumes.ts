// Volumes for learners' home claims on the shared kwok cluster, for the kwok tests of
// both learner modes: kwok has no provisioner, so a volume per claim is made by hand in a
// StorageClass of the test's own, and a claim of that class binds to one of them.
import type { CoreV1Api } from '@kubernetes/client-node';

export async function kwokHomeVolumes(core: CoreV1Api, storageClass: string, count: number): Promise<{ remove(): Promise<void> }> {
  const names = Array.from({ length: count }, (_, i) => `${storageClass}-${i}`);
  for (const name of names) {
    await core.createPersistentVolume({
      body: {
        metadata: { name },
        spec: { storageClassName: storageClass, capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: `/tmp/${name}` } },
      },
    });
  }
  return {
    async remove() {
      for (const name of names) await core.deletePersistentVolume({ name }).catch(() => {});
    },
  };
}
