/** What other domains may use of identity: machine credentials on the platform's token mechanism. */
export { authenticateMachineToken, authenticateMachineTokens, createApiToken, revokeApiToken, type MachinePrincipal } from './api-tokens';
export { IdentityDirectory } from './directory';
export { timezone as timeZoneInput } from './schemas';
export { DEFAULT_TIMEZONE } from './tenants';
export { createDevice, enrollDevice } from './devices';
