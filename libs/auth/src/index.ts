export type { Principal, Role } from './principal';
export { ROLES } from './principal';
export {
  Authenticated,
  AdminOnly,
  InternalOnly,
  SkipAccessToken,
  CurrentUser,
  INTERNAL_TOKEN_HEADER,
} from './decorators';
export { AuthGuard, TOKEN_VERIFIER } from './auth.guard';
export { AuthModule, KEY_SOURCE } from './auth.module';
export { TokenVerifier, InvalidTokenError, ACCESS_TOKEN_ALG } from './token-verifier';
export type { KeySource } from './key-source';
export { LocalKeySource, RemoteKeySource } from './key-source';
