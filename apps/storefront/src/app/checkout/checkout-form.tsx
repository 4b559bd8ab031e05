'use client';

import Link from 'next/link';
import { useActionState, useEffect, useRef } from 'react';
import { checkoutAction, type CheckoutState } from '../actions/checkout';

function Field(props: {
  id: string;
  label: string;
  values?: Record<string, string>;
  autoComplete?: string;
  required?: boolean;
  type?: string;
  hint?: string;
  defaultValue?: string;
  maxLength?: number;
}) {
  const { id, label, values, hint, defaultValue, ...rest } = props;
  return (
    <>
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      <input
        id={id}
        name={id}
        defaultValue={values?.[id] ?? defaultValue ?? ''}
        aria-describedby={hint ? `${id}-hint` : undefined}
        {...rest}
        type={rest.type ?? 'text'}
      />
    </>
  );
}

/** The shipping address, in the order and with the limits checkout's order DTO has. */
const SHIPPING_FIELDS = [
  { id: 'name', label: 'Full name', autoComplete: 'name', required: true, maxLength: 100 },
  { id: 'line1', label: 'Street and number', autoComplete: 'address-line1', required: true, maxLength: 200 },
  { id: 'line2', label: 'Address line 2 (optional)', autoComplete: 'address-line2', maxLength: 200 },
  { id: 'city', label: 'City', autoComplete: 'address-level2', required: true, maxLength: 100 },
  { id: 'postalCode', label: 'Postal code', autoComplete: 'postal-code', required: true, maxLength: 20 },
  {
    id: 'country',
    label: 'Country code',
    autoComplete: 'country',
    required: true,
    defaultValue: 'DE',
    maxLength: 2,
    hint: 'Two letters, e.g. DE, FR, US.',
  },
] as const;

export function CheckoutForm({ signedInAs, attemptKey }: { signedInAs: string | null; attemptKey: string }) {
  const [state, action, pending] = useActionState<CheckoutState, FormData>(checkoutAction, { attemptKey });
  const messageRef = useRef<HTMLDivElement>(null);
  // A decline or an outage moves focus to the message, so screen readers announce it at once.
  useEffect(() => {
    if (state.message) messageRef.current?.focus();
  }, [state]);
  const v = state.values;
  return (
    <form action={action} noValidate={false}>
      {state.message && (
        <div
          ref={messageRef}
          tabIndex={-1}
          role="alert"
          data-testid={`checkout-${state.kind}`}
          className={`notice ${state.kind === 'unavailable' ? 'warn' : 'error'}`}
        >
          {state.message}
        </div>
      )}
      {signedInAs ? (
        <p>Signed in as {signedInAs}.</p>
      ) : (
        <fieldset>
          <legend>Contact</legend>
          <p className="hint">
            Already have an account? <Link href="/login?next=/checkout">Sign in</Link>.
          </p>
          <Field
            id="email"
            label="Email"
            type="email"
            autoComplete="email"
            required
            values={v}
            maxLength={254}
          />
          <div className="row" style={{ marginTop: '0.75rem' }}>
            <input
              type="checkbox"
              id="createAccount"
              name="createAccount"
              defaultChecked={v?.createAccount === 'on'}
            />
            <label htmlFor="createAccount" style={{ marginTop: 0 }}>
              Create an account with this email
            </label>
          </div>
          <Field
            id="accountName"
            label="Your name (for the account)"
            autoComplete="name"
            values={v}
            maxLength={100}
          />
          <Field
            id="password"
            label="Password (for the account)"
            type="password"
            autoComplete="new-password"
            hint="At least 12 characters."
          />
        </fieldset>
      )}
      <fieldset>
        <legend>Shipping address</legend>
        {SHIPPING_FIELDS.map((f) => (
          <Field key={f.id} {...f} values={v} />
        ))}
      </fieldset>
      <fieldset>
        <legend>Payment</legend>
        <p className="hint">Test cards: 4242 4242 4242 4242 is accepted; 4000 0000 0000 0002 is declined.</p>
        <Field id="cardNumber" label="Card number" autoComplete="cc-number" required maxLength={23} />
        <Field id="expiry" label="Expiry (MM/YY)" autoComplete="cc-exp" required maxLength={7} />
        <Field id="cvc" label="Security code" autoComplete="cc-csc" required maxLength={4} />
      </fieldset>
      <button type="submit" disabled={pending}>
        {pending ? 'Placing order…' : 'Place order'}
      </button>
    </form>
  );
}
