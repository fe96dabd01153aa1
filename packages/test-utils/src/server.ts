/**
 * Node-side helpers for tests that need real services: the reference server on a free port with
 * Socket.IO clients (`server/server.ts`), the built `synapse-server` bin (`server/bin.ts`), Redis
 * (`server/redis.ts`), livekit-server (`server/livekit.ts`), free ports and polling
 * (`server/ports.ts`), hostile clients (`server/abuse.ts`), the call fuzz rig (`server/call-fuzz.ts`)
 * and token minting.
 */
export * from './server/server';
export * from './server/fixtures';
export * from './server/ports';
export * from './server/redis';
export * from './server/sentinel';
export * from './server/postgres';
export * from './server/nginx';
export * from './server/cluster';
export * from './server/livekit';
export * from './server/bin';
export * from './server/abuse';
export * from './server/call-fuzz';
export * from './server/soak-traffic';
export * from './server/call-log-checks';
export * from './server/webhook-receiver';
export * from './server/transfer';
