/**
 * The Orchard families: bank files (docs/BANKS.md) kept beside this module, in
 * src/blob/orchard/. The orchard profile holds the ones that pay as banks of kind `bank`;
 * the others ship as files a user adds with `--bank` (docs/ORCHARD.md says what each holds
 * and what it saves).
 *
 * The files are read at run time, not compiled in: tsc leaves them in src/ and writes this
 * module to dist/src/blob/orchard/, and the CLI's bundle puts it in a chunk in dist/cli/. So
 * the folder is found from the package: the nearest folder above this module with the
 * package.json of pfsc, then src/blob/orchard in it (from src/ itself, where tests run
 * the TypeScript, the folder is this module's own). The package ships src/ (package.json has
 * no "files" list), so the files are there wherever the package is installed.
 *
 * The profile pins each file's SHA-256. The text is the bank's parameters, so it is part of
 * the Blob_ID: an edited file would quietly make another blob, and blueprints built with it
 * would not replay on a machine with the shipped file. A file that differs from its pin is
 * therefore refused, as is a missing one.
 *
 * Reading is synchronous (profileManifest() is) and done once per file and process. The text
 * is hashed and escaped into the bank's parameters on each call (microseconds), without
 * parsing it: the parser loads when the bank is generated, as for every bank of kind bank.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PfscError } from '../../errors.js';
import { escapeBankParams } from '../../banks/manifest-params.js';
import type { BankParams } from '../types.js';

/** The package whose src/blob/orchard holds the files. */
const PACKAGE_NAME = 'pfsc';
const RELATIVE_DIR = path.join('src', 'blob', 'orchard');
const RESTORE_HINT =
  'Restore the file from the pfsc package (reinstall pfsc, or check it out again); to try a changed family, copy the file elsewhere and add the copy with --bank FILE.bank (docs/ORCHARD.md).';

let folder: string | undefined;
const texts = new Map<string, string>();

function isPfscRoot(dir: string): boolean {
  const file = path.join(dir, 'package.json');
  if (!existsSync(file)) return false;
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown }).name === PACKAGE_NAME;
  } catch {
    return false;
  }
}

/** The folder of the Orchard bank files (src/blob/orchard of the pfsc package). */
export function orchardFolder(): string {
  if (folder !== undefined) return folder;
  const here = path.dirname(fileURLToPath(import.meta.url));
  if (path.basename(here) === 'orchard' && existsSync(path.join(here, 'families.ts'))) {
    folder = here; // the TypeScript source itself (tests)
    return folder;
  }
  for (let dir = here; ; dir = path.dirname(dir)) {
    if (isPfscRoot(dir)) {
      folder = path.join(dir, RELATIVE_DIR);
      return folder;
    }
    if (path.dirname(dir) === dir) break;
  }
  throw new PfscError('PFSC_INTERNAL', `cannot find pfsc's ${RELATIVE_DIR} folder above ${here}; the orchard profile's bank files ship in it`, {
    hint: 'Reinstall pfsc: its package is incomplete.',
  });
}

/** The text of one Orchard bank file, e.g. `elf-strings.bank`, as it is on disk. */
export function orchardBankText(file: string): string {
  const full = path.join(orchardFolder(), file);
  try {
    return readFileSync(full, 'utf8');
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'is missing' : `cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`;
    throw new PfscError('PFSC_INTERNAL', `the orchard profile's bank file ${full} ${why}`, { cause: e, hint: RESTORE_HINT });
  }
}

/**
 * The manifest parameters of kind `bank` (sha256, text00...) of one Orchard bank file,
 * after checking that the file's SHA-256 is the one the profile pins.
 */
export function orchardBankParams(file: string, sha256: string): BankParams {
  let text = texts.get(file);
  if (text === undefined) {
    text = orchardBankText(file);
    texts.set(file, text);
  }
  // Checked before escaping, so an edited file is named as such even when it no longer fits.
  const digest = createHash('sha256').update(text, 'utf8').digest('hex');
  if (digest !== sha256) {
    throw new PfscError(
      'PFSC_BANK_INVALID',
      `the orchard profile's bank file ${path.join(orchardFolder(), file)} has been changed: its SHA-256 is ${digest}, the profile pins ${sha256} (the text is part of the Blob_ID)`,
      { hint: RESTORE_HINT },
    );
  }
  return escapeBankParams(text);
}
