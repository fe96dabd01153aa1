/**
 * The sdk-core e2e page (`sdk-e2e-page.ts`, which defines `window.harness`) plus `window.media`:
 * read-outs of the page's current call that a test polls from Node — the connection quality
 * and the remote audio level, as an app's UI would show them — and `window.p2pLab`, two P2P
 * sessions whose network path the test controls (see `media-udp-relay.ts`).
 */
import { SynapseClient, type Call, type MediaSignal } from '../../packages/sdk-core/src/index';
import { P2PSession } from '../../packages/sdk-core/src/media/p2p';
import { heardTone, probeTone } from './audio-probe';
import type { CandidateInit } from './media-udp-relay';
import './sdk-e2e-page';

// The harness keeps its client to itself; remember every client that connects on this page.
const clients: SynapseClient[] = [];
const connect = SynapseClient.prototype.connect;
SynapseClient.prototype.connect = function (this: SynapseClient, ...args) {
  if (!clients.includes(this)) clients.push(this);
  return connect.apply(this, args);
};

function current(): Call | null {
  for (const client of clients) {
    const call = client.calls.active;
    if (call) return call;
  }
  return null;
}

const media = {
  /** The current call's `quality`, or null without a call. */
  quality: (): string | null => current()?.quality ?? null,
  /** The current call's `remoteAudioLevel` (0..1), or null without a call. */
  remoteLevel: (): number | null => current()?.remoteAudioLevel ?? null,
  /** The current call's `speaking` flag from the client snapshot, or null without a call. */
  speaking: (): boolean | null => {
    for (const client of clients) {
      const snap = client.getSnapshot().activeCall;
      if (snap) return snap.speaking;
    }
    return null;
  },
};

const RAW_AUDIO = { echoCancellation: false, noiseSuppression: false, autoGainControl: false };

/**
 * Two `P2PSession`s on this page whose candidates pass through `window.relayCandidate` (a Node
 * function the test exposes: it may rewrite a candidate or drop it), so the test decides which
 * network path the two peers have. `events` records what each session reports, in order.
 */
const p2pLab = {
  sessions: [] as P2PSession[],
  events: [] as string[],
  /** The ICE ufrag of every offer either side sent (a new one means an ICE restart). */
  offerUfrags: [] as string[],
  async start(): Promise<void> {
    const make = async (name: 'a' | 'b', polite: boolean, peer: () => P2PSession) => {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: RAW_AUDIO });
      const session = new P2PSession({
        track: stream.getAudioTracks()[0],
        constraints: RAW_AUDIO,
        muted: false,
        media: { kind: 'p2p', iceServers: [], polite },
        statsIntervalMs: 60_000,
        connectTimeoutMs: 120_000,
        sendSignal: async (signal: MediaSignal) => {
          let out: MediaSignal | null = signal;
          if (signal.type === 'candidate' && signal.candidate?.candidate) {
            const candidate = await window.relayCandidate(signal.candidate);
            out = candidate && {
              type: 'candidate',
              candidate: { ...candidate, candidate: candidate.candidate },
            };
          } else if (signal.type === 'description' && signal.description.type === 'offer') {
            const ufrag = /a=ice-ufrag:(\S+)/.exec(signal.description.sdp ?? '')?.[1];
            if (ufrag) p2pLab.offerUfrags.push(ufrag);
          }
          if (out) setTimeout(() => peer().handleSignal(out), 0);
        },
      });
      for (const event of ['connected', 'reconnecting', 'reconnected'] as const) {
        session.on(event, () => p2pLab.events.push(`${name} ${event}`));
      }
      session.on('error', (err) => p2pLab.events.push(`${name} error ${String(err)}`));
      p2pLab.sessions.push(session);
      return session;
    };
    const a: P2PSession = await make('a', false, () => b);
    const b: P2PSession = await make('b', true, () => a);
    await Promise.all([a.start(), b.start()]);
  },
  /** Whether each session's remote stream carries `hz` (a few attempts, as audio may lag). */
  async hears(hz: number): Promise<boolean[]> {
    return Promise.all(
      p2pLab.sessions.map(async (s) => {
        for (let i = 0; i < 12; i++) {
          const stream = s.remoteStream;
          if (stream && heardTone(await probeTone(stream, hz, 500), hz)) return true;
          if (!stream) await new Promise((r) => setTimeout(r, 250));
        }
        return false;
      }),
    );
  },
  close(): void {
    for (const s of p2pLab.sessions.splice(0)) s.close();
  },
};

declare global {
  interface Window {
    media: typeof media;
    p2pLab: typeof p2pLab;
    /** Exposed by the test (Playwright `exposeFunction`): rewrites or drops (null) a candidate. */
    relayCandidate: (candidate: CandidateInit) => Promise<CandidateInit | null>;
  }
}
window.media = media;
window.p2pLab = p2pLab;
