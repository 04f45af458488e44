/*
 * How long a string field of an event may be, shared by the reference server (which refuses a
 * longer one with a 400) and the browser tracker (which trims its events to fit, rather than
 * have them refused). The rule goes by the field's name, so that both read it the same way.
 */

/** The longest identifier accepted: customer keys, click, transaction, session and event ids. */
export const MAX_ID_LENGTH = 256
/** The longest URL accepted: landing pages can carry long tracking query strings. */
export const MAX_URL_LENGTH = 8192
/** The longest other string accepted: titles, user agents, emails, reasons. */
export const MAX_TEXT_LENGTH = 1024

/** Whether `field` holds a URL: `affiliate_url`, `page_url`, `referrer_url`. */
export const isUrlField = (field: string): boolean => /_url$/.test(field)

/** Whether `field` holds an identifier: `customer_key`, `partner_code` and the `…_id` fields (`click_id`, `event_id`). */
export const isIdField = (field: string): boolean => /_id$|_key$|^partner_code$/.test(field)

/** How long a string in `field` may be. */
export const maxLength = (field: string): number => (isIdField(field) ? MAX_ID_LENGTH : isUrlField(field) ? MAX_URL_LENGTH : MAX_TEXT_LENGTH)
