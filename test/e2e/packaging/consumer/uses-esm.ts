// An ESM consumer of every published package, type-checked in a project that installed the
// tarballs (moduleResolution bundler and node16), without skipLibCheck.
import { createServer } from 'node:http';
import express from 'express';
import { END_REASONS, type CallInfo, type EndReason } from '@synapse-calling/protocol';
import { eventSchemas } from '@synapse-calling/protocol/schemas';
import {
  createClient,
  SynapseError,
  type CallEndReason,
  type ClientSnapshot,
} from '@synapse-calling/sdk-core';
import {
  createSynapseServer,
  MissingDependencyError,
  type CallEvent,
  type SynapseServer,
} from '@synapse-calling/reference-server';
import { SynapseCallButton, type CallButtonState } from '@synapse-calling/elements';
import { defineElements } from '@synapse-calling/elements/synapse-elements.js';

// The wire reason and the client's (which adds answered-elsewhere) are both exported.
const wire: EndReason = END_REASONS[0];
const local: CallEndReason = 'answered-elsewhere';
export const reasons: CallEndReason[] = [wire, local];
export const valid = eventSchemas['initiate-call'].safeParse({ to: 'carol' }).success;

const client = createClient({ url: 'https://calls.example.com', token: 'a.b.c' });
export const snapshot: ClientSnapshot = client.getSnapshot();
export const isTyped = (err: unknown) => err instanceof SynapseError && err.code === 'busy';

export async function mount(): Promise<SynapseServer> {
  const app = express();
  const httpServer = createServer(app);
  try {
    return await createSynapseServer({
      httpServer,
      app,
      auth: { jwtSecret: 'x'.repeat(32) },
      onCallEvent: (event: CallEvent) => {
        const call: CallInfo = event.call;
        console.log(call.endReason);
      },
    });
  } catch (err) {
    if (err instanceof MissingDependencyError) console.error(err.packageName);
    throw err;
  }
}

export const state: CallButtonState | undefined = new SynapseCallButton().state;
export const define: typeof defineElements = defineElements;
