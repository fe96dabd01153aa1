import { fixture, fixtureCleanup } from '@open-wc/testing-helpers';
import type { Call, SynapseClient } from '@synapse-calling/sdk-core';
import { html } from 'lit';
import { afterEach, describe, expect, it } from 'vitest';
import { userEvent } from 'vitest/browser';
import '../index';
import {
  a11y,
  connectUser,
  disconnectAll,
  freshUsers,
  nextEvent,
  until,
  type TestUser,
} from '@synapse-calling/test-utils/elements';
import type { SynapseActiveCall } from '../active-call/active-call';

const part = (root: Element | null | undefined, name: string): HTMLElement | null =>
  root?.shadowRoot?.querySelector(`[part=${name}]`) ?? null;
const stage = (el: SynapseActiveCall) => part(el, 'stage');

/**
 * Ada's panel in an answered call with Carl; a plain button on the page lets the test start
 * Carl's screen share from a real click (browsers share a screen only after a user gesture).
 */
async function videoCall(): Promise<{
  el: SynapseActiveCall;
  theirs: Call;
  share: HTMLElement;
  caller: SynapseClient;
  agent: TestUser;
}> {
  const { agent, customer } = freshUsers();
  const caller = await connectUser(agent);
  const callee = await connectUser(customer);
  const carl: { call?: Call } = {};
  const wrapper = await fixture<HTMLDivElement>(
    html`<div>
      <synapse-active-call inline .client=${caller}></synapse-active-call>
      <button id="carl-shares" @click=${() => void carl.call?.startScreenShare()}>
        Carl shares
      </button>
    </div>`,
  );
  const el = wrapper.querySelector('synapse-active-call') as SynapseActiveCall;
  const active = nextEvent(el, 'synapse-call-state', {
    filter: (e) => e.detail.state === 'active',
    what: 'active',
  });
  await caller.call(customer.id);
  const theirs = await until(() => callee.calls.incoming[0], { client: callee, what: 'incoming' });
  carl.call = theirs;
  await theirs.accept();
  // Carl stays silent: while the speaking indicator fades in, axe measures it at part opacity
  // (a contrast failure of that indicator, not of the video).
  await theirs.mute();
  await active;
  await el.updateComplete;
  const share = wrapper.querySelector('#carl-shares') as HTMLElement;
  return { el, theirs, share, caller, agent };
}

async function accessible(el: SynapseActiveCall): Promise<void> {
  await until(() => !el.hasAttribute('speaking'), { what: 'Carl silent', timeoutMs: 10_000 });
  await a11y(el).to.be.accessible();
}

afterEach(async () => {
  fixtureCleanup();
  await disconnectAll();
});

describe('<synapse-active-call> video', () => {
  it('shows named toggles with their state, and a mirrored self-view while the camera is on', async () => {
    const { el } = await videoCall();
    // The video controls load once the call is active.
    const camera = await until(() => part(el, 'camera'), { what: 'the Camera toggle' });
    expect(camera.tagName).toBe('BUTTON');
    expect(camera.textContent?.trim()).toBe('Camera');
    expect(camera.getAttribute('aria-pressed')).toBe('false');
    expect(part(el, 'share-screen')?.getAttribute('aria-pressed')).toBe('false');
    expect(el.hasAttribute('video')).toBe(false);
    expect(stage(el)).toBe(null);
    const compact = part(el, 'base')!.getBoundingClientRect().width;

    await userEvent.click(camera);
    await until(() => part(el, 'camera')?.getAttribute('aria-pressed') === 'true', {
      what: 'camera on',
    });
    expect(el.hasAttribute('video')).toBe(true);
    // The panel grows into the video layout (its styles come with the video controls).
    expect(part(el, 'base')!.getBoundingClientRect().width).toBeGreaterThan(compact);
    const self = await until(
      () => {
        const video = part(stage(el), 'self-view') as HTMLVideoElement | null;
        return video && !video.hidden ? video : null;
      },
      { what: 'self-view' },
    );
    expect(getComputedStyle(self).transform).toBe('matrix(-1, 0, 0, 1, 0, 0)');
    await until(() => self.srcObject !== null, { what: 'self-view attached' });
    await accessible(el);

    await userEvent.click(part(el, 'camera')!);
    await until(() => !el.hasAttribute('video'), { what: 'back to the audio panel' });
    expect(stage(el)).toBe(null);
  });

  it('shows and announces the other party’s screen share large, with full screen; back to audio when it stops', async () => {
    const { el, theirs, share } = await videoCall();
    await userEvent.click(share);
    const screen = await until(() => part(stage(el), 'screen') as HTMLVideoElement | null, {
      what: 'remote screen on the stage',
      timeoutMs: 10_000,
    });
    expect(el.hasAttribute('video')).toBe(true);
    await until(() => screen.videoWidth > 0, { what: 'screen frames', timeoutMs: 10_000 });
    expect(part(stage(el), 'screen-tile')?.hidden).toBe(false);
    expect(part(el, 'video-status')?.textContent).toBe('Carl Customer is sharing their screen');
    const full = part(stage(el), 'fullscreen')!;
    expect(full.textContent?.trim()).toBe('Full screen');
    expect(full.getAttribute('aria-pressed')).toBe('false');
    await accessible(el);

    await theirs.stopScreenShare();
    await until(() => !el.hasAttribute('video'), { what: 'back to the audio panel' });
    expect(stage(el)).toBe(null);
    expect(part(el, 'video-status')?.textContent).toBe('');
  });

  it('tells Ada, once the call moved to her new page, that her camera stopped; Dismiss hides it', async () => {
    const { el, theirs, caller, agent } = await videoCall();
    await userEvent.click(part(el, 'camera')!);
    await until(() => theirs.snapshot().video.remoteCamera, {
      what: 'Carl receives the camera',
      timeoutMs: 10_000,
    });
    // Ada's page goes away without hanging up (as a reload does); her next page picks the call up.
    await caller.disconnect();
    const again = await connectUser(agent);
    const panel = await fixture<SynapseActiveCall>(
      html`<synapse-active-call inline .client=${again}></synapse-active-call>`,
    );
    const notice = await until(() => part(panel, 'video-stopped'), {
      what: 'the notice',
      timeoutMs: 20_000,
    });
    expect(notice.getAttribute('role')).toBe('status');
    expect(notice.textContent).toContain(
      'Your camera stopped when the call moved to this page: the other party no longer sees it.',
    );
    const camera = await until(() => part(panel, 'camera'), { what: 'the call active again' });
    expect(camera.getAttribute('aria-pressed')).toBe('false');
    // Carl is told the camera is off (it no longer arrives either).
    await until(() => theirs.snapshot().video.remoteMedia?.video === false, {
      what: 'Carl told the camera is off',
    });
    await until(() => !theirs.snapshot().video.remoteCamera, { what: 'Carl’s tile gone' });
    await accessible(panel);

    await userEvent.click(part(panel, 'dismiss-video-stopped')!);
    await until(() => !part(panel, 'video-stopped'), { what: 'notice dismissed' });
  });
});
