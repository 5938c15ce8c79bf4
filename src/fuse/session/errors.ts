export class UnauthorizedError extends Error {
  readonly status = 401;
  constructor(message = 'Sign in to continue.') {
    super(message);
    this.name = 'UnauthorizedError';
  }
}

export class ForbiddenError extends Error {
  readonly status = 403;
  constructor(message = 'Your rank does not allow this.') {
    super(message);
    this.name = 'ForbiddenError';
  }
}
