/**
 * Support lines (queues): a tenant-scoped, named group of agents that customers call as one
 * (`initiate-call { toLine }`); the server picks the agent. Added to protocol v1 without a version
 * bump: older servers refuse `toLine` as an invalid payload, older clients never send it.
 * docs/lines.md explains strategies and the admin API.
 */

export const LINE_STRATEGIES = ['longest-idle', 'round-robin', 'ring-all'] as const;
/**
 * How a line picks the agent to ring: the one idle longest since their last call (default), the
 * next one after the agent rung last, or every available agent at once (the first to accept
 * answers).
 */
export type LineStrategy = (typeof LINE_STRATEGIES)[number];

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/**
 * Opening hours in a time zone: per weekday, ranges `"HH:MM-HH:MM"` of local time (end
 * exclusive). A weekday that is absent or empty is closed all day.
 */
export interface BusinessHours {
  /** IANA time zone, e.g. `Europe/Berlin`. */
  timeZone: string;
  days: Partial<Record<Weekday, string[]>>;
}

/** What a host may set on a line; every field has a default (see `Line`). */
export interface LineSettings {
  /** Display name (`"Support"`); default: the line id. */
  name?: string;
  /** Default `longest-idle`. */
  strategy?: LineStrategy;
  /** How long one agent rings before the next is tried, ms. Default 15,000. */
  agentRingTimeoutMs?: number;
  /** How long a call may ring and wait in total before it ends `missed`, ms. Default 300,000. */
  maxWaitMs?: number;
  /** Most calls waiting for an agent at once; further callers are refused `busy`. Default 20. */
  maxQueueLength?: number;
  /** Unset: always open. */
  businessHours?: BusinessHours | null;
  /** Shown to callers while the line is closed. */
  closedMessage?: string | null;
  /** User ids of the agents who answer the line (same tenant). */
  members?: string[];
}

/** A line as the server keeps it and the admin API returns it. */
export interface Line {
  id: string;
  name: string;
  strategy: LineStrategy;
  agentRingTimeoutMs: number;
  maxWaitMs: number;
  maxQueueLength: number;
  businessHours: BusinessHours | null;
  closedMessage: string | null;
  members: string[];
}

/**
 * `GET /api/lines/:id/status`: what any user of the tenant may know about a line. Counts only,
 * never which agents.
 */
export interface LineStatus {
  id: string;
  name: string;
  open: boolean;
  /** While closed: the line's closed message, if it has one. */
  closedMessage?: string;
  /** While closed: when it opens next, in the line's time zone (`{ day: 'mon', time: '09:00' }`). */
  opensAt?: { day: Weekday; time: string };
  /** Agents who would be rung now. */
  agentsAvailable: number;
  /** Calls waiting for an agent (not those ringing one). */
  waiting: number;
  /**
   * While open with no agent available: how long a new caller would likely wait, from the
   * line's recent answer times (null while there are none).
   */
  expectedWaitMs?: number | null;
}

/** A call waiting in a line's queue, as the line's agents see it. */
export interface WaitingLineCall {
  callId: string;
  /** The caller, as the agent who answers sees them when it rings. */
  from: { id: string; name: string };
  /** When the caller called (epoch ms): how long they have waited. */
  since: number;
}

/**
 * `GET /api/lines/:id/agent-status`: what a member agent sees of their line — the status anyone
 * of the tenant sees, their own "taking calls" switch, and the calls waiting. Members only (to
 * anyone else the line does not exist), so customers never learn who waits. Added in v1.
 */
export interface AgentLineStatus extends LineStatus {
  /** This agent takes the line's calls (`PUT /api/lines/:id/taking-calls`). */
  takingCalls: boolean;
  /** The calls waiting for an agent, first in line first (`waiting` counts them). */
  calls: WaitingLineCall[];
}

/** `GET /api/lines/:id/agent-status` → this. */
export interface AgentLineStatusResponse {
  status: AgentLineStatus;
}

/** `GET /api/admin/lines` → this. */
export interface LineListResponse {
  lines: Line[];
}
/** `GET|PUT /api/admin/lines/:id` and `PUT /api/admin/lines/:id/members` → this. */
export interface LineResponse {
  line: Line;
}
/** `GET /api/lines/:id/status` → this. */
export interface LineStatusResponse {
  status: LineStatus;
}
/** `PUT /api/lines/:id/taking-calls` body; an agent pauses or resumes taking the line's calls. */
export interface TakingCallsBody {
  takingCalls: boolean;
}
/** `GET /api/lines/mine` → this: the lines the agent is a member of, and their own toggle. */
export interface MyLinesResponse {
  lines: Array<{ id: string; name: string; takingCalls: boolean }>;
}

/**
 * `queue-position` (server → caller): the caller's line call waits for an agent; sent when it
 * starts waiting and whenever its place changes. Added in v1; older clients ignore it.
 */
export interface QueuePositionPayload {
  callId: string;
  line: string;
  /** 1 for the next call an agent will get. */
  position: number;
  /** From the line's recent answer times; null while there are none to go by. */
  expectedWaitMs: number | null;
}
