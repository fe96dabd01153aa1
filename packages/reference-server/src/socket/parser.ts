import { Decoder, Encoder, PacketType } from 'socket.io-parser';
import { PAYLOAD_SHAPE } from '@synapse-calling/protocol/schemas';

/**
 * What an event handler receives instead of a payload the parser refused to build; the
 * dispatcher answers it `invalid-payload` with `problem` as the message.
 */
export class RefusedPayload {
  constructor(readonly problem: string) {}
}

/** A frame's JSON is the event's argument array, one level above the payload itself. */
const MAX_FRAME_DEPTH = PAYLOAD_SHAPE.maxDepth + 1;
/** socket.io-parser's own default; a packet announcing more closes the connection. */
const MAX_ATTACHMENTS = 10;

const BINARY_REFUSED = 'binary data is not accepted';
const TOO_DEEP = `nested deeper than ${PAYLOAD_SHAPE.maxDepth} levels`;

/**
 * Socket.IO's decoder, with the cost of a hostile frame bounded before it is parsed. Protocol v1
 * is JSON only, so a binary event is refused at its header: its attachments are dropped as they
 * arrive, never buffered nor put back into the payload. A frame nested deeper than any event
 * needs is refused after one pass over its characters instead of a JSON.parse (tens of
 * milliseconds for 30,000 levels). Both reach the handlers as a `RefusedPayload`, so the client
 * gets `invalid-payload` for that event and the rate limit counts it like any other.
 */
class BoundedDecoder extends Decoder {
  /** Attachments of a refused binary event still to come. */
  private dropping = 0;

  constructor() {
    super({ maxAttachments: MAX_ATTACHMENTS });
  }

  override add(frame: unknown): void {
    if (typeof frame !== 'string') {
      if (this.dropping > 0) {
        this.dropping -= 1;
        return;
      }
      return super.add(frame);
    }
    if (this.dropping > 0) throw new Error('text frame inside a binary packet');
    const header = readHeader(frame);
    // Anything the header parse does not understand is left to the real decoder to refuse.
    if (!header) return super.add(frame);
    const binary = header.type === PacketType.BINARY_EVENT || header.type === PacketType.BINARY_ACK;
    const problem = binary ? BINARY_REFUSED : tooDeep(frame, header.jsonStart) ? TOO_DEEP : '';
    if (!problem) return super.add(frame);
    const event =
      header.type === PacketType.EVENT || header.type === PacketType.BINARY_EVENT
        ? eventName(frame, header.jsonStart)
        : undefined;
    // Not an event we could answer (a handshake, an ack): a protocol error, which closes.
    if (event === undefined) throw new Error(problem);
    this.dropping = header.attachments;
    this.emitReserved('decoded', {
      type: PacketType.EVENT,
      nsp: header.nsp,
      ...(header.id === undefined ? {} : { id: header.id }),
      data: [event, new RefusedPayload(problem)],
    });
  }

  override destroy(): void {
    this.dropping = 0;
    super.destroy();
  }
}

/** Socket.IO's `parser` option: the standard encoder and the bounded decoder. */
export const boundedParser = { Encoder, Decoder: BoundedDecoder };

interface Header {
  type: number;
  attachments: number;
  nsp: string;
  id: number | undefined;
  jsonStart: number;
}

/**
 * The part of a packet before its JSON: `<type>[<attachments>-][<nsp>,][<id>]` (the grammar of
 * socket.io-parser's `decodeString`). Undefined for anything unexpected.
 */
function readHeader(frame: string): Header | undefined {
  const type = frame.charCodeAt(0) - 48;
  if (!(type in PacketType)) return undefined;
  let i = 1;
  let attachments = 0;
  if (type === PacketType.BINARY_EVENT || type === PacketType.BINARY_ACK) {
    const dash = frame.indexOf('-', 1);
    attachments = dash > 1 ? Number(frame.slice(1, dash)) : NaN;
    if (!Number.isInteger(attachments) || attachments < 1 || attachments > MAX_ATTACHMENTS) {
      return undefined;
    }
    i = dash + 1;
  }
  let nsp = '/';
  if (frame.charAt(i) === '/') {
    const comma = frame.indexOf(',', i);
    const end = comma === -1 ? frame.length : comma;
    nsp = frame.slice(i, end);
    i = end + 1;
  }
  const idStart = i;
  while (i < frame.length && isDigit(frame.charCodeAt(i))) i++;
  const id = i > idStart ? Number(frame.slice(idStart, i)) : undefined;
  return { type, attachments, nsp, id, jsonStart: i };
}

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_BRACKET = 91;
const OPEN_BRACE = 123;
const CLOSE_BRACKET = 93;
const CLOSE_BRACE = 125;

const isDigit = (code: number) => code >= 48 && code <= 57;

/** One pass over the JSON text: does any bracket nest deeper than MAX_FRAME_DEPTH? */
function tooDeep(frame: string, start: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = start; i < frame.length; i++) {
    const code = frame.charCodeAt(i);
    if (inString) {
      if (code === BACKSLASH) i++;
      else if (code === QUOTE) inString = false;
    } else if (code === QUOTE) {
      inString = true;
    } else if (code === OPEN_BRACKET || code === OPEN_BRACE) {
      if (++depth > MAX_FRAME_DEPTH) return true;
    } else if (code === CLOSE_BRACKET || code === CLOSE_BRACE) {
      depth--;
    }
  }
  return false;
}

/** The event name an event frame starts with (`["name",…`), if it is a plain JSON string. */
function eventName(frame: string, start: number): string | undefined {
  const match = /^\[\s*("(?:[^"\\]|\\.){1,100}")/.exec(frame.slice(start, start + 256));
  if (!match?.[1]) return undefined;
  try {
    return JSON.parse(match[1]) as string;
  } catch {
    return undefined;
  }
}
