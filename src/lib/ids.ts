/** Random, time-sortable identifiers (UUIDv7, RFC 9562) from the `uuidv7` package. */
import { uuidv7 } from 'uuidv7'

/** A new UUIDv7 string; ids made later in the same isolate sort after earlier ones. */
export function newId(): string {
  return uuidv7()
}

/**
 * True for the text form of an id: a UUID in lower-case hex, `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`
 * (36 characters). `newId` makes version 7; the shape check accepts any version, as rows written
 * by fixtures or older code may carry other UUIDs.
 */
export function isId(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(value)
}
