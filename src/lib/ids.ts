/** Random, time-sortable identifiers (UUIDv7, RFC 9562) from the `uuidv7` package. */
import { uuidv7 } from 'uuidv7'

/** A new UUIDv7 string; ids made later in the same isolate sort after earlier ones. */
export function newId(): string {
  return uuidv7()
}
