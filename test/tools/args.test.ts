import { describe, expect, it } from 'vitest';
import { helpText, parseCommandLine, type CommandLine } from '../../tools/workbook/args.ts';
import { UsageError } from '../../tools/workbook/cli.ts';
import { ROOT } from '../../tools/grading/subject.ts';
import { runTool } from './run-tool.ts';

/** A command shaped like `npm run grade`: two flags npm may swallow, one it must not, one without a letter. */
const grade: CommandLine<'watch' | 'verbose' | 'yes' | 'x'> = {
  command: 'npm run grade',
  synopsis: '[NN …] [-- --watch]',
  description: 'Grades your exercises.',
  flags: {
    watch: { short: 'w', help: 'Grade again on save.', fromNpm: true },
    verbose: { short: 'v', help: 'Explain every failure.', fromNpm: true },
    yes: { short: 'y', help: 'Do not ask.' },
    x: { help: 'A flag whose name is one letter.' },
  },
};

const noEnv = {};

function run(args: string[], env: NodeJS.ProcessEnv = noEnv) {
  const parsed = parseCommandLine(grade, args, env);
  if (parsed.kind !== 'run') throw new Error('expected flags and arguments, got the help');
  return parsed;
}

function mistakeOf(args: string[], spec: CommandLine<string> = grade): string {
  try {
    parseCommandLine(spec, args, noEnv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`no usage error for ${args.join(' ')}`);
}

describe('parseCommandLine', () => {
  it('reads flags, long, short and grouped, wherever they are among the arguments', () => {
    expect(run(['02', '--watch', '07'])).toEqual({ kind: 'run', flags: { watch: true, verbose: false, yes: false, x: false }, args: ['02', '07'] });
    expect(run(['-wv']).flags).toMatchObject({ watch: true, verbose: true });
    expect(run(['--x']).flags.x).toBe(true);
  });

  it('takes what follows -- as arguments', () => {
    expect(run(['--', '--watch'])).toMatchObject({ flags: { watch: false }, args: ['--watch'] });
  });

  it('sees a flag that npm took for itself, because the -- was left out, but only where that is safe', () => {
    expect(run([], { npm_config_watch: 'true', npm_config_yes: 'true' }).flags).toMatchObject({ watch: true, yes: false });
    expect(run([], { npm_config_watch: 'false' }).flags.watch).toBe(false);
  });

  it('answers an unknown option in one line that ends with where the help is', () => {
    expect(mistakeOf(['--wacth'])).toBe('Unknown option --wacth. See: npm run grade -- --help');
    expect(mistakeOf(['-z'])).toBe('Unknown option -z. See: npm run grade -- --help');
    expect(mistakeOf(['-wz'])).toBe('Unknown option -z. See: npm run grade -- --help');
  });

  it('does not take -x for a flag named x that has no letter of its own', () => {
    expect(mistakeOf(['-x'])).toBe('Unknown option -x. See: npm run grade -- --help');
  });

  it('refuses a value given to a flag', () => {
    expect(mistakeOf(['--watch=yes'])).toBe('Option --watch takes no value. See: npm run grade -- --help');
  });

  it('refuses more arguments than the command takes', () => {
    const hint: CommandLine<never> = { command: 'npm run hint', synopsis: '[NN]', description: 'Hints.', flags: {}, maxArguments: 1 };
    expect(mistakeOf(['02', '03'], hint)).toBe('npm run hint takes one argument, not 2: 02 03. See: npm run hint -- --help');
  });

  it('points a command run without npm at its own --help', () => {
    const verify: CommandLine<never> = { command: 'npx tsx tools/grading/verify.ts', synopsis: '', description: 'Checks.', flags: {} };
    expect(mistakeOf(['--nope'], verify)).toBe('Unknown option --nope. See: npx tsx tools/grading/verify.ts --help');
  });

  it('answers the help for --help and -h, even beside a mistake', () => {
    expect(parseCommandLine(grade, ['--help'], noEnv)).toEqual({ kind: 'help', text: helpText(grade) });
    expect(parseCommandLine(grade, ['-h', '--nope', '1', '2'], noEnv).kind).toBe('help');
  });
});

describe('helpText', () => {
  it('gives the usage, what the command does, and every flag with its letter and help, aligned', () => {
    const text = helpText(grade);
    expect(text).toMatch(/^Usage: npm run grade \[NN …\] \[-- --watch\]\n\nGrades your exercises\.\n/);
    expect(text).toContain('Options (after a --, so that npm hands them on):');
    expect(text).toMatch(/\n {2}-w, --watch +Grade again on save\.\n/);
    expect(text).toMatch(/\n {6}--x +A flag whose name is one letter\.\n/);
    expect(text).toMatch(/\n {2}-h, --help +Show this help\.$/);
    const columns = text.split('\n').filter((l) => l.startsWith('  ')).map((l) => /^ +(?:-\w, )?--\S+ +/.exec(l)![0].length);
    expect(new Set(columns).size).toBe(1);
  });
});

describe('the workbook commands', { timeout: 30_000 }, () => {
  it('all answer a mistake on their command line the same way, and print their help', async () => {
    const [lesson, hint, help] = await Promise.all([
      runTool('lesson.ts', ['--trcae'], { root: ROOT }),
      runTool('hint.ts', ['1', '2'], { root: ROOT }),
      runTool('solution.ts', ['--help'], { root: ROOT }),
    ]);
    expect(lesson).toMatchObject({ code: 1, stderr: 'Unknown option --trcae. See: npm run lesson -- --help\n' });
    expect(hint).toMatchObject({ code: 1, stderr: 'npm run hint takes one argument, not 2: 1 2. See: npm run hint -- --help\n' });
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: npm run solution NN \[-- --force\]\n[\s\S]*--force +Show it even/);
  });
});
