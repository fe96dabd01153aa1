import { fixture, fixtureCleanup } from '@open-wc/testing-helpers';
import type { Call, SynapseClient } from '@synapse-calling/sdk-core';
import { html } from 'lit';
import { afterEach, describe, expect, it } from 'vitest';
import { userEvent } from 'vitest/browser';
import '../index';
import {
  freshUsers,
  a11y,
  FakeQueueClient,
  nextEvent,
  connectUser,
  disconnectAll,
  until,
} from '@synapse-calling/test-utils/elements';
import type { SynapseIncomingCall } from './incoming-call';

function part(el: SynapseIncomingCall, name: string): HTMLElement {
  return el.shadowRoot?.querySelector(`[part=${name}]`) as HTMLElement;
}

interface Setup {
  el: SynapseIncomingCall;
  before: HTMLButtonElement;
  callee: SynapseClient;
}

async function setup(callee: SynapseClient, lang = 'en'): Promise<Setup> {
  const wrapper = await fixture<HTMLDivElement>(
    html`<div lang=${lang}>
      <button id="before">Somewhere on the page</button>
      <synapse-incoming-call inline .client=${callee}></synapse-incoming-call>
    </div>`,
  );
  const before = wrapper.querySelector('#before') as HTMLButtonElement;
  before.focus();
  return {
    el: wrapper.querySelector('synapse-incoming-call') as SynapseIncomingCall,
    before,
    callee,
  };
}

/** `caller` calls `calleeId`; resolves once `el` shows a call from `callerName`. */
async function ring(
  el: SynapseIncomingCall,
  caller: SynapseClient,
  calleeId: string,
): Promise<Call> {
  const shown = nextEvent(el, 'synapse-call-state', {
    filter: (e) => e.detail.state === 'ringing',
  });
  const call = await caller.call(calleeId);
  await shown;
  await el.updateComplete;
  return call;
}

afterEach(async () => {
  fixtureCleanup();
  await disconnectAll();
});

describe('<synapse-incoming-call>', () => {
  describe('properties', () => {
    it('shows the caller with role, rings, announces, and moves focus to Accept', async () => {
      const { agent, customer } = freshUsers();
      const { el } = await setup(await connectUser(customer));
      const caller = await connectUser(agent);
      expect(el.ringing).toBe(false);
      const ringtone = nextEvent(el, 'synapse-ringtone-change');
      await ring(el, caller, customer.id);
      expect((await ringtone).detail.ringing).toBe(true);
      expect(el.ringing).toBe(true);
      expect(el.hasAttribute('ringing')).toBe(true);
      expect(part(el, 'caller').textContent?.trim()).toBe('Ada Agent is calling');
      expect(part(el, 'role').textContent?.trim()).toBe('Agent');
      expect((el.shadowRoot?.querySelector('dialog') as HTMLDialogElement).open).toBe(true);
      expect(part(el, 'announcer').getAttribute('aria-live')).toBe('assertive');
      expect(part(el, 'announcer').textContent?.trim()).toBe('Incoming call: Ada Agent is calling');
      expect(el.shadowRoot?.activeElement).toBe(part(el, 'accept'));
    });

    it('mutes the ringtone with the button and with M', async () => {
      const { agent, customer } = freshUsers();
      const { el } = await setup(await connectUser(customer));
      const caller = await connectUser(agent);
      await ring(el, caller, customer.id);
      expect(el.ringing).toBe(true);
      const stopped = nextEvent(el, 'synapse-ringtone-change', {
        filter: (e) => !e.detail.ringing,
      });
      part(el, 'mute-ringtone').click();
      await stopped;
      await el.updateComplete;
      expect(el.ringtoneMuted).toBe(true);
      expect(el.hasAttribute('ringing')).toBe(false);
      expect(part(el, 'mute-ringtone').getAttribute('aria-pressed')).toBe('true');
      part(el, 'accept').focus();
      const again = nextEvent(el, 'synapse-ringtone-change', { filter: (e) => e.detail.ringing });
      await userEvent.keyboard('m');
      await again;
      expect(el.ringtoneMuted).toBe(false);
    });

    it('queues several incoming calls and shows the next after a decline', async () => {
      // The reference server answers a second caller `busy`, so a queue needs a stand-in client.
      const fake = new FakeQueueClient();
      const { el } = await setup(fake.asClient());
      const first = fake.ring('call-1', 'Ada Agent');
      fake.ring('call-2', 'Bea Agent');
      await until(() => el.pending === 2, { what: 'two pending' });
      await el.updateComplete;
      expect(part(el, 'caller').textContent?.trim()).toBe('Ada Agent is calling');
      expect(part(el, 'queue').textContent?.trim()).toBe('1 more call waiting');
      await userEvent.keyboard('{Escape}');
      expect(first.endReason).toBe('rejected');
      await until(() => part(el, 'caller')?.textContent?.trim() === 'Bea Agent is calling', {
        what: 'second caller shown',
      });
      expect(el.ringing).toBe(true);
      expect(part(el, 'queue')).toBeNull();
      expect(el.shadowRoot?.activeElement).toBe(part(el, 'accept'));
    });

    it('speaks German', async () => {
      const { agent, customer } = freshUsers();
      const { el } = await setup(await connectUser(customer), 'de');
      await ring(el, await connectUser(agent), customer.id);
      expect(part(el, 'caller').textContent?.trim()).toBe('Ada Agent ruft an');
      expect(part(el, 'role').textContent?.trim()).toBe('Mitarbeiter');
      expect(part(el, 'accept').textContent?.trim()).toBe('Annehmen');
      expect(part(el, 'decline').textContent?.trim()).toBe('Ablehnen');
    });

    it('is themed through --synapse-color-success and ::part(decline)', async () => {
      const { agent, customer } = freshUsers();
      const callee = await connectUser(customer);
      const wrapper = await fixture<HTMLDivElement>(
        html`<div>
          <style>
            .themed {
              --synapse-color-success: rgb(0, 90, 0);
            }
            .themed::part(decline) {
              text-transform: uppercase;
            }
          </style>
          <synapse-incoming-call class="themed" .client=${callee}></synapse-incoming-call>
        </div>`,
      );
      const el = wrapper.querySelector('synapse-incoming-call') as SynapseIncomingCall;
      await ring(el, await connectUser(agent), customer.id);
      expect(getComputedStyle(part(el, 'accept')).backgroundColor).toBe('rgb(0, 90, 0)');
      expect(getComputedStyle(part(el, 'decline')).textTransform).toBe('uppercase');
      // Not inline: a floating card.
      expect(getComputedStyle(part(el, 'dialog')).position).toBe('fixed');
    });
  });

  describe('events', () => {
    it('accepts with Enter, stops ringing, and gives focus back', async () => {
      const { agent, customer } = freshUsers();
      const { el, before, callee } = await setup(await connectUser(customer));
      const caller = await connectUser(agent);
      const call = await ring(el, caller, customer.id);
      const accepted = nextEvent(el, 'synapse-call-accept');
      const silent = nextEvent(el, 'synapse-ringtone-change', { filter: (e) => !e.detail.ringing });
      await userEvent.keyboard('{Enter}');
      const { detail } = await accepted;
      expect(detail.peer.id).toBe(agent.id);
      expect(detail.direction).toBe('incoming');
      await silent;
      await until(() => callee.calls.active?.state === 'active', {
        client: callee,
        what: 'active',
      });
      await until(() => call.state === 'active', { client: caller, what: 'caller active' });
      await until(() => !el.shadowRoot?.querySelector('dialog')?.open, { what: 'dialog closed' });
      expect(el.ringing).toBe(false);
      expect(document.activeElement).toBe(before);
      await call.end();
    });

    it('declines with Escape and stops ringing', async () => {
      const { agent, customer } = freshUsers();
      const { el, before } = await setup(await connectUser(customer));
      const caller = await connectUser(agent);
      const call = await ring(el, caller, customer.id);
      const declined = nextEvent(el, 'synapse-call-decline');
      await userEvent.keyboard('{Escape}');
      expect((await declined).detail.callId).toBe(call.id);
      await until(() => call.state === 'ended', { client: caller, what: 'caller ended' });
      expect(call.endReason).toBe('rejected');
      await until(() => !el.ringing && !el.hasAttribute('ringing'), { what: 'silence' });
      await until(() => document.activeElement === before, { what: 'focus restored' });
    });

    it('stops ringing when the caller cancels', async () => {
      const { agent, customer } = freshUsers();
      const { el } = await setup(await connectUser(customer));
      const call = await ring(el, await connectUser(agent), customer.id);
      const silent = nextEvent(el, 'synapse-ringtone-change', { filter: (e) => !e.detail.ringing });
      const ended = nextEvent(el, 'synapse-call-state', {
        filter: (e) => e.detail.state === 'ended',
      });
      await call.end();
      await silent;
      expect((await ended).detail.endReason).toBe('cancelled');
      await until(() => !el.shadowRoot?.querySelector('dialog')?.open, { what: 'dialog closed' });
      await el.updateComplete;
      expect(part(el, 'notice').hidden).toBe(false);
      expect(part(el, 'notice').textContent?.trim()).toBe('Ada Agent hung up');
    });

    it('tells the other tab that the call was answered on another device', async () => {
      const { agent, customer } = freshUsers();
      const first = await setup(await connectUser(customer));
      const second = await fixture<SynapseIncomingCall>(
        html`<synapse-incoming-call
          inline
          .client=${await connectUser(customer)}
        ></synapse-incoming-call>`,
      );
      const shownInSecond = nextEvent(second, 'synapse-call-state', {
        filter: (e) => e.detail.state === 'ringing',
      });
      await ring(first.el, await connectUser(agent), customer.id);
      await shownInSecond;
      expect(part(first.el, 'notice').hidden).toBe(true);
      await first.el.accept();
      await until(() => !second.shadowRoot?.querySelector('dialog')?.open, {
        what: 'the other tab’s prompt closed',
      });
      await second.updateComplete;
      const notice = part(second, 'notice');
      expect(notice.hidden).toBe(false);
      expect(notice.dataset.reason).toBe('answered-elsewhere');
      expect(notice.textContent?.trim()).toBe('Call from Ada Agent answered on another device');
      expect(notice.getAttribute('role')).toBe('status');
      // The tab that answered needs no note: it has the call.
      expect(part(first.el, 'notice').hidden).toBe(true);
    });
  });

  describe('accessibility', () => {
    it('passes axe while a call rings and uses a native dialog and buttons', async () => {
      const { agent, customer } = freshUsers();
      const { el } = await setup(await connectUser(customer));
      await a11y(el).to.be.accessible();
      await ring(el, await connectUser(agent), customer.id);
      await a11y(el).to.be.accessible();
      const dialog = part(el, 'dialog');
      expect(dialog.tagName).toBe('DIALOG');
      expect(part(el, 'accept').tagName).toBe('BUTTON');
      expect(part(el, 'decline').tagName).toBe('BUTTON');
    });
  });
});
