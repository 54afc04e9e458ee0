/**
 * `npm run reset NN`: puts exercise NN's files back as they were committed (the
 * starter), after asking. Your changes to those files are lost, so it asks y/N first;
 * `-- --yes` skips the question (for scripts). It reads the starter from git
 * (`git show HEAD:exercises/…`) and does not touch git's index or any other file.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { runCommand, usageMistake, type CommandLine } from './workbook/args.ts';
import { listExercises } from './workbook/catalog.ts';
import { confirm, pickExercise, UsageError, workbookRoot } from './workbook/cli.ts';
import { loadProgress, progressOf, saveProgress } from './workbook/progress.ts';

const COMMAND_LINE: CommandLine<'yes'> = {
  command: 'npm run reset',
  synopsis: 'NN [-- --yes]',
  description: 'Puts exercise NN\'s files back as they were committed (the starter), after asking: your\nchanges to them are lost.',
  flags: { yes: { short: 'y', help: 'Reset without asking (for scripts).' } },
  maxArguments: 1,
};

runCommand(COMMAND_LINE, async ({ flags, args }) => {
  const root = workbookRoot();
  const exercises = listExercises(root);
  if (args.length === 0) throw usageMistake(COMMAND_LINE, 'Which exercise? Name it: npm run reset NN.');
  const exercise = pickExercise(exercises, args[0]!);

  const folder = relative(root, exercise.dir).split('\\').join('/');
  const changed = committedFiles(root, folder).filter((file) => !sameAsOnDisk(root, file.path, file.content));
  if (changed.length === 0) {
    console.log(`${folder} is already as committed: nothing to reset.`);
    return 0;
  }
  const list = changed.map((f) => `  ${f.path}`).join('\n');
  if (!flags.yes) {
    if (process.stdin.isTTY !== true) {
      throw new UsageError(`Resetting would throw away your changes to:\n${list}\nIt asks first, and there is no terminal to ask in. To reset without asking: npm run reset ${exercise.number} -- --yes`);
    }
    const sure = await confirm(`This puts back the starter, and your changes are lost:\n${list}\nReset ${exercise.name}? [y/N] `, process.stdin, process.stdout);
    if (!sure) {
      console.log('Nothing was changed.');
      return 1;
    }
  }
  for (const file of changed) writeFileSync(join(root, file.path), file.content);
  const progress = loadProgress(root);
  progress.set(exercise.name, { ...progressOf(progress, exercise.name), status: 'not graded', passed: 0, total: 0, graded: '' });
  saveProgress(root, progress);
  console.log(`Reset ${exercise.name}:\n${list}`);
  return 0;
});

/** Every file under `folder` in the last commit, with its committed content. */
function committedFiles(root: string, folder: string): { path: string; content: Buffer }[] {
  const git = (args: string[]) => execFileSync('git', args, { cwd: root, maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
  let names: string[];
  try {
    names = git(['ls-tree', '-r', '-z', '--name-only', 'HEAD', '--', `${folder}/`]).toString('utf8').split('\0').filter((n) => n !== '');
  } catch (error) {
    const why = (error as { stderr?: Buffer }).stderr?.toString().trim() || (error as Error).message;
    throw new UsageError(`Cannot read the starter from git: ${why}`);
  }
  if (names.length === 0) throw new UsageError(`${folder} is not in git's last commit, so there is no starter to go back to.`);
  return names.map((path) => ({ path, content: git(['show', `HEAD:./${path}`]) }));
}

function sameAsOnDisk(root: string, path: string, content: Buffer): boolean {
  const file = join(root, path);
  return existsSync(file) && readFileSync(file).equals(content);
}
