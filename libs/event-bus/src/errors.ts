/** Base class of every error the bus throws on purpose. */
export class EventBusError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The event does not match the catalogue (unknown name, bad envelope or payload). */
export class InvalidEventError extends EventBusError {
  constructor(
    readonly eventName: string,
    readonly details: string,
  ) {
    super(`invalid event ${eventName}: ${details}`);
  }
}

/** The command request does not match its schema, or the name is not in the catalogue. */
export class InvalidCommandError extends EventBusError {
  constructor(
    readonly command: string,
    readonly details: string,
  ) {
    super(`invalid command ${command}: ${details}`);
  }
}

/** No reply within the bounded wait. The request carries a deadline, so it is not executed late. */
export class CommandTimeoutError extends EventBusError {
  constructor(
    readonly command: string,
    readonly target: string | undefined,
    readonly timeoutMs: number,
    readonly requestId: string,
  ) {
    super(`command ${command}${target ? ` to ${target}` : ''} got no reply within ${timeoutMs} ms`);
  }
}

/** The handler threw (or returned a reply that fails its schema); carries the handler's message. */
export class CommandFailedError extends EventBusError {
  constructor(
    readonly command: string,
    readonly target: string | undefined,
    readonly reason: string,
    readonly requestId: string,
    readonly handledBy?: string,
  ) {
    super(`command ${command}${target ? ` to ${target}` : ''} failed: ${reason}`);
  }
}

/** Redis did not acknowledge a publish in time. The event may still be delivered later: retry with the same eventId. */
export class PublishTimeoutError extends EventBusError {
  constructor(
    readonly eventNames: string[],
    readonly timeoutMs: number,
  ) {
    super(`publish of ${eventNames.join(', ')} not acknowledged within ${timeoutMs} ms`);
  }
}

/** The bus was closed. */
export class BusClosedError extends EventBusError {
  constructor() {
    super('the event bus is closed');
  }
}

/** Throw from a handler for a failure that retrying cannot fix: the event goes straight to dead letters. */
export class PermanentEventError extends EventBusError {}
