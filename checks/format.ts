// Small helpers for the German messages of the checks, so that every check quotes names,
// counts and lists the same way: „Der PVC ‚daten‘ …“, „2 von 3 Replikas“, „a, b und c“.

/** A Kubernetes name or value as it appears in a message: ‚daten‘. */
export function q(name: string): string {
  return `‚${name}‘`;
}

/** "a", "a und b", "a, b und c" (or "oder" as the last joiner). */
export function list(items: readonly string[], last: 'und' | 'oder' = 'und'): string {
  if (items.length === 0) return '';
  if (items.length === 1) return items[0]!;
  return `${items.slice(0, -1).join(', ')} ${last} ${items.at(-1)!}`;
}

/** Names quoted and listed: „‚a‘, ‚b‘ und ‚c‘“. */
export function quotedList(names: readonly string[], last: 'und' | 'oder' = 'und'): string {
  return list(names.map(q), last);
}

/** "1 Replika", "3 Replikas": the noun in the form that fits the number. */
export function count(n: number, singular: string, plural: string): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

/** The first letter in upper case, for a phrase that starts a sentence. */
export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * At most `max` names, then "und N weitere", so a namespace full of objects does not
 * turn a message into a wall of text.
 */
export function someOf(names: readonly string[], max = 5): string {
  if (names.length <= max) return quotedList(names);
  return `${names.slice(0, max).map(q).join(', ')} und ${names.length - max} weitere`;
}

/** "app=web,tier=frontend", as kubectl shows labels and selectors. */
export function labels(map: Record<string, string> | undefined): string {
  return Object.entries(map ?? {})
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
}

/** Joins sentences, each ending with a full stop (or ! ?), separated by one space. */
export function sentences(...parts: (string | false | undefined | null)[]): string {
  return parts
    .filter((part): part is string => typeof part === 'string' && part.trim() !== '')
    .map((part) => part.trim())
    .map((part) => (/[.!?:…]$/.test(part) ? part : `${part}.`))
    .join(' ');
}

/** `kubectl … -n <namespace>` for hints; the namespace flag is left out for "default". */
export function kubectl(command: string, namespace?: string): string {
  return namespace && namespace !== 'default' ? `kubectl ${command} -n ${namespace}` : `kubectl ${command}`;
}

/**
 * Tool output as one short sentence part: its first non-empty line, cut before any
 * attached JSON or YAML (a failed Helm release's description carries whole manifests).
 */
export function brief(text: string, max = 160): string {
  const line = text.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? '';
  const structured = line.search(/[:\s][{[]/);
  const cut = structured > 0 ? line.slice(0, structured).replace(/[\s:]+$/, '') : line;
  return cut.length > max ? `${cut.slice(0, max - 1).trimEnd()}…` : cut;
}
