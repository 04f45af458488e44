import type { Body, State } from '../store/records'
import type { ReferenceStore } from '../store/store'

/*
 * A click or lead may carry a client-made `event_id`. A request repeated with the same id (a
 * retry after a lost answer) gets the original answer again and records nothing new.
 */

/** The answer kept for this event id, or `undefined`. */
export function replayedAnswer(state: Readonly<State>, type: 'click' | 'lead', eventId: string | undefined): Body | undefined {
  return eventId === undefined ? undefined : state.answers[`${type}:${eventId}`]
}

/** Keeps `answer` for this event id, if any, and returns it. Inside a change of `store`. */
export function rememberAnswer(store: ReferenceStore, type: 'click' | 'lead', eventId: string | undefined, answer: Body): Body {
  if (eventId !== undefined) store.update(store.state.answers, { [`${type}:${eventId}`]: answer })
  return answer
}
