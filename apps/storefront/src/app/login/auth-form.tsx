'use client';

import { useActionState } from 'react';
import type { AuthState } from '../actions/auth';

export function AuthForm({
  action,
  next,
  withName,
  submitLabel,
}: {
  action: (prev: AuthState, form: FormData) => Promise<AuthState>;
  next: string;
  withName: boolean;
  submitLabel: string;
}) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <form action={formAction}>
      {state.error && (
        <p className="notice error" role="alert">
          {state.error}
        </p>
      )}
      <input type="hidden" name="next" value={next} />
      {withName && (
        <>
          <label htmlFor="name">Name</label>
          <input
            id="name"
            name="name"
            autoComplete="name"
            required
            maxLength={100}
            defaultValue={state.name}
          />
        </>
      )}
      <label htmlFor="email">Email</label>
      <input
        id="email"
        name="email"
        type="email"
        autoComplete="email"
        required
        maxLength={254}
        defaultValue={state.email}
      />
      <label htmlFor="password">Password</label>
      {withName && (
        <p className="hint" id="password-hint">
          At least 12 characters.
        </p>
      )}
      <input
        id="password"
        name="password"
        type="password"
        autoComplete={withName ? 'new-password' : 'current-password'}
        required
        aria-describedby={withName ? 'password-hint' : undefined}
      />
      <p>
        <button type="submit" disabled={pending}>
          {submitLabel}
        </button>
      </p>
    </form>
  );
}
