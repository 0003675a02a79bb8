/**
 * Machine numbers of the three executable formats, mapped to the instruction set of their
 * code (docs/HINTS.md, "Architectures").
 */
import type { Arch, Endian } from './types.js';

/** ELF e_machine (System V ABI, "Machine"). EM_ARM depends on the entry point (see elfArch). */
const ELF_MACHINES: Record<number, Arch> = {
  2: 'sparc', // EM_SPARC
  3: 'x86', // EM_386
  6: 'x86', // EM_486
  8: 'mips', // EM_MIPS
  10: 'mips', // EM_MIPS_RS3_LE
  18: 'sparc', // EM_SPARC32PLUS
  20: 'powerpc', // EM_PPC
  21: 'powerpc', // EM_PPC64
  22: 's390', // EM_S390
  40: 'arm', // EM_ARM
  43: 'sparc', // EM_SPARCV9
  50: 'ia64', // EM_IA_64
  62: 'x86-64', // EM_X86_64
  183: 'arm64', // EM_AARCH64
  243: 'riscv', // EM_RISCV
  258: 'loongarch', // EM_LOONGARCH
};

/**
 * The arch of an ELF file's code. For EM_ARM, an odd entry point means the entry is Thumb
 * code, which on Linux means a Thumb-2 build ('armthumb'); an even one, 'arm'.
 */
export function elfArch(machine: number, entry: number): Arch {
  const a = ELF_MACHINES[machine] ?? 'unknown';
  if (a === 'arm' && entry % 2 === 1) return 'armthumb';
  return a;
}

/** PE/COFF IMAGE_FILE_MACHINE_*. */
const PE_MACHINES: Record<number, Arch> = {
  0x014c: 'x86', // I386
  0x8664: 'x86-64', // AMD64
  0xaa64: 'arm64', // ARM64
  0xa641: 'arm64', // ARM64EC
  0xa64e: 'arm64', // ARM64X
  0x01c0: 'arm', // ARM
  0x01c2: 'armthumb', // THUMB
  0x01c4: 'armthumb', // ARMNT (Thumb-2)
  0x0200: 'ia64', // IA64
  0x01f0: 'powerpc', // POWERPC
  0x01f1: 'powerpc', // POWERPCFP
  0x0166: 'mips', // R4000
  0x0169: 'mips', // WCEMIPSV2
  0x0266: 'mips', // MIPS16
  0x5032: 'riscv', // RISCV32
  0x5064: 'riscv', // RISCV64
  0x5128: 'riscv', // RISCV128
  0x6232: 'loongarch', // LOONGARCH32
  0x6264: 'loongarch', // LOONGARCH64
};

export function peArch(machine: number): Arch {
  return PE_MACHINES[machine] ?? 'unknown';
}

/** Mach-O cputype (mach/machine.h); CPU_ARCH_ABI64 = 0x01000000, CPU_ARCH_ABI64_32 = 0x02000000. */
const MACHO_CPUS: Record<number, Arch> = {
  7: 'x86', // CPU_TYPE_X86
  0x01000007: 'x86-64', // CPU_TYPE_X86_64
  12: 'arm', // CPU_TYPE_ARM
  0x0100000c: 'arm64', // CPU_TYPE_ARM64
  0x0200000c: 'arm64', // CPU_TYPE_ARM64_32
  14: 'sparc', // CPU_TYPE_SPARC
  18: 'powerpc', // CPU_TYPE_POWERPC
  0x01000012: 'powerpc', // CPU_TYPE_POWERPC64
};

/** CPU_TYPE_ARM subtypes from CPU_SUBTYPE_ARM_V7 (9) on run Thumb-2 code. */
export function machoArch(cputype: number, cpusubtype: number): Arch {
  const a = MACHO_CPUS[cputype >>> 0] ?? 'unknown';
  if (a === 'arm' && (cpusubtype & 0xffffff) >= 9) return 'armthumb';
  return a;
}

/** Mach-O code is little-endian except on PowerPC. */
export function machoEndian(cputype: number): Endian {
  return MACHO_CPUS[cputype >>> 0] === 'powerpc' ? 'big' : 'little';
}
