// A scripted browser for runner tests: gets a ticket like the page does, speaks the
// terminal protocol, and collects what the shell prints.
import { WebSocket } from 'ws';
import { TERMINAL_PATH, TICKET_PATH, type ClientMessage, type ServerMessage } from '../terminal/protocol.ts';
import { waitUntil } from '../wait.ts';

export interface Learner {
  cookie: string;
}

/** A new learner: the runner hands out the cookie with their first ticket. */
export async function newLearner(baseUrl: string): Promise<Learner> {
  const response = await fetch(`${baseUrl}${TICKET_PATH}`, { method: 'POST', headers: { origin: baseUrl } });
  const cookie = response.headers.get('set-cookie')?.split(';')[0];
  if (!response.ok || !cookie) throw new Error(`no learner cookie (HTTP ${response.status})`);
  return { cookie };
}

/** The learner id inside the signed cookie ("<id>.<signature>"), as the runner knows them. */
export function learnerIdOf(learner: Learner): string {
  const value = learner.cookie.slice(learner.cookie.indexOf('=') + 1);
  return value.split('.')[0]!;
}

/** A ticket; with `size`, as the lesson page asks, the runner starts the shell with it. */
export async function ticketFor(baseUrl: string, learner: Learner, size?: { cols: number; rows: number }): Promise<string> {
  const response = await fetch(`${baseUrl}${TICKET_PATH}`, {
    method: 'POST',
    headers: { origin: baseUrl, cookie: learner.cookie },
    ...(size ? { body: JSON.stringify(size) } : {}),
  });
  if (!response.ok) throw new Error(`ticket refused: HTTP ${response.status}`);
  return ((await response.json()) as { ticket: string }).ticket;
}

export interface TerminalClientOptions {
  ticket?: string;
  origin?: string;
  cookie?: string;
  cols?: number;
  rows?: number;
  /** Send flow-control acks like the page does (default true). */
  acknowledge?: boolean;
  hello?: boolean;
}

const RAW_TAIL_BYTES = 1024 * 1024;

const stripAnsi = (text: string) =>
  // eslint-disable-next-line no-control-regex
  text.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[()][0-9A-B]|\r/g, '');

export class TerminalClient {
  readonly socket: WebSocket;
  readonly controls: ServerMessage[] = [];
  /** Raw output since the last `ready` (its last MiB or so). */
  raw = Buffer.alloc(0);
  receivedBytes = 0;
  closeCode: number | null = null;
  readonly closed: Promise<number>;
  private readonly acknowledge: boolean;
  private unacked = 0;

  private constructor(socket: WebSocket, acknowledge: boolean) {
    this.socket = socket;
    this.acknowledge = acknowledge;
    this.closed = new Promise((resolve) => {
      socket.on('close', (code) => {
        this.closeCode = code;
        resolve(code);
      });
    });
    socket.on('message', (data: Buffer, isBinary) => {
      if (!isBinary) {
        const message = JSON.parse(data.toString('utf8')) as ServerMessage;
        this.controls.push(message);
        if (message.type === 'ready') this.raw = Buffer.alloc(0);
        return;
      }
      this.receivedBytes += data.length;
      // The tail is all any test reads; keeping everything would make a 50 MB flood
      // quadratic.
      this.raw = Buffer.concat([this.raw.length > RAW_TAIL_BYTES ? this.raw.subarray(-RAW_TAIL_BYTES) : this.raw, data]);
      if (this.acknowledge) {
        this.unacked += data.length;
        if (this.unacked >= 16 * 1024) {
          this.send({ type: 'ack', bytes: this.unacked });
          this.unacked = 0;
        }
      }
    });
  }

  /** Opens a socket; resolves once it is open (or rejects with the HTTP status). */
  static open(baseUrl: string, options: TerminalClientOptions): Promise<TerminalClient> {
    const url = new URL(TERMINAL_PATH, baseUrl.replace(/^http/, 'ws'));
    if (options.ticket) url.searchParams.set('ticket', options.ticket);
    const headers: Record<string, string> = {};
    if (options.origin !== undefined) headers.origin = options.origin;
    if (options.cookie) headers.cookie = options.cookie;
    const socket = new WebSocket(url, { headers });
    const client = new TerminalClient(socket, options.acknowledge ?? true);
    return new Promise((resolve, reject) => {
      socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      socket.once('error', reject);
      socket.once('open', () => {
        if (options.hello !== false) {
          client.send({ type: 'hello', cols: options.cols ?? 100, rows: options.rows ?? 30 });
        }
        resolve(client);
      });
    });
  }

  /** Connects a learner like the page does: fresh ticket, allowed origin, cookie. */
  static async connect(
    baseUrl: string,
    learner: Learner,
    options: Omit<TerminalClientOptions, 'ticket' | 'cookie'> = {},
  ): Promise<TerminalClient> {
    const ticket = await ticketFor(baseUrl, learner);
    return TerminalClient.open(baseUrl, { origin: baseUrl, ...options, ticket, cookie: learner.cookie });
  }

  get text(): string {
    return stripAnsi(this.raw.toString('utf8'));
  }

  send(message: ClientMessage): void {
    this.socket.send(JSON.stringify(message));
  }

  type(keys: string): void {
    this.socket.send(Buffer.from(keys, 'utf8'), { binary: true });
  }

  async waitFor(pattern: RegExp | string, timeoutMs = 10_000): Promise<string> {
    return waitUntil(
      String(pattern),
      () => {
        if (typeof pattern === 'string' ? this.text.includes(pattern) : pattern.test(this.text)) return this.text;
        if (this.closeCode !== null) throw new Error(`socket closed (${this.closeCode}) while waiting for ${String(pattern)}`);
        return undefined;
      },
      {
        timeoutMs,
        intervalMs: 10,
        retryErrors: false,
        timeoutError: () => new Error(`timed out waiting for ${String(pattern)}; screen so far:\n${this.text.slice(-2000)}`),
      },
    );
  }

  /** Waits for the shell prompt ("… $ "). */
  waitForPrompt(timeoutMs?: number): Promise<string> {
    return this.waitFor(/\$ $/m, timeoutMs);
  }

  /** Runs a command and returns what it printed between two unique markers. */
  async run(command: string, timeoutMs?: number): Promise<string> {
    const marker = `M${Math.random().toString(36).slice(2, 10)}`;
    // printf, so the echoed command line itself never contains the finished markers.
    this.type(`printf '%s-A\\n' ${marker}; ${command}; printf '%s-B\\n' ${marker}\n`);
    const text = await this.waitFor(new RegExp(`${marker}-B\\n`), timeoutMs);
    const start = text.lastIndexOf(`${marker}-A\n`);
    const end = text.lastIndexOf(`${marker}-B\n`);
    return text.slice(start + marker.length + 3, end);
  }

  close(): Promise<number> {
    this.socket.close();
    return this.closed;
  }
}
