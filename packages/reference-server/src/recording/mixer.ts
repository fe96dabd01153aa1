/**
 * Mixes live sources (each party's decoded audio, 48 kHz mono) into fixed frames on the wall
 * clock: every frame takes what each source has and pads the rest with silence, so the mix keeps
 * real time whoever falls silent, leaves or rejoins. A source that runs ahead (its frames arrive
 * in bursts) keeps at most `maxBacklogSamples`; older samples are dropped to stay in sync.
 */
export class WallClockMixer {
  private readonly queues = new Map<string, { chunks: Int16Array[]; length: number }>();

  constructor(
    readonly frameSamples = 960,
    private readonly maxBacklogSamples = 48_000 * 0.4,
  ) {}

  push(source: string, samples: Int16Array): void {
    let queue = this.queues.get(source);
    if (!queue) this.queues.set(source, (queue = { chunks: [], length: 0 }));
    queue.chunks.push(samples);
    queue.length += samples.length;
    while (queue.length - (queue.chunks[0]?.length ?? 0) >= this.maxBacklogSamples) {
      queue.length -= queue.chunks.shift()?.length ?? 0;
    }
  }

  remove(source: string): void {
    this.queues.delete(source);
  }

  /** The next frame: the sum of every source (clipped), silence where a source has nothing. */
  nextFrame(): Int16Array {
    const mix = new Int32Array(this.frameSamples);
    for (const queue of this.queues.values()) {
      let filled = 0;
      while (filled < this.frameSamples && queue.chunks.length > 0) {
        const chunk = queue.chunks[0];
        const take = Math.min(chunk.length, this.frameSamples - filled);
        for (let i = 0; i < take; i++) mix[filled + i] += chunk[i];
        filled += take;
        queue.length -= take;
        if (take === chunk.length) queue.chunks.shift();
        else queue.chunks[0] = chunk.subarray(take);
      }
    }
    const out = new Int16Array(this.frameSamples);
    for (let i = 0; i < out.length; i++) out[i] = Math.max(-32768, Math.min(32767, mix[i]));
    return out;
  }
}
