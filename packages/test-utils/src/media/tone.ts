import { mkdirSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

/** Builds a mono 16-bit PCM WAV of a sine tone. Chromium loops it as the fake microphone. */
export function toneWav(
  frequencyHz: number,
  { seconds = 4, sampleRate = 48_000, amplitude = 0.5 } = {},
): Buffer {
  const samples = Math.round(seconds * sampleRate);
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) {
    const v = Math.round(
      amplitude * 32767 * Math.sin((2 * Math.PI * frequencyHz * i) / sampleRate),
    );
    data.writeInt16LE(v, i * 2);
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16); // fmt chunk size
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28); // byte rate
  header.writeUInt16LE(2, 32); // block align
  header.writeUInt16LE(16, 34); // bits per sample
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

/**
 * Writes (once) a WAV of the given tone and returns its absolute path, for
 * `--use-file-for-fake-audio-capture`. Whole-number periods per loop keep the loop seamless.
 */
export function ensureToneFile(frequencyHz: number, dir = join(tmpdir(), 'synapse-tones')): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `tone-${frequencyHz}.wav`);
  if (!existsSync(path)) writeFileSync(path, toneWav(frequencyHz));
  return path;
}

/** The tone the browser project's fake microphone plays (one capture file per browser process). */
export const BROWSER_TONE_HZ = 440;
