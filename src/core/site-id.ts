// Stable site ids: a hash of the site key, so the same line in the same code gets the same id in
// every snapshot and every process. Pure code (no Node imports) so any layer may use it.
import type { Frame, SiteKind } from './model';

/** Hex digits kept from the 64-bit hash: 48 bits, collisions are negligible at realistic site counts. */
const SITE_ID_HEX_LENGTH = 12;

/**
 * Id of the site (kind, type, thread, compiled position). The generated frame is used, not the
 * source-mapped one, so ids do not change when a source map appears, moves or disappears.
 * Callers pass `file` already normalised (absolute path, not a file:// URL).
 */
export function siteId(kind: SiteKind, type: string, thread: number, generatedFrame: Frame): string {
  const key = [kind, type, String(thread), generatedFrame.file, String(generatedFrame.line), String(generatedFrame.column)].join('\u0000');
  return fnv1a64Hex(key).slice(0, SITE_ID_HEX_LENGTH);
}

const utf8 = new TextEncoder();

/**
 * FNV-1a 64-bit of the UTF-8 bytes of `text`, as 16 hex digits. Computed on four 16-bit limbs
 * because plain numbers lose precision above 2^53 and BigInt is several times slower.
 */
export function fnv1a64Hex(text: string): string {
  // Offset basis 0xcbf29ce484222325, low limb first.
  let h0 = 0x2325;
  let h1 = 0x8422;
  let h2 = 0x9ce4;
  let h3 = 0xcbf2;
  for (const byte of utf8.encode(text)) {
    h0 ^= byte;
    // Multiply by the FNV prime 0x100000001b3 = 2^40 + 0x1b3, modulo 2^64.
    const t0 = h0 * 0x1b3;
    let t1 = h1 * 0x1b3;
    let t2 = h2 * 0x1b3 + (h0 << 8);
    let t3 = h3 * 0x1b3 + (h1 << 8);
    t1 += t0 >>> 16;
    t2 += t1 >>> 16;
    t3 += t2 >>> 16;
    h0 = t0 & 0xffff;
    h1 = t1 & 0xffff;
    h2 = t2 & 0xffff;
    h3 = t3 & 0xffff;
  }
  return hex16(h3) + hex16(h2) + hex16(h1) + hex16(h0);
}

function hex16(limb: number): string {
  return limb.toString(16).padStart(4, '0');
}
