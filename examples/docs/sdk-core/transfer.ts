import type { Call, SynapseClient } from '@synapse-calling/sdk-core';

declare const client: SynapseClient;
declare const call: Call; // the active call
declare function show(text: string): void; // your UI
declare const completeButton: HTMLButtonElement;
declare const cancelButton: HTMLButtonElement;

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

// Warm: talk to Bob first while the customer is on hold, then complete or cancel.
await call.transfer({ to: 'bob' }, { mode: 'warm' });
call.on('transferChanged', (transfer) => {
  const consulting = transfer?.state === 'consulting'; // Bob answered: Alice and Bob talk
  completeButton.hidden = cancelButton.hidden = !consulting;
  if (consulting) show(call.onHold ? `Consulting ${transfer.to.name}` : '');
});
completeButton.onclick = () => void call.completeTransfer(); // Carol gets Bob; Alice's call ends
cancelButton.onclick = () => void call.cancelTransfer(); // back to Carol, off hold
// The customer's side while Bob and Alice talk: `call.onHold` is true.
call.on(
  'transferChanged',
  (t) => t?.state === 'consulting' && show(`On hold — ${t.by.name} is consulting`),
);
// #endregion transfer
