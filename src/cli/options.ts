/**
 * Options shared by several commands, declared once so their spelling and help text agree.
 */
import { Option, type Command } from 'commander';

/** Collects a repeatable option's values in order. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** A repeatable option whose values are kept in the order given (none by default). */
function addRepeatable(cmd: Command, flags: string, description: string): Command {
  return cmd.addOption(new Option(flags, description).argParser(collect).default([], 'none'));
}

export function addRefOption(cmd: Command): Command {
  return addRepeatable(cmd, '--ref <file>', 'a file both sides hold, added to the blob as a bank (repeatable; order matters)');
}

export function addBankOption(cmd: Command): Command {
  return addRepeatable(cmd, '--bank <file.bank>', 'a bank file both sides hold (e.g. from `pfsc bank train`), added to the blob before the refs (repeatable; order matters)');
}

export function addProfileOption(cmd: Command): Command {
  return cmd.option('--profile <name>', 'blob profile (default: orchard)');
}

export function addPluginOption(cmd: Command): Command {
  return addRepeatable(cmd, '--plugin <module>', 'load a plugin: a path (./plugin.js, a package folder) or an installed package name; its default export is the plugin (repeatable; order matters)');
}

export function addManifestOption(cmd: Command): Command {
  return cmd.addOption(
    new Option('--manifest <file.json>', 'a base manifest (docs/MANIFEST.md) to use instead of --profile; --bank and --ref still add to it').conflicts('profile'),
  );
}

/** --profile, --manifest and --plugin: the blob's base and the plugins, declared together. */
export function addBlobBaseOptions(cmd: Command): Command {
  addProfileOption(cmd);
  addManifestOption(cmd);
  return addPluginOption(cmd);
}

export function addForceOption(cmd: Command, what = 'the output'): Command {
  return cmd.option('-f, --force', `overwrite ${what} if it exists`);
}

export function addQuietVerbose(cmd: Command, verbose: string | false): Command {
  cmd.addOption(new Option('-q, --quiet', 'print nothing on success (errors still go to standard error)').conflicts('verbose'));
  if (verbose) cmd.addOption(new Option('-v, --verbose', verbose));
  return cmd;
}

export function addJsonOption(cmd: Command, what: string): Command {
  return cmd.option('--json', `print ${what} as JSON on standard output, and nothing else there`);
}

/** The options every command may carry; each command declares the ones it takes. */
export interface CommonOptions {
  ref?: string[];
  bank?: string[];
  profile?: string;
  /** --manifest FILE.json */
  manifest?: string;
  /** --plugin MODULE, in order */
  plugin?: string[];
  force?: boolean;
  quiet?: boolean;
  verbose?: boolean;
  json?: boolean;
}

/** Library options for the blob: refs, bank files and profile, omitting what the user did not give. */
export function blobOptions(opts: CommonOptions): { refs?: string[]; banks?: string[]; profile?: string } {
  const o: { refs?: string[]; banks?: string[]; profile?: string } = {};
  if (opts.ref && opts.ref.length > 0) o.refs = opts.ref;
  if (opts.bank && opts.bank.length > 0) o.banks = opts.bank;
  if (opts.profile !== undefined) o.profile = opts.profile;
  return o;
}
