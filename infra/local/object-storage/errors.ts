import type { IncomingMessage, ServerResponse } from 'node:http';

/** A refusal in S3's terms: the HTTP status and the `<Code>` the SDK turns into an exception name. */
export class S3Error extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, string> = {},
  ) {
    super(message);
    this.name = code;
  }
}

export function sendError(
  request: IncomingMessage,
  response: ServerResponse,
  error: S3Error,
  rawPath: string,
  requestId: string,
): void {
  if (response.headersSent) {
    // Midway through a GET body: all that is left is to cut the connection.
    response.destroy();
    return;
  }
  const details = Object.entries(error.extra)
    .map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`)
    .join('');
  const body =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${error.code}</Code><Message>${escapeXml(error.message)}</Message>${details}` +
    `<Resource>${escapeXml(rawPath)}</Resource><RequestId>${requestId}</RequestId></Error>`;
  const head = request.method === 'HEAD';
  response.writeHead(error.status, {
    'content-type': 'application/xml',
    'content-length': head ? '0' : String(Buffer.byteLength(body)),
  });
  response.end(head ? undefined : body);
}

function escapeXml(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.charCodeAt(0);
    if ('<>&\'"'.includes(char)) out += `&#${code};`;
    // Control characters are not allowed in XML 1.0, not even escaped (a key may hold them).
    else if (code < 0x20 && char !== '\t' && char !== '\n' && char !== '\r') out += '\uFFFD';
    else out += char;
  }
  return out;
}

export function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
