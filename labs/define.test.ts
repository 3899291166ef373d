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
    const lab = defineLab({ id: 'speicher', title: 'Speicher', lesson: 'speicher', files: ['pvc.yaml'], steps: [{ ...step, checks }] });
    expect(labSchema.safeParse(lab).success).toBe(true);
  });

  it('reject a typo in the setup', () => {
    // @ts-expect-error -- "scrip" is a typo of "script"
    const lab = defineLab({ id: 'c', title: 'C', lesson: 'c', setup: { scrip: 'setup.sh' }, steps: [{ ...step, checks }] });
    expect(labSchema.safeParse(lab).success).toBe(false);
  });

  it('reject a check id the library does not have', () => {
    // @ts-expect-error -- "pvc-bund" is a typo of "pvc-bound"
    const lab = defineLab({ id: 'e', title: 'E', lesson: 'e', steps: [{ ...step, checks: [{ check: 'pvc-bund', params: {} }] }] });
    expect(lab.steps[0]?.checks[0]?.check).toBe('pvc-bund');
  });

  it('reject a step without its hint', () => {
    const { hint: _hint, ...withoutHint } = step;
    // @ts-expect-error -- every step needs a hint
    const lab = defineLab({ id: 'd', title: 'D', lesson: 'd', steps: [{ ...withoutHint, checks }] });
    expect(labSchema.safeParse(lab).success).toBe(false);
  });
});
