/** Who else is viewing a lead right now (`<ul id="presence">`, one `<li data-user-id>` per other viewer). */

/** A person viewing the lead page. */
export type RoomViewer = { userId: string; name: string }

/**
 * The presence list. `oob` marks it as an htmx out-of-band swap (what the lead's room sends over
 * the WebSocket to replace the list on the page).
 */
export function Presence({ viewers, oob = false }: { viewers: RoomViewer[]; oob?: boolean }) {
  return (
    <ul
      id="presence"
      class="presence"
      aria-label="Also viewing this lead"
      aria-live="polite"
      hx-swap-oob={oob ? 'true' : undefined}
    >
      {viewers.map((v) => (
        <li data-user-id={v.userId}>{v.name} is here</li>
      ))}
    </ul>
  )
}
