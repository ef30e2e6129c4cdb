import type { Option } from '../../../ui/Field';
import { PLACE_TYPE_LABELS } from './labels';
import type { Category, Place } from './types';

const indent = (depth: number) => '\u00a0\u00a0\u00a0'.repeat(depth);

/** The category tree as select options, indented under their parents (the list comes depth-first). */
export const categoryOptions = (categories: readonly Category[] | undefined, none: string): Option[] => [
  { value: '', label: none },
  ...(categories ?? []).map((category) => ({ value: category.id, label: `${indent(category.depth)}${category.name}` })),
];

/** The place tree as select options, each with its type and code. */
export const placeOptions = (places: readonly Place[] | undefined, none: string): Option[] => [
  { value: '', label: none },
  ...(places ?? []).map((place) => ({
    value: place.id,
    label: `${indent(place.depth)}${place.name} (${PLACE_TYPE_LABELS[place.type].toLowerCase()} ${place.code})`,
  })),
];
