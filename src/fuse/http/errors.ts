import type { ZodError } from 'zod';

export type FieldErrors = Record<string, string>;

/** Bad input from the caller: a 400 with one message per field, nothing written. */
export class ValidationError extends Error {
  readonly status = 400;
  constructor(
    readonly fields: FieldErrors,
    message = 'Some fields need attention.',
  ) {
    super(message);
    this.name = 'ValidationError';
  }

  static fromZod(error: ZodError): ValidationError {
    const fields: FieldErrors = {};
    for (const issue of error.issues) {
      const key = issue.path.join('.') || 'body';
      fields[key] ??= issue.message;
    }
    return new ValidationError(fields);
  }
}

/** Missing, or belonging to another business: the caller cannot tell the two apart. */
export class NotFoundError extends Error {
  readonly status = 404;
  constructor(message = 'Not found.') {
    super(message);
    this.name = 'NotFoundError';
  }
}

export class ConflictError extends Error {
  readonly status = 409;
  constructor(message: string) {
    super(message);
    this.name = 'ConflictError';
  }
}

/** The business's plan does not allow this (a limit reached, or payment overdue): a 402 that says where to upgrade. */
export class PaymentRequiredError extends Error {
  readonly status = 402;
  constructor(
    message: string,
    readonly upgradeUrl: string,
    /** The limit reached (`clients`, `members`), or `payment` for an overdue one. */
    readonly limit: string,
  ) {
    super(message);
    this.name = 'PaymentRequiredError';
  }
}
