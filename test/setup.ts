/*
 * The tests play a visitor's browser. happy-dom says `navigator.webdriver` is true, as a browser
 * under automation does, which the tracker takes for a bot (no clicks): here it says false, on
 * the prototype, so that a test may still give one navigator its own value (see the bot tests).
 */
// Test files run under `@vitest-environment node` have no navigator.
if (typeof navigator == 'object') Object.defineProperty(Object.getPrototypeOf(navigator), 'webdriver', { get: () => false, configurable: true })
