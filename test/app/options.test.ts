import { describe, expect, it } from 'vitest';
import { parseCommand, usageText, type CommandSpec } from '../../lib/app/options.ts';
import { isLoomError } from '../../lib/errors.ts';

interface Config {
  readonly seen: string[];
  verbose: boolean;
  checked: boolean;
}

/** A small command whose options record the order they were applied in. */
const command: CommandSpec<Config> = {
  name: 'demo',
  description: 'A command for the tests.',
  initial: () => ({ seen: [], verbose: false, checked: false }),
  options: [
    { name: 'listen', value: 'ENDPOINT', help: 'Where to listen.', apply: (c, v) => void c.seen.push(`listen=${v}`) },
    { name: 'mime-type', short: 'm', value: 'TYPE', help: 'A type.', apply: (c, v) => void c.seen.push(`mime=${v}`) },
    { name: 'verbose', short: 'v', help: 'Talk more.', apply: (c) => void (c.verbose = true) },
  ],
  finish: (c) => void (c.checked = true),
};

function parse(args: string[]): Config {
  const parsed = parseCommand(command, args);
  if (parsed.kind !== 'config') throw new Error('expected a configuration');
  return parsed.config;
}

function usageErrorOf(args: string[]): string {
  try {
    parseCommand(command, args);
  } catch (error) {
    expect(isLoomError(error, 'LOOM_ERR_USAGE')).toBe(true);
    return (error as Error).message;
  }
  throw new Error(`no usage error for ${args.join(' ')}`);
}

describe('parseCommand', () => {
  it('applies options in the order they are given, repeats included, then finishes', () => {
    const config = parse(['--listen', 'a', '-m', 'text/plain', '--listen=b', '-mimage/png', '-v']);
    expect(config.seen).toEqual(['listen=a', 'mime=text/plain', 'listen=b', 'mime=image/png']);
    expect(config.verbose).toBe(true);
    expect(config.checked).toBe(true);
  });

  it('takes the argument after a value option as its value, even one starting with a dash', () => {
    expect(parse(['--listen', '-v', '-m', '--verbose']).seen).toEqual(['listen=-v', 'mime=--verbose']);
    expect(parse(['--listen', '-v']).verbose).toBe(false);
    expect(parse(['--listen=']).seen).toEqual(['listen=']);
  });

  it('answers help for --help and -h, wherever they are', () => {
    expect(parseCommand(command, ['--listen', 'a', '--help']).kind).toBe('help');
    expect(parseCommand(command, ['-h']).kind).toBe('help');
  });

  it('refuses an unknown option, naming it, and suggests the dashed spelling for an underscored one', () => {
    expect(usageErrorOf(['--nope'])).toBe('Option --nope not recognized.');
    expect(usageErrorOf(['--mime_type', 'x'])).toBe('Option --mime_type not recognized. Did you mean --mime-type?');
    expect(usageErrorOf(['-z'])).toBe('Option -z not recognized.');
  });

  it('refuses an option whose value is missing, and a flag given a value', () => {
    expect(usageErrorOf(['--listen'])).toBe('Option --listen needs a value (ENDPOINT).');
    expect(usageErrorOf(['--verbose=yes'])).toBe('Option --verbose takes no value.');
    expect(usageErrorOf(['-vx'])).toBe('Option -v takes no value.');
  });

  it('refuses stray arguments, also after --', () => {
    expect(usageErrorOf(['extra'])).toBe('Unexpected argument: extra');
    expect(usageErrorOf(['--', 'extra'])).toBe('Unexpected argument: extra');
    expect(parse(['-v', '--']).verbose).toBe(true);
  });
});

describe('usageText', () => {
  it('lists every option with its value name and help, aligned', () => {
    const text = usageText('loom', command);
    expect(text).toContain('Usage: loom demo [options]');
    expect(text).toContain('A command for the tests.');
    expect(text).toMatch(/ {6}--listen ENDPOINT +Where to listen\./);
    expect(text).toMatch(/ {2}-m, --mime-type TYPE +A type\./);
    expect(text).toMatch(/ {2}-h, --help +Show this help and exit\./);
  });
});
