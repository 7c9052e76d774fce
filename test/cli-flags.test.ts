import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseInvocation } from '../src/commands/argv.js';
import {
  INTEGER_FLAGS,
  LATENT_BOUND,
  parseIntegerFlag,
  parseLatentPoint,
  UsageError,
  type IntegerFlag,
} from '../src/commands/flags.js';
import {
  COMMANDS,
  FLAGS,
  flagsOf,
  isRepeatable,
  REPEATABLE_NOTE,
  type CommandName,
  type FlagName,
} from '../src/commands/help.js';

const DEFAULTS = { workers: 2 };
const INTEGER_NAMES = Object.keys(INTEGER_FLAGS) as IntegerFlag[];
const COMMAND_NAMES = Object.keys(COMMANDS) as CommandName[];
const FLAG_NAMES = Object.keys(FLAGS) as FlagName[];

/** Runs `parse` and holds it to the contract: a value, or our UsageError in one non-empty line. */
function valueOrUsageError<T>(parse: () => T): T | UsageError {
  try {
    return parse();
  } catch (error) {
    assert.ok(error instanceof UsageError, `not a UsageError: ${String((error as Error)?.stack ?? error)}`);
    assert.match(error.message, /^[^\n]+$/, 'one line');
    return error;
  }
}

/** Strings a user might type: digits, signs, exponents, separators, space, and anything at all. */
const typed = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: fc.constantFrom(...'0123456789+-.,eExX_ \t'.split('')) }),
  fc.double().map(String),
  fc.bigInt().map(String),
  fc.integer({ min: -10, max: 2 ** 33 }).map(String),
);

describe('flag values', () => {
  it('an integer flag takes exactly the decimal integers in its range, and refuses the rest in one line', () => {
    fc.assert(
      fc.property(fc.constantFrom(...INTEGER_NAMES), typed, (flag, value) => {
        const result = valueOrUsageError(() => parseIntegerFlag(flag, value));
        const { min, max } = INTEGER_FLAGS[flag];
        const wanted = /^\d+$/.test(value) && Number(value) >= min && Number(value) <= max;
        if (wanted) assert.equal(result, Number(value));
        else assert.ok(result instanceof UsageError, `${flag} accepted "${value}"`);
      }),
      { numRuns: 2000 },
    );
  });

  it('a line break in a value is shown escaped, keeping the message on one line', () => {
    assert.throws(() => parseIntegerFlag('epochs', '1\n2'), {
      message: '--epochs needs a whole number from 1 to 1000, got "1\\u000a2"',
    });
  });

  it('every range is exact at both ends', () => {
    for (const flag of INTEGER_NAMES) {
      const { min, max } = INTEGER_FLAGS[flag];
      assert.equal(parseIntegerFlag(flag, String(min)), min);
      assert.equal(parseIntegerFlag(flag, String(max)), max);
      assert.throws(() => parseIntegerFlag(flag, String(max + 1)), new RegExp(`^UsageError: --${flag} can be at most`));
      if (min > 0) assert.throws(() => parseIntegerFlag(flag, String(min - 1)), /must be at least/);
    }
  });

  it('a seed is any 32-bit unsigned integer, zero included', () => {
    assert.equal(parseIntegerFlag('seed', '0'), 0);
    assert.equal(parseIntegerFlag('seed', '4294967295'), 2 ** 32 - 1);
    assert.throws(() => parseIntegerFlag('seed', '4294967296'), UsageError);
    assert.throws(() => parseIntegerFlag('seed', '-1'), UsageError);
    fc.assert(
      fc.property(typed, (value) => {
        const result = valueOrUsageError(() => parseIntegerFlag('seed', value));
        if (!(result instanceof UsageError)) assert.ok(Number.isInteger(result) && result >= 0 && result < 2 ** 32);
      }),
      { numRuns: 1000 },
    );
  });

  it('--z takes two finite numbers within the bound, and nothing else', () => {
    const coordinate = fc.oneof(fc.double(), fc.double({ min: -2 * LATENT_BOUND, max: 2 * LATENT_BOUND }));
    fc.assert(
      fc.property(coordinate, coordinate, (x, y) => {
        const result = valueOrUsageError(() => parseLatentPoint(`${x},${y}`));
        const inside = [x, y].every((v) => Number.isFinite(v) && Math.abs(v) <= LATENT_BOUND);
        // Through text, -0 comes back as 0.
        if (inside) assert.deepEqual(result, [Number(String(x)), Number(String(y))]);
        else assert.ok(result instanceof UsageError, `accepted ${x},${y}`);
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(typed, (value) => {
        const result = valueOrUsageError(() => parseLatentPoint(value));
        if (!(result instanceof UsageError)) assert.ok(result.every((v) => Math.abs(v) <= LATENT_BOUND));
      }),
      { numRuns: 1000 },
    );
    assert.throws(() => parseLatentPoint('1e39,0'), UsageError);
  });
});

/** Arguments built from the real vocabulary, so the generator reaches deep into the parser. */
const argument = fc.oneof(
  fc.constantFrom(...Object.keys(COMMANDS), 'start', 'cnn', 'vae', 'all', 'x.png'),
  fc.constantFrom(...Object.keys(FLAGS).map((f) => `--${f}`), '-h', '-n', '-z', '--', '--no-json', '--batchSize'),
  fc.constantFrom(...Object.keys(FLAGS)).chain((f) => typed.map((v) => `--${f}=${v}`)),
  typed,
);
const argvs = fc.oneof(fc.array(argument, { maxLength: 8 }), fc.array(fc.string(), { maxLength: 6 }));

describe('the command line', () => {
  it('any argv gives an invocation or one usage line, never another error', () => {
    fc.assert(
      fc.property(argvs, (argv) => {
        valueOrUsageError(() => parseInvocation(argv, DEFAULTS));
      }),
      { numRuns: 5000 },
    );
  });

  it('--help or -h anywhere before `--` wins over every mistake', () => {
    fc.assert(
      fc.property(argvs, fc.nat(), fc.constantFrom('--help', '-h'), (argv, at, help) => {
        const withHelp = [...argv.slice(0, at % (argv.length + 1)), help, ...argv.slice(at % (argv.length + 1))];
        fc.pre(!withHelp.slice(0, withHelp.indexOf(help)).includes('--'));
        assert.equal(parseInvocation(withHelp, DEFAULTS).kind, 'help');
      }),
      { numRuns: 2000 },
    );
  });

  it('a command help lists exactly the flags the command takes', () => {
    for (const command of COMMAND_NAMES) {
      const invocation = parseInvocation([command, '--help'], DEFAULTS);
      assert.equal(invocation.kind, 'help');
      const text = invocation.kind === 'help' ? invocation.text : '';
      assert.match(text, new RegExp(`Usage\\n    \\$ mnist-tui ${command}[\\s\\S]*Options[\\s\\S]*Example`));
      for (const flag of FLAG_NAMES) {
        const listed = new RegExp(`--${flag}\\b`).test(text);
        const taken = !/does not take/.test(refusal([command, given(flag)]));
        assert.equal(listed, taken, `${command} --${flag}: listed ${listed}, taken ${taken}`);
      }
    }
  });

  it('a flag given twice is a usage error, whatever its values, unless it may repeat', () => {
    const takes = COMMAND_NAMES.flatMap((c) => flagsOf(c).map((f) => [c, f] as const));
    const pairs = takes.filter(([, f]) => f !== 'help' && f !== 'version' && !isRepeatable(f));
    fc.assert(
      fc.property(fc.constantFrom(...pairs), typed, typed, ([command, flag], a, b) => {
        const argv = [command, given(flag, a), given(flag, b)];
        assert.equal(refusal(argv), `--${flag} is given more than once`, argv.join(' '));
      }),
      { numRuns: 1000 },
    );
    assert.throws(() => parseInvocation(['train', 'cnn', '--epochs', '1', '--epochs', '2'], DEFAULTS), {
      name: 'UsageError',
      message: '--epochs is given more than once',
    });
  });

  it('a repeatable flag keeps every value in order, and every help that lists it says it may repeat', () => {
    const repeatable = FLAG_NAMES.filter(isRepeatable);
    assert.deepEqual(repeatable, ['through']);
    const argv = ['walk', '--from', '0,0', '--through', '1,2', '--through=-3,4', '--to', '5,6', '--through', '0.5,0'];
    const walk = parseInvocation(argv, DEFAULTS);
    assert.equal(walk.kind, 'command');
    if (walk.kind !== 'command') return;
    assert.deepEqual(walk.options.through, [
      [1, 2],
      [-3, 4],
      [0.5, 0],
    ]);
    assert.deepEqual(
      [walk.options.from, walk.options.to],
      [
        [0, 0],
        [5, 6],
      ],
    );
    assert.equal(walk.options.scale, 4, "walk's own default scale");
    const helps = [
      ...COMMAND_NAMES.map((c) => parseInvocation([c, '--help'], DEFAULTS)),
      parseInvocation(['--help'], DEFAULTS),
    ];
    for (const help of helps) {
      const text = help.kind === 'help' ? help.text : '';
      for (const flag of FLAG_NAMES) {
        const line = text.split('\n').find((l) => l.startsWith(`    ${FLAGS[flag].synopsis} `));
        if (line !== undefined) assert.equal(line.endsWith(REPEATABLE_NOTE), isRepeatable(flag), line);
      }
    }
    assert.match(refusal(['walk', '--through', '1,2', '--through', '3']), /^--through needs two numbers .* got "3"$/);
  });

  it('maps flags onto the config and the command options', () => {
    const argv = ['train', 'vae', '--epochs=3', '--seed', '0', '--workers', '64', '--batch-size', '1024'];
    const invocation = parseInvocation(
      [...argv, '--limit', '500', '--json', '--models-dir', 'm', '--augment', 'off'],
      DEFAULTS,
    );
    assert.equal(invocation.kind, 'command');
    if (invocation.kind !== 'command') return;
    assert.deepEqual(invocation.args, ['vae']);
    assert.deepEqual(invocation.config, {
      dataDir: undefined,
      modelsDir: 'm',
      limit: 500,
      validation: undefined,
      seed: 0,
      backend: 'auto',
      epochs: 3,
      batchSize: 1024,
      workers: 64,
      augment: 'off',
    });
    assert.equal(invocation.options.json, true);
    const generate = parseInvocation(['generate', '--z', '-1.5,2', '--scale', '64'], DEFAULTS);
    assert.equal(generate.kind === 'command' && generate.options.z?.join(), '-1.5,2');
    assert.equal(generate.kind === 'command' && generate.options.scale, 64);
    assert.equal(parseInvocation([], DEFAULTS).kind, 'app');
    assert.equal(parseInvocation(['--version'], DEFAULTS).kind, 'version');
  });
});

/** A flag as written: `--name=value` (inline, so no value is taken for a flag) or a bare switch. */
function given(flag: FlagName, value = 'x'): string {
  return FLAGS[flag].takesValue ? `--${flag}=${value}` : `--${flag}`;
}

/** The message of the usage error for `argv`, or '' when it parses. */
function refusal(argv: string[]): string {
  try {
    parseInvocation(argv, DEFAULTS);
    return '';
  } catch (error) {
    return (error as Error).message;
  }
}
