/**
 * Seeded pseudo-random runs (docs/BANKS.md, section 6.4): the keystream of AES-128 in counter
 * mode, keyed by the seed, taken raw or mapped onto an alphabet by rejection.
 *
 *     key    = SHA-256("pfsc-bank-random-v1\n" || seed)[0..16)
 *     stream = AES-128-Encrypt(key, 0) || AES-128-Encrypt(key, 1) || ...   (128-bit big-endian counters)
 */
import { createCipheriv, createHash, type Cipher } from 'node:crypto';
import type { Sink } from './sink.js';

export const RANDOM_DOMAIN = 'pfsc-bank-random-v1\n';
const CHUNK = 1 << 16;
let zeros: Uint8Array | undefined;

/** The AES-128 key of a random run with this seed. */
export function bankRandomKey(seed: Uint8Array): Buffer {
  return createHash('sha256').update(RANDOM_DOMAIN, 'utf8').update(seed).digest().subarray(0, 16);
}

function keystream(seed: Uint8Array): Cipher {
  return createCipheriv('aes-128-ctr', bankRandomKey(seed), Buffer.alloc(16));
}

/** Writes min(length, room) bytes of the run into the sink. */
export function emitRandom(seed: Uint8Array, length: number, alphabet: Uint8Array | undefined, sink: Sink): void {
  const want = Math.min(length, sink.room);
  if (want <= 0) return;
  zeros ??= new Uint8Array(CHUNK);
  const cipher = keystream(seed);
  const out = sink.out;
  const end = sink.pos + want;
  if (alphabet === undefined || alphabet.length === 256) {
    // Every keystream byte is taken (with a 256-byte alphabet, mapped through it).
    while (sink.pos < end) {
      const n = Math.min(CHUNK, end - sink.pos);
      const block = cipher.update(zeros.subarray(0, n));
      if (alphabet === undefined) out.set(block, sink.pos);
      else for (let i = 0; i < n; i++) out[sink.pos + i] = alphabet[block[i] as number] as number;
      sink.pos += n;
    }
    return;
  }
  // Keystream bytes s >= t are skipped (map -1), so that s mod k is uniform over the alphabet.
  const k = alphabet.length;
  const t = 256 - (256 % k);
  const map = new Int16Array(256);
  for (let b = 0; b < 256; b++) map[b] = b < t ? (alphabet[b % k] as number) : -1;
  let pos = sink.pos;
  while (pos < end) {
    const block = cipher.update(zeros.subarray(0, Math.min(CHUNK, Math.max(256, end - pos))));
    for (let i = 0; i < block.length && pos < end; i++) {
      const v = map[block[i] as number] as number;
      if (v >= 0) out[pos++] = v;
    }
  }
  sink.pos = pos;
}
