// The action checks of the lead policy on facts the matrix cannot combine (one relation per lead).
import { describe, expect, it } from 'vitest'
import type { Viewer } from '../src/access/viewer'
import { canAssign, canClaim, canEdit } from '../src/leads/policy'

const agent = (poolEnabled: boolean, multipleAssignees = false): Viewer => ({
  orgId: 'o',
  userId: 'me',
  role: 'agent',
  poolEnabled,
  multipleAssignees,
})
const admin: Viewer = { orgId: 'o', userId: 'boss', role: 'admin', poolEnabled: false, multipleAssignees: false }
const inPool = { inPool: true, primaryId: null, collaboratorIds: [] }

describe('canClaim', () => {
  it('lets an Agent claim a pool lead they can see for another reason only while the pool is on', () => {
    expect(canClaim(agent(true), inPool)).toBe(true)
    expect(canClaim(agent(false), inPool)).toBe(false)
    expect(canClaim(admin, inPool)).toBe(true)
  })

  it('never offers a lead that has an assignee or is not in the pool', () => {
    expect(canClaim(agent(true), { inPool: true, primaryId: 'x', collaboratorIds: [] })).toBe(false)
    expect(canClaim(admin, { inPool: false, primaryId: null, collaboratorIds: [] })).toBe(false)
    // The same leads without the assignee, or put in the pool, are offered.
    expect(canClaim(agent(true), { inPool: true, primaryId: null, collaboratorIds: [] })).toBe(true)
    expect(canClaim(admin, { inPool: true, primaryId: null, collaboratorIds: [] })).toBe(true)
  })
})

describe('collaborators', () => {
  it('edit while multiple assignees are on, and are read-only once the setting is off', () => {
    const lead = { inPool: false, primaryId: 'x', collaboratorIds: ['me'] }
    expect(canEdit(agent(false, true), lead)).toBe(true)
    expect(canEdit(agent(false, false), lead)).toBe(false)
  })
})

describe('canEdit and canAssign', () => {
  it('let managers edit and assign; Agents edit only their own leads and never assign', () => {
    expect(canEdit(admin, { inPool: false, primaryId: 'x', collaboratorIds: [] })).toBe(true)
    expect(canEdit(agent(true), { inPool: false, primaryId: 'me', collaboratorIds: [] })).toBe(true)
    expect(canEdit(agent(true), { inPool: false, primaryId: 'x', collaboratorIds: [] })).toBe(false)
    expect(canAssign(admin)).toBe(true)
    expect(canAssign(agent(true))).toBe(false)
  })
})
