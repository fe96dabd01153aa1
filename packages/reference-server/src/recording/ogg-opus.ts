import { randomInt } from 'node:crypto';

/**
 * An Ogg Opus file (RFC 7845) written packet by packet: the identification and comment headers,
 * then audio pages. Every page is handed to `write` as soon as it is complete, so a file cut
 * short by a crash is still playable up to its last page.
 */

export const OPUS_SAMPLE_RATE = 48_000;
/** The encoder delay of libopus at 48 kHz (6.5 ms), skipped by players. */
export const DEFAULT_PRE_SKIP = 312;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let j = 0; j < 8; j++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    table[i] = r >>> 0;
  }
  return table;
})();

function crc32(data: Uint8Array): number {
  let crc = 0;
  for (const byte of data) crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ byte) & 0xff]) >>> 0;
  return crc;
}

/** Samples at 48 kHz in one Opus packet, from its TOC byte (RFC 6716 §3.1). */
export function opusPacketSamples(packet: Uint8Array): number {
  if (packet.length === 0) return 0;
  const toc = packet[0];
  const config = toc >> 3;
  let frameSamples: number;
  if (config < 12) frameSamples = [480, 960, 1920, 2880][config % 4];
  else if (config < 16) frameSamples = [480, 960][config % 2];
  else frameSamples = [120, 240, 480, 960][config % 4];
  const code = toc & 3;
  const frames = code === 0 ? 1 : code < 3 ? 2 : packet.length > 1 ? packet[1] & 0x3f : 0;
  return frames * frameSamples;
}

/** The `OpusHead` identification header for a mono (or stereo) stream. */
export function opusHead(channels: number, preSkip = DEFAULT_PRE_SKIP): Uint8Array {
  const head = Buffer.alloc(19);
  head.write('OpusHead', 0, 'ascii');
  head[8] = 1; // version
  head[9] = channels;
  head.writeUInt16LE(preSkip, 10);
  head.writeUInt32LE(OPUS_SAMPLE_RATE, 12);
  head.writeInt16LE(0, 16); // output gain
  head[18] = 0; // channel mapping family: mono/stereo
  return head;
}

function opusTags(): Uint8Array {
  const vendor = Buffer.from('synapse-calling', 'ascii');
  const tags = Buffer.alloc(8 + 4 + vendor.length + 4);
  tags.write('OpusTags', 0, 'ascii');
  tags.writeUInt32LE(vendor.length, 8);
  vendor.copy(tags, 12);
  tags.writeUInt32LE(0, 12 + vendor.length); // no user comments
  return tags;
}

/** Flush a page after this many packets (about a second of 20 ms packets). */
const PACKETS_PER_PAGE = 50;

export class OggOpusWriter {
  private readonly serial = randomInt(1, 2 ** 31);
  private sequence = 0;
  private granule: bigint;
  private packets: Uint8Array[] = [];
  private segments = 0;
  private ended = false;
  /** Audio samples written (48 kHz), pre-skip excluded. */
  samples = 0;
  bytes = 0;

  constructor(
    private readonly write: (page: Uint8Array) => void,
    head: Uint8Array,
  ) {
    this.granule = 0n;
    const preSkip = Buffer.from(head).readUInt16LE(10);
    this.samples = -preSkip;
    this.page([head], 0n, 0x02);
    this.page([opusTags()], 0n, 0);
  }

  /** Duration of the audio written so far, in ms. */
  get durationMs(): number {
    return Math.max(0, Math.round((this.samples * 1000) / OPUS_SAMPLE_RATE));
  }

  addPacket(packet: Uint8Array): void {
    if (this.ended || packet.length === 0) return;
    // A page holds at most 255 lacing values (one per 255 bytes of a packet, plus one).
    const segments = Math.floor(packet.length / 255) + 1;
    if (this.segments + segments > 255) this.flush();
    this.segments += segments;
    const samples = opusPacketSamples(packet);
    this.granule += BigInt(samples);
    this.samples += samples;
    this.packets.push(packet);
    if (this.packets.length >= PACKETS_PER_PAGE) this.flush();
  }

  /** Writes whatever is pending as a page. */
  flush(): void {
    if (this.packets.length === 0) return;
    this.segments = 0;
    this.page(this.packets.splice(0), this.granule, 0);
  }

  /** The last page, marked end of stream. Nothing is written after it. */
  end(): void {
    if (this.ended) return;
    this.page(this.packets.splice(0), this.granule, 0x04);
    this.ended = true;
  }

  private page(packets: Uint8Array[], granule: bigint, flags: number): void {
    const lacing: number[] = [];
    for (const p of packets) {
      for (let left = p.length; ; left -= 255) {
        lacing.push(Math.min(left, 255));
        if (left < 255) break;
      }
    }
    const header = Buffer.alloc(27 + lacing.length);
    header.write('OggS', 0, 'ascii');
    header[4] = 0;
    header[5] = flags;
    header.writeBigInt64LE(granule, 6);
    header.writeUInt32LE(this.serial, 14);
    header.writeUInt32LE(this.sequence++, 18);
    header[26] = lacing.length;
    Buffer.from(lacing).copy(header, 27);
    const page = Buffer.concat([header, ...packets]);
    page.writeUInt32LE(crc32(page), 22);
    this.bytes += page.length;
    this.write(page);
  }
}
