'use client';
// A Next.js (app router) client component for the root layout: the layout, a server component,
// renders <Calling> around the page; the hooks and the elements live in client components.
import type { ReactNode } from 'react';
import { SynapseProvider } from '@synapse-calling/react';
// Importing the elements on the server defines nothing (there is no customElements there); in
// the browser it defines them before React hydrates, so they get their properties and events.
import '@synapse-calling/elements/react';

export function Calling({ children }: { children: ReactNode }) {
  return (
    <SynapseProvider
      options={{ url: process.env.NEXT_PUBLIC_SYNAPSE_URL!, tokenUrl: '/synapse/token' }}
    >
      {children}
    </SynapseProvider>
  );
}
