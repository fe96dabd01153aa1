import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { SynapseCallEndEvent } from '../events/call-end';
import { SynapseCallErrorEvent } from '../events/call-error';
import { SynapseMuteChangeEvent } from '../events/mute-change';
import { CallTracker } from '../internal/call-tracker';
import {
  listDevices,
  onDevicesChanged,
  outputSelectionSupported,
  type Devices,
} from '../internal/devices';
import type { Call } from '@synapse-calling/sdk-core';
import type { Unsubscribe } from '../types';
import type { ClientController } from './client-controller';

/**
 * The active call's logic: which call to show (the client's active or outgoing call), its live
 * figures from the snapshot store (speaking, media reconnecting), the device lists, and the
 * actions (mute, end, pick devices, start blocked audio), each reporting failures as
 * `synapse-call-error`.
 */
export class ActiveCallController implements ReactiveController {
  private readonly tracker: CallTracker;
  private offCall: Unsubscribe[] = [];
  private offDevices: Unsubscribe | undefined;
  private followed: Call | undefined;
  /** Microphones and speakers; filled once a call is active (labels need mic permission). */
  devices: Devices = { inputs: [], outputs: [] };
  inputId = '';
  outputId = '';

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly clients: ClientController,
  ) {
    host.addController(this);
    this.tracker = new CallTracker(host);
  }

  /** The call to show: ringing out, connecting or active; undefined otherwise. */
  get call(): Call | undefined {
    const call = this.clients.client?.calls.active;
    return call && call.state !== 'ended' ? call : undefined;
  }

  /** True while the peer's audio level is above the speaking threshold. */
  get speaking(): boolean {
    return this.snapshot()?.speaking ?? false;
  }

  /** True while media or signalling is reconnecting. */
  get reconnecting(): boolean {
    const client = this.clients.client;
    return (
      client?.connectionState === 'reconnecting' || (this.snapshot()?.mediaReconnecting ?? false)
    );
  }

  /** Whether a speaker can be chosen in this browser. */
  get canPickOutput(): boolean {
    return outputSelectionSupported() && this.devices.outputs.length > 0;
  }

  hostUpdate(): void {
    const call = this.call;
    this.tracker.track(call ?? this.tracker.call);
    if (call !== this.followed) this.follow(call);
  }

  hostDisconnected(): void {
    this.follow(undefined);
    this.tracker.stop();
  }

  async toggleMute(): Promise<void> {
    const call = this.call;
    if (!call) return;
    await this.run('mute', async () => {
      if (call.muted) await call.unmute();
      else await call.mute();
    });
  }

  async end(): Promise<void> {
    const call = this.call;
    if (!call) return;
    this.host.dispatchEvent(
      new SynapseCallEndEvent({ callId: call.id, direction: call.direction, peer: call.peer }),
    );
    await this.run('end', () => call.end());
  }

  async setInput(deviceId: string): Promise<void> {
    const call = this.call;
    if (!call) return;
    this.inputId = deviceId;
    await this.run('device', () => call.setInputDevice(deviceId));
  }

  async setOutput(deviceId: string): Promise<void> {
    const call = this.call;
    if (!call) return;
    this.outputId = deviceId;
    await this.run('device', () => call.setOutputDevice(deviceId));
  }

  /** Whether this user may see the record button (an agent; the server has the last word). */
  get canRecord(): boolean {
    return this.clients.client?.user?.role === 'agent';
  }

  /** Starts recording, or stops it (or withdraws a request waiting for consent). */
  async toggleRecording(): Promise<void> {
    const call = this.call;
    if (!call) return;
    const status = call.recording?.status;
    await this.run('recording', () =>
      status === 'recording' || status === 'consent-pending'
        ? call.stopRecording()
        : call.startRecording(),
    );
  }

  /** The answer to "may this call be recorded?". */
  async answerConsent(accept: boolean): Promise<void> {
    const call = this.call;
    if (!call) return;
    await this.run('recording', () => call.answerRecordingConsent(accept));
  }

  // #region video
  /** The call's video snapshot (what is sent and received). */
  get video() {
    return this.snapshot()?.video;
  }
  // #endregion

  async startAudio(): Promise<void> {
    const call = this.call;
    if (!call) return;
    await this.run('audio', () => call.startAudio());
  }

  private snapshot() {
    const client = this.clients.client;
    const id = this.call?.id;
    if (!client || !id) return undefined;
    const active = client.getSnapshot().activeCall;
    return active?.id === id ? active : undefined;
  }

  private follow(call: Call | undefined): void {
    for (const off of this.offCall) off();
    this.offCall = [];
    this.offDevices?.();
    this.offDevices = undefined;
    this.followed = call;
    if (!call) return;
    const update = () => this.host.requestUpdate();
    this.offCall = [
      call.on('qualityChanged', update),
      call.on('audioBlockedChanged', update),
      call.on('mediaReconnecting', update),
      call.on('mediaReconnected', update),
      call.on('recordingChanged', update),
      call.on('mutedChanged', () => {
        this.host.dispatchEvent(new SynapseMuteChangeEvent({ callId: call.id, muted: call.muted }));
        update();
      }),
      call.on('stateChanged', () => {
        if (call.state === 'active') void this.refreshDevices();
        update();
      }),
    ];
    this.offDevices = onDevicesChanged((devices) => {
      this.devices = devices;
      update();
    });
    void this.refreshDevices();
  }

  private async refreshDevices(): Promise<void> {
    this.devices = await listDevices();
    this.host.requestUpdate();
  }

  /**
   * Runs a user's action: a failure becomes `synapse-call-error` (with `action`), and the panel
   * renders again either way. Public for the lazily loaded video controls.
   */
  async run(action: string, fn: () => Promise<void> | void): Promise<void> {
    try {
      await fn();
    } catch (error) {
      this.host.dispatchEvent(SynapseCallErrorEvent.from(error, action));
    } finally {
      this.host.requestUpdate();
    }
  }
}
