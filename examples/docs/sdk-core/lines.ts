import type { SynapseClient } from '@synapse-calling/sdk-core';

declare const client: SynapseClient;
declare function show(text: string): void; // your UI

// #region lines
import { isSynapseError } from '@synapse-calling/sdk-core';

const status = await client.lines.status('support'); // counts only
if (status.open && status.agentsAvailable === 0) show('All agents busy');
try {
  const call = await client.callLine('support', { metadata: { topic: 'billing' } });
  call.on('queueChanged', (queue) => {
    if (queue) show(`You are number ${queue.position} in line`);
  });
  call.on('stateChanged', (state) => {
    if (state === 'active') show(`Talking to ${call.peer.name}`); // the agent who answered
  });
} catch (err) {
  if (isSynapseError(err) && err.code === 'line-closed')
    show(err.message); // its closed message
  else throw err;
}
// #endregion lines
