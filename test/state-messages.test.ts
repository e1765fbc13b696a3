/**
 * Every state message is true (issue 21, kind 5): a refused undo says why and does not blame someone else, and an
 * import report counts rows with line breaks as what they are (read from the file), not as leads saved.
 */
import { describe, expect, it } from 'vitest'
import { dom, textOf } from './dom'
import { createLead, signUp, uploadAndConfirm } from './helpers'
import { reloadUntil } from './poll'

describe('undoing an import that was already undone', () => {
  it('answers 409 with the reason only, never "Someone else got there first"', async () => {
    const { client, slug } = await signUp('Undo Twice Co')
    const path = await uploadAndConfirm(client, slug, 'leads.csv', 'name,email\nUna Undo,una@example.com\n')
    await reloadUntil(client, path, 'data-status="done"')
    expect((await client.post(`${path}/undo`)).status).toBe(303)
    await reloadUntil(client, path, 'data-undo-status="done"')
    const again = await client.post(`${path}/undo`)
    expect(again.status).toBe(409)
    const said = textOf(dom(await again.text()))
    expect(said).toContain('This import has already been undone.')
    expect(said).not.toContain('got there first')
  })
})

describe('an import whose rows with line breaks were mostly not saved', () => {
  it('does not call them cleaned rows: it says the file had them, and that saved leads have a space instead', async () => {
    const { client, slug } = await signUp('Cleaned Count Co')
    await createLead(client, slug, { name: 'Old Lead', email: 'old@example.com' })
    // Four rows with a company on two lines: one new, one an existing lead's, one repeated, one with a bad email.
    const csv = [
      'name,email,company',
      'New Lead,new@example.com,"Acme\nWest"',
      'Old Lead,old@example.com,"Acme\nEast"',
      'New Again,new@example.com,"Acme\nNorth"',
      'Bad Lead,not-an-email,"Acme\nSouth"',
    ].join('\n')
    const path = await uploadAndConfirm(client, slug, 'leads.csv', `${csv}\n`)
    const report = dom(await reloadUntil(client, path, 'data-status="done"'))
    expect(textOf(report.querySelector('[data-count="created"]'))).toBe('1')
    const said = textOf(report.querySelector('[data-cleaned-rows]'))
    expect(said).not.toMatch(/rows? cleaned/)
    expect(said).toMatch(
      /^2 rows of the file had line breaks or tabs in one-line fields .*: a lead saved from such a row has a space in their place\.$/,
    )
  })
})
