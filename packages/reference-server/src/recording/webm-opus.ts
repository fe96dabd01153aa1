/**
 * Reads the Opus packets out of a WebM stream as browsers' `MediaRecorder` writes it (one audio
 * track, SimpleBlocks in Clusters of unknown size). A stream cut short — the chunk in flight when
 * the recording page reloaded — yields every packet up to the last complete block.
 */

const ID = {
  ebml: 0x1a45dfa3,
  segment: 0x18538067,
  cluster: 0x1f43b675,
  tracks: 0x1654ae6b,
  trackEntry: 0xae,
  blockGroup: 0xa0,
  block: 0xa1,
  simpleBlock: 0xa3,
  codecId: 0x86,
  codecPrivate: 0x63a2,
} as const;

/** Master elements whose children are read in place (they may have an unknown size). */
const DESCEND = new Set<number>([ID.segment, ID.cluster, ID.tracks, ID.trackEntry, ID.blockGroup]);

/** The first bytes of every WebM (EBML) stream. */
export const EBML_MAGIC = [0x1a, 0x45, 0xdf, 0xa3] as const;

export function startsWithEbml(data: Uint8Array): boolean {
  return EBML_MAGIC.every((b, i) => data[i] === b);
}

export interface WebmOpus {
  /** The track's `CodecID` (`A_OPUS` for us). */
  codec: string | undefined;
  /** The track's OpusHead (CodecPrivate), when present. */
  head: Uint8Array | undefined;
  packets: Uint8Array[];
}

interface Vint {
  value: number;
  length: number;
  /** All value bits set: "unknown size". */
  unknown: boolean;
}

function readVint(data: Uint8Array, at: number, keepMarker: boolean): Vint | undefined {
  const first = data[at];
  if (first === undefined || first === 0) return undefined;
  const length = Math.clz32(first) - 23;
  if (at + length > data.length || length > 8) return undefined;
  let value = keepMarker ? first : first & (0xff >> length);
  let allOnes = value === 0xff >> length;
  for (let i = 1; i < length; i++) {
    value = value * 256 + data[at + i];
    if (data[at + i] !== 0xff) allOnes = false;
  }
  return { value, length, unknown: !keepMarker && allOnes };
}

/** Demuxes `data` (one MediaRecorder session's bytes, in order). Never throws on bad input. */
export function demuxWebmOpus(data: Uint8Array): WebmOpus {
  const out: WebmOpus = { codec: undefined, head: undefined, packets: [] };
  let at = 0;
  while (at < data.length) {
    const id = readVint(data, at, true);
    if (!id) break;
    const size = readVint(data, at + id.length, false);
    if (!size) break;
    const body = at + id.length + size.length;
    if (DESCEND.has(id.value)) {
      at = body;
      continue;
    }
    if (size.unknown) break; // only masters may have an unknown size
    const end = body + size.value;
    if (end > data.length) break; // truncated: keep what came before
    const content = data.subarray(body, end);
    if (id.value === ID.simpleBlock || id.value === ID.block) {
      const packet = blockPayload(content);
      if (packet) out.packets.push(packet);
    } else if (id.value === ID.codecId) {
      out.codec = Buffer.from(content).toString('ascii');
    } else if (id.value === ID.codecPrivate) {
      out.head = content;
    }
    at = end;
  }
  return out;
}

/** The frame inside a (Simple)Block: track number, 16-bit timecode, flags, then the data. */
function blockPayload(block: Uint8Array): Uint8Array | undefined {
  const track = readVint(block, 0, false);
  if (!track) return undefined;
  const flags = block[track.length + 2];
  // Lacing (several frames in one block) is never used for audio by browsers; skip such blocks.
  if (flags === undefined || (flags & 0x06) !== 0) return undefined;
  const payload = block.subarray(track.length + 3);
  return payload.length > 0 ? payload : undefined;
}
