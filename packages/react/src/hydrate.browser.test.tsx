import { useSyncExternalStore } from 'react';
import { renderToString } from 'react-dom/server';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient, type SynapseClient } from '@synapse-calling/sdk-core';
import {
  connectUser,
  disconnectAll,
  freshUsers,
  mintToken,
  serverUrl,
  until,
} from '@synapse-calling/test-utils/elements';
import { SynapseProvider } from './index';
import { Panel } from './testing/panel';
import { captureConsoleErrors, hydrate, unmountAll } from './testing/mount';

// Hydration in Chromium of HTML rendered the way a server renders it: with a client of its own
// that never connects. The browser's client is already connected when React hydrates (the
// hardest case: its live state differs from the server's), and hydration must still match.
afterEach(async () => {
  unmountAll();
  await disconnectAll();
});

/** What the server sends: the page rendered with a client that never connected. */
async function serverHtml(ui: (client: SynapseClient) => React.ReactNode): Promise<string> {
  const { agent } = freshUsers();
  const onServer = createClient({ url: serverUrl(), token: await mintToken(agent) });
  return renderToString(ui(onServer));
}

describe('hydration', () => {
  it('hydrates the server HTML without mismatches, then shows the live state', async () => {
    const { agent, customer } = freshUsers();
    const app = (client: SynapseClient) => (
      <SynapseProvider client={client}>
        <Panel watch={[customer.id]} />
      </SynapseProvider>
    );
    const html = await serverHtml(app);
    const live = await connectUser(agent);
    await connectUser(customer);

    const errors = captureConsoleErrors();
    try {
      const { container, errors: recoverable } = hydrate(html, app(live));
      await until(() => container.querySelector('[data-part=status][data-state=connected]'), {
        what: 'the live state after hydration',
      });
      await until(
        () => container.querySelector(`[data-user="${customer.id}"][data-status=online]`),
        {
          what: 'presence after hydration',
        },
      );
      expect(recoverable).toEqual([]);
      expect(errors.messages).toEqual([]);
    } finally {
      errors.restore();
    }
  }, 60_000);

  it('a server snapshot read from the live client would mismatch (why the hooks use a constant)', async () => {
    // The control: the same check fails for the naive getServerSnapshot, so the test above can fail.
    function Naive({ client }: { client: SynapseClient }) {
      const snap = useSyncExternalStore(client.subscribe, client.getSnapshot, client.getSnapshot);
      return <p>{snap.connectionState}</p>;
    }
    const { agent } = freshUsers();
    const html = await serverHtml((client) => <Naive client={client} />);
    const live = await connectUser(agent);
    const errors = captureConsoleErrors();
    try {
      const { errors: recoverable } = hydrate(html, <Naive client={live} />);
      await until(() => recoverable.length + errors.messages.length > 0, {
        what: 'a hydration mismatch report',
      });
      expect(`${recoverable.map(String)} ${errors.messages}`).toMatch(/hydrat/i);
    } finally {
      errors.restore();
    }
  }, 60_000);
});
