/**
 * Helpers for sdk-core browser tests (they run inside the page): tokens minted with jose against
 * the test server's secret, clients with tone-friendly audio, and tone checks that retry while
 * audio starts flowing (no event says "the first sound arrived").
 */
import { createClient, type ClientOptions, type SynapseClient } from '@synapse-calling/sdk-core';
import { heardTone, probeTone } from '../media/audio-probe';
import { mintTestToken } from '../tokens';
// The tests that use these helpers read the server's URL and secret with vitest's inject().
import type {} from '../server/provided-context';

export function mintInPage(
  secret: string,
  claims: { sub: string; tenant?: string; role?: 'agent' | 'customer'; name?: string },
): Promise<string> {
  const { sub, tenant = 'acme', role = 'agent', name = sub } = claims;
  return mintTestToken({ sub, tenant, role, name, expiresIn: '10m' }, secret);
}

/** Raw microphone audio, so the fake tone arrives as a clean tone. */
export const RAW_AUDIO: MediaTrackConstraints = {
  echoCancellation: false,
  noiseSuppression: false,
  autoGainControl: false,
};

export function pageClient(
  url: string,
  secret: string,
  sub: string,
  options: Partial<ClientOptions> = {},
): SynapseClient {
  return createClient({
    url,
    tokenProvider: () => mintInPage(secret, { sub }),
    idleTimeoutMs: false,
    audioConstraints: RAW_AUDIO,
    ...options,
  });
}

/** A unique user id per test (the browser project shares one server across tests). */
export function uid(name: string): string {
  return `${name}-${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * Probes `stream` until the result matches `expectHeard` (a few attempts: the first packets
 * of a fresh connection or after a switch take a moment), returns the final verdict.
 */
export async function hears(
  stream: () => MediaStream | null,
  hz: number,
  expectHeard = true,
  attempts = 8,
): Promise<boolean> {
  let heard = !expectHeard;
  for (let i = 0; i < attempts && heard !== expectHeard; i++) {
    const s = stream();
    if (!s) {
      await new Promise((r) => setTimeout(r, 250));
      continue;
    }
    heard = heardTone(await probeTone(s, hz, 500), hz);
  }
  return heard;
}
