// Generated from custom-elements.json by scripts/react-types.mjs (npm run react-types): do not
// edit. The entry `@synapse-calling/elements/react`: at run time the package's main entry (it
// defines the tags), in types also every tag in React's JSX with its attributes, properties and
// `onsynapse-*` events. Needs @types/react 18.3 or later (`React.JSX`); React 19 passes
// `on<event>` props to addEventListener and object props as properties.
import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type {
  SynapseActiveCall,
  SynapseCallAcceptEvent,
  SynapseCallButton,
  SynapseCallDeclineEvent,
  SynapseCallEndEvent,
  SynapseCallErrorEvent,
  SynapseCallHistory,
  SynapseCallStartEvent,
  SynapseCallStateEvent,
  SynapseCalling,
  SynapseConnectionChangeEvent,
  SynapseHistoryLoadEvent,
  SynapseIncomingCall,
  SynapseLineStatus,
  SynapseMuteChangeEvent,
  SynapsePresence,
  SynapseRingtoneChangeEvent,
  SynapseTransferControls,
  SynapseVideoStage,
} from './index';

export * from './index';

/** What React accepts on any HTML element, with `ref` typed for the element's class. */
type ElementProps<E extends HTMLElement> = DetailedHTMLProps<HTMLAttributes<E>, E>;

/** `<synapse-active-call>`: Panel for the call in progress. */
export interface SynapseActiveCallProps extends ElementProps<SynapseActiveCall> {
  /** Renders in the document flow instead of as a floating panel in the corner. */
  inline?: boolean | undefined;
  /** Hides the microphone and speaker pickers. */
  'no-devices'?: boolean | undefined;
  /** Hides the record button (agents see it by default). The recording notice always shows. */
  'no-record'?: boolean | undefined;
  /**
   * A client to use instead of the nearest `<synapse-calling>`'s or the page default.
   * (A property: pass the value itself, not a string.)
   */
  client?: SynapseActiveCall['client'] | undefined;
  /** The call changed state. */
  'onsynapse-call-state'?: ((event: SynapseCallStateEvent) => void) | undefined;
  /** The user pressed End. */
  'onsynapse-call-end'?: ((event: SynapseCallEndEvent) => void) | undefined;
  /** The microphone was muted or unmuted. */
  'onsynapse-mute-change'?: ((event: SynapseMuteChangeEvent) => void) | undefined;
  /** Muting, ending, picking a device, starting audio or recording failed (`detail.action` is `recording` for the latter). */
  'onsynapse-call-error'?: ((event: SynapseCallErrorEvent) => void) | undefined;
}

/** `<synapse-call-button>`: Call one person; shows their presence and the call's progress. */
export interface SynapseCallButtonProps extends ElementProps<SynapseCallButton> {
  /** Id of the person to call. */
  'user-id'?: string | undefined;
  /** Id of a support line to call instead of a person (docs/lines.md); the server picks the agent. */
  line?: string | undefined;
  /** Their display name, used in labels ("Call Alex"); defaults to the user id (a line: its name). */
  name?: string | undefined;
  /**
   * JSON metadata sent with the call (a CRM record id, a subject).
   * (A property: pass the value itself, not a string.)
   */
  metadata?: SynapseCallButton['metadata'] | undefined;
  /**
   * A client to use instead of the nearest `<synapse-calling>`'s or the page default.
   * (A property: pass the value itself, not a string.)
   */
  client?: SynapseCallButton['client'] | undefined;
  /** Before the call is placed; cancelable (`preventDefault()` vetoes it). */
  'onsynapse-call-start'?: ((event: SynapseCallStartEvent) => void) | undefined;
  /** When the call with this person changes state. */
  'onsynapse-call-state'?: ((event: SynapseCallStateEvent) => void) | undefined;
  /** When the user cancels or hangs up with this button. */
  'onsynapse-call-end'?: ((event: SynapseCallEndEvent) => void) | undefined;
  /** When placing, answering or ending the call fails. */
  'onsynapse-call-error'?: ((event: SynapseCallErrorEvent) => void) | undefined;
}

/** `<synapse-call-history>`: Recent calls with call back and paging. */
export interface SynapseCallHistoryProps extends ElementProps<SynapseCallHistory> {
  /** Calls per page. */
  limit?: number | undefined;
  /** Hides the "Recent calls" heading. */
  'no-title'?: boolean | undefined;
  /**
   * A client to use instead of the nearest `<synapse-calling>`'s or the page default.
   * (A property: pass the value itself, not a string.)
   */
  client?: SynapseCallHistory['client'] | undefined;
  /** A page has loaded (`detail.count`, `detail.hasMore`). */
  'onsynapse-history-load'?: ((event: SynapseHistoryLoadEvent) => void) | undefined;
  /** Loading failed (`detail.action` is `history`; `recording` for a recording), or a call back failed. */
  'onsynapse-call-error'?: ((event: SynapseCallErrorEvent) => void) | undefined;
  /** From a call-back button; cancelable. */
  'onsynapse-call-start'?: ((event: SynapseCallStartEvent) => void) | undefined;
  /** From a call-back button. */
  'onsynapse-call-state'?: ((event: SynapseCallStateEvent) => void) | undefined;
}

/** `<synapse-calling>`: Connects to Synapse Calling and provides the client to the elements inside. */
export interface SynapseCallingProps extends ElementProps<SynapseCalling> {
  /** Base URL of the Synapse server (`https://calls.example.com`); default: the page's origin. */
  server?: string | undefined;
  /** A JWT for the signed-in user. Prefer `token-url` for sessions longer than the token. */
  token?: string | undefined;
  /**
   * A URL of the host app's backend that returns a fresh token (JSON `{ "token": "…" }` or plain
   * text); fetched with `credentials: 'include'` on connect, before reconnects and before expiry.
   */
  'token-url'?: string | undefined;
  /** Leaves out the built-in incoming-call prompt and active-call panel. */
  'no-call-ui'?: boolean | undefined;
  /**
   * The built-in incoming-call prompt also shows a system notification for calls that ring while
   * the tab is hidden or unfocused (`<synapse-incoming-call notify>`).
   */
  notify?: boolean | undefined;
  /**
   * The client in use. Set it to use a client the page created (`createClient`) instead of the
   * attributes; the page then connects and disconnects it.
   * (A property: pass the value itself, not a string.)
   */
  client?: SynapseCalling['client'] | undefined;
  /** The client's connection state changed (`detail.state`). */
  'onsynapse-connection-change'?: ((event: SynapseConnectionChangeEvent) => void) | undefined;
  /** Connecting failed or the client reported an error (`detail.action` is `connect`). */
  'onsynapse-call-error'?: ((event: SynapseCallErrorEvent) => void) | undefined;
}

/** `<synapse-incoming-call>`: Incoming call prompt with ringtone, accept and decline. */
export interface SynapseIncomingCallProps extends ElementProps<SynapseIncomingCall> {
  /** Mutes the ringtone (toggled by the mute button and the M key). */
  'ringtone-muted'?: boolean | undefined;
  /** Never plays a ringtone (the host page rings some other way). */
  'no-ringtone'?: boolean | undefined;
  /** Renders in the document flow instead of as a floating card in the corner. */
  inline?: boolean | undefined;
  /**
   * Shows a system notification when a call rings while the tab is hidden or unfocused (after
   * the user turned notifications on from the explanation this element shows).
   */
  notify?: boolean | undefined;
  /** Leaves the tab's title and icon alone while a call rings. */
  'no-tab-badge'?: boolean | undefined;
  /**
   * A client to use instead of the nearest `<synapse-calling>`'s or the page default.
   * (A property: pass the value itself, not a string.)
   */
  client?: SynapseIncomingCall['client'] | undefined;
  /** The user accepted the call. */
  'onsynapse-call-accept'?: ((event: SynapseCallAcceptEvent) => void) | undefined;
  /** The user declined the call. */
  'onsynapse-call-decline'?: ((event: SynapseCallDeclineEvent) => void) | undefined;
  /** The shown call changed state. */
  'onsynapse-call-state'?: ((event: SynapseCallStateEvent) => void) | undefined;
  /** Accepting or declining failed. */
  'onsynapse-call-error'?: ((event: SynapseCallErrorEvent) => void) | undefined;
  /** The ringtone started or stopped (`detail.ringing`). */
  'onsynapse-ringtone-change'?: ((event: SynapseRingtoneChangeEvent) => void) | undefined;
}

/** `<synapse-line-status>`: A support line's queue and the agent's "taking calls" switch. */
export interface SynapseLineStatusProps extends ElementProps<SynapseLineStatus> {
  /** Id of the line (`support`). */
  line?: string | undefined;
  /** (A property: pass the value itself, not a string.) */
  hidden?: SynapseLineStatus['hidden'] | undefined;
  /**
   * A client to use instead of the nearest `<synapse-calling>`'s or the page default.
   * (A property: pass the value itself, not a string.)
   */
  client?: SynapseLineStatus['client'] | undefined;
  /** The switch could not be flipped (`action: 'taking-calls'`). */
  'onsynapse-call-error'?: ((event: SynapseCallErrorEvent) => void) | undefined;
}

/** `<synapse-presence>`: Presence dot and label for one user. */
export interface SynapsePresenceProps extends ElementProps<SynapsePresence> {
  /** Id of the user whose presence to show. */
  'user-id'?: string | undefined;
  /** Shows only the dot; the texts stay available to screen readers. */
  compact?: boolean | undefined;
  /**
   * A client to use instead of the nearest `<synapse-calling>`'s or the page default.
   * (A property: pass the value itself, not a string.)
   */
  client?: SynapsePresence['client'] | undefined;
}

/** `<synapse-transfer-controls>`: Transfer controls of the call in progress. */
export interface SynapseTransferControlsProps extends ElementProps<SynapseTransferControls> {
  /**
   * The call and who looks at it; setting it re-renders.
   * (A property: pass the value itself, not a string.)
   */
  view?: SynapseTransferControls['view'] | undefined;
  /** (A property: pass the value itself, not a string.) */
  innerHTML?: SynapseTransferControls['innerHTML'] | undefined;
}

/** `<synapse-video-stage>`: The video layout of a call. */
export interface SynapseVideoStageProps extends ElementProps<SynapseVideoStage> {
  /**
   * Told when switching cameras or full screen fails (the panel fires `synapse-call-error`).
   * (A property: pass the value itself, not a string.)
   */
  onError?: SynapseVideoStage['onError'] | undefined;
  /**
   * The call whose video is shown.
   * (A property: pass the value itself, not a string.)
   */
  call?: SynapseVideoStage['call'] | undefined;
  /**
   * The call's video snapshot; setting a new one re-renders.
   * (A property: pass the value itself, not a string.)
   */
  video?: SynapseVideoStage['video'] | undefined;
  /** (A property: pass the value itself, not a string.) */
  innerHTML?: SynapseVideoStage['innerHTML'] | undefined;
}

declare module 'react' {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- React declares JSX as a namespace
  namespace JSX {
    interface IntrinsicElements {
      'synapse-active-call': SynapseActiveCallProps;
      'synapse-call-button': SynapseCallButtonProps;
      'synapse-call-history': SynapseCallHistoryProps;
      'synapse-calling': SynapseCallingProps;
      'synapse-incoming-call': SynapseIncomingCallProps;
      'synapse-line-status': SynapseLineStatusProps;
      'synapse-presence': SynapsePresenceProps;
      'synapse-transfer-controls': SynapseTransferControlsProps;
      'synapse-video-stage': SynapseVideoStageProps;
    }
  }
}
