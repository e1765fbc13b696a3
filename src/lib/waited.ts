/** How long something has waited, as the pool and the lead list say it. */

/** "12 min", "3 h", "2 d": how long `ms` milliseconds are, rounded down, in the largest unit that fits. */
export function waited(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000))
  if (minutes < 60) return `${minutes} min`
  const hours = Math.floor(minutes / 60)
  if (hours < 48) return `${hours} h`
  return `${Math.floor(hours / 24)} d`
}
