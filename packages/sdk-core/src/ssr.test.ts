import { describe, expect, it } from 'vitest';

describe('server-side rendering', () => {
  it('imports and constructs a client in Node without touching browser globals', async () => {
    expect(typeof (globalThis as { window?: unknown }).window).toBe('undefined');
    expect(typeof (globalThis as { document?: unknown }).document).toBe('undefined');
    const sdk = await import('./index');
    const client = sdk.createClient({ url: 'http://127.0.0.1:9', token: 'a.b.c' });
    const snapshot = client.getSnapshot();
    expect(snapshot.connectionState).toBe('disconnected');
    expect(snapshot.calls).toEqual([]);
    expect(client.getSnapshot()).toBe(snapshot);
    expect(sdk.mediaSupported()).toBe(false);
    expect(await sdk.listAudioDevices()).toEqual({ inputs: [], outputs: [] });
    const off = sdk.onDevicesChanged(() => undefined);
    off();
    await client.disconnect();
  });
});
