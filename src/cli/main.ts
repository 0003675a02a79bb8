/**
 * The pfsc command: wires the commands together and is the one place that exits.
 * Commands return or throw; `run` turns a throw into a printed error and an exit code, and
 * `main` exits with it once standard output has drained.
 *
 * Exit codes: 0 success, 1 user error, 2 usage error, 70 internal error (see docs/CLI.md).
 */
import { removeAllTempsSync } from '../io/cleanup.js';
import { Command, CommanderError } from 'commander';
import { PfscError } from '../errors.js';
import { bankTrainCommand } from './commands/bank-train.js';
import { blobBuildCommand } from './commands/blob-build.js';
import { blobInfoCommand } from './commands/blob-info.js';
import { buildCommand } from './commands/build.js';
import { doctorCommand } from './commands/doctor.js';
import { execCommand } from './commands/exec.js';
import { inspectCommand } from './commands/inspect.js';
import { replayCommand } from './commands/replay.js';
import { debugEnabled, type CliContext, type CliIo } from './context.js';
import { prefetchRefsInArgv } from './prefetch.js';
import { EXIT_OK, formatError } from './report-error.js';
import { packageVersion } from './version.js';

export { packageVersion } from './version.js';

const ROOT_HELP = `
Examples:
  $ pfsc build app.bin                        compile app.bin into app.bin.pbb
  $ pfsc replay app.bin.pbb -o copy.bin       rebuild it byte for byte
  $ pfsc build new.bin --ref old.bin          use a file both sides hold
  $ pfsc inspect app.bin.pbb --svg app.svg    see where the bytes come from
  $ pfsc exec app.bin.pbb --prog crc32c       run a pCPU program over it, unwritten
  $ pfsc blob info                            the shared blob and its cache
  $ pfsc doctor                               the engine, versions and cache in use

Exit codes: 0 success, 1 error (the message says which), 2 wrong command line, 70 internal error.
Environment: PFSC_HOME (cache folder), PFSC_DEBUG=1 (print stack traces), PFSC_NO_NATIVE=1 (use the JavaScript engine; \`pfsc doctor\` shows which one runs), PFSC_CODE_CACHE=0 (start without the compiled-code cache).
Run \`pfsc <command> --help\` for a command's options and examples.
`;

const BANK_HELP = `
Examples:
  $ pfsc bank train -o pages.bank samples/*.html
  $ pfsc build new.html --bank pages.bank
`;

const BLOB_HELP = `
Examples:
  $ pfsc blob info
  $ pfsc blob build --force
`;

function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** What run() needs to know when commander stops: which command it was parsing. */
interface ParseState {
  commandPath: string;
}

/** Makes commander throw instead of exiting, and stay silent about errors (we print them). */
function configureTree(cmd: Command, io: CliIo, parse: ParseState): void {
  cmd
    .exitOverride((e) => {
      parse.commandPath = commandPath(cmd);
      throw e;
    })
    .configureOutput({
      writeOut: (s) => void io.stdout.write(s),
      writeErr: (s) => void io.stderr.write(s),
      outputError: () => undefined,
    })
    .showHelpAfterError(false)
    .helpOption('-h, --help', 'show this help with examples');
  for (const sub of cmd.commands) configureTree(sub, io, parse);
}

export function createProgram(ctx: CliContext, parse: ParseState = { commandPath: 'pfsc' }): Command {
  const program = new Command('pfsc')
    .description('compile files into blueprints of references into a shared blob, and replay them byte for byte')
    .version(packageVersion(), '-V, --version', 'print the version');
  program.addCommand(buildCommand(ctx));
  program.addCommand(replayCommand(ctx));
  program.addCommand(execCommand(ctx));
  program.addCommand(inspectCommand(ctx));
  const blob = new Command('blob').description('show or build the shared blob in the cache');
  blob.addCommand(blobInfoCommand(ctx));
  blob.addCommand(blobBuildCommand(ctx));
  blob.addHelpText('after', BLOB_HELP);
  program.addCommand(blob);
  const bank = new Command('bank').description('make bank files (docs/BANKS.md) for --bank');
  bank.addCommand(bankTrainCommand(ctx));
  bank.addHelpText('after', BANK_HELP);
  program.addCommand(bank);
  program.addCommand(doctorCommand(ctx));
  program.addHelpText('after', ROOT_HELP);
  program.hook('preAction', (_program, action) => {
    if (action.opts<{ verbose?: boolean }>().verbose) ctx.state.verbose = true;
  });
  configureTree(program, ctx.io, parse);
  return program;
}

/** A commander parse error as a PFSC_USAGE error naming the command's help. */
export function usageError(e: CommanderError, path: string): PfscError {
  const message = e.message
    .replace(/^error:\s*/i, '')
    .replace(/\s*\n\s*/g, ' ')
    .trim();
  return new PfscError('PFSC_USAGE', message || 'wrong command line', {
    cause: e,
    hint: `Run \`${path} --help\` to see its options and examples.`,
  });
}

/** Parses argv (process.argv shape: node, script, args...) and runs the command; returns the exit code. */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const ctx: CliContext = { io, state: { verbose: debugEnabled(io.env) } };
  const parse: ParseState = { commandPath: 'pfsc' };
  const program = createProgram(ctx, parse);
  try {
    await program.parseAsync([...argv], { from: 'node' });
    return EXIT_OK;
  } catch (e) {
    let error: unknown = e;
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return EXIT_OK;
      if (e.code === 'commander.help') {
        if (e.exitCode === 0) return EXIT_OK;
        error = new PfscError('PFSC_USAGE', `${parse.commandPath} needs a command (listed above)`, {
          hint: `Run \`${parse.commandPath} --help\` to see its commands and examples.`,
        });
      } else {
        error = usageError(e, parse.commandPath);
      }
    }
    const report = formatError(error, { verbose: ctx.state.verbose, debug: debugEnabled(io.env) });
    io.stderr.write(report.text);
    return report.exitCode;
  }
}

function drain(stream: NodeJS.WriteStream): Promise<void> {
  if (!stream.writableNeedDrain) return Promise.resolve();
  return new Promise((resolve) => {
    stream.once('drain', resolve);
    stream.once('error', resolve);
    stream.once('close', resolve);
  });
}

/**
 * The entry point bin/pfsc.js calls. A closed standard output (`pfsc inspect x | head -1`)
 * ends the run quietly; anything thrown outside a command is printed like any other error.
 */
export async function main(argv: readonly string[] = process.argv): Promise<never> {
  const env = process.env;
  let exiting = false;
  const fail = (e: unknown): void => {
    if (exiting) return;
    exiting = true;
    const report = formatError(e, { verbose: debugEnabled(env) || argv.includes('--verbose') || argv.includes('-v'), debug: debugEnabled(env) });
    process.stderr.write(report.text);
    process.exit(report.exitCode);
  };
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') {
      exiting = true;
      process.exit(EXIT_OK);
    }
    fail(new PfscError('PFSC_OUTPUT_UNWRITABLE', `cannot write to standard output: ${e.message}`, { cause: e }));
  });
  process.stderr.on('error', () => undefined);
  // An interrupted command removes its temporary files (spools, replays in progress).
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.once(signal, () => {
      removeAllTempsSync();
      process.exit(code);
    });
  }
  process.on('uncaughtException', fail);
  process.on('unhandledRejection', fail);

  prefetchRefsInArgv(argv);
  const code = await run(argv, { stdout: process.stdout, stderr: process.stderr, env });
  await drain(process.stdout);
  exiting = true;
  process.exit(code);
}
