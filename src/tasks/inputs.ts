/** The task form (a zod schema with the text rules of src/lib/text.ts and the due dates of src/lib/due.ts). */
import { z } from 'zod'
import { parseDue } from '../lib/due'
import { singleLine } from '../lib/text'

/**
 * `POST …/tasks`: `title`, `assigneeId`, and the due date as `dueAt` (`YYYY-MM-DD` for a whole day,
 * `YYYY-MM-DDTHH:mm` for a time in `timeZone`), or as the form's `dueDate` with an optional `dueTime`.
 */
export function taskSchema(timeZone: string) {
  return z
    .object({
      title: singleLine('title', 200, 'Enter the task’s title'),
      assigneeId: z.string('Choose who does it').min(1, 'Choose who does it'),
      dueAt: z.string().optional(),
      dueDate: z.string().optional(),
      dueTime: z.string().optional(),
    })
    .transform((form, ctx) => {
      const typed = form.dueAt?.trim() || [form.dueDate?.trim(), form.dueTime?.trim()].filter(Boolean).join('T')
      const due = parseDue(typed, timeZone)
      if (!due) {
        ctx.issues.push({
          code: 'custom',
          path: ['dueAt'],
          message: 'Enter the due date (and a time, if it has one)',
          input: typed,
        })
        return z.NEVER
      }
      return { title: form.title, assigneeId: form.assigneeId, due }
    })
}
