import { fixture, fixtureCleanup } from '@open-wc/testing-helpers';
import type { Call, SynapseClient } from '@synapse-calling/sdk-core';
import { html } from 'lit';
import { afterEach, describe, expect, it } from 'vitest';
import { userEvent } from 'vitest/browser';
import '../index';
import {
  freshUsers,
  a11y,
  connectUser,
  disconnectAll,
  until,
} from '@synapse-calling/test-utils/elements';
import type { SynapseActiveCall } from './active-call';

/** A part inside the panel's `<synapse-transfer-controls>` (null until its code loaded). */
function transferPart(el: SynapseActiveCall, name: string): HTMLElement | null {
  const controls = el.shadowRoot?.querySelector('synapse-transfer-controls');
  return controls?.shadowRoot?.querySelector(`[part=${name}]`) ?? null;
}

const visible = (node: HTMLElement | null) => !!node && !node.hidden;

/** Ada (agent) and Carl (customer) talk, each with a panel; Otto, another agent, is online. */
async function talk() {
  const { agent, customer, other } = freshUsers();
  const ada = await connectUser(agent);
  const carl = await connectUser(customer);
  const otto = await connectUser(other);
  const wrapper = await fixture<HTMLDivElement>(
    html`<div>
      <synapse-active-call id="ada" inline .client=${ada}></synapse-active-call>
      <synapse-active-call id="carl" inline .client=${carl}></synapse-active-call>
    </div>`,
  );
  const panel = (id: string) => wrapper.querySelector(`#${id}`) as SynapseActiveCall;
  const placed = await ada.call(customer.id);
  const incoming = await until(() => carl.calls.incoming[0], { client: carl, what: 'incoming' });
  await incoming.accept();
  await until(() => placed.state === 'active' && incoming.state === 'active', { what: 'active' });
  return {
    ada,
    carl,
    otto,
    other,
    placed,
    incoming,
    adaPanel: panel('ada'),
    carlPanel: panel('carl'),
  };
}

afterEach(async () => {
  fixtureCleanup();
  await disconnectAll();
});

async function ringOtto(otto: SynapseClient, placed: Call, to: string): Promise<Call> {
  await placed.transfer({ to });
  return until(() => otto.calls.incoming[0], { client: otto, what: "Otto's ring" });
}

describe('<synapse-active-call> transfer controls', () => {
  it('offers Transfer to the agent only; both sides see the transfer ring; Cancel stops it', async () => {
    const { otto, other, placed, adaPanel, carlPanel } = await talk();
    await until(() => visible(transferPart(adaPanel, 'transfer-open')), {
      what: 'Transfer button',
    });
    expect(transferPart(adaPanel, 'transfer-open')?.textContent).toBe('Transfer');
    expect(visible(transferPart(carlPanel, 'transfer-open'))).toBe(false);

    // The list loads on open (this tenant has no lines, so nobody is listed).
    transferPart(adaPanel, 'transfer-open')?.focus();
    await userEvent.keyboard('{Enter}');
    await until(
      () => transferPart(adaPanel, 'transfer-note')?.textContent === 'Nobody to transfer to',
      {
        what: 'empty target list',
      },
    );
    await a11y(adaPanel).to.be.accessible();
    await userEvent.click(transferPart(adaPanel, 'transfer-close') as HTMLElement);

    const ring = await ringOtto(otto, placed, other.id);
    expect(ring.peer.name).toBe('Carl Customer');
    await until(
      () =>
        transferPart(carlPanel, 'transfer-status')?.textContent ===
        'Transferring you to Otto Other…',
      {
        what: "the customer's notice",
      },
    );
    await until(
      () =>
        transferPart(adaPanel, 'transfer-status')?.textContent === 'Transferring to Otto Other…',
      {
        what: "the agent's notice",
      },
    );
    await userEvent.click(transferPart(adaPanel, 'transfer-cancel') as HTMLElement);
    await until(() => ring.state === 'ended', { what: "Otto's ring stopped" });
    expect(ring.endReason).toBe('cancelled');
    await until(() => (transferPart(carlPanel, 'transfer-status')?.textContent ?? '') === '', {
      what: 'the notice gone',
    });
  });

  it('once the target answers, the customer panel shows the new agent and the old one closes', async () => {
    const { otto, other, placed, adaPanel, carlPanel } = await talk();
    const ring = await ringOtto(otto, placed, other.id);
    await ring.accept();
    await until(() => !adaPanel.hasAttribute('open'), { what: "Ada's panel closed" });
    await until(
      () =>
        carlPanel.shadowRoot?.querySelector('[part=peer]')?.textContent?.trim() === 'Otto Other',
      { what: 'the new peer' },
    );
    expect(carlPanel.getAttribute('call-state')).toBe('active');
    await until(() => ring.state === 'active', { what: "Otto's call active" });
  });

  it('warm: the agent consults with Complete transfer and Cancel, the customer is on hold', async () => {
    const { otto, other, placed, adaPanel, carlPanel } = await talk();
    await until(() => visible(transferPart(adaPanel, 'transfer-open')), { what: 'Transfer' });
    // The Blind/Warm choice is in the list.
    await userEvent.click(transferPart(adaPanel, 'transfer-open') as HTMLElement);
    const mode = transferPart(adaPanel, 'transfer-mode') as HTMLSelectElement;
    expect([...mode.options].map((o) => o.textContent)).toEqual(['Blind', 'Warm (talk first)']);
    await userEvent.click(transferPart(adaPanel, 'transfer-close') as HTMLElement);

    await placed.transfer({ to: other.id }, { mode: 'warm' });
    const ring = await until(() => otto.calls.incoming[0], { client: otto, what: "Otto's ring" });
    await ring.accept();
    await until(
      () => transferPart(adaPanel, 'transfer-status')?.textContent === 'Consulting Otto Other',
      { what: "the agent's consulting notice" },
    );
    await until(
      () =>
        transferPart(carlPanel, 'transfer-status')?.textContent ===
        'On hold — Ada Agent is consulting',
      { what: "the customer's on-hold notice" },
    );
    expect(visible(transferPart(carlPanel, 'transfer-complete'))).toBe(false);
    expect(transferPart(adaPanel, 'transfer-cancel')?.textContent).toBe('Cancel');
    await userEvent.click(transferPart(adaPanel, 'transfer-complete') as HTMLElement);
    await until(() => !adaPanel.hasAttribute('open'), { what: "Ada's panel closed" });
    await until(
      () =>
        carlPanel.shadowRoot?.querySelector('[part=peer]')?.textContent?.trim() === 'Otto Other',
      { what: 'the new peer' },
    );
    expect(transferPart(carlPanel, 'transfer-status')?.textContent ?? '').toBe('');
  });
});
