// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { createClock } from '../../../src/server/config/clock'

describe('createClock', () => {
  it('follows its base time, shifted by what advance and set move', () => {
    let base = 1_000
    const clock = createClock(() => base)
    expect(clock.now()).toBe(1_000)
    clock.advance(500)
    base = 2_000
    expect([clock.now(), clock.base(), clock.offset]).toEqual([2_500, 2_000, 500])
    clock.set(10_000)
    expect(clock.now()).toBe(10_000)
    base = 2_100
    expect(clock.now()).toBe(10_100)
    clock.advance(-100)
    expect(clock.now()).toBe(10_000)
    clock.reset()
    expect([clock.now(), clock.offset]).toEqual([2_100, 0])
  })
})
