// "Ring me when this page is closed": Web Push for the user signed in on this page, through
// sdk-core's `client.push` and the service worker the elements package ships (the demo serves it
// as /synapse-sw.js, so its scope is the whole site). docs/notifications.md explains the set-up
// for a real host.

const TEXT = {
  enabled: 'This browser rings for your calls even when this page is closed.',
  disabled: '',
  denied: 'Notifications are blocked for this site in the browser’s settings.',
  unsupported: 'This browser cannot ring with the page closed here (it needs HTTPS and Web Push).',
};

/** Wires the `.ring-me` block `root` (a checkbox and a status line) to `synapse`'s client. */
export function setupRingMe(synapse, root) {
  const toggle = root.querySelector('input');
  const status = root.querySelector('.ring-me-status');
  const show = (state, message = state === 'enabled' ? TEXT.enabled : '') => {
    toggle.checked = state === 'enabled';
    toggle.disabled = state === 'unsupported' || state === 'denied';
    // Why the switch cannot be used is its tooltip, not a line on every page of such a browser.
    root.title = TEXT[state];
    status.textContent = message;
  };
  const refresh = async () => show(await synapse.client.push.refresh());

  if (synapse.connectionState === 'connected') void refresh();
  synapse.addEventListener('synapse-connection-change', (event) => {
    if (event.detail.state === 'connected') void refresh();
  });
  toggle.addEventListener('change', async () => {
    const push = synapse.client.push;
    try {
      // Asks for the notification permission: only ever from this click.
      const state = toggle.checked
        ? await push.enable({
            serviceWorker: '/synapse-sw.js',
            openUrl: location.pathname + location.search,
          })
        : await push.disable();
      show(state);
    } catch (err) {
      show(push.status, err.message);
    }
  });
}
