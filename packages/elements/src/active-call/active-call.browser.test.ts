import { fixture, fixtureCleanup } from '@open-wc/testing-helpers';
import type { Call, SynapseClient } from '@synapse-calling/sdk-core';
import { html } from 'lit';
import { afterEach, describe, expect, it } from 'vitest';
import { userEvent } from 'vitest/browser';
import '../index';
import {
  freshUsers,
  a11y,
  FakeActiveClient,
  nextEvent,
  connectUser,
  disconnectAll,
  until,
} from '@synapse-calling/test-utils/elements';
import type { SynapseActiveCall } from './active-call';

function part(el: SynapseActiveCall, name: string): HTMLElement {
  return el.shadowRoot?.querySelector(`[part=${name}]`) as HTMLElement;
}

interface Talk {
  el: SynapseActiveCall;
  caller: SynapseClient;
  theirs: Call;
}

/** Ada calls Carl from a panel showing Ada's side; Carl answers. */
async function talk(lang = 'en', extra = ''): Promise<Talk> {
  const { agent, customer } = freshUsers();
  const caller = await connectUser(agent);
  const callee = await connectUser(customer);
  const wrapper = await fixture<HTMLDivElement>(
    html`<div lang=${lang} class=${extra}>
      <synapse-active-call inline .client=${caller}></synapse-active-call>
    </div>`,
  );
  const el = wrapper.querySelector('synapse-active-call') as SynapseActiveCall;
  expect(el.hasAttribute('open')).toBe(false);
  const ringing = nextEvent(el, 'synapse-call-state', {
    filter: (e) => e.detail.state === 'ringing',
    what: 'ringing',
  });
  await caller.call(customer.id);
  await ringing;
  await el.updateComplete;
  expect(el.hasAttribute('open')).toBe(true);
  const theirs = await until(() => callee.calls.incoming[0], { client: callee, what: 'incoming' });
  const active = nextEvent(el, 'synapse-call-state', {
    filter: (e) => e.detail.state === 'active',
    what: () => `active (caller's call: ${caller.calls.active?.state}, callee's: ${theirs.state})`,
  });
  await theirs.accept();
  await active;
  await el.updateComplete;
  return { el, caller, theirs };
}

afterEach(async () => {
  fixtureCleanup();
  await disconnectAll();
});

describe('<synapse-active-call>', () => {
  describe('properties', () => {
    it('shows the peer, a running timer, quality, devices, and the peer speaking', async () => {
      const { el } = await talk();
      expect(part(el, 'peer').textContent?.trim()).toBe('Carl Customer');
      expect(el.getAttribute('call-state')).toBe('active');
      const timer = part(el, 'timer');
      expect(timer.getAttribute('role')).toBe('timer');
      expect(timer.textContent?.trim()).toMatch(/^0:0\d$/);
      // The timer ticks by itself: wait for the text to change rather than for a time.
      const first = timer.textContent;
      await until(() => part(el, 'timer').textContent !== first, {
        what: 'timer tick',
        timeoutMs: 10_000,
      });
      expect(part(el, 'quality').getAttribute('aria-label')).toMatch(/^Connection: /);
      const mic = part(el, 'microphone') as HTMLSelectElement;
      await until(() => mic.options.length > 1, { what: 'microphones listed' });
      // Both fake microphones play a tone, so the peer is "speaking".
      await until(() => el.hasAttribute('speaking'), { what: 'speaking', timeoutMs: 20_000 });
      expect(getComputedStyle(part(el, 'speaking')).visibility).toBe('visible');
    });

    it('shows reconnecting and a Play audio prompt that calls startAudio()', async () => {
      // Autoplay is allowed in the test browser and a media blip needs a real network fault,
      // so this one uses a stand-in call in exactly those states.
      const fake = new FakeActiveClient();
      const el = await fixture<SynapseActiveCall>(
        html`<synapse-active-call inline .client=${fake.asClient()}></synapse-active-call>`,
      );
      expect(el.hasAttribute('reconnecting')).toBe(true);
      expect(part(el, 'reconnecting').textContent?.trim()).toBe('Reconnecting…');
      expect(part(el, 'timer').textContent?.trim()).toMatch(/^1:0\d$/);
      expect(part(el, 'quality').getAttribute('data-level')).toBe('1');
      expect(part(el, 'audio-blocked').textContent).toContain(
        'Your browser blocked the call audio.',
      );
      await a11y(el).to.be.accessible();
      part(el, 'start-audio').focus();
      await userEvent.keyboard('{Enter}');
      expect(fake.call.startAudioCalls).toBe(1);
      await el.updateComplete;
      expect(part(el, 'start-audio')).toBeNull();
    });

    it('draws a quality not yet measured unlike a poor one, and names it', async () => {
      const fake = new FakeActiveClient();
      fake.mediaReconnecting = false;
      fake.call.audioBlocked = false;
      fake.call.quality = 'unknown';
      const el = await fixture<SynapseActiveCall>(
        html`<synapse-active-call inline .client=${fake.asClient()}></synapse-active-call>`,
      );
      const bars = () => [...part(el, 'quality').querySelectorAll('i')];
      expect(part(el, 'quality').getAttribute('data-quality')).toBe('unknown');
      expect(part(el, 'quality').getAttribute('data-level')).toBe('0');
      expect(part(el, 'quality').getAttribute('aria-label')).toBe('Connection: unknown');
      // Empty outlines: no bar is filled.
      expect(bars().map((i) => getComputedStyle(i).backgroundColor)).toEqual([
        'rgba(0, 0, 0, 0)',
        'rgba(0, 0, 0, 0)',
        'rgba(0, 0, 0, 0)',
      ]);
      await a11y(el).to.be.accessible();

      fake.call.quality = 'poor';
      el.requestUpdate();
      await el.updateComplete;
      expect(part(el, 'quality').getAttribute('data-quality')).toBe('poor');
      expect(part(el, 'quality').getAttribute('aria-label')).toBe('Connection: poor');
      expect(getComputedStyle(bars()[0]).backgroundColor).not.toBe('rgba(0, 0, 0, 0)');
    });

    it('speaks German', async () => {
      const { el } = await talk('de');
      expect(part(el, 'mute').textContent?.trim()).toBe('Stumm');
      expect(part(el, 'end').textContent?.trim()).toBe('Auflegen');
      expect(part(el, 'base').getAttribute('aria-label')).toBe('Gespräch mit Carl Customer');
    });

    it('is themed through --synapse-color-danger and ::part(end)', async () => {
      const style = document.createElement('style');
      style.textContent = `.themed { --synapse-color-danger: rgb(120, 0, 0); }
        .themed synapse-active-call::part(end) { letter-spacing: 2px; }`;
      document.head.append(style);
      try {
        const { el } = await talk('en', 'themed');
        const end = getComputedStyle(part(el, 'end'));
        expect(end.backgroundColor).toBe('rgb(120, 0, 0)');
        expect(end.letterSpacing).toBe('2px');
      } finally {
        style.remove();
      }
    });
  });

  describe('events', () => {
    it('mutes and unmutes with the button and the keyboard', async () => {
      const { el, caller } = await talk();
      const muted = nextEvent(el, 'synapse-mute-change');
      part(el, 'mute').click();
      expect((await muted).detail.muted).toBe(true);
      await el.updateComplete;
      expect(caller.calls.active?.muted).toBe(true);
      expect(part(el, 'mute').getAttribute('aria-pressed')).toBe('true');
      expect(part(el, 'mute').textContent?.trim()).toBe('Unmute');
      expect(el.hasAttribute('muted')).toBe(true);
      const unmuted = nextEvent(el, 'synapse-mute-change');
      part(el, 'mute').focus();
      await userEvent.keyboard('{Enter}');
      expect((await unmuted).detail.muted).toBe(false);
    });

    it('ends the call and hides', async () => {
      const { el, theirs } = await talk();
      const endEvent = nextEvent(el, 'synapse-call-end');
      const ended = nextEvent(el, 'synapse-call-state', {
        filter: (e) => e.detail.state === 'ended',
      });
      part(el, 'end').click();
      expect((await endEvent).detail.peer.name).toBe('Carl Customer');
      expect((await ended).detail.endReason).toBe('completed');
      await until(() => theirs.state === 'ended', { what: 'their side ended' });
      await until(() => !el.hasAttribute('open'), { what: 'closed' });
      expect(el.shadowRoot?.querySelector('[part=base]')).toBeNull();
    });
  });

  describe('accessibility', () => {
    it('passes axe during a call', async () => {
      const { el } = await talk();
      await a11y(el).to.be.accessible();
      for (const name of ['mute', 'end']) expect(part(el, name).tagName).toBe('BUTTON');
    });
  });
});
