/**
 * Node-side helpers for tests that need real services: the reference server on a free port with
 * Socket.IO clients (`server/server.ts`), Redis (`server/redis.ts`), livekit-server
 * (`server/livekit.ts`), the `synapse-server` bin as a child process (`server/bin-process.ts`), free
 * ports and polling (`server/ports.ts`), and token minting.
 */
export * from './server/server';
export * from './server/fixtures';
export * from './server/ports';
export * from './server/redis';
export * from './server/livekit';
export * from './server/bin-process';
export * from './server/call-fuzz';
