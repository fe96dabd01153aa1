import { fixture, fixtureCleanup } from '@open-wc/testing-helpers';
import { html } from 'lit';
import { afterEach, describe, expect, it, vi } from 'vitest';
import '../index';
import {
  freshUsers,
  a11y,
  FakeStaticClient,
  connectUser,
  disconnectAll,
  until,
} from '@synapse-calling/test-utils/elements';
import type { SynapsePresence } from './presence';

function text(el: SynapsePresence, part: string): string {
  return el.shadowRoot?.querySelector(`[part=${part}]`)?.textContent?.trim() ?? '';
}

afterEach(async () => {
  fixtureCleanup();
  vi.useRealTimers();
  await disconnectAll();
});

describe('<synapse-presence>', () => {
  describe('properties', () => {
    it('shows the watched user going online and offline with "last seen"', async () => {
      const { agent, customer } = freshUsers();
      const viewer = await connectUser(agent);
      const el = await fixture<SynapsePresence>(
        html`<synapse-presence user-id=${customer.id} .client=${viewer}></synapse-presence>`,
      );
      await until(() => el.status === 'offline', { what: 'offline' });
      expect(text(el, 'label')).toBe('Offline');

      const callee = await connectUser(customer);
      await until(() => el.getAttribute('status') === 'online', { what: 'online attribute' });
      expect(text(el, 'label')).toBe('Online');
      expect(el.shadowRoot?.querySelector('[part=last-seen]')).toBeNull();

      await callee.disconnect();
      // The server waits its presence grace window before it reports offline.
      await until(() => el.status === 'offline', {
        what: 'offline after disconnect',
        timeoutMs: 40_000,
      });
      expect(el.lastSeen).toBeTypeOf('number');
      await until(() => text(el, 'last-seen') !== '', { what: 'last seen' });
      expect(text(el, 'last-seen')).toMatch(/^last seen (now|\d+ seconds? ago)$/);

      // Five minutes later the text has moved on by itself.
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime((el.lastSeen ?? 0) + 5 * 60_000 + 1000);
      el.requestUpdate();
      await el.updateComplete;
      expect(text(el, 'last-seen')).toBe('last seen 5 minutes ago');
    }, 60_000);

    it('re-watches when user-id changes and reflects compact', async () => {
      const { agent, customer } = freshUsers();
      const viewer = await connectUser(agent);
      await connectUser(customer);
      const el = await fixture<SynapsePresence>(
        html`<synapse-presence user-id="nobody" compact .client=${viewer}></synapse-presence>`,
      );
      await until(() => el.status === 'offline', { what: 'nobody offline' });
      el.userId = customer.id;
      await until(() => el.status === 'online', { what: 'customer online' });
      expect(el.hasAttribute('compact')).toBe(true);
      expect(el.getAttribute('user-id')).toBe(customer.id);
    });

    it('speaks German when an ancestor has lang="de", and follows a lang change', async () => {
      const { agent, customer } = freshUsers();
      const viewer = await connectUser(agent);
      const callee = await connectUser(customer);
      await callee.presence.setStatus('dnd');
      const wrapper = await fixture<HTMLDivElement>(
        html`<div lang="de">
          <synapse-presence user-id=${customer.id} .client=${viewer}></synapse-presence>
        </div>`,
      );
      const el = wrapper.querySelector('synapse-presence') as SynapsePresence;
      await until(() => el.status === 'dnd', { what: 'dnd' });
      await el.updateComplete;
      expect(text(el, 'label')).toBe('Nicht stören');
      // The element's own lang wins over the ancestor's and re-renders at once.
      el.setAttribute('lang', 'en');
      await until(() => text(el, 'label') === 'Do not disturb', { what: 'English label' });
      // Relative times are formatted by Intl in the chosen language.
      el.removeAttribute('lang');
      await callee.disconnect();
      await until(() => el.status === 'offline', { what: 'offline', timeoutMs: 40_000 });
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime((el.lastSeen ?? 0) + 2 * 3600_000 + 1000);
      el.requestUpdate();
      await el.updateComplete;
      expect(text(el, 'last-seen')).toBe('zuletzt gesehen vor 2 Stunden');
    }, 60_000);

    it('keeps "last seen" readable in a 160px cell: under the label, not a column of words', async () => {
      const lastSeen = Date.now() - 5 * 60_000;
      const fake = new FakeStaticClient({ ann: { userId: 'ann', status: 'offline', lastSeen } });
      const wrapper = await fixture<HTMLDivElement>(
        html`<div style="width: 160px">
          <synapse-presence user-id="ann" .client=${fake.asClient()}></synapse-presence>
        </div>`,
      );
      const el = wrapper.querySelector('synapse-presence') as SynapsePresence;
      await el.updateComplete;
      const label = (
        el.shadowRoot?.querySelector('[part=label]') as HTMLElement
      ).getBoundingClientRect();
      const seen = el.shadowRoot?.querySelector('[part=last-seen]') as HTMLElement;
      expect(seen.textContent?.trim()).toBe('last seen 5 minutes ago');
      const box = seen.getBoundingClientRect();
      const lineHeight = parseFloat(getComputedStyle(seen).lineHeight);
      // Starts under the label, at most two lines, inside the cell.
      expect(box.left).toBe(label.left);
      expect(box.top).toBeGreaterThanOrEqual(label.bottom);
      expect(box.height).toBeLessThanOrEqual(2 * lineHeight + 1);
      expect(el.getBoundingClientRect().right).toBeLessThanOrEqual(
        wrapper.getBoundingClientRect().right,
      );
    });

    it('is themed through custom properties and parts', async () => {
      const { agent, customer } = freshUsers();
      const viewer = await connectUser(agent);
      await connectUser(customer);
      const wrapper = await fixture<HTMLDivElement>(
        html`<div>
          <style>
            .themed {
              --synapse-color-online: rgb(1, 2, 3);
            }
            .themed::part(label) {
              color: rgb(4, 5, 6);
            }
          </style>
          <synapse-presence
            class="themed"
            user-id=${customer.id}
            .client=${viewer}
          ></synapse-presence>
        </div>`,
      );
      const el = wrapper.querySelector('synapse-presence') as SynapsePresence;
      await until(() => el.status === 'online', { what: 'online' });
      await el.updateComplete;
      const dot = el.shadowRoot?.querySelector('[part=dot]') as HTMLElement;
      const label = el.shadowRoot?.querySelector('[part=label]') as HTMLElement;
      expect(getComputedStyle(dot).backgroundColor).toBe('rgb(1, 2, 3)');
      expect(getComputedStyle(label).color).toBe('rgb(4, 5, 6)');
    });
  });

  describe('accessibility', () => {
    it('passes axe online and offline', async () => {
      const { agent, customer } = freshUsers();
      const viewer = await connectUser(agent);
      const el = await fixture<SynapsePresence>(
        html`<synapse-presence user-id=${customer.id} .client=${viewer}></synapse-presence>`,
      );
      await until(() => el.status === 'offline', { what: 'offline' });
      await a11y(el).to.be.accessible();
      await connectUser(customer);
      await until(() => el.status === 'online', { what: 'online' });
      await a11y(el).to.be.accessible();
      // The dot is decoration; the status is in words.
      expect(el.shadowRoot?.querySelector('[part=dot]')?.getAttribute('aria-hidden')).toBe('true');
    });
  });
});
