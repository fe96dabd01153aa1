import type { AudioDevice } from '@synapse-calling/sdk-core';

declare function render(inputs: AudioDevice[], outputs: AudioDevice[]): void; // your UI

// #region devices
import {
  listAudioDevices,
  onDevicesChanged,
  outputSelectionSupported,
} from '@synapse-calling/sdk-core';
const { inputs, outputs } = await listAudioDevices(); // labels need prior mic permission
const stop = onDevicesChanged(({ inputs, outputs }) => render(inputs, outputs));
if (!outputSelectionSupported()) console.log('this browser plays calls on its default output');
// #endregion devices

render(inputs, outputs);
export { stop };
