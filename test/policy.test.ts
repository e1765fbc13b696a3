// The action checks of the lead policy on facts the matrix cannot combine (one relation per lead).
import { describe, expect, it } from 'vitest'
import { canAssign, canClaim, canEdit, type Viewer } from '../src/leads/policy'

const agent = (poolEnabled: boolean): Viewer => ({ orgId: 'o', userId: 'me', role: 'agent', poolEnabled })
const admin: Viewer = { orgId: 'o', userId: 'boss', role: 'admin', poolEnabled: false }
const inPool = { inPool: true, assigneeIds: [] }

describe('canClaim', () => {
  it('lets an Agent claim a pool lead they can see for another reason only while the pool is on', () => {
    expect(canClaim(agent(true), inPool)).toBe(true)
    expect(canClaim(agent(false), inPool)).toBe(false)
    expect(canClaim(admin, inPool)).toBe(true)
  })

  it('never offers a lead that has an assignee or is not in the pool', () => {
    expect(canClaim(agent(true), { inPool: true, assigneeIds: ['x'] })).toBe(false)
    expect(canClaim(admin, { inPool: false, assigneeIds: [] })).toBe(false)
  })
})

describe('canEdit and canAssign', () => {
  it('let managers edit and assign; Agents edit only their own leads and never assign', () => {
    expect(canEdit(admin, { inPool: false, assigneeIds: ['x'] })).toBe(true)
    expect(canEdit(agent(true), { inPool: false, assigneeIds: ['me'] })).toBe(true)
    expect(canEdit(agent(true), { inPool: false, assigneeIds: ['x'] })).toBe(false)
    expect(canAssign(admin)).toBe(true)
    expect(canAssign(agent(true))).toBe(false)
  })
})
