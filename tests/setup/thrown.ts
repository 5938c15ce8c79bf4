/** The error a promise rejects with, for assertions on its type and fields; fails if it resolves. */
export async function thrown(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the call to throw');
}
