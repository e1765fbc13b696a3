/**
 * The away controls (orgs/away.ts): "Away until …" with a button to come back, or a form to go away now until a
 * time or until back. On the preferences page for oneself, on the team page for Owners and Admins.
 */
import type { FormValues } from '../lib/validation'
import { FieldError, type FieldErrors } from '../views/forms'
import { Time } from '../views/time'

/** "until back", or "until <time>": when an away member is back (`until`: epoch ms, null until they say so). */
export function UntilBack({ until }: { until: number | null }) {
  return until === null ? (
    <>until back</>
  ) : (
    <>
      until <Time at={until} />
    </>
  )
}

/** "Away until back", or "Away until <time>". */
export function AwayText({ until }: { until: number | null }) {
  return (
    <>
      Away <UntilBack until={until} />
    </>
  )
}

/**
 * "You are away until …, so you cannot claim from the pool. Mark yourself back to claim.": what the pool page and the
 * lead page show an away member instead of Claim. `slug`: the organization's, for the link to the preferences.
 */
export function CannotClaimWhileAway({ until, slug }: { until: number | null; slug: string }) {
  return (
    <p class="notice" data-away-reason>
      You are away <UntilBack until={until} />, so you cannot claim from the pool.{' '}
      <a href={`/o/${slug}/preferences#away`}>Mark yourself back</a> to claim.
    </p>
  )
}

type AwayControlsProps = {
  /** Where the forms post: `{action}/away` and `{action}/back`. */
  action: string
  /** Whose: "you", or the member's name (the controls' accessible names). */
  who: string
  /** When they are back if away now (`until`: epoch ms, null until they say so); null: not away. */
  away: { until: number | null } | null
  /** The time zone the `until` field is typed in (IANA name). */
  timeZone: string
  /** A refused away form: what was typed and why. */
  values?: FormValues
  errors?: FieldErrors
}

export function AwayControls({ action, who, away, timeZone, values, errors }: AwayControlsProps) {
  if (away)
    return (
      <form method="post" action={`${action}/back`} class="away-form" data-away-form>
        <span>
          <AwayText until={away.until} />
        </span>{' '}
        <button type="submit" class="secondary">
          {who === 'you' ? 'I am back' : `Mark ${who} back`}
        </button>
      </form>
    )
  const invalid = Boolean(errors?.until)
  return (
    <form method="post" action={`${action}/away`} class="away-form" novalidate>
      <label class="field">
        <span>Away until ({timeZone}; empty: until back)</span>
        <input
          type="datetime-local"
          name="until"
          value={values?.until ?? ''}
          aria-invalid={invalid ? 'true' : undefined}
          aria-describedby={invalid ? 'until-error' : undefined}
        />
        <FieldError errors={errors} name="until" />
      </label>
      <button type="submit" class="secondary">
        {who === 'you' ? 'Mark me away' : `Mark ${who} away`}
      </button>
    </form>
  )
}
