// The lab components in every lesson without import lines, fed from lab.ts: an mdast
// plugin for Astro's Markdown processor (Sätteri) finds <Lab>, <Step>, <Hint> and
// <Solution> in the lesson's syntax tree, checks them against labs/<id>/lab.ts, gives
// <Hint> the step's hint and <Solution> the step's solution script, and imports the
// components under names of its own. A lesson that still imports them keeps working:
// its imports are simply left unused. A mismatch fails the build with file and line.
import { isSatteriProcessor } from '@astrojs/markdown-satteri';
import type { AstroIntegration } from 'astro';
import { AstroError } from 'astro/errors';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineMdastPlugin, type MdastPluginDefinition } from 'satteri';
import type * as LabLoader from '../runner/labs/load.ts';
import type { LoadedLab } from '../runner/labs/load.ts';
import { labComponentsIn, lessonLabProblems, lessonMarkupOf, type LabComponent, type MarkupNode } from '../runner/labs/lesson-markup.ts';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const componentFile = (name: LabComponent) => fileURLToPath(new URL(`./src/components/lab/${name}.astro`, import.meta.url));
/** Names no lesson writes itself, so an import line a lesson still has cannot clash. */
const importedAs = (name: LabComponent) => `WerkbankLab${name === 'Lab' ? '' : name}`;
const COMPONENT_IMPORTS = (['Lab', 'Step', 'Hint', 'Solution'] as const)
  .map((name) => `import ${importedAs(name)} from ${JSON.stringify(componentFile(name))};`)
  .join('\n');

/** lab.ts files are TypeScript modules the config's Vite loader cannot import once the
 * config is loaded; Node loads them (and the checks they name) itself. */
function labLoader(): typeof LabLoader {
  const require = createRequire(import.meta.url);
  return require(join(repoRoot, 'runner', 'labs', 'load.ts')) as typeof LabLoader;
}

function buildError(problems: readonly { file: string; line: number; message: string }[]): AstroError {
  const list = problems.map((problem) => `${problem.file}:${problem.line}: ${problem.message}`).join('\n');
  return new AstroError(
    `Lektionen und Labs passen nicht zusammen:\n${list}`,
    'Korrigiere die genannten Stellen; `./werkbank lab validate` prüft dasselbe ohne Build.',
  );
}

/** The script a learner sees: the solution as `lab test` runs it, without the comment
 * lines, which explain the script to instructors. */
export function shownSolution(script: string): string {
  return script
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .trim();
}

type Element = MarkupNode & { name: LabComponent; type: 'mdxJsxFlowElement' | 'mdxJsxTextElement' };

function withAttributes(node: Element, extra: Record<string, string>) {
  return {
    type: node.type,
    name: importedAs(node.name),
    attributes: [
      ...(node.attributes ?? []),
      ...Object.entries(extra).map(([name, value]) => ({ type: 'mdxJsxAttribute', name, value })),
    ],
    children: node.children ?? [],
  };
}

/** The mdast plugin: checks a lesson's labs and steps, then wires the components. */
export function labMarkupPlugin(labs: readonly LoadedLab[], lessonsDir = join(repoRoot, 'lessons')): MdastPluginDefinition {
  const byId = new Map(labs.map((loaded) => [loaded.lab.id, loaded]));
  const steps = new Map(labs.map(({ lab }) => [lab.id, lab]));
  return defineMdastPlugin({
    name: 'werkbank-lab-components',
    options: { position: true },
    before(root, ctx) {
      if (ctx.sourceFormat !== 'mdx' || !ctx.fileURL) return;
      const file = fileURLToPath(ctx.fileURL);
      const tree = root as unknown as MarkupNode;
      const found = labComponentsIn(tree);
      if (found.length === 0) return;
      const shown = relative(repoRoot, file);
      const slug = file.startsWith(`${lessonsDir}/`) ? basename(file).replace(/\.mdx$/, '') : '';
      const problems = lessonLabProblems(lessonMarkupOf(tree), slug, steps, { missingSteps: true });
      if (problems.length > 0) throw buildError(problems.map((problem) => ({ file: shown, ...problem })));

      // Innermost first: a replaced element's children are already the replaced ones.
      for (const { node, lab, step } of found.reverse()) {
        const element = node as Element;
        const labStep = byId.get(lab ?? '')?.lab.steps.find((candidate) => candidate.id === step);
        if (element.name === 'Hint' && labStep) {
          ctx.replaceNode(element as never, withAttributes(element, { text: labStep.hint }) as never);
        } else if (element.name === 'Solution' && labStep) {
          const path = join(byId.get(lab ?? '')!.dir, labStep.solution);
          const script = shownSolution(readFileSync(path, 'utf8'));
          ctx.replaceNode(element as never, withAttributes(element, { script, file: relative(repoRoot, path) }) as never);
        } else {
          ctx.replaceNode(element as never, withAttributes(element, {}) as never);
        }
      }
      const first = tree.children?.find((child) => child.type !== 'yaml' && child.type !== 'toml');
      if (first) ctx.insertBefore(first as never, { type: 'mdxjsEsm', value: COMPONENT_IMPORTS } as never);
    },
  });
}

/** Loads the labs, fails the build on any problem in them or between them and their
 * lessons (lab validate's findings), and hands the plugin to the Markdown processor. */
export function labComponents(options: { labsDir?: string; lessonsDir?: string } = {}): AstroIntegration {
  return {
    name: 'werkbank-labs',
    hooks: {
      'astro:config:setup': async ({ config, addWatchFile }) => {
        const { loadLabs } = labLoader();
        const catalog = await loadLabs(options);
        if (catalog.problems.length > 0) throw buildError(catalog.problems);
        for (const { lab, dir } of catalog.labs) {
          addWatchFile(join(dir, 'lab.ts'));
          for (const step of lab.steps) addWatchFile(join(dir, step.solution));
        }
        const processor = config.markdown.processor;
        if (!isSatteriProcessor(processor)) {
          throw new AstroError(`Die Lab-Komponenten brauchen Astros Markdown-Prozessor Sätteri, eingestellt ist "${processor.name}".`);
        }
        processor.options.mdastPlugins.push(labMarkupPlugin(catalog.labs, options.lessonsDir));
      },
    },
  };
}
