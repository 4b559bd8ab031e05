export type Role = 'customer' | 'admin';
export const ROLES: readonly Role[] = ['customer', 'admin'];

/** Who is calling, as established from a verified access token. */
export interface Principal {
  userId: string;
  email: string;
  roles: Role[];
  /** The raw bearer token, forwarded on calls made on the user's behalf. */
  token: string;
}
