// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { DEMO_SEED } from '../../../src/server/config/demo-seed'
import { rememberAnswer, replayedAnswer } from '../../../src/server/routes/event-ids'
import { validateSeed } from '../../../src/server/config/seed'
import { createStore } from '../../../src/server/store/store'

const programs = validateSeed(DEMO_SEED)

describe('client event ids', () => {
  it('keeps an answer per type and event id', () => {
    const store = createStore(programs)
    expect(store.change(() => rememberAnswer(store, 'click', 'e1', { success: true }))).toEqual({ success: true })
    expect(replayedAnswer(store.state, 'click', 'e1')).toEqual({ success: true })
    expect(replayedAnswer(store.state, 'lead', 'e1')).toBeUndefined()
    expect(replayedAnswer(store.state, 'click', undefined)).toBeUndefined()
  })

  it('keeps nothing without an event id', () => {
    const store = createStore(programs)
    store.change(() => rememberAnswer(store, 'lead', undefined, { success: true }))
    expect(store.state.answers).toEqual({})
  })

  it('forgets an answer whose change failed', () => {
    const store = createStore(programs)
    expect(() =>
      store.change(() => {
        rememberAnswer(store, 'click', 'e1', { success: true })
        throw new Error('halfway')
      }),
    ).toThrow('halfway')
    expect(replayedAnswer(store.state, 'click', 'e1')).toBeUndefined()
    expect(store.state.answers).toEqual({})
  })
})
