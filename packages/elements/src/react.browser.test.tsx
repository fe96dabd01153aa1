import { createRoot, type Root } from 'react-dom/client';
import { flushSync } from 'react-dom';
import { afterEach, describe, expect, it } from 'vitest';
import type { Call } from '@synapse-calling/sdk-core';
import {
  connectUser,
  disconnectAll,
  freshUsers,
  until,
} from '@synapse-calling/test-utils/elements';
import type { SynapseCallStateDetail } from './index';
import { SynapseCallButton, type SynapseCalling } from './react';

// The elements in React 19 through the JSX types of `@synapse-calling/elements/react`: what the
// types promise (attributes, object properties, `onsynapse-*` handlers with typed details) is what
// React does with those props at run time, against the real server.
let root: Root | undefined;
let host: HTMLElement | undefined;

afterEach(async () => {
  root?.unmount();
  host?.remove();
  await disconnectAll();
});

function render(ui: React.ReactNode): HTMLElement {
  host = document.createElement('div');
  document.body.append(host);
  root = createRoot(host);
  flushSync(() => root!.render(ui));
  return host;
}

/** Compiles only: what the types refuse (never rendered). */
export function refusedByTheTypes() {
  return (
    <>
      {/* @ts-expect-error user-id is a string */}
      <synapse-call-button user-id={42} />
      {/* @ts-expect-error limit is a number */}
      <synapse-call-history limit="ten" />
      <synapse-call-button
        // @ts-expect-error the detail of synapse-call-state has no `status`
        onsynapse-call-state={(e) => e.detail.status}
      />
      {/* @ts-expect-error not an element of this package */}
      <synapse-call-buton />
    </>
  );
}

describe('@synapse-calling/elements/react in React 19', () => {
  it('attributes, object properties and onsynapse-* handlers reach the elements', async () => {
    const { agent, customer } = freshUsers();
    const ada = await connectUser(agent);
    const carl = await connectUser(customer);
    const states: SynapseCallStateDetail['state'][] = [];
    let started = '';

    const page = render(
      <synapse-calling client={ada} no-call-ui>
        <synapse-presence user-id={customer.id} compact />
        <synapse-call-button
          user-id={customer.id}
          name="Carl"
          metadata={{ crmRecord: 'lead-42' }}
          onsynapse-call-start={(e) => (started = e.detail.userId)}
          onsynapse-call-state={(e) => states.push(e.detail.state)}
        />
        <synapse-call-history limit={5} no-title />
      </synapse-calling>,
    );

    const calling = page.querySelector('synapse-calling') as SynapseCalling;
    expect(calling.client).toBe(ada); // an object prop is set as the property
    expect(calling.hasAttribute('no-call-ui')).toBe(true); // a boolean attribute
    const presence = page.querySelector('synapse-presence')!;
    expect(presence.getAttribute('user-id')).toBe(customer.id);
    expect(presence.compact).toBe(true); // a boolean prop the element has: set as the property
    expect(page.querySelector('synapse-call-history')?.limit).toBe(5);

    const button = page.querySelector('synapse-call-button')!;
    expect(button).toBeInstanceOf(SynapseCallButton);
    await until(() => button.state === 'idle', { what: 'carl callable' });
    button.shadowRoot!.querySelector('button')!.click();

    const ringing: Call = await until(() => carl.calls.incoming[0], {
      client: carl,
      what: 'the call at carl',
    });
    expect(ringing.metadata).toEqual({ crmRecord: 'lead-42' });
    expect(started).toBe(customer.id);
    await until(() => states.includes('ringing'), { what: 'synapse-call-state in React' });
    await ringing.reject();
    await until(() => states.includes('ended'), { what: 'the ended state in React' });
  }, 60_000);
});
