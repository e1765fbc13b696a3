import { describe, expect, it } from 'vitest'
import { DEFAULT_PARAMS, hashPassword, parseHash, verifyPassword } from '../src/auth/password'

describe('password hashing', () => {
  it('pins the scrypt cost to the parameters the README documents', () => {
    expect(DEFAULT_PARAMS).toEqual({ ln: 14, r: 8, p: 5 })
  })

  it('writes a self-describing hash that verifies the right password only', async () => {
    const hash = await hashPassword('correct horse battery')
    expect(hash).toMatch(/^\$scrypt\$ln=14,r=8,p=5\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/)
    expect(await verifyPassword('correct horse battery', hash)).toBe(true)
    expect(await verifyPassword('correct horse batterY', hash)).toBe(false)
  })

  it('salts every hash', async () => {
    expect(await hashPassword('same password')).not.toBe(await hashPassword('same password'))
  })

  it('reads the parameters from the stored string, so old hashes keep working after a cost change', async () => {
    const cheap = await hashPassword('legacy password', { ln: 10, r: 8, p: 1 })
    expect(parseHash(cheap)?.params).toEqual({ ln: 10, r: 8, p: 1 })
    expect(await verifyPassword('legacy password', cheap)).toBe(true)
  })

  it('treats an unreadable hash as a failed check', async () => {
    expect(await verifyPassword('anything', 'plaintext')).toBe(false)
    expect(await verifyPassword('anything', await hashPassword('anything', { ln: 10, r: 8, p: 1 }))).toBe(true)
  })
})
