// Calls to Lookout's HTTP API, with the API key when one was given.

const KEY = 'lookout.apiKey';

export function apiKey() {
  return localStorage.getItem(KEY);
}

export function setApiKey(key) {
  if (key) localStorage.setItem(KEY, key);
  else localStorage.removeItem(KEY);
}

/** An error answer of the API: {"error": {"code", "message"}}. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

function headers(extra) {
  const all = { Accept: 'application/json', ...extra };
  const key = apiKey();
  if (key) all.Authorization = `Bearer ${key}`;
  return all;
}

async function failure(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    // not JSON: the status says enough
  }
  const error = new ApiError(response.status, body?.error?.code ?? 'http_' + response.status,
    body?.error?.message ?? response.statusText);
  if (response.status === 401 || response.status === 403) {
    document.dispatchEvent(new CustomEvent('lookout:key-needed', { detail: error.message }));
  }
  return error;
}

/** GET a JSON answer; throws ApiError for an error answer. */
export async function get(path, { signal } = {}) {
  const response = await fetch(path, { headers: headers(), signal, cache: 'no-store' });
  if (!response.ok) throw await failure(response);
  return response.json();
}

/**
 * Follows a server-sent event stream, e.g. /api/alerts/stream, and resumes after a drop from the
 * last event id it saw (the Last-Event-ID header), with a growing pause between attempts.
 *
 * Written on fetch rather than EventSource, because EventSource cannot send the Authorization
 * header that a Lookout with API keys needs.
 *
 * @param onEvent (name, data, id) for each event
 * @param onState 'connecting' | 'live' | 'reconnecting' | 'refused'
 * @returns a function that stops the stream
 */
export function stream(path, onEvent, onState) {
  let lastId = null;
  let stopped = false;
  let controller = null;

  function dispatch(block) {
    let id = null;
    let name = 'message';
    const data = [];
    for (const line of block.split('\n')) {
      if (line === '' || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'id') id = value;
      else if (field === 'event') name = value;
      else if (field === 'data') data.push(value);
    }
    if (id !== null) lastId = id;
    if (data.length > 0) onEvent(name, data.join('\n'), id);
  }

  async function follow() {
    let pause = 500;
    while (!stopped) {
      controller = new AbortController();
      try {
        onState(lastId === null ? 'connecting' : 'reconnecting');
        const extra = { Accept: 'text/event-stream' };
        if (lastId !== null) extra['Last-Event-ID'] = lastId;
        const response = await fetch(path, { headers: headers(extra), signal: controller.signal, cache: 'no-store' });
        if (!response.ok) throw await failure(response);
        onState('live');
        pause = 500;
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer = (buffer + value).replace(/\r\n?/g, '\n');
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            dispatch(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
          }
        }
      } catch (error) {
        if (stopped) return;
        if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
          onState('refused');
          return;
        }
      }
      if (stopped) return;
      onState('reconnecting');
      await new Promise((resolve) => setTimeout(resolve, pause));
      pause = Math.min(pause * 2, 15000);
    }
  }

  follow();
  return () => {
    stopped = true;
    controller?.abort();
  };
}

/** A message for an error of any kind. */
export function describe(error) {
  if (error instanceof ApiError) return `${error.message} (HTTP ${error.status})`;
  return error?.message ?? String(error);
}
