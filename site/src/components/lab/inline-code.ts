// A lab.ts hint is plain text in which `backticks` mark commands and names, as in the
// lesson's Markdown; the page shows those parts as code.

export interface TextPart {
  text: string;
  code: boolean;
}

export function inlineCode(text: string): TextPart[] {
  return text
    .split('`')
    .map((part, index) => ({ text: part, code: index % 2 === 1 }))
    .filter((part) => part.text !== '');
}
