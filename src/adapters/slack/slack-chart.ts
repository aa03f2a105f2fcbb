// A chart as Slack shows it: a PNG uploaded into a conversation in Slack's
// three steps (get an upload URL, send the bytes, complete the upload into the
// channel). We take the steps ourselves rather than through files.uploadV2,
// because @slack/web-api sends the screen-reader text as `alt_text`, while
// files.getUploadURLExternal documents it as `alt_txt`
// (https://docs.slack.dev/reference/methods/files.getUploadURLExternal).
import type { webApi } from '@slack/bolt';
import { chartPng } from '../../charts/chart-png.js';
import type { ChartSpec } from '../../core/message.js';
import { chartAltText } from '../chart-text.js';

type WebClient = webApi.WebClient;

export const CHART_FILENAME = 'trends.png';
/** Slack shows images up to its message width; this keeps the figures legible there. */
const CHART_WIDTH = 640;
/** Slack refuses longer screen-reader text (`alt_txt_too_large`). */
export const ALT_TXT_MAX = 1000;
const UPLOAD_TIMEOUT_MS = 20_000;

/** Uploads `spec` as a PNG into `channel`, in the thread of `threadTs` when given. Throws when Slack refuses. */
export async function uploadChart(client: WebClient, channel: string, spec: ChartSpec, threadTs?: string): Promise<void> {
  const png = chartPng(spec, CHART_WIDTH);
  const target = (await client.apiCall('files.getUploadURLExternal', {
    filename: CHART_FILENAME,
    length: png.length,
    alt_txt: chartAltText(spec).slice(0, ALT_TXT_MAX),
  })) as { upload_url?: unknown; file_id?: unknown };
  if (typeof target.upload_url !== 'string' || typeof target.file_id !== 'string') throw new Error('Slack gave no upload URL for the chart');
  const body = new FormData();
  body.append('file', new Blob([new Uint8Array(png)], { type: 'image/png' }), CHART_FILENAME);
  const sent = await fetch(target.upload_url, { method: 'POST', body, signal: AbortSignal.timeout(UPLOAD_TIMEOUT_MS) });
  if (!sent.ok) throw new Error(`Slack refused the chart's bytes (HTTP ${sent.status})`);
  await client.files.completeUploadExternal({
    files: [{ id: target.file_id, title: spec.title }],
    channel_id: channel,
    ...(threadTs ? { thread_ts: threadTs } : {}),
  });
}
