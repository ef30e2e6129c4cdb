import type { RouterInputs, RouterOutputs } from '../../../lib/trpc';

export type MovementView = RouterOutputs['inventory']['movements']['get'];
export type MovementListItem = RouterOutputs['inventory']['movements']['list']['items'][number];
export type MovementType = MovementView['type'];
export type MovementStatus = MovementView['status'];
export type MovementAction = MovementView['actions'][number];
export type MovementTerm = MovementView['terms'][number];
export type LoanListItem = RouterOutputs['inventory']['loans']['list']['items'][number];
export type LoanView = Exclude<RouterInputs['inventory']['loans']['list'], void | undefined>['view'] & string;
