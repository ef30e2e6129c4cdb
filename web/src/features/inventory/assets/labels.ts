import type { AssetStatus, Attachment, CustomField, LifecycleState, PlaceType } from './types';

export const STATUS_LABELS: Record<AssetStatus, string> = {
  available: 'Disponível',
  in_use: 'Em uso',
  on_loan: 'Emprestado',
  in_maintenance: 'Em manutenção',
  missing: 'Desaparecido',
  lost: 'Perdido',
  disposed: 'Baixado',
};

export const STATUS_TONES: Record<AssetStatus, 'green' | 'red' | 'amber' | 'zinc' | 'blue'> = {
  available: 'green',
  in_use: 'blue',
  on_loan: 'amber',
  in_maintenance: 'amber',
  missing: 'red',
  lost: 'red',
  disposed: 'zinc',
};

/** What a person sets by editing an asset; the other statuses come from loans, maintenance and audits. */
export const EDITABLE_STATUSES: readonly AssetStatus[] = ['available', 'in_use', 'disposed'];

export const LIFECYCLE_LABELS: Record<LifecycleState, string> = {
  ordered: 'Encomendado',
  in_service: 'Em serviço',
  retired: 'Aposentado',
  disposed: 'Descartado',
};

export const PLACE_TYPE_LABELS: Record<PlaceType, string> = { unit: 'Unidade', building: 'Prédio', floor: 'Andar', room: 'Sala' };

export const ATTACHMENT_KIND_LABELS: Record<Attachment['kind'], string> = {
  photo: 'Foto',
  invoice: 'Nota fiscal',
  manual: 'Manual',
  other: 'Outro',
};

export const FIELD_TYPE_LABELS: Record<CustomField['type'], string> = {
  text: 'Texto',
  number: 'Número',
  date: 'Data',
  boolean: 'Sim/não',
  select: 'Lista de opções',
};

const reais = new Intl.NumberFormat('pt-BR', { style: 'currency', currency: 'BRL' });
/** Cents as reais ("R$ 1.234,56"), or a dash. */
export const formatValue = (cents: number | null) => (cents === null ? '—' : reais.format(cents / 100));

/** A date of the form AAAA-MM-DD as DD/MM/AAAA. */
export const formatDay = (day: string | null) => (day ? day.split('-').reverse().join('/') : '—');
