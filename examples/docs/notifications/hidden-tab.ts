import type { SynapseClient } from '@synapse-calling/sdk-core';

declare const client: SynapseClient;

// #region hidden-tab
// From a click, after telling the user why:
await client.notifications.requestPermission();

// From then on; returns the function that stops it.
const stop = client.notifications.showWhenHidden({
  text: (call) => ({
    title: 'Incoming call',
    body: `${call.peer.name} is calling`,
    accept: 'Accept',
    decline: 'Decline',
  }),
});
// #endregion hidden-tab

export { stop };
