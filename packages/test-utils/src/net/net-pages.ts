/**
 * The page the network tests drive, and Chromium inside a home's namespace to drive it. The
 * page is what an integrator writes: the elements bundle (served by the reference server from
 * its static dir, as the demo does), its own client from `createClient` with the options under
 * test (timeouts), handed to `<synapse-calling>`, a call button for the other party and the call
 * history. It keeps every `media-signal` it receives (for the privacy test) and the ICE ufrag of
 * every offer it sends (for the ICE restart test).
 */
import { chmodSync, cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { ClientOptions } from '@synapse-calling/sdk-core';
import { CHROMIUM_PATH, HEADLESS_FLAGS, fakeMediaFlags } from '../browser/chromium';
import { collectConsole, installProbes, waitConnected } from '../e2e/e2e-pages';
import type { Namespace } from './netns';

const ELEMENTS_DIST = resolve(import.meta.dirname, '../../../elements/dist');

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Synapse network test</title>
    <script type="module">
      import { createClient } from '/elements/synapse-elements.js';
      const query = new URLSearchParams(location.search);
      const client = createClient({
        url: location.origin,
        token: query.get('token'),
        idleTimeoutMs: false,
        audioConstraints: { echoCancellation: false, noiseSuppression: false, autoGainControl: false },
        ...JSON.parse(query.get('options') || '{}'),
      });
      window.__signals = [];
      window.__offers = [];
      client.on('protocolMessage', ({ direction, event, payload }) => {
        if (event !== 'media-signal') return;
        if (direction === 'in') window.__signals.push(payload);
        const d = payload.signal.description;
        // The ICE ufrag of every offer sent: a new one means an ICE restart.
        if (direction === 'out' && d?.type === 'offer') {
          window.__offers.push(/a=ice-ufrag:(\\S+)/.exec(d.sdp ?? '')?.[1] ?? '?');
        }
      });
      const button = document.querySelector('synapse-call-button');
      button.setAttribute('user-id', query.get('peer'));
      button.setAttribute('name', query.get('peerName'));
      document.querySelector('synapse-calling').client = client;
      await client.connect();
    </script>
  </head>
  <body>
    <synapse-calling>
      <synapse-call-button></synapse-call-button>
      <synapse-call-history></synapse-call-history>
    </synapse-calling>
  </body>
</html>
`;

/**
 * A static dir for the reference server: the test page as `index.html` and a copy of the
 * elements bundle under `elements/` (a copy, so a rebuild elsewhere cannot pull it away).
 */
export function makeStaticDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'synapse-net-static-'));
  writeFileSync(join(dir, 'index.html'), PAGE);
  cpSync(ELEMENTS_DIST, join(dir, 'elements'), { recursive: true });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Headless Chromium running inside `ns` (through a wrapper script that enters it), with a fake
 * microphone playing `toneHz`. Pages served over plain http from a non-loopback address are no
 * secure context (no microphone, no ICE candidates), so `origins` are declared secure.
 */
export async function launchInNamespace(
  ns: Namespace,
  { toneHz, origins }: { toneHz: number; origins: string[] },
): Promise<Browser> {
  const dir = mkdtempSync(join(tmpdir(), 'synapse-net-chromium-'));
  const wrapper = join(dir, 'chromium');
  writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${ns.name} ${CHROMIUM_PATH} "$@"\n`);
  chmodSync(wrapper, 0o755);
  try {
    return await chromium.launch({
      executablePath: wrapper,
      headless: true,
      args: [
        ...HEADLESS_FLAGS,
        ...fakeMediaFlags(toneHz),
        `--unsafely-treat-insecure-origin-as-secure=${origins.join(',')}`,
      ],
    });
  } finally {
    // Chromium is running by now; the script was only needed to start it.
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface NetPageOptions {
  /** The signalling server's URL (`SynapseService.url`). */
  url: string;
  token: string;
  /** Who the page's call button calls. */
  peer: { id: string; name: string };
  /** Client options on top of the page's (timeouts under test). */
  options?: Partial<ClientOptions> | undefined;
  /** Names the page in console output collected for failure messages. */
  who: string;
}

/** Opens the test page in a fresh context of `browser` and waits until its client connected. */
export async function openNetPage(browser: Browser, o: NetPageOptions): Promise<Page> {
  const context = await browser.newContext({ permissions: ['microphone'] });
  await installProbes(context);
  // Keeps every RTCPeerConnection of the page (LiveKit's are out of the SDK's reach).
  await context.addInitScript(() => {
    const w = window as unknown as { __pcs: RTCPeerConnection[] };
    w.__pcs = [];
    const Wrapped = window.RTCPeerConnection;
    window.RTCPeerConnection = class extends Wrapped {
      constructor(config?: RTCConfiguration) {
        super(config);
        w.__pcs.push(this);
      }
    };
  });
  const page = await context.newPage();
  collectConsole(page, o.who);
  const query = new URLSearchParams({
    token: o.token,
    peer: o.peer.id,
    peerName: o.peer.name,
    options: JSON.stringify(o.options ?? {}),
  });
  await page.goto(`${o.url}/?${query}`);
  await waitConnected(page);
  return page;
}

/** The ICE ufrags of the offers the page sent, in order (a new one means an ICE restart). */
export function offerUfrags(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __offers: string[] }).__offers);
}

/** Every `media-signal` payload the page received, as JSON text. */
export function receivedSignals(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    ((window as unknown as { __signals: unknown[] }).__signals ?? []).map((s) => JSON.stringify(s)),
  );
}

/** One end of a candidate pair; `relatedAddress` is the host address behind a srflx/relay. */
export interface PairEnd {
  type: string;
  protocol: string;
  address: string;
  relatedAddress: string;
}

/** The host's own address behind a local candidate (itself for a host candidate). */
export function hostAddress(end: PairEnd): string {
  return end.type === 'host' ? end.address : end.relatedAddress;
}

/** A candidate pair: the selected one of a peer connection. */
export interface Pair {
  local: PairEnd;
  remote: PairEnd;
}

/**
 * The selected ICE candidate pair of every open peer connection of the page (the P2P call's
 * one, or LiveKit's publisher and subscriber), as `getStats` reports them.
 */
export function selectedPairs(page: Page): Promise<Pair[]> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs;
    const pairs: Pair[] = [];
    for (const pc of pcs.filter((p) => p.connectionState !== 'closed')) {
      const stats = [...(await pc.getStats()).values()] as Record<string, unknown>[];
      const transport = stats.find((s) => s.type === 'transport');
      const pair = stats.find((s) => s.id === transport?.selectedCandidatePairId);
      const end = (id: unknown): PairEnd => {
        const c = stats.find((s) => s.id === id);
        return {
          type: String(c?.candidateType),
          protocol: String(c?.protocol),
          address: String(c?.address),
          relatedAddress: String(c?.relatedAddress),
        };
      };
      if (pair)
        pairs.push({ local: end(pair.localCandidateId), remote: end(pair.remoteCandidateId) });
    }
    return pairs;
  });
}

/** The selected pair of the page's current P2P call (its one open peer connection). */
export async function selectedPair(page: Page): Promise<Pair | null> {
  return (await selectedPairs(page))[0] ?? null;
}
