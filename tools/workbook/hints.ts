/**
 * An exercise's hints, from its `hints.md`: sections headed `## Hint 1`, `## Hint 2`, …,
 * each a step closer to the answer, the last pointing at the code in `lib/` that does
 * the same thing. `npm run hint NN` shows one more each time it runs; the progress file
 * remembers how many were shown. Tests: `test/tools/hints.test.ts`.
 */

/** One hint: its number and its Markdown text (without the heading). */
export interface Hint {
  readonly level: number;
  readonly text: string;
}

/** A parsed `hints.md`: any text before the first hint, then the hints in file order. */
export interface Hints {
  readonly intro: string;
  readonly hints: readonly Hint[];
}

const HEADING = /^##[ \t]+Hint[ \t]+(\d+)\b.*$/i;

/** Split `markdown` at its `## Hint N` headings. Other headings stay inside their hint. */
export function parseHints(markdown: string): Hints {
  const intro: string[] = [];
  const hints: { level: number; lines: string[] }[] = [];
  for (const line of markdown.split(/\r?\n/)) {
    const heading = HEADING.exec(line);
    if (heading !== null) hints.push({ level: Number(heading[1]), lines: [] });
    else (hints.at(-1)?.lines ?? intro).push(line);
  }
  return {
    intro: intro.join('\n').trim(),
    hints: hints.map((h) => ({ level: h.level, text: h.lines.join('\n').trim() })),
  };
}

/**
 * The hint to show next, given how many were already shown: one more, until the last,
 * which then repeats (showing nothing would look like a broken command).
 */
export function nextHintLevel(shown: number, count: number): number {
  return Math.max(1, Math.min(shown + 1, count));
}

/**
 * What is wrong with a `hints.md`, for authors (the exercise checks run this): hints
 * numbered 1, 2, … in order, at least two, none empty, and the last one naming a file
 * under `lib/` so the learner ends up reading the library.
 */
export function hintProblems(markdown: string): string[] {
  const { hints } = parseHints(markdown);
  const problems: string[] = [];
  if (hints.length < 2) problems.push(`has ${hints.length} hint(s); give at least two, headed "## Hint 1", "## Hint 2"`);
  hints.forEach((hint, i) => {
    if (hint.level !== i + 1) problems.push(`hint ${i + 1} is headed "Hint ${hint.level}"; number them 1, 2, … in order`);
    if (hint.text === '') problems.push(`hint ${hint.level} is empty`);
  });
  const last = hints.at(-1);
  if (last !== undefined && !/\blib\/[\w./-]+/.test(last.text)) problems.push('the last hint should point at the code in lib/ that does this (name a lib/… file)');
  return problems;
}
