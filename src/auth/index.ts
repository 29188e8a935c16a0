export { ApiKeysService, hashKey } from './api-keys.service';
export type { ApiKeyInfo, CreatedApiKey, RevokeResult } from './api-keys.service';
export { AuthMiddleware, bearerToken, requirementFor } from './auth.middleware';
export type { AuthenticatedRequest } from './auth.middleware';
export { AuthModule } from './auth.module';
export { ApiKeyInputError, ApiKeyNotFoundError, hasScope, parseScopes, SCOPES } from './scopes';
export type { AuthContext, Scope } from './scopes';
