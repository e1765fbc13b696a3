/** The hidden one-time token every create form carries (db/idempotency.ts): a repeat creates nothing new. */
import { FORM_TOKEN_FIELD, newFormToken } from '../db/idempotency'

/** `<input type="hidden" name="formToken">` with a fresh token for this rendering of the form. */
export function FormTokenField() {
  return <input type="hidden" name={FORM_TOKEN_FIELD} value={newFormToken()} />
}
