import { readFileSync } from 'node:fs';
import { z } from 'zod';
import {
  LIMITS,
  LINE_STRATEGIES,
  WEEKDAYS,
  type Line,
  type LineSettings,
} from '@synapse-calling/protocol';
import { describeIssues } from '@synapse-calling/protocol/schemas';

/** Defaults of `LineSettings` (docs/lines.md). */
export const LINE_DEFAULTS = {
  strategy: 'longest-idle',
  agentRingTimeoutMs: 15_000,
  maxWaitMs: 300_000,
  maxQueueLength: 20,
} as const;

/** Most members of one line, and most lines of one tenant. */
export const LINE_LIMITS = { maxMembers: 500, maxLinesPerTenant: 100 } as const;

const id = z.string().min(1).max(LIMITS.maxIdLength);
const range = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$/, 'ranges look like "09:00-17:30"')
  .refine((r) => r.slice(0, 5) < r.slice(6), 'a range must end after it starts');

const timeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'unknown time zone');

const businessHours = z.object({
  timeZone,
  days: z.partialRecord(z.enum(WEEKDAYS), z.array(range).max(8)),
});

/** One line's settings as a host sends them (options, JSON file, admin API). */
export const lineSettingsSchema = z.object({
  name: z.string().min(1).max(200).exactOptional(),
  strategy: z.enum(LINE_STRATEGIES).exactOptional(),
  agentRingTimeoutMs: z.number().int().min(1_000).max(600_000).exactOptional(),
  maxWaitMs: z.number().int().min(1_000).max(86_400_000).exactOptional(),
  maxQueueLength: z.number().int().min(0).max(10_000).exactOptional(),
  businessHours: businessHours.nullable().exactOptional(),
  closedMessage: z.string().max(500).nullable().exactOptional(),
  members: z.array(id).max(LINE_LIMITS.maxMembers).exactOptional(),
});

export const lineIdSchema = id;

/**
 * The `lines` server option and the standalone server's lines file: per tenant, per line id,
 * its settings.
 *
 * @example
 * { "acme": { "support": { "name": "Support", "members": ["alice", "bob", "carol"] } } }
 */
export type LinesConfig = Record<string, Record<string, LineSettings>>;

export const linesConfigSchema = z.record(id, z.record(id, lineSettingsSchema));

/**
 * Reads the standalone server's lines file (`SYNAPSE_LINES_FILE`): JSON in the shape of
 * `LinesConfig`. Throws an Error naming the problem (unreadable, not JSON, or invalid).
 */
export function readLinesFile(path: string): LinesConfig {
  const parsed = linesConfigSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new Error(describeIssues(parsed.error));
  return parsed.data;
}

/** The line with every unset setting at its default. */
export function resolveLine(lineId: string, settings: LineSettings, base?: Line): Line {
  return {
    id: lineId,
    name: settings.name ?? base?.name ?? lineId,
    strategy: settings.strategy ?? base?.strategy ?? LINE_DEFAULTS.strategy,
    agentRingTimeoutMs:
      settings.agentRingTimeoutMs ?? base?.agentRingTimeoutMs ?? LINE_DEFAULTS.agentRingTimeoutMs,
    maxWaitMs: settings.maxWaitMs ?? base?.maxWaitMs ?? LINE_DEFAULTS.maxWaitMs,
    maxQueueLength: settings.maxQueueLength ?? base?.maxQueueLength ?? LINE_DEFAULTS.maxQueueLength,
    businessHours:
      settings.businessHours === undefined ? (base?.businessHours ?? null) : settings.businessHours,
    closedMessage:
      settings.closedMessage === undefined ? (base?.closedMessage ?? null) : settings.closedMessage,
    members: [...new Set(settings.members ?? base?.members ?? [])],
  };
}
