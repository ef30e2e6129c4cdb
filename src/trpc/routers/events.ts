import { tracked } from '@trpc/server';
import { z } from 'zod';
import { DomainError } from '../../platform/errors';
import type { AppEvent, EventType, StreamedEvent } from '../../platform/events/catalog';
import { streamFailure, streamTenantEvents } from '../../platform/events/stream';
import { platformPermissions as can } from '../../platform/platform-permissions';
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

export const eventsRouter = router({
  /**
   * The caller's tenant's events, live, as `tracked(id, event)`. Reconnecting with the last id
   * replays what was missed. Each event reaches the viewer only while their role holds its type's
   * read permission. The stream ends with UNAUTHORIZED when the access token expires, its session
   * ends or the user is deactivated, so no tenant data reaches a connection that lost its right to it.
   */
  stream: permittedProcedure(can['events.read'])
    .input(streamInput)
    .subscription(async function* ({ ctx, input, signal }) {
      const types = knownEventTypes(ctx.services.catalogue.eventTypes, input.types);
      const stop = new AbortController();
      let endedBy: DomainError | undefined;
      const end = (error: DomainError) => {
        endedBy ??= error;
        stop.abort();
      };
      const onClientGone = () => stop.abort();
      signal?.addEventListener('abort', onClientGone, { once: true });
      const stopRevocation = ctx.services.directory.onUserRevoked(ctx.user.userId, () =>
        end(new DomainError('UNAUTHORIZED', 'USER_INACTIVE', 'Usuário desativado')),
      );
      const stopSessionRevocation = ctx.services.directory.onSessionRevoked(ctx.claims.sessionId, () =>
        end(new DomainError('UNAUTHORIZED', 'SESSION_REVOKED', 'Sessão encerrada; entre novamente')),
      );
      // Over a WebSocket the socket itself closes at expiry (4401), and the client resumes on a new one.
      const expiry = ctx.live
        ? undefined
        : setTimeout(
            () => end(new DomainError('UNAUTHORIZED', 'TOKEN_EXPIRED', 'Sessão expirada; renove o token de acesso')),
            Math.max(0, ctx.claims.expiresAt.getTime() - Date.now()),
          );
      try {
        const events = streamTenantEvents({
          db: ctx.services.db,
          hub: ctx.services.hub,
          tenantId: ctx.tenant.id,
          lastEventId: input.lastEventId ?? undefined,
          types,
          signal: stop.signal,
        });
        // What the viewer may receive follows their role: built now, and again whenever an event
        // changes their user or role, so a permission taken away stops events at once.
        const audienceFor = (permissions: ReadonlySet<string>, roleId: string) =>
          ctx.services.catalogue.eventAudience(ctx.services.db, { tenantId: ctx.tenant.id, userId: ctx.user.userId, roleId, permissions });
        let roleId = ctx.user.role.id;
        let mayReceive = await audienceFor(ctx.user.permissions, roleId);
        try {
          for await (const event of events) {
            if (endedBy) break;
            if (changesAccessOf(event, ctx.user.userId, roleId)) {
              const access = await ctx.services.directory.userAccess(ctx.tenant.id, ctx.user.userId);
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
            if (!(await mayReceive(event))) continue;
            yield tracked(event.id, event as StreamedEvent);
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
    }),
});
