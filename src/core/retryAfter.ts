// Retry-After (RFC 9110 §10.2.3), read once for the model downloader and the remote clients.

// The three HTTP-date forms start with a day name ("Sun, 06 Nov 1994 08:49:37 GMT", the obsolete
// "Sunday, 06-Nov-94 …" and asctime's "Sun Nov  6 …"). Checked first because Date.parse takes
// almost anything: "-3" or "1.5" would read as dates in 2001, that is "retry now".
const HTTP_DATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,? /;
// delay-seconds is a whole number in the RFC; fractions, which some API servers send, are taken too.
const SECONDS = /^\d+(\.\d+)?$/;

/** Milliseconds to wait, from seconds or an HTTP date (a date already past is 0); undefined when
 *  the header is absent or malformed, so that the caller's own back-off applies. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const v = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!v) return undefined;
  if (SECONDS.test(v)) return Math.round(parseFloat(v) * 1000);
  if (!HTTP_DATE.test(v)) return undefined;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
