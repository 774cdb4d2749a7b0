/**
 * Sizes in bytes as Prometheus' size flags take them (`--storage.tsdb.retention.size`, alecthomas/units
 * Base2Bytes): a whole number and a unit, powers of 1024 whether written `KB` or `KiB`: B, KB/KiB,
 * MB/MiB, GB/GiB, TB/TiB. Pure.
 */

const UNITS: Record<string, number> = {
  B: 1,
  KB: 2 ** 10,
  KIB: 2 ** 10,
  MB: 2 ** 20,
  MIB: 2 ** 20,
  GB: 2 ** 30,
  GIB: 2 ** 30,
  TB: 2 ** 40,
  TIB: 2 ** 40,
};

export const BYTE_SIZE_SYNTAX =
  'a whole number and a unit: B, KB, MB, GB, TB (powers of 1024; KiB, MiB... too), e.g. 256MB';

/** `256MB` → 268435456. Throws a RangeError naming the expected form. */
export function parseByteSize(text: string): number {
  const match = /^(\d+)([A-Za-z]+)$/.exec(text.trim());
  const unit = match ? UNITS[match[2].toUpperCase()] : undefined;
  const bytes = match && unit ? Number(match[1]) * unit : NaN;
  if (!Number.isSafeInteger(bytes)) {
    throw new RangeError(`"${text}" is not a size (expected ${BYTE_SIZE_SYNTAX})`);
  }
  return bytes;
}
