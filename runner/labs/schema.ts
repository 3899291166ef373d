// The shape of a lab definition as data: labs/define.ts gives instructors the types,
// this schema checks what a lab.ts module really exported (it may be plain JS, or
// compiled with errors ignored).
import { z } from 'zod';

const kebab = z.string().regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, 'muss kebab-case sein, z. B. "pvc-anlegen"');
const relativePath = z
  .string()
  .min(1)
  .refine((path) => !path.startsWith('/') && !path.split('/').includes('..'), 'muss ein Pfad innerhalb des Lab-Verzeichnisses sein');

export const checkRefSchema = z.strictObject({
  check: z.string().min(1),
  params: z.record(z.string(), z.unknown()).default({}),
});

export const labStepSchema = z.strictObject({
  id: kebab,
  title: z.string().min(1),
  checks: z.array(checkRefSchema).min(1, 'Jeder Schritt braucht mindestens eine Prüfung'),
  hint: z.string().min(1, 'Jeder Schritt braucht einen Hinweis'),
  solution: relativePath,
});

export const labSchema = z.strictObject({
  id: kebab,
  title: z.string().min(1),
  lesson: kebab,
  namespace: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'muss ein gültiger Namespace-Name sein')
    .default('default'),
  steps: z
    .array(labStepSchema)
    .min(1, 'Ein Lab braucht mindestens einen Schritt')
    .refine((steps) => new Set(steps.map((step) => step.id)).size === steps.length, 'Schritt-IDs müssen eindeutig sein'),
  setup: z
    .strictObject({ manifests: z.array(relativePath).optional(), script: relativePath.optional() })
    .optional(),
  files: z.array(relativePath).optional(),
});

export type Lab = z.output<typeof labSchema>;
export type LabStep = Lab['steps'][number];
