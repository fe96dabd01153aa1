// A CommonJS consumer (node16): the require condition's .d.cts types, no TS1479.
import { createServer } from 'node:http';
import type { EndReason } from '@synapse-calling/protocol';
import { eventSchemas } from '@synapse-calling/protocol/schemas';
import { createClient, type CallEndReason } from '@synapse-calling/sdk-core';
import { createSynapseServer, MissingDependencyError } from '@synapse-calling/reference-server';
import { SynapseProvider, useCall, type LiveCall } from '@synapse-calling/react';

export const reason: EndReason | CallEndReason = 'completed';
export const valid = eventSchemas['end-call'].safeParse({ callId: 'x' }).success;
export const client = createClient({ url: 'https://calls.example.com', token: 'a.b.c' });
export const start = () =>
  createSynapseServer({ httpServer: createServer(), auth: { jwtSecret: 'x'.repeat(32) } });
export const missing = (err: unknown) => err instanceof MissingDependencyError;
export const provider: typeof SynapseProvider = SynapseProvider;
export const activeCall: () => LiveCall | null = useCall;
