// The browser entry: defines the elements, then hydrates the server's HTML. Every recoverable
// error React reports (a hydration mismatch is one) is kept for the test to read.
import '@synapse-calling/elements/react';
import { hydrateRoot } from 'react-dom/client';
import { App } from './app';

const errors: string[] = [];
Object.assign(window, { hydrationErrors: errors });
hydrateRoot(
  document.getElementById('root')!,
  <App options={{ url: location.origin, tokenUrl: '/synapse/token' }} />,
  { onRecoverableError: (error) => errors.push(String(error)) },
);
