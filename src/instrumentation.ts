/**
 * Runs once when the server starts. Configuration is validated here so a bad or missing variable
 * stops the process at start with a message naming it, not at the first request.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { startServer } = await import('./fuse/startup');
    await startServer();
  }
}
