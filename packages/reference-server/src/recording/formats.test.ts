import OpusScript from 'opusscript';
import { describe, expect, it } from 'vitest';
import {
  decodeAudio,
  findsTones,
  probeDuration,
  webmTone,
} from '@synapse-calling/test-utils/media/recorded-audio';
import { WallClockMixer } from './mixer';
import { OggOpusWriter, opusHead, opusPacketSamples } from './ogg-opus';
import { oggDurationMs } from './upkeep';
import { demuxWebmOpus, startsWithEbml } from './webm-opus';

/** A mono 48 kHz tone as 20 ms PCM frames. */
function toneFrames(hz: number, seconds: number): Int16Array[] {
  const frames: Int16Array[] = [];
  for (let f = 0; f < seconds * 50; f++) {
    const frame = new Int16Array(960);
    for (let i = 0; i < 960; i++) {
      frame[i] = Math.round(8000 * Math.sin((2 * Math.PI * hz * (f * 960 + i)) / 48_000));
    }
    frames.push(frame);
  }
  return frames;
}

function writeOgg(packets: Uint8Array[], head = opusHead(1)): Buffer {
  const pages: Uint8Array[] = [];
  const ogg = new OggOpusWriter((page) => pages.push(page), head);
  for (const p of packets) ogg.addPacket(p);
  ogg.end();
  return Buffer.concat(pages);
}

describe('recording file formats, checked with ffmpeg', () => {
  it('an Ogg Opus file of a mix of two parties decodes to the right length with both tones', () => {
    const mixer = new WallClockMixer(960);
    const encoder = new OpusScript(48_000, 1, OpusScript.Application.VOIP);
    const a = toneFrames(440, 3);
    const b = toneFrames(880, 3);
    const packets: Uint8Array[] = [];
    for (let i = 0; i < a.length; i++) {
      mixer.push('agent', a[i]);
      // The customer falls silent for the last second: the mix keeps time with silence.
      if (i < 100) mixer.push('customer', b[i]);
      const pcm = mixer.nextFrame();
      packets.push(Uint8Array.from(encoder.encode(Buffer.from(pcm.buffer), 960)));
    }
    encoder.delete();
    const file = writeOgg(packets);
    expect(probeDuration(file)).toBeCloseTo(3, 1);
    expect(oggDurationMs(file)).toBeGreaterThan(2900);
    const samples = decodeAudio(file);
    expect(samples.length / 48_000).toBeCloseTo(3, 1);
    expect(findsTones(samples.subarray(0, 96_000), [440, 880])).toBe(true);
  });

  it('Opus packets read out of a WebM file remux into an Ogg file of the same audio', () => {
    const webm = webmTone(440, 2);
    expect(startsWithEbml(webm)).toBe(true);
    const { codec, head, packets } = demuxWebmOpus(webm);
    expect(codec).toBe('A_OPUS');
    expect(head && Buffer.from(head).subarray(0, 8).toString()).toBe('OpusHead');
    const samples = packets.reduce((n, p) => n + opusPacketSamples(p), 0);
    expect(samples / 48_000).toBeCloseTo(2, 1);
    const decoded = decodeAudio(writeOgg(packets, head));
    expect(decoded.length / 48_000).toBeCloseTo(2, 1);
    expect(findsTones(decoded, [440])).toBe(true);
  });

  it('a WebM stream cut short yields every complete packet before the cut, and garbage none', () => {
    const webm = webmTone(880, 2);
    const whole = demuxWebmOpus(webm).packets.length;
    const cut = demuxWebmOpus(webm.subarray(0, Math.floor(webm.length * 0.6))).packets.length;
    expect(cut).toBeGreaterThan(whole * 0.4);
    expect(cut).toBeLessThan(whole);
    expect(demuxWebmOpus(Buffer.from('not a webm file at all')).packets).toEqual([]);
    expect(startsWithEbml(Buffer.from('RIFF'))).toBe(false);
  });
});
