import { fixture, fixtureCleanup } from '@open-wc/testing-helpers';
import type { Call, LineSettings, SynapseClient } from '@synapse-calling/sdk-core';
import { html } from 'lit';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { userEvent } from 'vitest/browser';
import '../index';
import {
  connectUser,
  disconnectAll,
  freshUsers,
  serverUrl,
  until,
  type TestUser,
} from '@synapse-calling/test-utils/elements';
import { mintTestToken } from '@synapse-calling/test-utils/tokens';
import type { SynapseActiveCall } from '../active-call/active-call';
import type { SynapseCallButton } from './call-button';

/** Creates the line in the users' tenant through the admin API, as a host's back office would. */
async function defineLine(tenant: string, id: string, settings: LineSettings): Promise<void> {
  const token = await mintTestToken(
    { sub: 'admin', tenant, role: 'agent', admin: true },
    inject('jwtSecret'),
  );
  const res = await fetch(`${serverUrl()}/api/admin/lines/${id}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(settings),
  });
  if (!res.ok) throw new Error(`defining the line failed: ${res.status}`);
}

function part(el: HTMLElement, name: string): HTMLElement | null {
  return el.shadowRoot?.querySelector(`[part=${name}]`) ?? null;
}

const text = (el: HTMLElement | null) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();

function lineButton(client: SynapseClient, line = 'support', lang = 'en') {
  return fixture<SynapseCallButton>(
    html`<synapse-call-button line=${line} lang=${lang} .client=${client}></synapse-call-button>`,
  );
}

function incoming(client: SynapseClient): Promise<Call> {
  return until(() => client.calls.incoming[0], { client, what: 'incoming call' });
}

/** `caller` calls `callee` directly and it is answered: `callee` is busy for the line. */
async function talk(caller: SynapseClient, callee: SynapseClient, user: TestUser): Promise<Call> {
  const call = await caller.call(user.id);
  await (await incoming(callee)).accept();
  await until(() => call.state === 'active', { client: caller, what: 'direct call active' });
  return call;
}

afterEach(async () => {
  fixtureCleanup();
  await disconnectAll();
});

describe('<synapse-call-button line>', () => {
  it('calls the line ("Call Support"), says whether agents are free, and follows the call', async () => {
    const { agent, customer, other } = freshUsers();
    await defineLine(agent.tenant, 'support', { name: 'Support', members: [agent.id] });
    const ada = await connectUser(agent);
    const carl = await connectUser(customer);
    const el = await lineButton(carl);
    await until(() => el.state === 'idle' && text(part(el, 'line-status')), { what: 'status' });
    expect(text(el.shadowRoot!.querySelector('button'))).toBe('Call Support');
    expect(text(part(el, 'line-status'))).toBe('Agents available');

    await userEvent.click(el.shadowRoot!.querySelector('button')!);
    const ringing = await incoming(ada);
    expect(ringing.info.line).toBe('support');
    await until(() => el.state === 'calling', { what: 'calling' });
    await ringing.accept();
    await until(() => el.state === 'in-call', { client: carl, what: 'in call' });
    await userEvent.click(el.shadowRoot!.querySelector('button')!);
    await until(() => el.state === 'idle', { client: carl, what: 'idle after hang-up' });

    // Ada in a direct call: nobody is free; the answered call gave the line a wait estimate.
    const otto = await connectUser(other);
    await talk(otto, ada, agent);
    fixtureCleanup();
    const busy = await lineButton(carl);
    await until(() => text(part(busy, 'line-status')).startsWith('All agents busy'), {
      what: 'busy status',
    });
    expect(text(part(busy, 'line-status'))).toBe('All agents busy — expected wait ~1 min');
    expect(busy.state).toBe('idle');
  });

  it('is disabled while the line is closed, saying when it opens (in German too)', async () => {
    const { agent, customer } = freshUsers();
    // Open only two days from now, so closed whenever the test runs.
    const day = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'][
      (new Date().getUTCDay() + 2) % 7
    ]!;
    await defineLine(agent.tenant, 'night', {
      name: 'Night desk',
      members: [agent.id],
      businessHours: { timeZone: 'UTC', days: { [day]: ['09:00-10:00'] } },
      closedMessage: 'We answer from 9:00.',
    });
    await connectUser(agent);
    const carl = await connectUser(customer);
    const el = await lineButton(carl, 'night');
    await until(() => el.state === 'closed', { what: 'closed state' });
    await el.updateComplete;
    const weekday = (lang: string) =>
      new Intl.DateTimeFormat(lang, { weekday: 'short', timeZone: 'UTC' }).format(
        Date.UTC(2026, 0, 4 + ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'].indexOf(day)),
      );
    expect(el.disabled).toBe(true);
    expect(text(part(el, 'hint'))).toBe(
      `Closed, opens ${weekday('en')} 9:00. We answer from 9:00.`,
    );
    expect(part(el, 'line-status')?.hidden).toBe(true);

    el.setAttribute('lang', 'de');
    await until(() => text(part(el, 'hint')).startsWith('Geschlossen'), { what: 'German' });
    expect(text(part(el, 'hint'))).toBe(
      `Geschlossen, öffnet ${weekday('de')} 9:00. We answer from 9:00.`,
    );
    expect(text(el.shadowRoot!.querySelector('button'))).toBe('Night desk anrufen');
  });
});

describe('<synapse-active-call> on a call to a line', () => {
  it('tells the waiting customer their place in line until an agent answers', async () => {
    const { agent, customer, other } = freshUsers();
    await defineLine(agent.tenant, 'support', { name: 'Support', members: [agent.id] });
    const ada = await connectUser(agent);
    const otto = await connectUser(other);
    const direct = await talk(otto, ada, agent);
    const carl = await connectUser(customer);
    const el = await fixture<SynapseActiveCall>(
      html`<synapse-active-call inline .client=${carl}></synapse-active-call>`,
    );

    const call = await carl.callLine('support');
    await until(() => text(part(el, 'queue')) === 'You are number 1 in line', {
      client: carl,
      what: 'queue position',
    });
    expect(part(el, 'queue')?.getAttribute('role')).toBe('status');
    expect(text(part(el, 'peer'))).toBe('Support');

    await direct.end();
    await (await incoming(ada)).accept();
    await until(() => call.state === 'active' && !part(el, 'queue'), {
      client: carl,
      what: 'answered, queue gone',
    });
    expect(text(part(el, 'peer'))).toBe('Ada Agent');
    await call.end();
  });
});
