// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { rememberAnswer, replayedAnswer } from '../../src/server/event-ids'
import { emptyState } from '../../src/server/records'

describe('client event ids', () => {
  it('keeps an answer per type and event id', () => {
    const state = emptyState()
    expect(rememberAnswer(state, 'click', 'e1', { success: true })).toEqual({ success: true })
    expect(replayedAnswer(state, 'click', 'e1')).toEqual({ success: true })
    expect(replayedAnswer(state, 'lead', 'e1')).toBeUndefined()
    expect(replayedAnswer(state, 'click', undefined)).toBeUndefined()
  })

  it('keeps nothing without an event id', () => {
    const state = emptyState()
    rememberAnswer(state, 'lead', undefined, { success: true })
    expect(state.answers).toEqual({})
  })
})
