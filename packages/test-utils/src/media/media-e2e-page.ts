/**
 * The sdk-core e2e page (`sdk-e2e-page.ts`, which defines `window.harness`) plus `window.media`:
 * read-outs of the page's current call that a test polls from Node — the connection quality
 * and the remote audio level, as an app's UI would show them.
 */
import { SynapseClient, type Call } from '../../../sdk-core/src/index';
import '../sdk/sdk-e2e-page';

// The harness keeps its client to itself; remember every client that connects on this page.
const clients: SynapseClient[] = [];
const connect = SynapseClient.prototype.connect;
SynapseClient.prototype.connect = function (this: SynapseClient, ...args) {
  if (!clients.includes(this)) clients.push(this);
  return connect.apply(this, args);
};

/** The page's current call (the one a client of this page is in), or null. */
export function current(): Call | null {
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

declare global {
  interface Window {
    media: typeof media;
  }
}
window.media = media;
