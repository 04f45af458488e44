// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { routeOf } from '../../src/first-party/routes'

describe('routeOf', () => {
  it.each([
    ['/_affitor/api/v1/track/click', '/_affitor', 'click'],
    ['/_affitor/api/v1/track/lead', '/_affitor', 'lead'],
    ['/_affitor/api/v1/track/sale', '/_affitor', 'unknown'],
    ['/_affitor/api/v1/track/click/', '/_affitor', 'unknown'],
    ['/_affitor', '/_affitor', 'unknown'],
    ['/_affitor/', '/_affitor', 'unknown'],
    ['/_affitorx/api/v1/track/click', '/_affitor', 'outside'],
    ['/api/v1/track/click', '/_affitor', 'outside'],
    ['/api/v1/track/click', '', 'click'],
    ['/anything', '', 'unknown'],
    ['/_affitor/__proto__', '/_affitor', 'unknown'],
  ])('%s under %j is %s', (pathname, mount, route) => {
    expect(routeOf(pathname, mount)).toBe(route)
  })
})
