import type { BrowserContext, Page } from 'playwright-core';

/**
 * Where a call's time goes, seen from inside a page: the first moment (ms since the epoch, the
 * machine's one clock, so marks of two browsers compare) of each step below. Installed before
 * any page script runs; it only observes (wraps getUserMedia, WebSocket send/receive and
 * RTCPeerConnection to note times, and reads Resource Timing), so the page behaves as without it.
 *
 * Marks: `mic requested` / `mic open` (getUserMedia), `initiate-call sent` / `initiate-call ack`,
 * `incoming-call`, `accept-call sent`, `call-accepted`, `livekit-client loaded` (the lazy chunk's
 * response end), `peer connection created`, `remote track`, `media connected` (first
 * RTCPeerConnection `connected`).
 */
export async function installTimeline(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const marks: Record<string, number> = {};
    const now = () => performance.timeOrigin + performance.now();
    const mark = (name: string) => (marks[name] ??= now());
    (window as unknown as { __timeline: () => Record<string, number> }).__timeline = () => {
      for (const entry of performance.getEntriesByType('resource')) {
        if (/livekit-client/.test(entry.name)) {
          marks['livekit-client loaded'] ??=
            performance.timeOrigin + (entry as PerformanceResourceTiming).responseEnd;
        }
      }
      return { ...marks };
    };

    const media = navigator.mediaDevices;
    if (media?.getUserMedia) {
      const original = media.getUserMedia.bind(media);
      media.getUserMedia = async (constraints) => {
        mark('mic requested');
        const stream = await original(constraints);
        mark('mic open');
        return stream;
      };
    }

    // Socket.IO frames: `42["event",…]` is an event, `43N[…]` an ack. The first ack after
    // `initiate-call` went out is its ack (the page sends nothing else acked meanwhile that
    // carries a call).
    let awaitingInitiateAck = false;
    const send = WebSocket.prototype.send;
    WebSocket.prototype.send = function (data) {
      if (typeof data === 'string') {
        if (data.includes('"initiate-call"')) {
          mark('initiate-call sent');
          awaitingInitiateAck = true;
        }
        if (data.includes('"accept-call"')) mark('accept-call sent');
      }
      return send.call(this, data);
    };
    const OriginalWS = window.WebSocket;
    window.WebSocket = class extends OriginalWS {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        this.addEventListener('message', (event: MessageEvent) => {
          if (typeof event.data !== 'string') return;
          if (event.data.startsWith('42/call,["incoming-call"')) mark('incoming-call');
          if (event.data.startsWith('42/call,["call-accepted"')) mark('call-accepted');
          if (
            awaitingInitiateAck &&
            event.data.startsWith('43/call,') &&
            event.data.includes('"call"')
          ) {
            awaitingInitiateAck = false;
            mark('initiate-call ack');
          }
        });
      }
    };

    const OriginalPC = window.RTCPeerConnection;
    if (OriginalPC) {
      window.RTCPeerConnection = class extends OriginalPC {
        constructor(config?: RTCConfiguration) {
          super(config);
          mark('peer connection created');
          this.addEventListener('track', () => mark('remote track'));
          this.addEventListener('connectionstatechange', () => {
            if (this.connectionState === 'connected') mark('media connected');
          });
        }
      };
    }
  });
}

/** The page's marks so far (see installTimeline). */
export function timeline(page: Page): Promise<Record<string, number>> {
  return page.evaluate(() =>
    (window as unknown as { __timeline: () => Record<string, number> }).__timeline(),
  );
}
