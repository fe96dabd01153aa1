import { fixture, fixtureCleanup } from '@open-wc/testing-helpers';
import type { Call, SynapseClient } from '@synapse-calling/sdk-core';
import { html } from 'lit';
import { afterEach, describe, expect, it } from 'vitest';
import { userEvent } from 'vitest/browser';
import { SynapseCallStateEvent } from '../index';
import {
  freshUsers,
  a11y,
  nextEvent,
  connectUser,
  disconnectAll,
  until,
} from '@synapse-calling/test-utils/elements';
import type { SynapseCallButton } from './call-button';

function inner(el: SynapseCallButton): HTMLButtonElement {
  return el.shadowRoot?.querySelector('button') as HTMLButtonElement;
}

/** The button's accessible name as computed from its content (there is no aria-label). */
function accessibleText(el: SynapseCallButton): string {
  return (inner(el).textContent ?? '').replace(/\s+/g, ' ').trim();
}

function part(el: SynapseCallButton, name: string): HTMLElement {
  return el.shadowRoot?.querySelector(`[part=${name}]`) as HTMLElement;
}

async function button(client: SynapseClient, userId: string, name = 'Carl Customer') {
  return fixture<SynapseCallButton>(
    html`<synapse-call-button
      user-id=${userId}
      name=${name}
      .client=${client}
    ></synapse-call-button>`,
  );
}

/** The next incoming call of `client` (already there or still to come). */
function incoming(client: SynapseClient): Promise<Call> {
  return until(() => client.calls.incoming[0], { client, what: 'incoming call' });
}

afterEach(async () => {
  fixtureCleanup();
  await disconnectAll();
});

describe('<synapse-call-button>', () => {
  describe('properties', () => {
    it('follows the callee’s real presence: disabled with an explanation while offline', async () => {
      const { agent, customer } = freshUsers();
      const caller = await connectUser(agent);
      const el = await button(caller, customer.id);
      await until(() => el.state === 'offline', { what: 'offline state' });
      await el.updateComplete;
      expect(inner(el).disabled).toBe(true);
      expect(el.disabled).toBe(true);
      const hint = part(el, 'hint');
      expect(hint.hidden).toBe(false);
      expect(hint.textContent?.trim()).toBe('Carl Customer is offline and cannot be called.');
      expect(inner(el).title).toBe(hint.textContent?.trim());
      expect(inner(el).getAttribute('aria-describedby')).toBe(hint.id);
      expect(el.getAttribute('state')).toBe('offline');

      const callee = await connectUser(customer);
      await until(() => el.state === 'idle', { what: 'idle state' });
      await el.updateComplete;
      expect(inner(el).disabled).toBe(false);
      expect(part(el, 'hint').hidden).toBe(true);
      expect(inner(el).hasAttribute('aria-describedby')).toBe(false);
      expect(accessibleText(el)).toBe('Call Carl Customer');

      await callee.disconnect();
      // Offline only after the server's presence grace window (10 s in the browser project).
      await until(() => el.state === 'offline', { what: 'offline again', timeoutMs: 40_000 });
    }, 60_000);

    it('shows busy while the callee is in another call', async () => {
      const { agent, customer, other } = freshUsers();
      const caller = await connectUser(agent);
      const callee = await connectUser(customer);
      const third = await connectUser(other);
      const el = await button(caller, customer.id);
      await until(() => el.state === 'idle', { what: 'idle' });
      const call = await third.call(customer.id);
      const ringing = await incoming(callee);
      await ringing.accept();
      await until(() => el.state === 'busy', { what: 'busy state' });
      await el.updateComplete;
      expect(inner(el).disabled).toBe(true);
      expect(part(el, 'hint').textContent?.trim()).toBe('Carl Customer is in another call.');
      await call.end();
      await until(() => el.state === 'idle', { what: 'idle after the other call' });
    });

    it('lets go of a call when re-pointed at another person (a reused list row)', async () => {
      const { agent, customer, other } = freshUsers();
      const me = await connectUser(customer);
      const ringer = await connectUser(agent);
      await connectUser(other);
      const el = await button(me, agent.id, 'Ada Agent');
      await until(() => el.state === 'idle', { what: 'idle' });
      const call = await ringer.call(customer.id);
      await until(() => el.state === 'incoming', { what: 'incoming state' });
      el.userId = other.id;
      el.name = 'Otto Other';
      // Otto is online and free: the button offers to call him, not to answer Ada's call.
      await expect.poll(() => el.state, { timeout: 15_000 }).toBe('idle');
      expect(accessibleText(el)).not.toMatch(/answer/i);
      await call.end();
    });

    it('renders in German when lang="de"', async () => {
      const { agent, customer } = freshUsers();
      const caller = await connectUser(agent);
      await connectUser(customer);
      const el = await fixture<SynapseCallButton>(
        html`<synapse-call-button
          lang="de"
          user-id=${customer.id}
          name="Carl"
          .client=${caller}
        ></synapse-call-button>`,
      );
      await until(() => el.state === 'idle', { what: 'idle' });
      await el.updateComplete;
      expect(part(el, 'label').textContent?.trim()).toBe('Anrufen');
      expect(accessibleText(el)).toBe('Anrufen: Carl');
    });

    it('is themed through --synapse-color-accent and ::part(button)', async () => {
      const { agent, customer } = freshUsers();
      const caller = await connectUser(agent);
      await connectUser(customer);
      const wrapper = await fixture<HTMLDivElement>(
        html`<div>
          <style>
            .themed {
              --synapse-color-accent: rgb(10, 20, 30);
            }
            .themed::part(button) {
              border-radius: 3px;
            }
          </style>
          <synapse-call-button
            class="themed"
            user-id=${customer.id}
            .client=${caller}
          ></synapse-call-button>
        </div>`,
      );
      const el = wrapper.querySelector('synapse-call-button') as SynapseCallButton;
      await until(() => el.state === 'idle', { what: 'idle' });
      await el.updateComplete;
      const style = getComputedStyle(inner(el));
      expect(style.backgroundColor).toBe('rgb(10, 20, 30)');
      expect(style.borderTopLeftRadius).toBe('3px');
    });
  });

  describe('events', () => {
    it('calls on click, shows ringing, and a second click cancels', async () => {
      const { agent, customer } = freshUsers();
      const caller = await connectUser(agent);
      const callee = await connectUser(customer);
      const el = await button(caller, customer.id);
      await until(() => el.state === 'idle', { what: 'idle' });

      const start = nextEvent(el, 'synapse-call-start');
      const ringing = nextEvent(el, 'synapse-call-state', {
        filter: (e) => e.detail.state === 'ringing',
      });
      inner(el).click();
      const startEvent = await start;
      expect(startEvent.detail).toMatchObject({ userId: customer.id, name: 'Carl Customer' });
      expect(startEvent.bubbles && startEvent.composed && startEvent.cancelable).toBe(true);
      const state = await ringing;
      expect(state.detail.direction).toBe('outgoing');
      expect(state.detail.peer.id).toBe(customer.id);
      expect(el.state).toBe('calling');
      const theirs = await incoming(callee);
      await el.updateComplete;
      expect(accessibleText(el)).toBe('Calling… Carl Customer, activate to cancel');

      const ended = nextEvent(el, 'synapse-call-state', {
        filter: (e) => e.detail.state === 'ended',
      });
      const endClicked = nextEvent(el, 'synapse-call-end');
      inner(el).click();
      await endClicked;
      expect((await ended).detail.endReason).toBe('cancelled');
      await until(() => theirs.state === 'ended', { client: callee, what: 'callee call ended' });
      expect(theirs.endReason).toBe('cancelled');
      await until(() => el.state === 'idle', { what: 'idle again' });
    });

    it('tells the caller the call was declined, next to the button, and says it aloud', async () => {
      const { agent, customer } = freshUsers();
      const caller = await connectUser(agent);
      const callee = await connectUser(customer);
      const el = await button(caller, customer.id);
      await until(() => el.state === 'idle', { what: 'idle' });
      expect(part(el, 'outcome').hidden).toBe(true);
      inner(el).click();
      const theirs = await incoming(callee);
      await theirs.reject();
      await until(() => !part(el, 'outcome').hidden, { what: 'outcome shown' });
      expect(part(el, 'outcome').textContent?.trim()).toBe('Declined');
      expect(part(el, 'outcome').dataset.reason).toBe('rejected');
      const live = el.shadowRoot?.querySelector('[role=status]');
      expect(live?.textContent).toContain('Declined');
      expect(el.state).toBe('idle');
    });

    it('follows the call, not its own events: a page that forges or stops them changes nothing', async () => {
      const { agent, customer } = freshUsers();
      const caller = await connectUser(agent);
      const callee = await connectUser(customer);
      const el = await button(caller, customer.id);
      await until(() => el.state === 'idle', { what: 'idle' });
      const forged = { callId: 'forged', state: 'ended', direction: 'outgoing' } as const;
      el.dispatchEvent(
        new SynapseCallStateEvent({ ...forged, peer: customer, endReason: 'rejected' }),
      );
      await el.updateComplete;
      expect(part(el, 'outcome').hidden).toBe(true);

      // A capture listener above the button (here on the fixture's container, removed after the
      // test) sees the event first and may stop it.
      const stop = (e: Event) => e.stopPropagation();
      (el.parentElement as HTMLElement).addEventListener('synapse-call-state', stop, true);
      inner(el).click();
      const theirs = await incoming(callee);
      await theirs.reject();
      await until(() => !part(el, 'outcome').hidden, { what: 'outcome shown' });
      expect(part(el, 'outcome').textContent?.trim()).toBe('Declined');
      expect(el.shadowRoot?.querySelector('[role=status]')?.textContent).toContain('Declined');
    });

    it('cancels when clicked again before the server has acknowledged the call', async () => {
      const { agent, customer } = freshUsers();
      const caller = await connectUser(agent);
      await connectUser(customer);
      const el = await button(caller, customer.id);
      await until(() => el.state === 'idle', { what: 'idle' });
      const ended = nextEvent(el, 'synapse-call-state', {
        filter: (e) => e.detail.state === 'ended',
      });
      inner(el).click();
      expect(el.state).toBe('calling');
      inner(el).click(); // the microphone is still opening; no call exists yet
      expect((await ended).detail.endReason).toBe('cancelled');
      await until(() => el.state === 'idle', { what: 'idle again' });
      expect(caller.calls.active).toBe(null);
    });

    it('lets the host veto the call with preventDefault on synapse-call-start', async () => {
      const { agent, customer } = freshUsers();
      const caller = await connectUser(agent);
      const callee = await connectUser(customer);
      const el = await button(caller, customer.id);
      await until(() => el.state === 'idle', { what: 'idle' });
      const received: Call[] = [];
      callee.on('incomingCall', (call) => received.push(call));

      const veto = (e: Event) => e.preventDefault();
      el.addEventListener('synapse-call-start', veto);
      inner(el).click();
      // A placed call would have switched the button to `calling` synchronously.
      expect(el.state).toBe('idle');
      el.removeEventListener('synapse-call-start', veto);

      el.metadata = { attempt: 2 };
      inner(el).click();
      const theirs = await incoming(callee);
      expect(theirs.metadata).toEqual({ attempt: 2 });
      expect(received.map((c) => c.metadata)).toEqual([{ attempt: 2 }]);
      await (await until(() => caller.calls.active, { client: caller, what: 'active' })).end();
    });

    it('is used from the keyboard, shows in-call after the callee answers, and hangs up', async () => {
      const { agent, customer } = freshUsers();
      const caller = await connectUser(agent);
      const callee = await connectUser(customer);
      const el = await button(caller, customer.id);
      await until(() => el.state === 'idle', { what: 'idle' });

      el.focus();
      expect(el.shadowRoot?.activeElement).toBe(inner(el));
      const ringing = nextEvent(el, 'synapse-call-state', {
        filter: (e) => e.detail.state === 'ringing',
      });
      await userEvent.keyboard('{Enter}');
      await ringing;
      const theirs = await incoming(callee);
      const active = nextEvent(el, 'synapse-call-state', {
        filter: (e) => e.detail.state === 'active',
      });
      await theirs.accept();
      await active;
      await until(() => el.state === 'in-call', { what: 'in-call' });
      await el.updateComplete;
      expect(accessibleText(el)).toBe('End call with Carl Customer');
      expect(part(el, 'label').textContent?.trim()).toBe('End call');

      const ended = nextEvent(el, 'synapse-call-state', {
        filter: (e) => e.detail.state === 'ended',
      });
      inner(el).focus();
      await userEvent.keyboard(' ');
      expect((await ended).detail.endReason).toBe('completed');
      await until(() => theirs.state === 'ended', { client: callee, what: 'callee ended' });
    });

    it('draws its icon in the button’s text colour and hides the dot while calling or talking', async () => {
      const { agent, customer } = freshUsers();
      const caller = await connectUser(agent);
      const callee = await connectUser(customer);
      const el = await button(caller, customer.id);
      await until(() => el.state === 'idle', { what: 'idle' });
      await el.updateComplete;
      const icon = () => part(el, 'icon').querySelector('svg') as SVGSVGElement;
      const dot = part(el, 'dot');
      // Idle: a filled presence dot ringed in the button's text colour.
      expect(getComputedStyle(icon()).fill).toBe(getComputedStyle(inner(el)).color);
      expect(getComputedStyle(dot).display).not.toBe('none');
      expect(getComputedStyle(dot).boxShadow).toContain(getComputedStyle(inner(el)).color);

      inner(el).click();
      await until(() => el.state === 'calling', { what: 'calling' });
      const theirs = await incoming(callee);
      await el.updateComplete;
      const calling = getComputedStyle(inner(el));
      expect(calling.color).not.toBe(calling.backgroundColor);
      expect(getComputedStyle(icon()).fill).toBe(calling.color);
      expect(getComputedStyle(dot).display).toBe('none');
      // Its "calling" animation never fades the icon into the button (it did, to 35%).
      for (const animation of part(el, 'icon').getAnimations()) {
        animation.pause();
        animation.currentTime = 600;
      }
      expect(getComputedStyle(part(el, 'icon')).opacity).toBe('1');

      await theirs.accept();
      await until(() => el.state === 'in-call', { what: 'in-call' });
      await el.updateComplete;
      expect(getComputedStyle(icon()).fill).toBe(getComputedStyle(inner(el)).color);
      expect(getComputedStyle(dot).display).toBe('none');
      inner(el).click();
      await until(() => el.state === 'idle', { what: 'idle after hanging up' });
    });

    it('reports a refused call as synapse-call-error and returns to idle', async () => {
      const { agent, customer, other } = freshUsers();
      const caller = await connectUser(customer);
      const callee = await connectUser(agent);
      const ringer = await connectUser(other);
      const el = await button(caller, agent.id, agent.name);
      await until(() => el.state === 'idle', { what: 'idle' });
      // Otto rings Ada: she still shows online (ringing is not busy), but the server refuses a
      // second call to her with `busy`.
      const ringing = await ringer.call(agent.id);
      await incoming(callee);
      const error = nextEvent(el, 'synapse-call-error');
      inner(el).click();
      const { detail } = await error;
      expect(detail.action).toBe('call');
      expect(detail.code).toBe('busy');
      await until(() => el.state === 'idle', { what: 'idle after refusal' });
      await until(
        () =>
          el.shadowRoot?.querySelector('[role=status]')?.textContent ===
          'The call to Ada Agent failed.',
        {
          what: 'announcement',
        },
      );
      await ringing.end();
    });
  });

  describe('accessibility', () => {
    it('passes axe when callable and when disabled, and names the button', async () => {
      const { agent, customer } = freshUsers();
      const caller = await connectUser(agent);
      const el = await button(caller, customer.id);
      await until(() => el.state === 'offline', { what: 'offline' });
      await el.updateComplete;
      await a11y(el).to.be.accessible();
      await connectUser(customer);
      await until(() => el.state === 'idle', { what: 'idle' });
      await el.updateComplete;
      await a11y(el).to.be.accessible();
      expect(inner(el).tagName).toBe('BUTTON');
      expect(el.shadowRoot?.querySelector('[role=status][aria-live=polite]')).not.toBeNull();
    });
  });
});
