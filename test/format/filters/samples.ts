/**
 * Adversarial inputs: random bytes thick with what each filter looks for (and near
 * misses), so that conversions are dense, overlap and sit at every boundary.
 */
import type { FilterName } from '../../../src/format/filters/index.js';
import { prng } from './oracle.js';

function pick(r: () => number, values: readonly number[]): number {
  return values[Math.floor(r() * values.length)]!;
}

/** n bytes for filter `name`, from `seed`. */
export function dense(name: FilterName, n: number, seed: number): Uint8Array {
  const r = prng(seed);
  const byte = () => Math.floor(r() * 256);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = byte();
  switch (name) {
    case 'x86':
      // Opcodes, high bytes and anything, in runs closer than the state machine's window.
      for (let i = 0; i < n; i++) {
        const x = r();
        out[i] = x < 0.25 ? 0xe8 : x < 0.4 ? 0xe9 : x < 0.62 ? 0x00 : x < 0.84 ? 0xff : x < 0.9 ? 0xfe : byte();
      }
      break;
    case 'x86-64':
      // CALL/JMP, Jcc, [REX] RIP-relative forms with and without immediates, and near misses
      // (other ModRM, other second bytes), packed so that instructions overlap and abut.
      for (let i = 0; i < n; i++) {
        const x = r();
        out[i] = x < 0.1 ? 0xe8 : x < 0.15 ? 0xe9 : x < 0.27 ? 0x0f : x < 0.37 ? 0x80 | (byte() & 0x1f)
          : x < 0.45 ? 0x48 | (byte() & 7) : x < 0.55 ? pick(r, [0x8b, 0x89, 0x8d, 0x3b, 0xff, 0x63])
            : x < 0.6 ? pick(r, [0x80, 0x81, 0x83, 0xc6, 0xc7]) : x < 0.72 ? 0x05 | (byte() & 0x38) | (r() < 0.1 ? 0x40 : 0)
              : x < 0.82 ? 0x00 : x < 0.9 ? 0xff : byte();
      }
      break;
    case 'arm':
      for (let i = 3; i < n; i += 4) if (r() < 0.6) out[i] = r() < 0.9 ? 0xeb : pick(r, [0xea, 0xfb, 0x0b]);
      break;
    case 'armthumb':
      for (let i = 1; i < n; i += 2) {
        const x = r();
        if (x < 0.4) out[i] = 0xf0 | (byte() & 7);
        else if (x < 0.8) out[i] = 0xf8 | (byte() & 7);
        else if (x < 0.85) out[i] = 0xe8 | (byte() & 7);
      }
      break;
    case 'powerpc':
      for (let i = 0; i + 3 < n; i += 4) {
        if (r() < 0.7) {
          out[i] = 0x48 | (byte() & 3);
          if (r() < 0.7) out[i + 3] = (out[i + 3]! & 0xfc) | 1;
        }
      }
      break;
    case 'sparc':
      for (let i = 0; i + 1 < n; i += 4) {
        const x = r();
        if (x < 0.35) {
          out[i] = 0x40;
          if (r() < 0.8) out[i + 1] = byte() & 0x3f;
        } else if (x < 0.7) {
          out[i] = 0x7f;
          if (r() < 0.8) out[i + 1] = 0xc0 | (byte() & 0x3f);
        }
      }
      break;
    case 'ia64':
      for (let i = 0; i + 15 < n; i += 16) {
        if (r() < 0.8) out[i] = (out[i]! & 0xe0) | pick(r, [0x10, 0x11, 0x12, 0x13, 0x16, 0x17, 0x18, 0x19, 0x1c, 0x1d]);
        // Opcode 5 and btype 0 in each slot, often: bits 37-40 and 9-11 of slot s (at bit 5 + 41 s).
        for (let slot = 0; slot < 3; slot++) {
          if (r() < 0.3) continue;
          const p = 5 + 41 * slot;
          setBit(out, i, p + 37, 1);
          setBit(out, i, p + 38, 0);
          setBit(out, i, p + 39, 1);
          setBit(out, i, p + 40, 0);
          if (r() < 0.8) for (let b = 9; b < 12; b++) setBit(out, i, p + b, 0);
        }
      }
      break;
    case 'arm64':
      for (let i = 0; i + 3 < n; i += 4) {
        const x = r();
        if (x < 0.35) out[i + 3] = 0x94 | (byte() & 3);
        else if (x < 0.75) {
          // ADRP (bit 31 set, bits 24-28 = 10000), now and then a near miss (bit 24 set).
          out[i + 3] = 0x90 | (byte() & 0x60) | (r() < 0.1 ? 0x01 : 0x00);
          // Instruction bits 20-23 (the immediate's top bits) all equal, often: within +/-512 MiB.
          if (r() < 0.7) out[i + 2] = r() < 0.5 ? out[i + 2]! & 0x0f : out[i + 2]! | 0xf0;
        }
      }
      break;
  }
  return out;
}

function setBit(b: Uint8Array, at: number, bit: number, v: number): void {
  const j = at + (bit >> 3);
  if (v) b[j] = b[j]! | (1 << (bit & 7));
  else b[j] = b[j]! & ~(1 << (bit & 7));
}
