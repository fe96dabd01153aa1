import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { ensureToneFile } from '../media/tone.ts';

export const CHROMIUM_PATH = process.env.SYNAPSE_CHROMIUM ?? '/usr/bin/chromium';

/** Flags for headless Chromium as root on a machine with no outside network. */
export const HEADLESS_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Flags that give a page a fake microphone without a permission prompt, and unblock autoplay. */
export function fakeMediaFlags(toneHz?: number): string[] {
  const flags = [
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    '--autoplay-policy=no-user-gesture-required',
  ];
  if (toneHz) flags.push(`--use-file-for-fake-audio-capture=${ensureToneFile(toneHz)}`);
  return flags;
}

export interface LaunchOptions {
  /** Frequency the fake microphone plays; omitted = Chromium's default beep. */
  toneHz?: number;
  /** Extra Chromium flags. */
  args?: string[];
}

/**
 * Launches Debian's Chromium headless with a fresh profile and a fake microphone playing
 * `toneHz`. Each browser process has one fake capture file, so two tones need two browsers.
 */
export async function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}; run scripts/ensure-test-deps.sh`);
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...HEADLESS_FLAGS, ...fakeMediaFlags(options.toneHz), ...(options.args ?? [])],
  });
  // Playwright gives every launch a fresh temporary profile of its own.
  return browser;
}
