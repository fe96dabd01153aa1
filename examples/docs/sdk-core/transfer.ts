import type { Call, SynapseClient } from '@synapse-calling/sdk-core';

declare const client: SynapseClient;
declare const call: Call; // the active call
declare function show(text: string): void; // your UI

// #region transfer
// The agent's side: whom to, then a blind transfer (the call goes on while the target rings).
const { agents, lines } = await client.lines.transferTargets();
const bob = agents.find((a) => a.status === 'online');
if (bob) await call.transfer({ to: bob.id });
else if (lines[0]?.agentsAvailable) await call.transfer({ toLine: lines[0].id });
call.on('transferChanged', (transfer) => {
  show(transfer ? `Transferring to ${transfer.to.name}…` : ''); // null: declined, missed…
});
call.on('ended', () => show('Transferred')); // the target answered: the call is theirs

// The customer's side: the same call goes on with the new agent.
call.on('transferChanged', (transfer) => {
  if (transfer) show(`Transferring you to ${transfer.to.name}…`);
});
call.on('transferred', (agent) => show(`Talking to ${agent.name}`));
// #endregion transfer
