/**
 * Runs in the page (browser tests import it; Playwright tests pass it to `page.evaluate`).
 * Self-contained on purpose: Playwright serialises the function's source.
 *
 * Listens to `stream` through an AnalyserNode for `durationMs` and reports the loudest
 * frequency and the level around `expectHz`, so a test can prove that a known tone arrived.
 */
export async function probeTone(
  stream: MediaStream,
  expectHz: number,
  durationMs = 600,
): Promise<{ peakHz: number; levelDb: number; peakDb: number; binHz: number }> {
  const ctx = new AudioContext();
  if (ctx.state === 'suspended') await ctx.resume();
  const source = ctx.createMediaStreamSource(stream);
  const analyser = ctx.createAnalyser();
  analyser.fftSize = 4096;
  analyser.smoothingTimeConstant = 0;
  source.connect(analyser);
  // Chromium only pulls remote WebRTC audio into WebAudio while the stream also plays somewhere.
  const audio = new Audio();
  audio.srcObject = stream;
  audio.muted = true;
  void audio.play().catch(() => undefined);

  const bins = new Float32Array(analyser.frequencyBinCount);
  const binHz = ctx.sampleRate / analyser.fftSize;
  const sum = new Float32Array(analyser.frequencyBinCount);
  let frames = 0;
  const end = performance.now() + durationMs;
  while (performance.now() < end) {
    await new Promise((r) => setTimeout(r, 50));
    analyser.getFloatFrequencyData(bins);
    for (let i = 0; i < bins.length; i++) sum[i] += Math.max(bins[i], -200);
    frames++;
  }
  let peak = 0;
  for (let i = 1; i < sum.length; i++) if (sum[i] > sum[peak]) peak = i;
  const expectBin = Math.round(expectHz / binHz);
  let level = -Infinity;
  for (let i = expectBin - 1; i <= expectBin + 1; i++) level = Math.max(level, sum[i] / frames);
  source.disconnect();
  audio.srcObject = null;
  await ctx.close();
  return { peakHz: peak * binHz, levelDb: level, peakDb: sum[peak] / frames, binHz };
}

/** True when `probe` found `expectHz` as the loudest frequency (±1 bin) and clearly above silence. */
export function heardTone(
  probe: { peakHz: number; peakDb: number; binHz: number },
  expectHz: number,
): boolean {
  return Math.abs(probe.peakHz - expectHz) <= probe.binHz * 1.5 && probe.peakDb > -70;
}
