import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createClient } from '@synapse-calling/sdk-core';
import { SynapseProvider } from '@synapse-calling/react';
// Defines the <synapse-*> tags, and types them in JSX.
import '@synapse-calling/elements/react';
import { App } from './App';
import '../../public/shared/demo.css';
import './app.css';

const me = new URLSearchParams(location.search).get('user') ?? 'alice';

// One client for the hooks and the elements: the provider connects it, and <synapse-calling
// client={client}> (in App) hands the same connection to the elements.
const client = createClient({
  url: location.origin,
  // The demo's development sign-in answers { token, user }; a real app points at its own
  // endpoint that signs a token for the signed-in user (docs/getting-started.md).
  tokenUrl: `/demo/token?user=${encodeURIComponent(me)}`,
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <SynapseProvider client={client}>
      <App />
    </SynapseProvider>
  </StrictMode>,
);
