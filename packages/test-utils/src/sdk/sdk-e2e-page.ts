/**
 * The page script of the sdk-core end-to-end tests: bundled with esbuild (code splitting on, so
 * livekit-client lands in its own lazily fetched chunk) and driven through `window.harness` by
 * Playwright. Imports the SDK sources directly.
 */
import { createClient, type Call, type SynapseClient } from '../../../sdk-core/src/index';
import { heardTone, probeTone } from '../media/audio-probe';

let client: SynapseClient | null = null;
let call: Call | null = null;
const incoming: Call[] = [];

function active(c: Call, timeoutMs = 60_000): Promise<void> {
  if (c.state === 'active') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`call stayed ${c.state}`)), timeoutMs);
    const off = c.on('stateChanged', (s) => {
      if (s === 'active') {
        clearTimeout(timer);
        off();
        resolve();
      } else if (s === 'ended') {
        clearTimeout(timer);
        off();
        reject(new Error(`call ended: ${c.endReason}`));
      }
    });
  });
}

const harness = {
  async connect(url: string, token: string): Promise<void> {
    client = createClient({
      url,
      token,
      idleTimeoutMs: false,
      audioConstraints: {
        echoCancellation: false,
        noiseSuppression: false,
        autoGainControl: false,
      },
    });
    client.on('incomingCall', (c) => incoming.push(c));
    // A reloaded page picks its call up again (sync).
    client.calls.on('callResumed', (c) => {
      call = c;
    });
    await client.connect();
  },
  /** Watches presence like a page of call buttons would. */
  async watch(userId: string): Promise<string> {
    return new Promise((resolve) => {
      const off = client!.presence.watch(userId, (p) => {
        off();
        resolve(p.status);
      });
    });
  },
  async call(userId: string): Promise<void> {
    call = await client!.call(userId);
    await active(call);
  },
  async accept(): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (!incoming.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    call = incoming.shift() ?? null;
    if (!call) throw new Error('no incoming call');
    await call.accept();
    await active(call);
  },
  /** The user this page connected as. */
  userId: () => client?.user?.id ?? null,
  mediaKind: () => call?.mediaKind ?? null,
  state: () => call?.state ?? null,
  async hears(hz: number, expected = true, attempts = 12): Promise<boolean> {
    let heard = !expected;
    for (let i = 0; i < attempts && heard !== expected; i++) {
      const stream = call?.remoteStream;
      if (!stream) {
        await new Promise((r) => setTimeout(r, 250));
        continue;
      }
      heard = heardTone(await probeTone(stream, hz, 500), hz);
    }
    return heard;
  },
  async mute(muted: boolean): Promise<void> {
    await (muted ? call!.mute() : call!.unmute());
  },
  async end(): Promise<string | undefined> {
    const c = call!;
    await c.end();
    return c.endReason;
  },
  async disconnect(): Promise<void> {
    await client?.disconnect();
  },
};

declare global {
  interface Window {
    harness: typeof harness;
  }
}
window.harness = harness;
