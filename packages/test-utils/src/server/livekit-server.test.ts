import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoomServiceClient } from 'livekit-server-sdk';
import { startLiveKit, type LiveKitServer } from './livekit';

let lk: LiveKitServer;

beforeAll(async () => {
  lk = await startLiveKit();
});
afterAll(async () => {
  await lk?.stop();
});

describe('real livekit-server --dev', () => {
  it('creates a room that then shows in the room list, and deletes it', async () => {
    const rooms = new RoomServiceClient(lk.httpUrl, lk.apiKey, lk.apiSecret);
    const name = `smoke-${Date.now()}`;
    const created = await rooms.createRoom({ name, maxParticipants: 2, emptyTimeout: 30 });
    expect(created.name).toBe(name);
    expect(created.maxParticipants).toBe(2);
    expect((await rooms.listRooms()).map((r) => r.name)).toContain(name);
    await rooms.deleteRoom(name);
    expect((await rooms.listRooms()).map((r) => r.name)).not.toContain(name);
  });

  it('refuses a client that signs with the wrong secret', async () => {
    const rooms = new RoomServiceClient(lk.httpUrl, lk.apiKey, 'not-the-secret');
    await expect(rooms.listRooms()).rejects.toThrow();
  });
});
