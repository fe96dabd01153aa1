import '@synapse-calling/elements'; // defines every tag
import { createClient } from '@synapse-calling/sdk-core';
import { setDefaultClient } from '@synapse-calling/elements';

const client = createClient({
  url: 'https://calls.example.com',
  // Your backend's token endpoint: JSON { token } (a bare JWT as text works for token-url too).
  tokenProvider: () =>
    fetch('/synapse/token', { credentials: 'include' })
      .then((r) => r.json())
      .then((body: { token: string }) => body.token),
});
await client.connect();
setDefaultClient(client); // elements outside any <synapse-calling> use it
// or: document.querySelector('synapse-calling')!.client = client;
