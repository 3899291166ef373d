// defineLab's types and the runtime lab schema are one description: what `tsc` rejects in
// a lab.ts, `lab validate` rejects too. The @ts-expect-error lines are checked by the type
// check in `./werkbank test` (an expected error that disappears fails it).
import { describe, expect, it } from 'vitest';
import { labSchema } from '../runner/labs/schema.ts';
import { defineLab } from './define.ts';

const step = { id: 'pvc', title: 'PVC anlegen', hint: 'Schau in die Lektion.', solution: 'solutions/pvc.sh' };
const checks = [{ check: 'pvc-bound', params: { name: 'notizen' } }] as const;

describe('defineLab and the lab schema', () => {
  it('accept the same well-formed lab', () => {
    const lab = defineLab({ id: 'speicher', title: 'Speicher', lesson: 'speicher', needs: 'cluster', files: ['pvc.yaml'], steps: [{ ...step, checks }] });
    expect(labSchema.safeParse(lab).success).toBe(true);
  });

  it('reject a typo in the setup', () => {
    // @ts-expect-error -- "scrip" is a typo of "script"
    const lab = defineLab({ id: 'c', title: 'C', lesson: 'c', needs: 'cluster', setup: { scrip: 'setup.sh' }, steps: [{ ...step, checks }] });
    expect(labSchema.safeParse(lab).success).toBe(false);
  });

  it('reject a check id the library does not have', () => {
    // @ts-expect-error -- "pvc-bund" is a typo of "pvc-bound"
    const lab = defineLab({ id: 'e', title: 'E', lesson: 'e', needs: 'cluster', steps: [{ ...step, checks: [{ check: 'pvc-bund', params: {} }] }] });
    expect(lab.steps[0]?.checks[0]?.check).toBe('pvc-bund');
  });

  it('reject a lab that does not say whether it needs a cluster of its own', () => {
    // @ts-expect-error -- every lab decides: needs 'namespace' or 'cluster'
    const lab = defineLab({ id: 'n', title: 'N', lesson: 'n', steps: [{ ...step, checks }] });
    const parsed = labSchema.safeParse(lab);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['needs']);
  });

  it('accept a step that needs a cluster in a lab that works in a namespace, and nothing else there', () => {
    const lab = defineLab({ id: 'k', title: 'K', lesson: 'k', needs: 'namespace', steps: [{ ...step, checks, needs: 'cluster' }] });
    expect(labSchema.safeParse(lab).success).toBe(true);
    // @ts-expect-error -- a step only ever needs more than its lab
    const narrower = defineLab({ id: 'k', title: 'K', lesson: 'k', needs: 'cluster', steps: [{ ...step, checks, needs: 'namespace' }] });
    expect(labSchema.safeParse(narrower).success).toBe(false);
  });

  it('reject a step without its hint', () => {
    const { hint: _hint, ...withoutHint } = step;
    // @ts-expect-error -- every step needs a hint
    const lab = defineLab({ id: 'd', title: 'D', lesson: 'd', needs: 'cluster', steps: [{ ...withoutHint, checks }] });
    expect(labSchema.safeParse(lab).success).toBe(false);
  });
});
