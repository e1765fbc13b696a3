/** Form building blocks that show validation messages with the `data-error-for` hook (docs/ARCHITECTURE.md). */

import type { FieldErrors } from '../lib/validation'

export type { FieldErrors }

export function FieldError({ errors, name }: { errors?: FieldErrors; name: string }) {
  const message = errors?.[name]
  return message ? (
    <p class="error" data-error-for={name} id={`${name}-error`}>
      {message}
    </p>
  ) : null
}

type FieldProps = {
  label: string
  name: string
  type?: string
  value?: string
  errors?: FieldErrors
  required?: boolean
  autocomplete?: string
  minlength?: number
}

/** A labelled input with its error message; marks itself invalid for assistive tech. */
export function Field({ label, name, type = 'text', value, errors, ...rest }: FieldProps) {
  const invalid = Boolean(errors?.[name])
  return (
    <label class="field">
      <span>{label}</span>
      <input
        name={name}
        type={type}
        value={value ?? ''}
        aria-invalid={invalid ? 'true' : undefined}
        aria-describedby={invalid ? `${name}-error` : undefined}
        {...rest}
      />
      <FieldError errors={errors} name={name} />
    </label>
  )
}

/**
 * Whether a checkbox sending `1` is shown ticked: as sent in a refused form (`values`, the form's fields:
 * an unticked box sends nothing), else as saved (`saved`).
 */
export function ticked(values: Record<string, string> | undefined, name: string, saved: boolean): boolean {
  return values ? values[name] === '1' : saved
}

/** A message above a form for errors that belong to no single field. */
export function FormAlert({ message }: { message?: string }) {
  return message ? (
    <p class="alert" role="alert" data-error-for="form">
      {message}
    </p>
  ) : null
}

/** How a notice reads: what was done, something to look at, or what was refused. */
export type NoticeKind = 'success' | 'warning' | 'error'

/**
 * A notice about the last action, styled by kind and announced to screen readers: `role="status"`
 * for success and warning, `role="alert"` for an error (which also carries `data-error-for="form"`).
 */
export function Notice({ kind, text, id }: { kind: NoticeKind; text: string; id?: string }) {
  const error = kind === 'error'
  return (
    <p
      id={id}
      class={`notice notice-${kind}${error ? ' alert' : ''}`}
      role={error ? 'alert' : 'status'}
      data-error-for={error ? 'form' : undefined}
    >
      {text}
    </p>
  )
}
