// What a lesson says about its labs, read from the MDX syntax tree (the same Sätteri
// parser Astro compiles lessons with): every <Lab id>, the <Step id>s inside it and where
// they stand. `lab validate` and the site build both judge a lesson by this, so a step in
// a code block, a comment or a string is never mistaken for one.
import { mdxToMdast } from 'satteri';
import { parse } from 'yaml';

/** The lesson components instructors write; the build provides them without imports. */
export const LAB_COMPONENTS = ['Lab', 'Step', 'Hint', 'Solution'] as const;
export type LabComponent = (typeof LAB_COMPONENTS)[number];

/** The part of an mdast node this module reads (Sätteri's and unified's trees both fit). */
export interface MarkupNode {
  type: string;
  name?: string | null;
  attributes?: readonly { type: string; name?: string; value?: unknown }[];
  children?: readonly MarkupNode[];
  /** Text of a leaf (the frontmatter's YAML, code). */
  value?: unknown;
  position?: { start: { line: number; column: number } } | null;
}

export interface Place {
  line: number;
  column: number;
}

export interface StepMarkup extends Place {
  id: string;
}

export interface LabMarkup extends Place {
  id: string;
  steps: StepMarkup[];
}

export interface MarkupProblem extends Place {
  message: string;
}

export interface LessonMarkup {
  labs: LabMarkup[];
  /** Components used where they make no sense (a Step outside a Lab, a Lab without id). */
  problems: MarkupProblem[];
  /** The MDX did not parse: `labs` is empty for that reason, not because there are none. */
  unreadable?: boolean;
}

export function isLabComponent(node: MarkupNode): node is MarkupNode & { name: LabComponent } {
  return (
    (node.type === 'mdxJsxFlowElement' || node.type === 'mdxJsxTextElement') &&
    (LAB_COMPONENTS as readonly string[]).includes(node.name ?? '')
  );
}

/** The literal value of attribute `name`, or undefined (absent or an {expression}). */
export function attribute(node: MarkupNode, name: string): string | undefined {
  const found = node.attributes?.find((attr) => attr.type === 'mdxJsxAttribute' && attr.name === name);
  return typeof found?.value === 'string' ? found.value : undefined;
}

export function placeOf(node: MarkupNode): Place {
  return { line: node.position?.start.line ?? 1, column: node.position?.start.column ?? 1 };
}

/** The enclosing lab and step of every lab component, in document order. */
export interface ComponentInContext {
  node: MarkupNode & { name: LabComponent };
  lab?: string;
  step?: string;
}

export function labComponentsIn(root: MarkupNode): ComponentInContext[] {
  const found: ComponentInContext[] = [];
  const walk = (node: MarkupNode, lab: string | undefined, step: string | undefined) => {
    let innerLab = lab;
    let innerStep = step;
    if (isLabComponent(node)) {
      found.push({ node, ...(lab === undefined ? {} : { lab }), ...(step === undefined ? {} : { step }) });
      if (node.name === 'Lab') innerLab = attribute(node, 'id') ?? '';
      if (node.name === 'Step') innerStep = attribute(node, 'id') ?? '';
    }
    for (const child of node.children ?? []) walk(child, innerLab, innerStep);
  };
  walk(root, undefined, undefined);
  return found;
}

/** Labs and steps of a lesson's syntax tree, with the misplaced components. */
export function lessonMarkupOf(root: MarkupNode): LessonMarkup {
  const markup: LessonMarkup = { labs: [], problems: [] };
  for (const { node, lab, step } of labComponentsIn(root)) {
    const place = placeOf(node);
    const id = attribute(node, 'id');
    if (node.name === 'Lab') {
      if (lab !== undefined) markup.problems.push({ ...place, message: '<Lab> steht in einem anderen <Lab>; schließe das erste vorher mit </Lab>.' });
      if (!id) markup.problems.push({ ...place, message: '<Lab> braucht eine id, z. B. <Lab id="speicher">.' });
      else markup.labs.push({ id, ...place, steps: [] });
    } else if (node.name === 'Step') {
      const current = markup.labs.at(-1);
      if (lab === undefined || current === undefined) markup.problems.push({ ...place, message: `<Step${id ? ` id="${id}"` : ''}> steht außerhalb von <Lab id="…">.` });
      else if (step !== undefined) markup.problems.push({ ...place, message: '<Step> steht in einem anderen <Step>; schließe den ersten vorher mit </Step>.' });
      else if (!id) markup.problems.push({ ...place, message: '<Step> braucht eine id, wie der Schritt in lab.ts heißt.' });
      else current.steps.push({ id, ...place });
    } else if (step === undefined) {
      markup.problems.push({ ...place, message: `<${node.name}> gehört in einen <Step id="…">.` });
    }
  }
  return markup;
}

/** Parses MDX source; a syntax error is a problem at its line, not an exception. */
export function lessonMarkup(source: string): LessonMarkup {
  let root: MarkupNode;
  try {
    root = mdxToMdast(source, { position: true }) as MarkupNode;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const line = /(\d+):(\d+)/.exec(message);
    return { labs: [], unreadable: true, problems: [{ line: line ? Number(line[1]) : 1, column: line ? Number(line[2]) : 1, message: `MDX lässt sich nicht lesen: ${message}` }] };
  }
  return lessonMarkupOf(root);
}

/** The lesson's frontmatter as data, or undefined when it has none or it does not parse. */
export function lessonFrontmatter(source: string): Record<string, unknown> | undefined {
  try {
    const root = mdxToMdast(source, { position: false }) as MarkupNode;
    const yaml = root.children?.find((child) => child.type === 'yaml');
    const data: unknown = typeof yaml?.value === 'string' ? parse(yaml.value) : undefined;
    return typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** What a lab needs to be compared with a lesson. */
export interface LabSteps {
  id: string;
  lesson: string;
  steps: readonly { id: string }[];
}

export interface LessonCheckOptions {
  /** Labs that exist but did not load: their own problems are reported elsewhere. */
  broken?: ReadonlySet<string>;
  /** Also report lab steps the lesson lacks, at the <Lab> line (`lab validate` names
   * them at the step in lab.ts instead). */
  missingSteps?: boolean;
}

/** Lesson-side disagreements between a lesson (named `lessonSlug`) and the labs it uses,
 * each at its line in the lesson. */
export function lessonLabProblems(
  markup: LessonMarkup,
  lessonSlug: string,
  labs: ReadonlyMap<string, LabSteps>,
  options: LessonCheckOptions = {},
): MarkupProblem[] {
  const problems: MarkupProblem[] = [...markup.problems];
  for (const used of markup.labs) {
    const lab = labs.get(used.id);
    if (options.broken?.has(used.id)) continue;
    if (!lab) {
      problems.push({ line: used.line, column: used.column, message: `<Lab id="${used.id}">: labs/${used.id}/lab.ts gibt es nicht.` });
      continue;
    }
    const defined = lab.steps.map((step) => step.id);
    for (const step of used.steps) {
      if (!defined.includes(step.id)) {
        problems.push({ line: step.line, column: step.column, message: `<Step id="${step.id}"> gibt es in labs/${lab.id}/lab.ts nicht (dort: ${defined.join(', ')}).` });
      }
    }
    if (!options.missingSteps || lab.lesson !== lessonSlug) continue; // only the lab's own lesson must hold all its steps
    const written = new Set(used.steps.map((step) => step.id));
    const missing = defined.filter((id) => !written.has(id));
    if (missing.length > 0) {
      problems.push({ line: used.line, column: used.column, message: `<Lab id="${lab.id}"> fehlt ${missing.map((id) => `<Step id="${id}">`).join(', ')} aus labs/${lab.id}/lab.ts.` });
    }
  }
  return problems;
}
