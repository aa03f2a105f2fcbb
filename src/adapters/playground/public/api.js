// @ts-check
// Talking to the playground's server. What each endpoint sends is typed in
// playground-api.ts, which the server states too; what can still go wrong is
// the network, a server that is down, or a refused request ({ error }).

/** @typedef {import('../../../core/message.js').Message} Message */
/** @typedef {import('../../../core/message.js').Form} Form */
/** @typedef {import('../playground-api.js').AnswerBody} AnswerBody */
/** @typedef {import('../playground-api.js').ErrorBody} ErrorBody */
/** @typedef {import('../playground-chart.js').ShownChart} ShownChart */

/** A chart as an entry keeps it: both set, or both null. @typedef {{ chartSvg: string | null, chartAlt: string | null }} EntryChart */

/**
 * What a POST came to: a form to open, a reply to show, or a failure to explain.
 * @typedef {{ ok: true, form: Form } | ({ ok: true, form?: undefined, reply: Message } & EntryChart) | { ok: false, heading: string, text: string }} Result
 */

/** The chart fields of a server answer, kept on the entry that shows its message. @param {ShownChart} data @returns {EntryChart} */
export const chartOf = (data) =>
  data.chartSvg !== undefined ? { chartSvg: data.chartSvg, chartAlt: data.chartAlt ?? '' } : { chartSvg: null, chartAlt: null };

/**
 * @param {string} path
 * @param {unknown} body
 * @returns {Promise<Result>}
 */
export async function post(path, body) {
  let res;
  try {
    res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  } catch {
    return { ok: false, heading: 'Could not reach the Trellis server.', text: 'Check that it is still running (npm start), then try again.' };
  }
  /** @type {AnswerBody | ErrorBody | null} */
  let data = null;
  try {
    data = await res.json();
  } catch {
    /* not JSON (a proxy's error page): handled below */
  }
  if (!res.ok || !data || 'error' in data) {
    const reason = data && 'error' in data ? data.error : `The server answered ${res.status} ${res.statusText}.`;
    return { ok: false, heading: res.ok ? 'Unexpected answer from the server.' : 'Trellis could not take that request.', text: reason };
  }
  return 'form' in data ? { ok: true, form: data.form } : { ok: true, reply: data.reply, ...chartOf(data) };
}

/**
 * A GET's JSON, or undefined when the server cannot be reached or refuses it.
 * @template T
 * @param {string} path
 * @returns {Promise<T | undefined>}
 */
export async function getJson(path) {
  try {
    const res = await fetch(path, { cache: 'no-store' });
    if (!res.ok) return undefined;
    return /** @type {T} */ (await res.json());
  } catch {
    return undefined;
  }
}
