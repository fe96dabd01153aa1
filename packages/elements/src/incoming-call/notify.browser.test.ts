import { fixture, fixtureCleanup } from '@open-wc/testing-helpers';
import type { SynapseClient } from '@synapse-calling/sdk-core';
import { html } from 'lit';
import { afterEach, describe, expect, it } from 'vitest';
import '../index';
import {
  connectUser,
  disconnectAll,
  freshUsers,
  nextEvent,
  until,
} from '@synapse-calling/test-utils/elements';
import type { SynapseIncomingCall } from './incoming-call';

function part(el: SynapseIncomingCall, name: string): HTMLElement | null {
  return el.shadowRoot?.querySelector(`[part=${name}]`) ?? null;
}

async function setup(client: SynapseClient, attrs: { notify?: boolean; noTabBadge?: boolean }) {
  return fixture<SynapseIncomingCall>(
    html`<synapse-incoming-call
      inline
      ?notify=${attrs.notify ?? false}
      ?no-tab-badge=${attrs.noTabBadge ?? false}
      .client=${client}
    ></synapse-incoming-call>`,
  );
}

/** The page's icon link while a call rings (the tab badge adds one where the page has none). */
const iconHref = () => document.querySelector('link[rel~="icon"]')?.getAttribute('href') ?? null;

afterEach(async () => {
  fixtureCleanup();
  await disconnectAll();
});

describe('<synapse-incoming-call> in the background', () => {
  describe('properties', () => {
    it('says who calls in the tab title and badges the icon while ringing, then puts both back', async () => {
      const { agent, customer } = freshUsers();
      const el = await setup(await connectUser(customer), {});
      const title = document.title;
      const before = iconHref();
      const caller = await connectUser(agent);
      const shown = nextEvent(el, 'synapse-call-state', {
        filter: (e) => e.detail.state === 'ringing',
      });
      const call = await caller.call(customer.id);
      await shown;
      await until(() => document.title === 'Incoming call — Ada Agent');
      await until(() => iconHref()?.startsWith('data:image/png;base64,'));

      await call.end();
      await until(() => document.title === title);
      await until(() => iconHref() === before);
    });

    it('with no-tab-badge leaves the title and icon alone', async () => {
      const { agent, customer } = freshUsers();
      const el = await setup(await connectUser(customer), { noTabBadge: true });
      const title = document.title;
      const caller = await connectUser(agent);
      const shown = nextEvent(el, 'synapse-call-state', {
        filter: (e) => e.detail.state === 'ringing',
      });
      await caller.call(customer.id);
      await shown;
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(document.title).toBe(title);
      expect(iconHref()?.startsWith('data:image/png')).not.toBe(true);
    });

    it('without notify explains nothing and asks nothing', async () => {
      const { customer } = freshUsers();
      const el = await setup(await connectUser(customer), {});
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(part(el, 'notify-prompt')).toBeNull();
    });

    it('with notify where the browser blocks notifications: no explanation, and calls ring as before', async () => {
      const { agent, customer } = freshUsers();
      const client = await connectUser(customer);
      // Headless Chromium under Playwright denies notifications to pages it did not grant them.
      expect(client.notifications.permission).toBe('denied');
      const el = await setup(client, { notify: true });
      const caller = await connectUser(agent);
      const shown = nextEvent(el, 'synapse-call-state', {
        filter: (e) => e.detail.state === 'ringing',
      });
      await caller.call(customer.id);
      await shown;
      await el.updateComplete;
      expect(part(el, 'notify-prompt')).toBeNull();
      expect(el.ringing).toBe(true);
      expect(part(el, 'caller')?.textContent?.trim()).toBe('Ada Agent is calling');
    });
  });
});
