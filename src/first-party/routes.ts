/** The events the handler forwards, named as the last segment of their path. */
export type EventKind = 'click' | 'lead'

/**
 * Where a path falls for a handler mounted at `mount`: one of the two event routes, another
 * path under the mount, or a path outside it (which the site should not have routed here).
 */
export type Route = EventKind | 'unknown' | 'outside'

const EVENT_PATHS = new Map<string, EventKind>([
  ['/api/v1/track/click', 'click'],
  ['/api/v1/track/lead', 'lead'],
])

/** The route of `pathname` under `mount` (normalised: starts with `/`, no trailing slash, `""` for the root). */
export function routeOf(pathname: string, mount: string): Route {
  if (pathname != mount && !pathname.startsWith(mount + '/')) return 'outside'
  return EVENT_PATHS.get(pathname.slice(mount.length)) ?? 'unknown'
}
