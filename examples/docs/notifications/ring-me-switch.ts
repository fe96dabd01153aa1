import type { SynapseClient } from '@synapse-calling/sdk-core';

declare const client: SynapseClient;
declare const toggle: HTMLInputElement; // your switch

// #region ring-me-switch
toggle.onchange = async () => {
  if (toggle.checked) {
    await client.push.enable({ serviceWorker: '/synapse-sw.js', openUrl: '/portal/' });
  } else {
    await client.push.disable();
  }
};
// On load: the switch shows what this browser does for this user.
toggle.checked = (await client.push.refresh()) === 'enabled';
// #endregion ring-me-switch
