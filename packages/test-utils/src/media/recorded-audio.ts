import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * What tests check of a recording file: decoded by Debian's ffmpeg (a real decoder, not ours),
 * its duration, which tones an FFT finds in it, and its longest silence.
 */

export const DECODE_RATE = 48_000;

/** Decodes any audio file ffmpeg reads to mono float samples at 48 kHz; throws if it cannot. */
export function decodeAudio(file: Uint8Array): Float32Array {
  const dir = mkdtempSync(join(tmpdir(), 'synapse-decode-'));
  try {
    const input = join(dir, 'input');
    writeFileSync(input, file);
    const pcm = execFileSync(
      'ffmpeg',
      ['-v', 'error', '-i', input, '-f', 'f32le', '-ac', '1', '-ar', String(DECODE_RATE), '-'],
      { maxBuffer: 512 * 1024 * 1024 },
    );
    return new Float32Array(pcm.buffer, pcm.byteOffset, Math.floor(pcm.byteLength / 4));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What ffprobe says the container's duration is, in seconds (NaN when it cannot tell). */
export function probeDuration(file: Uint8Array): number {
  const dir = mkdtempSync(join(tmpdir(), 'synapse-probe-'));
  try {
    const input = join(dir, 'input');
    writeFileSync(input, file);
    const out = execFileSync('ffprobe', [
      '-v',
      'error',
      '-show_entries',
      'format=duration',
      '-of',
      'default=nw=1:nk=1',
      input,
    ]);
    return Number(out.toString().trim());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** In-place radix-2 FFT (`re`, `im` of a power-of-two length). */
function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j], re[i]];
      [im[i], im[j]] = [im[j], im[i]];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const angle = (-2 * Math.PI) / len;
    for (let i = 0; i < n; i += len) {
      for (let k = 0; k < len / 2; k++) {
        const wr = Math.cos(angle * k);
        const wi = Math.sin(angle * k);
        const a = i + k;
        const b = a + len / 2;
        const xr = re[b] * wr - im[b] * wi;
        const xi = re[b] * wi + im[b] * wr;
        re[b] = re[a] - xr;
        im[b] = im[a] - xi;
        re[a] += xr;
        im[a] += xi;
      }
    }
  }
}

/**
 * The strongest frequencies (Hz) of `samples`, from Hann-windowed FFTs of 8192 samples averaged
 * over the whole signal; local maxima only, strongest first.
 */
export function spectralPeaks(samples: Float32Array, count = 4, rate = DECODE_RATE): number[] {
  const size = 8192;
  const power = new Float64Array(size / 2);
  for (let start = 0; start + size <= samples.length; start += size) {
    const re = new Float64Array(size);
    const im = new Float64Array(size);
    for (let i = 0; i < size; i++) {
      re[i] = samples[start + i] * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (size - 1)));
    }
    fft(re, im);
    for (let k = 0; k < size / 2; k++) power[k] += re[k] * re[k] + im[k] * im[k];
  }
  const peaks: number[] = [];
  for (let k = 2; k < power.length - 1; k++) {
    if (power[k] > power[k - 1] && power[k] >= power[k + 1]) peaks.push(k);
  }
  return peaks
    .sort((a, b) => power[b] - power[a])
    .slice(0, count)
    .map((k) => (k * rate) / size);
}

/** Whether each of `tones` is among the strongest peaks (within one FFT bin, about 6 Hz). */
export function findsTones(samples: Float32Array, tones: number[]): boolean {
  const peaks = spectralPeaks(samples, tones.length + 2);
  const bin = DECODE_RATE / 8192;
  return tones.every((hz) => peaks.some((p) => Math.abs(p - hz) <= bin * 1.5));
}

/** The longest run (seconds) of 20 ms windows whose RMS is below `threshold`. */
export function longestSilence(samples: Float32Array, threshold = 0.01): number {
  const window = DECODE_RATE / 50;
  let run = 0;
  let longest = 0;
  for (let start = 0; start + window <= samples.length; start += window) {
    let sum = 0;
    for (let i = start; i < start + window; i++) sum += samples[i] * samples[i];
    if (Math.sqrt(sum / window) < threshold) longest = Math.max(longest, ++run);
    else run = 0;
  }
  return (longest * window) / DECODE_RATE;
}

/** A WebM Opus file of a tone, as a browser's MediaRecorder would make one (for upload tests). */
export function webmTone(hz: number, seconds: number): Buffer {
  return execFileSync(
    'ffmpeg',
    [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      `sine=frequency=${hz}:sample_rate=48000:duration=${seconds}`,
      '-ac',
      '1',
      '-c:a',
      'libopus',
      '-b:a',
      '32k',
      '-f',
      'webm',
      '-',
    ],
    { maxBuffer: 64 * 1024 * 1024 },
  );
}
