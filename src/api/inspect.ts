/** inspect(): what a blueprint holds and where its bytes come from. */
import type { CommonBlobOptions, InspectReport } from '../api-types.js';
import { resolveManifest } from '../blob/index.js';
import { PfscError } from '../errors.js';
import { fileByteSource } from '../format/index.js';
import { inspectBlueprint } from '../inspect-report.js';
import { checkRefs, DEFAULT_PROFILE, exists } from './common.js';
import { extensionsOf } from './extensions.js';

export async function inspect(
  opts: { input: string } & Pick<CommonBlobOptions, 'refs' | 'banks' | 'profile' | 'manifest' | 'plugins' | 'home'>,
): Promise<InspectReport> {
  if (!(await exists(opts.input))) throw new PfscError('PFSC_INPUT_NOT_FOUND', `blueprint ${opts.input} does not exist`);
  await checkRefs(opts.refs ?? []);
  const src = await fileByteSource(opts.input);
  try {
    const resolved = await resolveManifest({
      profile: opts.profile ?? DEFAULT_PROFILE, manifest: opts.manifest, refs: opts.refs ?? [], banks: opts.banks ?? [], home: opts.home,
      registry: extensionsOf(opts.plugins).registry,
    });
    return await inspectBlueprint(opts.input, src, resolved);
  } finally {
    await src.close();
  }
}

