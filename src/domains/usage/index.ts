// What other domains may use of the usage domain.
export { meterTenantLlmCall, type TenantLlmCall } from './system-usage';
