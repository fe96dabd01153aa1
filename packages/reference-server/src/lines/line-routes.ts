import express, { type RequestHandler, type Response, type Router } from 'express';
import { z } from 'zod';
import type {
  AgentLineStatusResponse,
  PresenceStatus,
  LineListResponse,
  LineResponse,
  LineStatusResponse,
  MyLinesResponse,
  TransferTargetsResponse,
} from '@synapse-calling/protocol';
import { describeIssues } from '@synapse-calling/protocol/schemas';
import { identityOf, jsonBody, sendError } from '../http/rest';
import { LINE_LIMITS, lineIdSchema, lineSettingsSchema, resolveLine } from './line-config';
import type { LineRouter } from './line-router';
import type { LineStore } from './line-store';

export interface LineRoutesDeps {
  store: LineStore;
  router: Pick<LineRouter, 'status' | 'agentStatus' | 'dispatchTenant'>;
  /** Names and presence of the lines' agents (the transfer targets). */
  agents: {
    party(tenant: string, userId: string): Promise<{ name: string } | undefined>;
    status(tenant: string, userId: string): Promise<PresenceStatus>;
  };
  /** The REST authentication and per-user limits, shared with the other `/api` routes. */
  auth: RequestHandler;
}

const membersBody = z.object({ members: lineSettingsSchema.shape.members.unwrap() });
const takingCallsBody = z.object({ takingCalls: z.boolean() });

/** The line id of the path, or a 400 sent. */
function lineIdOf(id: unknown, res: Response): string | undefined {
  const parsed = lineIdSchema.safeParse(id);
  if (parsed.success) return parsed.data;
  sendError(res, 'invalid-payload', 'invalid line id');
  return undefined;
}

/**
 * The lines REST API (docs/lines.md): the admin routes (tokens with `admin: true`) manage the
 * tenant's lines and their members; every user of the tenant reads a line's status (counts
 * only); agents pause and resume the lines they are members of.
 */
export function lineRoutes(deps: LineRoutesDeps): Router {
  const { store, auth } = deps;
  const router = express.Router();
  const admin: RequestHandler = (_req, res, next) => {
    if (!identityOf(res).admin) return sendError(res, 'forbidden', 'an admin token is required');
    next();
  };

  router.get('/api/admin/lines', auth, admin, async (_req, res) => {
    const body: LineListResponse = { lines: await store.list(identityOf(res).tenant) };
    res.json(body);
  });

  router.get('/api/admin/lines/:lineId', auth, admin, async (req, res) => {
    const lineId = lineIdOf(req.params.lineId, res);
    if (lineId === undefined) return;
    const line = await store.get(identityOf(res).tenant, lineId);
    if (!line) return sendError(res, 'not-found', 'line not found');
    const body: LineResponse = { line };
    res.json(body);
  });

  router.put('/api/admin/lines/:lineId', auth, admin, jsonBody(), async (req, res) => {
    const lineId = lineIdOf(req.params.lineId, res);
    if (lineId === undefined) return;
    const settings = lineSettingsSchema.safeParse(req.body);
    if (!settings.success) return sendError(res, 'invalid-payload', describeIssues(settings.error));
    const { tenant } = identityOf(res);
    const existing = await store.list(tenant);
    if (
      !existing.some((l) => l.id === lineId) &&
      existing.length >= LINE_LIMITS.maxLinesPerTenant
    ) {
      return sendError(res, 'too-large', `at most ${LINE_LIMITS.maxLinesPerTenant} lines`);
    }
    // PUT replaces the line: settings left out take their defaults.
    const line = resolveLine(lineId, settings.data);
    await store.put(tenant, line);
    const body: LineResponse = { line };
    res.json(body);
  });

  router.put('/api/admin/lines/:lineId/members', auth, admin, jsonBody(), async (req, res) => {
    const lineId = lineIdOf(req.params.lineId, res);
    if (lineId === undefined) return;
    const parsed = membersBody.safeParse(req.body);
    if (!parsed.success) return sendError(res, 'invalid-payload', describeIssues(parsed.error));
    const { tenant } = identityOf(res);
    const current = await store.get(tenant, lineId);
    if (!current) return sendError(res, 'not-found', 'line not found');
    const line = resolveLine(lineId, { members: parsed.data.members }, current);
    await store.put(tenant, line);
    const body: LineResponse = { line };
    res.json(body);
  });

  router.delete('/api/admin/lines/:lineId', auth, admin, async (req, res) => {
    const lineId = lineIdOf(req.params.lineId, res);
    if (lineId === undefined) return;
    if (!(await store.remove(identityOf(res).tenant, lineId))) {
      return sendError(res, 'not-found', 'line not found');
    }
    res.status(204).end();
  });

  router.get('/api/lines/mine', auth, async (_req, res) => {
    const { tenant, userId } = identityOf(res);
    const mine = (await store.list(tenant)).filter((l) => l.members.includes(userId));
    const body: MyLinesResponse = {
      lines: await Promise.all(
        mine.map(async (l) => ({
          id: l.id,
          name: l.name,
          takingCalls: !(await store.paused(tenant, l.id)).has(userId),
        })),
      ),
    };
    res.json(body);
  });

  // Agents only: a customer must not learn who works the lines.
  router.get('/api/transfer-targets', auth, async (_req, res) => {
    const { tenant, userId, role } = identityOf(res);
    if (role !== 'agent') return sendError(res, 'forbidden', 'only agents transfer calls');
    const lines = await store.list(tenant);
    const ids = [...new Set(lines.flatMap((l) => l.members))].filter((id) => id !== userId);
    const agents = await Promise.all(
      ids.map(async (id) => {
        const [party, status] = await Promise.all([
          deps.agents.party(tenant, id),
          deps.agents.status(tenant, id),
        ]);
        return party && { id, name: party.name, status };
      }),
    );
    const body: TransferTargetsResponse = {
      agents: agents.filter((a) => a !== undefined),
      lines: await Promise.all(
        lines.map(async (l) => ({
          id: l.id,
          name: l.name,
          agentsAvailable: (await deps.router.status(tenant, l.id)).agentsAvailable,
        })),
      ),
    };
    res.json(body);
  });

  router.get('/api/lines/:lineId/status', auth, async (req, res) => {
    const lineId = lineIdOf(req.params.lineId, res);
    if (lineId === undefined) return;
    const body: LineStatusResponse = {
      status: await deps.router.status(identityOf(res).tenant, lineId),
    };
    res.json(body);
  });

  router.get('/api/lines/:lineId/agent-status', auth, async (req, res) => {
    const lineId = lineIdOf(req.params.lineId, res);
    if (lineId === undefined) return;
    const { tenant, userId } = identityOf(res);
    const line = await store.get(tenant, lineId);
    // Members only: to anyone else (customers above all) the line might as well not exist.
    if (!line?.members.includes(userId)) return sendError(res, 'not-found', 'line not found');
    const body: AgentLineStatusResponse = {
      status: await deps.router.agentStatus(tenant, lineId, userId),
    };
    res.json(body);
  });

  router.put('/api/lines/:lineId/taking-calls', auth, jsonBody(), async (req, res) => {
    const lineId = lineIdOf(req.params.lineId, res);
    if (lineId === undefined) return;
    const parsed = takingCallsBody.safeParse(req.body);
    if (!parsed.success) return sendError(res, 'invalid-payload', describeIssues(parsed.error));
    const { tenant, userId } = identityOf(res);
    const line = await store.get(tenant, lineId);
    // Only members have the switch; to others the line might as well not exist.
    if (!line?.members.includes(userId)) return sendError(res, 'not-found', 'line not found');
    await store.setTakingCalls(tenant, lineId, userId, parsed.data.takingCalls);
    // A resumed agent may take a waiting call at once rather than at the next sweep.
    if (parsed.data.takingCalls) await deps.router.dispatchTenant(tenant);
    res.json({ takingCalls: parsed.data.takingCalls });
  });

  return router;
}
