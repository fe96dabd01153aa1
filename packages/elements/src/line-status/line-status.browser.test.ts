import { fixture, fixtureCleanup } from '@open-wc/testing-helpers';
import { html } from 'lit';
import { inject } from 'vitest';
import { afterEach, describe, expect, it } from 'vitest';
import { userEvent } from 'vitest/browser';
import '../index';
import {
  a11y,
  connectUser,
  disconnectAll,
  freshUsers,
  nextEvent,
  serverUrl,
  until,
  type TestUser,
} from '@synapse-calling/test-utils/elements';
import { mintTestToken } from '@synapse-calling/test-utils/tokens';
import type { SynapseClient } from '@synapse-calling/sdk-core';
import type { SynapseLineStatus } from './line-status';

const part = (el: SynapseLineStatus, name: string) =>
  el.shadowRoot?.querySelector(`[part=${name}]`) as HTMLElement | null;
const text = (node: Element | null | undefined) => node?.textContent?.replace(/\s+/g, ' ').trim();

/** A `support` line in the users' own tenant, with Ada (agent) as its only member. */
async function supportLine(users: { agent: TestUser }): Promise<void> {
  const { tenant } = users.agent;
  const token = await mintTestToken(
    { sub: 'admin', tenant, role: 'agent', name: 'Admin', admin: true },
    inject('jwtSecret'),
  );
  const res = await fetch(`${serverUrl()}/api/admin/lines/support`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Support', members: [users.agent.id] }),
  });
  expect(res.status).toBe(200);
}

async function shown(client: SynapseClient, lang = 'en'): Promise<SynapseLineStatus> {
  const wrapper = await fixture<HTMLDivElement>(
    html`<div lang=${lang}>
      <synapse-line-status line="support" .client=${client}></synapse-line-status>
    </div>`,
  );
  return wrapper.querySelector('synapse-line-status') as SynapseLineStatus;
}

afterEach(async () => {
  fixtureCleanup();
  await disconnectAll();
});

describe('<synapse-line-status>', () => {
  describe('properties', () => {
    it('shows a member the line, the agents available and nobody waiting', async () => {
      const users = freshUsers();
      await supportLine(users);
      const el = await shown(await connectUser(users.agent));
      await until(() => text(part(el, 'counts')) === '1 agent available · Nobody waiting', {
        what: 'the counts',
      });
      expect(el.hidden).toBe(false);
      expect(text(part(el, 'name'))).toBe('Support');
      expect(text(part(el, 'open'))).toBe('Open');
      expect(part(el, 'taking-calls')?.getAttribute('aria-pressed')).toBe('true');
      expect(part(el, 'calls')).toBe(null);
    });

    it('stays hidden for a customer and for an agent who is not a member', async () => {
      const users = freshUsers();
      await supportLine(users);
      const customer = await shown(await connectUser(users.customer));
      const other = await shown(await connectUser(users.other));
      // Their fetches answer not-found; nothing ever shows (checked after a member's view shows).
      const member = await shown(await connectUser(users.agent));
      await until(() => !member.hidden, { what: 'the member’s view' });
      for (const el of [customer, other]) {
        expect(el.hidden).toBe(true);
        expect(part(el, 'base')).toBe(null);
      }
    });

    it('speaks German', async () => {
      const users = freshUsers();
      await supportLine(users);
      const el = await shown(await connectUser(users.agent), 'de');
      await until(
        () => text(part(el, 'counts')) === '1 Mitarbeiter:in verfügbar · Niemand wartet',
        {
          what: 'German counts',
        },
      );
      expect(text(part(el, 'taking-calls'))).toBe('Nehme Anrufe an');
    });
  });

  describe('events', () => {
    it('pauses with the switch, lists the caller who then waits, and resumes (the call rings)', async () => {
      const users = freshUsers();
      await supportLine(users);
      const ada = await connectUser(users.agent);
      const el = await shown(ada);
      const toggle = await until(() => part(el, 'taking-calls'), { what: 'the switch' });
      await userEvent.click(toggle);
      await until(() => part(el, 'taking-calls')?.getAttribute('aria-pressed') === 'false', {
        what: 'paused',
      });
      expect(text(part(el, 'counts'))).toBe('No agent available · Nobody waiting');

      const carl = await connectUser(users.customer);
      await carl.callLine('support');
      const item = await until(() => el.shadowRoot?.querySelector('[part=call]'), {
        what: 'Carl listed as waiting',
        timeoutMs: 10_000,
      });
      expect(text(item)).toMatch(/^Carl Customer waiting 0:\d\d$/);
      expect(part(el, 'calls')?.getAttribute('aria-label')).toBe('Callers waiting');
      await a11y(el).to.be.accessible();

      await userEvent.click(part(el, 'taking-calls')!);
      await until(() => ada.calls.incoming.length === 1, { client: ada, what: 'Ada rings' });
      await until(() => !el.shadowRoot?.querySelector('[part=call]'), {
        what: 'nobody waiting',
        timeoutMs: 10_000,
      });
    });

    it('fires synapse-call-error when the switch fails', async () => {
      const users = freshUsers();
      await supportLine(users);
      const ada = await connectUser(users.agent);
      const el = await shown(ada);
      const toggle = await until(() => part(el, 'taking-calls'), { what: 'the switch' });
      // The line is gone by the time Ada flips her switch.
      const token = await mintTestToken(
        { sub: 'admin', tenant: users.agent.tenant, role: 'agent', name: 'Admin', admin: true },
        inject('jwtSecret'),
      );
      await fetch(`${serverUrl()}/api/admin/lines/support`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${token}` },
      });
      const failed = nextEvent(el, 'synapse-call-error');
      await userEvent.click(toggle);
      const event = await failed;
      expect(event.detail).toMatchObject({ action: 'taking-calls', code: 'not-found' });
    });
  });

  describe('accessibility', () => {
    it('passes axe', async () => {
      const users = freshUsers();
      await supportLine(users);
      const el = await shown(await connectUser(users.agent));
      await until(() => !el.hidden, { what: 'shown' });
      await a11y(el).to.be.accessible();
    });
  });
});
