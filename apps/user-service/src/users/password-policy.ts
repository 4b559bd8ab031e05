export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;

export const PASSWORD_POLICY =
  `Passwords must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters long, must not be the account's email address, ` +
  'and must not be a commonly used password.';

// Length already rules out the short classics; these are the long ones that top breach lists.
// Compared case-insensitively. A tiny list on purpose: length does most of the work (NIST 800-63B).
const COMMON_PASSWORDS = new Set([
  '123456789012',
  '1234567890123',
  '12345678901234',
  '123456789012345',
  '1234567890qwerty',
  '1q2w3e4r5t6y',
  '1qaz2wsx3edc',
  '1qaz2wsx3edc4rfv',
  'qwertyuiop12',
  'qwertyuiop123',
  'qwertyuiopasdf',
  'qwerty123456',
  'qwerty1234567',
  'qwertyqwerty',
  'asdfghjkl123',
  'zxcvbnm12345',
  'password1234',
  'password12345',
  'password123!',
  'password123456',
  'passwordpassword',
  'password1password1',
  'p@ssw0rd1234',
  'p@ssword1234',
  'iloveyou1234',
  'iloveyouiloveyou',
  'letmein12345',
  'welcome12345',
  'welcome123456',
  'changeme1234',
  'administrator',
  'admin1234567',
  'adminadmin123',
  'football1234',
  'baseball1234',
  'sunshine1234',
  'princess1234',
  'trustno1trustno1',
  'abc123456789',
  'abcdefghijkl',
  'abcdefghijklm',
  'abcd1234abcd1234',
  'a1b2c3d4e5f6',
  'monkey123456',
  'dragon123456',
  'superman1234',
  'starwars1234',
  'correcthorsebatterystaple',
  'mypassword123',
  'secret123456',
]);

/** Returns the policy text when `password` breaks it, otherwise undefined. */
export function passwordPolicyViolation(password: string, normalisedEmail: string): string | undefined {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH || length > PASSWORD_MAX_LENGTH) return PASSWORD_POLICY;
  const folded = password.trim().toLowerCase();
  if (folded === normalisedEmail) return PASSWORD_POLICY;
  if (COMMON_PASSWORDS.has(folded)) return PASSWORD_POLICY;
  // One character repeated ("aaaaaaaaaaaa") is as guessable as anything on the list.
  if (new Set(folded).size === 1) return PASSWORD_POLICY;
  return undefined;
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}
