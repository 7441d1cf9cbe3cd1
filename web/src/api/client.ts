/**
 * A failed API call, with the server's stable code and the field it concerns. Status 0: no answer came
 * (the network), or the page refused the request before sending it, for the same reason the server would.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    /** Every field at fault with its sentence (a form shows them all at once), when the answer names them. */
    readonly fields?: readonly FieldProblem[],
  ) {
    super(message);
  }
}

/** A field and what is wrong with it, in a sentence. */
export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

/** A form's own check found problems: thrown like the server's answer, so both show the same way. */
export function formProblems(problems: Record<string, string | undefined>): ApiError | undefined {
  const fields = Object.entries(problems)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([field, message]) => ({ field, message }));
  const first = fields[0];
  if (!first) return undefined;
  return new ApiError(0, 'VALIDATION_FAILED', first.message, first.field, fields);
}

/** A message as a sentence: capital first letter, final full stop (the API's messages are fragments). */
export function sentence(text: string): string {
  const t = text.trim();
  if (t === '') return t;
  const s = t[0]!.toUpperCase() + t.slice(1);
  return /[.!?…]$/.test(s) ? s : `${s}.`;
}

/** A failure as a form shows it: each field's sentence beside that field, else one sentence. */
export function describeError(
  err: unknown,
  fallback: string,
): { field?: string; message: string; fields?: readonly FieldProblem[] } {
  if (err instanceof ApiError) {
    const message = sentence(err.message);
    const fields = (err.fields ?? (err.field ? [{ field: err.field, message }] : undefined))?.map((f) => ({
      field: f.field,
      message: sentence(f.message),
    }));
    return { ...(err.field ? { field: err.field } : {}), message, ...(fields ? { fields } : {}) };
  }
  return { message: sentence(fallback) };
}

// The CSRF token lives in memory only (never localStorage): a reload asks /api/me again.
let csrfToken: string | undefined;
export const setCsrf = (token: string | undefined) => {
  csrfToken = token;
};

async function parse<T>(res: Response): Promise<T> {
  const text = await res.text();
  const body = text ? (JSON.parse(text) as unknown) : undefined;
  if (!res.ok) {
    const e = (
      body as
        { error?: { code?: string; message?: string; field?: string; fields?: FieldProblem[] } } | undefined
    )?.error;
    throw new ApiError(
      res.status,
      e?.code ?? 'HTTP_ERROR',
      e?.message ?? `request failed (${res.status})`,
      e?.field,
      e?.fields,
    );
  }
  return body as T;
}

/** JSON API call on the same origin: cookie session, CSRF header on changes; `extra` headers too. */
export async function api<T>(
  method: string,
  path: string,
  body?: unknown,
  extra: Record<string, string> = {},
): Promise<T> {
  const headers: Record<string, string> = { ...extra };
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  return parse<T>(await send(path, { method, headers, body: payload ?? null }));
}

/** fetch on the same origin with the session; no answer at all is an ApiError like any other. */
async function send(path: string, init: RequestInit = {}): Promise<Response> {
  try {
    return await fetch(path, { ...init, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'NETWORK', 'the server cannot be reached: check your connection and try again');
  }
}

/** GETs a file with the session; a failure throws the server's error, as api() does. */
export async function fetchFile(path: string): Promise<Response> {
  const res = await send(path);
  if (!res.ok) await parse(res);
  return res;
}

/**
 * A new Idempotency-Key: 128 random bits in hex. getRandomValues, not randomUUID, which browsers
 * offer only in secure contexts and the portal may be reached over plain HTTP on a LAN.
 */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * A multipart upload with progress (fetch cannot report upload progress; XMLHttpRequest can).
 * `onProgress` gets bytes sent and the total. With `idempotencyKey`, sending the same upload again
 * under the same key after a network error cannot issue it twice: the server answers the first 201.
 */
export function upload<T>(
  path: string,
  form: FormData,
  onProgress: (sent: number, total: number) => void,
  idempotencyKey?: string,
  signal?: AbortSignal,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    // Cancelled by the user: the request is cut off. Its fate counts as unknown (status 0): the body
    // may have arrived whole just before, so a retry keeps the same Idempotency-Key.
    if (signal?.aborted) {
      reject(new UploadCancelled());
      return;
    }
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.onabort = () => reject(new UploadCancelled());
    xhr.open('POST', path);
    if (csrfToken) xhr.setRequestHeader('x-csrf-token', csrfToken);
    if (idempotencyKey) xhr.setRequestHeader('idempotency-key', idempotencyKey);
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.total);
    xhr.onerror = () =>
      reject(new ApiError(0, 'NETWORK', 'the upload failed: check your connection and try again'));
    xhr.onload = () => {
      const res = new Response(xhr.responseText, { status: xhr.status });
      parse<T>(res).then(resolve, reject);
    };
    xhr.send(form);
  });
}

/** The user cancelled an upload. */
export class UploadCancelled extends ApiError {
  constructor() {
    super(0, 'CANCELLED', 'the upload was cancelled: send it again when you are ready');
  }
}

/** Fetches a file (with the session) and hands it to the browser as a download. */
export async function download(path: string, fallbackName: string): Promise<void> {
  const res = await fetchFile(path);
  const blob = await res.blob();
  const name = /filename\*=UTF-8''([^;]+)/.exec(res.headers.get('content-disposition') ?? '')?.[1];
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name ? decodeURIComponent(name) : fallbackName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 60_000);
}
