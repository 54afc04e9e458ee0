/**
 * `npm run read NN`: lesson NN's README in the terminal, its code highlighted (the code
 * is woven into the README by `npm run weave`, so nothing is missing), paged through
 * `$PAGER` (or `less -R`) when the output is a terminal, printed plainly when piped.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand, usageMistake, type CommandLine } from './workbook/args.ts';
import { findItem, listLessons } from './workbook/catalog.ts';
import { UsageError, workbookRoot } from './workbook/cli.ts';
import { wantsColor } from './workbook/colors.ts';
import { missingLessonMessage } from './workbook/plan.ts';
import { renderForTerminal } from './workbook/terminal-markdown.ts';

const COMMAND_LINE: CommandLine<never> = {
  command: 'npm run read',
  synopsis: 'NN',
  description: 'Shows lesson NN in the terminal, code highlighted, through $PAGER (less) when the output is a terminal.',
  flags: {},
  maxArguments: 1,
};

runCommand(COMMAND_LINE, async ({ args }) => {
  const root = workbookRoot();
  if (args.length === 0) throw usageMistake(COMMAND_LINE, 'Which lesson? Name it: npm run read NN.');
  const lesson = findItem(listLessons(root), args[0]!);
  if (lesson === undefined) throw new UsageError(missingLessonMessage(root, args[0]!));
  const readme = join(lesson.dir, 'README.md');
  if (!existsSync(readme)) throw new UsageError(`Lesson ${lesson.number} has no README.md yet.`);
  const text = renderForTerminal(readFileSync(readme, 'utf8'), wantsColor(process.stdout));
  if (!process.stdout.isTTY) {
    process.stdout.write(text);
    return 0;
  }
  return page(text);
});

/** Show `text` through the learner's pager; print it when there is none. */
function page(text: string): number {
  const pager = process.env.PAGER?.trim() || 'less';
  const result = spawnSync(pager, pager === 'less' ? ['-R'] : [], {
    input: text, stdio: ['pipe', 'inherit', 'inherit'], shell: pager.includes(' '), env: { LESS: 'FRX', ...process.env },
  });
  if (result.error !== undefined) process.stdout.write(text);
  return 0;
}
