/**
 * Time zone fields (src/lib/time-zones.ts). public/app.js fills the hidden field with the browser's
 * time zone and lists every time zone the browser knows in the select; without JavaScript the hidden
 * field sends `UTC` and the select offers the current zone and UTC.
 */
import { DEFAULT_TIME_ZONE } from '../lib/time-zones'
import { FieldError, type FieldErrors } from './forms'

/** `<input type="hidden" name="timeZone">` for sign-up and invitation forms. */
export function BrowserTimeZoneField() {
  return <input type="hidden" name="timeZone" value={DEFAULT_TIME_ZONE} data-browser-time-zone />
}

/** The time zone select of /account (`name="timeZone"`), `current` selected. */
export function TimeZoneSelect({ current, errors }: { current: string; errors?: FieldErrors }) {
  const options = [...new Set([current, DEFAULT_TIME_ZONE])]
  return (
    <>
      <label for="timeZone">Time zone</label>
      <select id="timeZone" name="timeZone" data-time-zone-select aria-describedby="timeZone-hint">
        {options.map((zone) => (
          <option value={zone} selected={zone === current}>
            {zone}
          </option>
        ))}
      </select>
      <FieldError errors={errors} name="timeZone" />
      <p class="hint" id="timeZone-hint">
        Your daily digest arrives at its hour in this time zone.
      </p>
    </>
  )
}
