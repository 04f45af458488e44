'use client'
import { useAffitor } from 'affitor-tracker/react'

/** The visitor's attribution: rendered empty on the server, filled in the browser. */
export function Attribution() {
  const { ready, clickId, data } = useAffitor()
  if (!ready) return <p>Reading attribution…</p>
  return clickId ? (
    <p>
      Referred by <b>{data?.partnerCode}</b>, click <code id="click-id">{clickId}</code>
    </p>
  ) : (
    <p>No partner click stored: land on <a href="/?aff=DEMO">/?aff=DEMO</a>.</p>
  )
}
