import { tracked } from '@trpc/server';
import { z } from 'zod';
import { DomainError } from '../../platform/errors';
import type { UserAccess } from '../../platform/auth/principals';
import type { AppEvent, EventType, StreamedEvent } from '../../platform/events/catalog';
import { streamFailure, streamTenantEventBatches } from '../../platform/events/stream';
import { eventGroup, jsonOnce } from '../../platform/events/wire-json';
import { platformPermissions as can } from '../../platform/platform-permissions';
import type { Services } from '../../platform/services';
import { router } from '../init';
import { permittedProcedure } from '../procedures';

const streamInput = z
  .strictObject({
    lastEventId: z
      .string()
      .regex(/^\d{1,19}$/, 'lastEventId inválido')
      .nullish(),
    types: z.array(z.string().min(1).max(100)).max(100).optional(),
  })
  .default({});

/** The requested types, each one a type some domain declares; an unknown one is refused before the stream opens. */
function knownEventTypes(declared: readonly EventType[], requested: readonly string[] | undefined): EventType[] | undefined {
  if (!requested) return undefined;
  const unknown = requested.filter((type) => !(declared as readonly string[]).includes(type));
  if (unknown.length > 0) {
    throw new DomainError('BAD_REQUEST', 'UNKNOWN_EVENT_TYPE', `Tipo de evento desconhecido: ${unknown.slice(0, 5).join(', ')}`, {
      unknown,
    });
  }
  return requested as EventType[];
}

/** Events after which a viewer's user or role may no longer be what the stream was built for. */
function changesAccessOf(event: AppEvent, userId: string, roleId: string): boolean {
  switch (event.type) {
    case 'user.updated':
      return event.data.userId === userId;
    case 'role.updated':
      return event.data.roleId === roleId;
    default:
      return false;
  }
}

/** The most events one grouped frame carries (a long replay is sent in several). */
const GROUP_MAX_EVENTS = 200;

/** Who is watching, as the subscription's context established it. */
interface Viewer {
  services: Services;
  user: UserAccess;
  sessionId: string;
  expiresAt: Date;
  /** Over a WebSocket the socket itself closes at expiry (4401), and the client resumes on a new one. */
  overWebSocket: boolean;
}

/**
 * The caller's tenant's events as they arrive (a batch at a time), each one checked against the
 * viewer's access, handed to `frames` to become what the subscription yields. Each event reaches
 * the viewer only while their role holds its type's read permission. The stream ends with
 * UNAUTHORIZED when the access token expires, its session ends or the user is deactivated, so no
 * tenant data reaches a connection that lost its right to it.
 */
async function* eventsForViewer<Frame>(
  viewer: Viewer,
  input: z.infer<typeof streamInput>,
  signal: AbortSignal | undefined,
  frames: (events: StreamedEvent[]) => Frame[],
): AsyncGenerator<Frame> {
  const { services, user } = viewer;
  const types = knownEventTypes(services.catalogue.eventTypes, input.types);
  const stop = new AbortController();
  let endedBy: DomainError | undefined;
  const end = (error: DomainError) => {
    endedBy ??= error;
    stop.abort();
  };
  const onClientGone = () => stop.abort();
  signal?.addEventListener('abort', onClientGone, { once: true });
  const stopRevocation = services.directory.onUserRevoked(user.userId, () =>
    end(new DomainError('UNAUTHORIZED', 'USER_INACTIVE', 'Usuário desativado')),
  );
  const stopSessionRevocation = services.directory.onSessionRevoked(viewer.sessionId, () =>
    end(new DomainError('UNAUTHORIZED', 'SESSION_REVOKED', 'Sessão encerrada; entre novamente')),
  );
  const expiry = viewer.overWebSocket
    ? undefined
    : setTimeout(
        () => end(new DomainError('UNAUTHORIZED', 'TOKEN_EXPIRED', 'Sessão expirada; renove o token de acesso')),
        Math.max(0, viewer.expiresAt.getTime() - Date.now()),
      );
  try {
    const batches = streamTenantEventBatches({
      db: services.db,
      hub: services.hub,
      tenantId: user.tenant.id,
      lastEventId: input.lastEventId ?? undefined,
      types,
      signal: stop.signal,
    });
    // What the viewer may receive follows their role: built now, and again whenever an event
    // changes their user or role, so a permission taken away stops events at once.
    const audienceFor = (permissions: ReadonlySet<string>, roleId: string) =>
      services.catalogue.eventAudience(services.db, { tenantId: user.tenant.id, userId: user.userId, roleId, permissions });
    let roleId = user.role.id;
    let mayReceive = await audienceFor(user.permissions, roleId);
    try {
      for await (const batch of batches) {
        const accepted: StreamedEvent[] = [];
        for (const event of batch) {
          if (endedBy) break;
          if (changesAccessOf(event, user.userId, roleId)) {
            const access = await services.directory.userAccess(user.tenant.id, user.userId);
            if (!access?.active) {
              end(new DomainError('UNAUTHORIZED', 'USER_INACTIVE', 'Usuário desativado'));
              break;
            }
            if (!access.permissions.has(can['events.read'])) {
              end(new DomainError('FORBIDDEN', 'PERMISSION_DENIED', `Seu papel não permite esta ação (${can['events.read']})`));
              break;
            }
            roleId = access.role.id;
            mayReceive = await audienceFor(access.permissions, roleId);
          }
          const verdict = mayReceive(event);
          if (typeof verdict === 'boolean' ? verdict : await verdict) accepted.push(event as StreamedEvent);
        }
        // Access lost while the batch was checked: none of it goes out.
        if (endedBy) break;
        for (const frame of accepted.length > 0 ? frames(accepted) : []) {
          if (endedBy) break;
          yield frame;
        }
      }
    } catch (error) {
      throw streamFailure(error);
    }
    if (endedBy) throw endedBy;
  } finally {
    clearTimeout(expiry);
    stopRevocation();
    stopSessionRevocation();
    signal?.removeEventListener('abort', onClientGone);
  }
}

const streamProcedure = permittedProcedure(can['events.read']).input(streamInput);

export const eventsRouter = router({
  /**
   * The caller's tenant's events, live, one `tracked(id, event)` per event. Reconnecting with the
   * last id replays what was missed.
   */
  stream: streamProcedure.subscription(({ ctx, input, signal }) =>
    eventsForViewer(
      {
        services: ctx.services,
        user: ctx.user,
        sessionId: ctx.claims.sessionId,
        expiresAt: ctx.claims.expiresAt,
        overWebSocket: !!ctx.live,
      },
      input,
      signal,
      (events) =>
        events.map((event) => {
          jsonOnce(event); // made once for all its subscribers, spliced into each frame (src/trpc/ws-encoder.ts)
          return tracked(event.id, event);
        }),
    ),
  ),
  /**
   * The same events, grouped: the events that are due to the viewer when a frame is sent travel
   * together as `tracked(idOfTheLastOne, { events })`, oldest first, up to 200 per frame. The id
   * resumes exactly as events.stream's: reconnecting with it replays what came after the group.
   * A busy stream costs one frame per batch instead of one per event (the dashboard uses this).
   */
  streamGrouped: streamProcedure.subscription(({ ctx, input, signal }) =>
    eventsForViewer(
      {
        services: ctx.services,
        user: ctx.user,
        sessionId: ctx.claims.sessionId,
        expiresAt: ctx.claims.expiresAt,
        overWebSocket: !!ctx.live,
      },
      input,
      signal,
      (events) => {
        const frames = [];
        for (let start = 0; start < events.length; start += GROUP_MAX_EVENTS) {
          const group = events.slice(start, start + GROUP_MAX_EVENTS);
          frames.push(tracked(group[group.length - 1]!.id, eventGroup(group)));
        }
        return frames;
      },
    ),
  ),
});
