/** Values passed between stages. */
import type { StreamStats } from '../format/types.js';

/** One block of input handed to the plan stage. */
export interface InputBlock {
  /** Block number, from 0. */
  index: number;
  /** Position of bytes[0] in the input file. */
  position: number;
  bytes: Uint8Array;
}

/** One block as coded by the pack stage. */
export interface PackedBlock {
  bytes: Uint8Array;
  streams: StreamStats[];
}

/** The finished .pbb, handed to the emit stage: a spool file holding all of it. */
export interface PackedBlueprint {
  /** Path of the spool file (in the output's folder when the output is a file). */
  spoolPath: string;
  bytes: number;
  /** Where the user asked for it: a path, or '-' for standard output. */
  output: string;
  force: boolean;
}
