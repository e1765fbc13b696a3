/**
 * Saving a form someone else may have changed meanwhile, without overwriting their change unseen: the form
 * carries the values it was shown with (`shown`), and each field is merged three ways against what is stored now
 * (`current`) and what was sent (`sent`).
 */

/** What a three-way merge decided: the fields to write, and the fields both people changed differently. */
export type Merge<K extends string> = { apply: Partial<Record<K, string>>; conflicts: K[] }

/**
 * Merges each of `fields`: left as stored when the person did not change it (`sent` equals `shown`), so a change
 * someone else made meanwhile stays; written when only they changed it; a conflict when both changed it to
 * different values. A field `shown` lacks (a form or client that does not send it) is written as sent.
 * @returns the fields to write (with the sent values) and the conflicting fields, in `fields` order
 */
export function threeWay<K extends string>(
  fields: readonly K[],
  current: Record<K, string>,
  shown: Partial<Record<K, string>>,
  sent: Record<K, string>,
): Merge<K> {
  const apply: Partial<Record<K, string>> = {}
  const conflicts: K[] = []
  for (const field of fields) {
    const before = shown[field]
    if (before !== undefined && sent[field] === before) continue
    if (current[field] === sent[field]) continue
    if (before !== undefined && current[field] !== before) conflicts.push(field)
    else apply[field] = sent[field]
  }
  return { apply, conflicts }
}
