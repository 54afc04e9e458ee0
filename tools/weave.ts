/**
 * `npm run weave`: copies the code each lesson README (and guide) shows from its `#region` into the
 * README, so the lesson reads whole on GitHub, in an editor and in `npm run read`, and
 * turns VitePress include lines (`<<< ../../lib/x.ts#region{ts}`) into woven blocks.
 * `npm run weave -- --check` changes nothing and exits 1 listing stale blocks, missing or
 * unclosed regions and `lib/` regions no page shows. How a block looks:
 * tools/workbook/weave.ts.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand, type CommandLine } from './workbook/args.ts';
import { workbookRoot } from './workbook/cli.ts';
import { NOT_YET_SHOWN } from './workbook/not-yet-shown.ts';
import { weaveLessons, weaveProblems } from './workbook/weave.ts';

const COMMAND_LINE: CommandLine<'check'> = {
  command: 'npm run weave',
  synopsis: '[-- --check]',
  description: 'Rewrites the code blocks of every lesson README and guide from the files and regions they name.',
  flags: { check: { short: 'c', help: 'Change nothing; list what is stale or broken and exit 1 if anything is.' } },
  maxArguments: 0,
};

runCommand(COMMAND_LINE, async ({ flags }) => {
  const root = workbookRoot();
  if (!flags.check) {
    for (const lesson of weaveLessons(root)) {
      if (!lesson.changed) continue;
      writeFileSync(join(root, lesson.readme), lesson.text);
      console.log(`wove ${lesson.readme}`);
    }
  }
  const problems = weaveProblems(root, NOT_YET_SHOWN);
  for (const problem of problems) console.error(problem);
  if (problems.length > 0) return 1;
  if (flags.check) console.log('Every woven block matches its source.');
  return 0;
});
