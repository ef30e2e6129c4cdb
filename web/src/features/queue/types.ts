import type { RouterOutputs } from '../../lib/trpc';

export type Unit = RouterOutputs['queue']['units']['list'][number];
export type QueueService = RouterOutputs['queue']['services']['list'][number];
export type Desk = RouterOutputs['queue']['desks']['list'][number];
export type Priority = RouterOutputs['queue']['priorities']['list'][number];
export type Ticket = RouterOutputs['queue']['panel']['overview']['next'][number];
export type QueueStats = RouterOutputs['queue']['stats'];
