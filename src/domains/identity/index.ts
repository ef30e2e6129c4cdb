/** What other domains may use of identity: machine credentials on the platform's token mechanism. */
export { authenticateMachineToken, createApiToken, revokeApiToken, type MachinePrincipal } from './api-tokens';
