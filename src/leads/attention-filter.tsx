/** The list's "Needs attention" select (Owners/Admins): *Handoffs waiting*, *Reassignment requested*. */
import { ATTENTION, type Attention } from './attention'

export function AttentionFilter({ value }: { value?: Attention }) {
  return (
    <select name="attention" aria-label="Needs attention" id="attention-filter">
      <option value="">Needs attention: any</option>
      {(Object.keys(ATTENTION) as Attention[]).map((key) => (
        <option value={key} selected={value === key}>
          {ATTENTION[key]}
        </option>
      ))}
    </select>
  )
}
