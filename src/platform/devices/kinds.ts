import type { TenantTransaction } from '../../db/tenant-scope';
import type { EventType } from '../events/catalog';

/** A scope a device of some kind may carry, as its domain declares it. */
export interface DeviceScope {
  key: string;
  description: string;
}

/**
 * A kind of device a domain declares in its manifest (a queue's kiosk, a display, an inventory
 * agent): the scopes it may be given, whether it is bound to one resource, the live events it
 * may receive and any extra header its seed names for its token (such as `X-Agent-Token`).
 */
export interface DeviceKind {
  key: string;
  label: string;
  scopes: readonly DeviceScope[];
  resource?:
    | {
        required: boolean;
        label: string;
        /** Whether the tenant has this resource (a unit, say): a device is never bound to one that does not exist. */
        exists?: ((trx: TenantTransaction, resourceId: string) => Promise<boolean>) | undefined;
      }
    | undefined;
  eventTypes?: readonly EventType[] | undefined;
  tokenHeaders?: readonly string[] | undefined;
}

const KIND_KEY = /^[a-z][a-z0-9_.-]{0,49}$/;
const HEADER_NAME = /^[a-z][a-z0-9-]{0,63}$/;

/** Every declared device kind, by key; tests register a kind of their own. */
export class DeviceKindCatalogue {
  readonly #kinds = new Map<string, DeviceKind>();
  /** Read on every device call: kept until a kind is registered. */
  #tokenHeaders: string[] | undefined;

  constructor(kinds: readonly DeviceKind[] = []) {
    for (const kind of kinds) this.register(kind);
  }

  register(kind: DeviceKind): void {
    if (!KIND_KEY.test(kind.key)) throw new Error(`Device kind "${kind.key}" is not a valid key`);
    if (this.#kinds.has(kind.key)) throw new Error(`Two domains declare the device kind "${kind.key}"`);
    for (const header of kind.tokenHeaders ?? []) {
      if (!HEADER_NAME.test(header.toLowerCase())) throw new Error(`Device kind "${kind.key}": invalid header "${header}"`);
    }
    this.#kinds.set(kind.key, kind);
    this.#tokenHeaders = undefined;
  }

  get(key: string): DeviceKind | undefined {
    return this.#kinds.get(key);
  }

  all(): DeviceKind[] {
    return [...this.#kinds.values()];
  }

  /** Lower-cased names of the headers that may carry a device token, besides Authorization. */
  tokenHeaders(): readonly string[] {
    this.#tokenHeaders ??= [...new Set(this.all().flatMap((kind) => (kind.tokenHeaders ?? []).map((header) => header.toLowerCase())))];
    return this.#tokenHeaders;
  }
}
