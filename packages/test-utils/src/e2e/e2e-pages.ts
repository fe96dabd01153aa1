import type { BrowserContext, Page } from 'playwright-core';

/**
 * What the end-to-end scenarios read from and do on the demo pages. Locators pierce the
 * elements' open shadow roots; the SDK's view comes from the public `client` property of
 * `<synapse-calling>` (its snapshot store), never from private fields.
 */

/** A call as the page's client sees it (`CallSnapshot`, the fields the scenarios check). */
export interface SdkCall {
  id: string;
  state: string;
  direction: 'incoming' | 'outgoing';
  endReason: string | undefined;
  muted: boolean;
  peer: { id: string; name: string };
  mediaKind: string | null;
}

/** One row of `<synapse-call-history>` as shown: the entry and the visible text of its row. */
export interface HistoryRow {
  id: string;
  direction: string;
  outcome: string | null;
  outcomeText: string;
  peerText: string;
  durationText: string | null;
  /** Seconds, from the element's `entries` (what the row's duration text is formatted from). */
  duration: number;
}

export async function waitConnected(page: Page): Promise<void> {
  try {
    await page.waitForFunction(
      () =>
        document.querySelector('synapse-calling')?.getAttribute('connection-state') === 'connected',
      undefined,
      { timeout: 30_000 },
    );
  } catch (err) {
    const state = await page
      .evaluate(() => document.querySelector('synapse-calling')?.getAttribute('connection-state'))
      .catch(() => 'unknown');
    if (err instanceof Error) {
      err.message += `\n${page.url()} connection-state=${state}\n${consoleOf(page).join('\n')}`;
    }
    throw err;
  }
  // Keeps the page's protocol traffic (event names and call states, no tokens) for `diagnose`.
  await page.evaluate(() => {
    const w = window as unknown as { __protocol?: string[] };
    if (w.__protocol) return;
    const log: string[] = (w.__protocol = []);
    const calling = document.querySelector('synapse-calling') as unknown as {
      client: {
        on(
          e: 'protocolMessage',
          l: (m: { direction: string; event: string; payload: unknown }) => void,
        ): void;
        on(e: 'error', l: (err: unknown) => void): void;
      };
    };
    const t0 = performance.now();
    calling.client.on('protocolMessage', (m) => {
      const p = m.payload as {
        call?: { state?: string; endReason?: string };
        signal?: { type?: string; description?: { type?: string } };
      } | null;
      const detail =
        (p?.call?.state && `${p.call.state}${p.call.endReason ? `:${p.call.endReason}` : ''}`) ??
        (p?.signal
          ? `${p.signal.type}${p.signal.description ? `:${p.signal.description.type}` : ''}`
          : '');
      log.push(`${Math.round(performance.now() - t0)}ms ${m.direction} ${m.event} ${detail ?? ''}`);
      if (log.length > 200) log.shift();
    });
    calling.client.on('error', (err) => {
      const e = err as { code?: string; message?: string };
      log.push(`${Math.round(performance.now() - t0)}ms error ${e.code} ${e.message}`);
    });
  });
}

const consoles = new WeakMap<Page, string[]>();

/** Keeps the page's console errors and warnings (the last 30), for failure messages. */
export function collectConsole(page: Page, who: string): void {
  const lines: string[] = [];
  consoles.set(page, lines);
  page.on('console', (m) => {
    if (m.type() !== 'error' && m.type() !== 'warning') return;
    lines.push(`[${who} console.${m.type()}] ${m.text()}`);
    if (lines.length > 30) lines.shift();
  });
  page.on('pageerror', (err) => lines.push(`[${who} page error] ${String(err)}`));
}

function consoleOf(page: Page): string[] {
  return consoles.get(page) ?? [];
}

/**
 * What a failing wait prints: the page's view of its call, its peer connection (P2P) and its
 * recent protocol traffic.
 */
export async function diagnose(page: Page): Promise<string> {
  if (page.isClosed()) return 'page closed';
  return page
    .evaluate(() => {
      const calling = document.querySelector('synapse-calling') as unknown as {
        client?: {
          connectionState: string;
          calls: {
            active: {
              id: string;
              state: string;
              media: { peerConnection?: RTCPeerConnection; kind?: string } | null;
            } | null;
            lastEnded: { id: string; endReason?: string } | null;
          };
        };
      } | null;
      const call = calling?.client?.calls.active;
      const ended = calling?.client?.calls.lastEnded;
      const pc = call?.media?.peerConnection;
      return JSON.stringify(
        {
          url: location.pathname + location.search,
          connection: calling?.client?.connectionState,
          call: call && { id: call.id, state: call.state, media: call.media?.kind ?? null },
          lastEnded: ended && { id: ended.id, endReason: ended.endReason },
          pc: pc && {
            connection: pc.connectionState,
            ice: pc.iceConnectionState,
            gathering: pc.iceGatheringState,
            signaling: pc.signalingState,
            local: pc.currentLocalDescription?.type,
            remote: pc.currentRemoteDescription?.type,
            transceivers: pc.getTransceivers().map((t) => `${t.mid}:${t.currentDirection}`),
          },
          protocol: (window as unknown as { __protocol?: string[] }).__protocol?.slice(-40),
          pcLog: (window as unknown as { __pcLog?: string[] }).__pcLog?.slice(-40),
        },
        null,
        1,
      );
    })
    .then((state) => [state, ...consoleOf(page)].join('\n'))
    .catch((err: unknown) => `diagnose failed: ${String(err)}`);
}

/**
 * Runs before every page script of `context`: counts RTCPeerConnections the page creates (so a
 * test can tell that a tab never set up media) and the times the incoming-call UI started
 * ringing (`synapse-ringtone-change`), which survive nothing but are re-armed on every load.
 */
export async function installProbes(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const w = window as unknown as {
      __peerConnections: number;
      __rings: number[];
      RTCPeerConnection: typeof RTCPeerConnection;
    };
    w.__peerConnections = 0;
    w.__rings = [];
    const log: string[] = [];
    (w as unknown as { __pcLog: string[] }).__pcLog = log;
    const Original = w.RTCPeerConnection;
    if (Original) {
      w.RTCPeerConnection = class extends Original {
        constructor(config?: RTCConfiguration) {
          super(config);
          const n = ++w.__peerConnections;
          const t0 = performance.now();
          const note = (what: string) => {
            log.push(`pc${n} ${Math.round(performance.now() - t0)}ms ${what}`);
            if (log.length > 100) log.shift();
          };
          this.addEventListener('signalingstatechange', () => note(`sig ${this.signalingState}`));
          this.addEventListener('icegatheringstatechange', () =>
            note(`gather ${this.iceGatheringState}`),
          );
          this.addEventListener('icecandidate', (e) =>
            note(
              `cand ${e.candidate ? e.candidate.candidate.split(' ').slice(2, 8).join(' ') : 'end'}`,
            ),
          );
          this.addEventListener('connectionstatechange', () =>
            note(`conn ${this.connectionState}`),
          );
          this.addEventListener('negotiationneeded', () => note('negotiationneeded'));
        }
      };
    }
    document.addEventListener('synapse-ringtone-change', (event) => {
      if ((event as CustomEvent<{ ringing: boolean }>).detail.ringing) w.__rings.push(Date.now());
    });
  });
}

/** RTCPeerConnections this page created since it loaded. */
export function peerConnections(page: Page): Promise<number> {
  return page.evaluate(
    () => (window as unknown as { __peerConnections: number }).__peerConnections,
  );
}

/** When (ms since the epoch) the incoming-call UI of this page started ringing since it loaded. */
export function rings(page: Page): Promise<number[]> {
  return page.evaluate(() => (window as unknown as { __rings: number[] }).__rings);
}

/** The page's client state: its active (or outgoing) call, ringing incoming calls, last ended call. */
export function sdkState(page: Page): Promise<{
  active: SdkCall | null;
  incoming: SdkCall[];
  lastEnded: SdkCall | null;
}> {
  return page.evaluate(() => {
    const calling = document.querySelector('synapse-calling') as unknown as {
      client: {
        getSnapshot(): {
          activeCall: SdkCall | null;
          incomingCalls: readonly SdkCall[];
          lastEndedCall: SdkCall | null;
        };
      };
    };
    const s = calling.client.getSnapshot();
    // Plain copies: the snapshot is frozen and carries more than the test needs.
    const pick = (c: SdkCall | null) =>
      c && {
        id: c.id,
        state: c.state,
        direction: c.direction,
        endReason: c.endReason,
        muted: c.muted,
        peer: { id: c.peer.id, name: c.peer.name },
        mediaKind: c.mediaKind,
      };
    return {
      active: pick(s.activeCall),
      incoming: s.incomingCalls.map((c) => pick(c) as SdkCall),
      lastEnded: pick(s.lastEndedCall),
    };
  });
}

export async function activeCall(page: Page): Promise<SdkCall | null> {
  return (await sdkState(page)).active;
}

export async function lastEnded(page: Page): Promise<SdkCall | null> {
  return (await sdkState(page)).lastEnded;
}

/** Ends (or declines) every call of the page's client, as the user would before leaving. */
export function hangUpAll(page: Page): Promise<void> {
  return page.evaluate(async () => {
    const calling = document.querySelector('synapse-calling') as unknown as {
      client?: { calls: { all: { end(): Promise<void> }[] } };
    } | null;
    const calls = calling?.client?.calls.all ?? [];
    await Promise.all(calls.map((c) => c.end().catch(() => undefined)));
  });
}

/** `client.call(userId)` from the page, as a script would; resolves with the call id or the error code. */
export function placeCall(
  page: Page,
  userId: string,
): Promise<{ ok: true; id: string } | { ok: false; code: string }> {
  return page.evaluate(async (to) => {
    const calling = document.querySelector('synapse-calling') as unknown as {
      client: { call(id: string): Promise<{ id: string }> };
    };
    try {
      const call = await calling.client.call(to);
      return { ok: true as const, id: call.id };
    } catch (err) {
      return { ok: false as const, code: String((err as { code?: unknown }).code) };
    }
  }, userId);
}

/** The built-in incoming-call prompt of `<synapse-calling>`. */
export function incomingUi(page: Page) {
  const host = page.locator('synapse-incoming-call');
  return {
    host,
    dialog: host.locator('dialog[part="dialog"]'),
    accept: host.locator('button[part="accept"]'),
    decline: host.locator('button[part="decline"]'),
    caller: host.locator('[part="caller"]'),
  };
}

/** The built-in active-call panel of `<synapse-calling>`. */
export function activeUi(page: Page) {
  const host = page.locator('synapse-active-call');
  return {
    host,
    /** Whether the panel shows a call (its `open` attribute). */
    open: async () => (await host.getAttribute('open')) !== null,
    end: host.locator('button[part="end"]'),
    mute: host.locator('button[part="mute"]'),
    state: host.locator('[part="state"]'),
  };
}

/** The visible row of `<synapse-call-history>` for `callId`, or null while it is not listed. */
export function historyRow(page: Page, callId: string): Promise<HistoryRow | null> {
  return page.evaluate((id) => {
    const el = document.querySelector('synapse-call-history') as
      | (HTMLElement & {
          entries: readonly { id: string; duration: number }[];
        })
      | null;
    if (!el?.shadowRoot) return null;
    const index = el.entries.findIndex((e) => e.id === id);
    const li = el.shadowRoot.querySelectorAll('li[part="item"]')[index];
    if (index < 0 || !li) return null;
    const text = (part: string) =>
      li.querySelector(`[part="${part}"]`)?.textContent?.trim() ?? null;
    return {
      id,
      direction: li.getAttribute('data-direction') ?? '',
      outcome: li.getAttribute('data-outcome'),
      outcomeText: text('outcome') ?? '',
      peerText: text('peer') ?? '',
      durationText: text('duration'),
      duration: el.entries[index].duration,
    };
  }, callId);
}

/** `m:ss` or `h:mm:ss` as shown in the history, in seconds. */
export function parseDuration(text: string): number {
  return text.split(':').reduce((total, part) => total * 60 + Number(part), 0);
}

/**
 * Timing marks for the setup-time measurement, taken inside the pages (one system clock, so
 * marks of different browser processes compare): the first click on the page, and the first
 * moment the page's call's remote audio carries `hz` — the loudest frequency (±1.5 bins, above
 * -70 dB) in three consecutive 20 ms analyser frames; the mark is the first of the three.
 */
export async function armMarks(page: Page, hz: number): Promise<void> {
  await page.evaluate((freq) => {
    type Marks = { clickAt?: number; heardAt?: number; stop: boolean };
    const w = window as unknown as { __marks?: Marks };
    if (w.__marks) w.__marks.stop = true;
    const marks: Marks = { stop: false };
    w.__marks = marks;
    document.addEventListener('click', () => (marks.clickAt ??= Date.now()), {
      capture: true,
      once: true,
    });
    const calling = document.querySelector('synapse-calling') as unknown as {
      client: { calls: { active: { remoteStream: MediaStream | null } | null } };
    };
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    void (async () => {
      const deadline = Date.now() + 60_000;
      let stream: MediaStream | null | undefined;
      while (!marks.stop && Date.now() < deadline) {
        stream = calling.client.calls.active?.remoteStream;
        if (stream) break;
        await sleep(10);
      }
      if (!stream) return;
      const ctx = new AudioContext();
      if (ctx.state === 'suspended') await ctx.resume();
      const source = ctx.createMediaStreamSource(stream);
      const analyser = ctx.createAnalyser();
      analyser.fftSize = 2048;
      analyser.smoothingTimeConstant = 0;
      source.connect(analyser);
      // Chromium feeds remote WebRTC audio to WebAudio only while it also plays somewhere.
      const audio = new Audio();
      audio.srcObject = stream;
      audio.muted = true;
      void audio.play().catch(() => undefined);
      const bins = new Float32Array(analyser.frequencyBinCount);
      const binHz = ctx.sampleRate / analyser.fftSize;
      let streak = 0;
      let firstAt = 0;
      while (!marks.stop && marks.heardAt === undefined && Date.now() < deadline) {
        await sleep(20);
        analyser.getFloatFrequencyData(bins);
        let peak = 1;
        for (let i = 1; i < bins.length; i++) if (bins[i] > bins[peak]) peak = i;
        const hit = Math.abs(peak * binHz - freq) <= binHz * 1.5 && bins[peak] > -70;
        if (hit && streak++ === 0) firstAt = Date.now();
        if (!hit) streak = 0;
        if (streak >= 3) marks.heardAt = firstAt;
      }
      source.disconnect();
      audio.srcObject = null;
      await ctx.close();
    })();
  }, hz);
}

export function marks(
  page: Page,
): Promise<{ clickAt: number | undefined; heardAt: number | undefined }> {
  return page.evaluate(() => {
    const m = (window as unknown as { __marks?: { clickAt?: number; heardAt?: number } }).__marks;
    return { clickAt: m?.clickAt, heardAt: m?.heardAt };
  });
}
