// The SDK's helpers, so that elements and SDK agree on what a device is.
export {
  listAudioDevices as listDevices,
  onDevicesChanged,
  outputSelectionSupported,
  type AudioDevice as Device,
  type AudioDevices as Devices,
} from '@synapse-calling/sdk-core';
