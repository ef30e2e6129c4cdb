/** What other domains may use of identity: machine credentials on the platform's token mechanism. */
export { authenticateMachineToken, authenticateMachineTokens, createApiToken, revokeApiToken, type MachinePrincipal } from './api-tokens';
export { IdentityDirectory } from './directory';
